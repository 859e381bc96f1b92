"""Unreadable JSON is shown where it breaks: the line, a caret under the column, a plain hint;
duplicate keys say which values were seen and which one is kept."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from inspector.engine.analyze import Engine
from inspector.engine.jsonparse import CONTEXT_WIDTH, parse_bytes
from inspector.engine.report import text_block
from tests.engine.conftest import ROOT, SAMPLES


def _issue(engine: Engine, data: bytes):  # type: ignore[no-untyped-def]
    [result] = engine.analyze_bytes(data, source="x")
    assert not result.readable
    [issue] = result.issues
    assert issue.context is not None
    return issue


@pytest.mark.parametrize(
    ("data", "line_text", "column", "hint"),
    [
        (b'{\n  "a": 1,\n  "b": 2,\n}', "}", 1, "a trailing comma before }"),
        (b'{"ids": [1, 2,]}', '{"ids": [1, 2,]}', 15, "a trailing comma before ]"),
        (b"{'a': 1}", "{'a': 1}", 2, "double quotes, not single quotes"),
        (b'{"a": \'x\'}', '{"a": \'x\'}', 7, "double quotes, not single quotes"),
        (b"{\n  holder: {}\n}", "  holder: {}", 3, 'keys take double quotes: "key": value'),
        (b'{"holder": {"id": "rh_0f1477', '{"holder": {"id": "rh_0f1477', 19, "cut off mid-string"),
        (b'{\n  "id": "rh_0f\n}', '  "id": "rh_0f', 15, "a string runs to the end of the line"),
        (b'{\n  // the holder\n  "a": 1\n}', "  // the holder", 3, "JSON has no comments"),
        (b'{"a": 1} /* note */', '{"a": 1} /* note */', 10, "JSON has no comments"),
        (b'{"a": 1}{"b": 2}', '{"a": 1}{"b": 2}', 9, "a second JSON document follows the first"),
        (b'{"a": True}', '{"a": True}', 7, "true, false and null in lower case"),
        (b'{"a": 1 "b": 2}', '{"a": 1 "b": 2}', 9, "a comma is missing"),
        (b'{"a": {"b": 1}', '{"a": {"b": 1}', 15, "the document ends before it is complete"),
    ],
)
def test_each_common_mistake_gets_its_excerpt_and_hint(engine: Engine, data: bytes, line_text: str, column: int, hint: str) -> None:
    issue = _issue(engine, data)
    context = issue.context
    assert (context.line_text, context.column) == (line_text, column)
    assert hint in context.hint and hint in issue.message
    assert context.line == issue.line
    assert issue.to_json()["context"] == {"line_text": line_text, "column": column}


def test_an_unrecognised_error_has_an_excerpt_and_no_hint(engine: Engine) -> None:
    issue = _issue(engine, b'{"a": -}')
    assert (issue.context.line_text, issue.context.column, issue.context.hint) == ('{"a": -}', 7, "")


def test_long_lines_are_windowed_around_the_column(engine: Engine) -> None:
    data = b'{"pad": "' + b"x" * 5000 + b'", "a": 1,}' + b" " * 3000
    issue = _issue(engine, data)
    text, column = issue.context.line_text, issue.context.column
    assert len(text) <= CONTEXT_WIDTH + 2 and text.startswith("…") and text.endswith("…")
    assert text[column - 1] == "}" and text[column - 2] == ","


@pytest.mark.parametrize("hostile", ["\x1b[2J", "\x07", "\u202e", "\r", "\x00"])
def test_control_characters_in_the_excerpt_are_visible_escapes(engine: Engine, hostile: str) -> None:
    data = ('{"k": "' + hostile + '", x}').encode()
    issue = _issue(engine, data)
    text = issue.context.line_text
    assert hostile not in text and "\\" in text
    assert text[issue.context.column - 1] in "x\\"  # the caret stays on what the parser stopped at


def test_the_caret_sits_under_the_column_after_escapes_and_wide_characters(engine: Engine) -> None:
    [result] = engine.analyze_bytes('{"漢字":\tx}'.encode(), source="f.json")
    context = result.issues[0].context
    assert (context.line_text, context.column) == ('{"漢字":\\tx}', 9)
    source_line, caret_line = text_block(result).splitlines()[-2:]
    start = source_line.index("{")
    # the tab shown as two characters, and two cells for each wide character
    assert caret_line.index("^") - start == 8 + 2


def test_ndjson_lines_keep_their_own_number(engine: Engine) -> None:
    results = engine.analyze_bytes(b'{"a": 1}\n{"b": 2,}\n', source="x", ndjson=True)
    issue = results[1].issues[0]
    assert (issue.line, issue.context.line, issue.context.line_text) == (2, 2, '{"b": 2,}')


def test_bad_utf8_is_shown_in_its_line(engine: Engine) -> None:
    issue = _issue(engine, b'{\n"a": "caf\xe9 au lait"}')
    assert (issue.code, issue.context.line_text, issue.context.column) == ("json.encoding", '"a": "caf\\xe9 au lait"}', 10)


def test_text_report_shows_the_line_and_a_caret() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "inspector", "validate", "--color", "never", str(SAMPLES / "invalid-json-trailing-comma.json")],
        capture_output=True, cwd=ROOT, timeout=120, text=True,
    )
    assert proc.returncode == 2
    lines = proc.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if '"holder": {"id": "rh_1",},' in line)
    assert lines[at].lstrip().startswith("2 |")
    assert lines[at + 1].index("^") == lines[at].index(',}') + 1
    assert "trailing comma" in proc.stdout


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"holder": {"id": "a", "id": "b"}}', 'key appears 2 times in this object, with "a", then "b"; this payload keeps the last ("b")'),
        (b'{"n": 1, "n": {"x": 1}, "n": null}', "key appears 3 times in this object, with 1, then object with 1 key, then null; this payload keeps the last (null)"),
    ],
)
def test_duplicate_keys_say_what_was_seen_and_what_is_kept(data: bytes, message: str) -> None:
    doc = parse_bytes(data)
    [issue] = doc.issues
    assert issue.code == "json.duplicate-key" and issue.message.startswith(message)


def test_duplicate_key_values_are_cut_and_made_visible() -> None:
    doc = parse_bytes(json.dumps({"k": 1}).replace("}", ', "k": "' + "\\u001b" + "x" * 500 + '"}').encode())
    [issue] = doc.issues
    assert "\x1b" not in issue.message and len(issue.message) < 400
