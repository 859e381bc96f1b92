"""Hostile bytes: every one ends as a clear issue with its position, never a traceback."""

from __future__ import annotations

import json

import pytest

from inspector.engine.analyze import Engine
from inspector.engine.jsonparse import iter_documents, iter_ndjson_lines, parse_bytes
from tests.engine.conftest import SAMPLES


def _only(engine: Engine, data: bytes):  # type: ignore[no-untyped-def]
    [result] = engine.analyze_bytes(data, source="x")
    return result


@pytest.mark.parametrize(
    ("data", "code", "line", "column"),
    [
        (b'{\n  "a": 1,\n}', "json.parse", 3, 1),
        (b'{"a": tru}', "json.parse", 1, 7),
        (b"", "json.empty", 1, 1),
        (b"  \n\t ", "json.empty", 1, 1),
        (b'{"a": "\xff"}', "json.encoding", 1, 8),
        (b'{\n"a": "caf\xc3"}', "json.encoding", 2, 10),
        (b"\xff\xfe{\x00}\x00", "json.encoding", 1, 1),
        (b'{"a": NaN}', "json.parse", 1, 7),
        (b'{"x": "NaN", "a": [1, -Infinity]}', "json.parse", 1, 23),
        (b'{"a": Infinity}', "json.parse", 1, 7),
    ],
)
def test_unreadable_input_has_a_position(engine: Engine, data: bytes, code: str, line: int, column: int) -> None:
    result = _only(engine, data)
    assert not result.readable
    [issue] = result.issues
    assert (issue.code, issue.severity, issue.line, issue.column) == (code, "error", line, column)
    assert f"line {line}, column {column}" in issue.message


def test_bom_is_a_warning_and_the_payload_still_reads(engine: Engine) -> None:
    result = _only(engine, b'\xef\xbb\xbf{"holder": {}}')
    assert result.readable
    assert [(i.code, i.severity, i.line) for i in result.issues if i.code == "json.bom"] == [("json.bom", "warning", 1)]


def test_deep_nesting(engine: Engine) -> None:
    data = b"[" * 100_000 + b"]" * 100_000
    result = _only(engine, data)
    assert not result.readable
    assert "nesting" in result.issues[0].message and result.issues[0].line == 1


def test_nesting_the_parser_accepts_is_still_bounded(engine: Engine) -> None:
    depth = 600
    data = b'{"holder": {}, "voucher": {}, "campaign": {}, "customer": {"metadata": ' + b'{"a":' * depth + b"1" + b"}" * depth + b"}}"
    result = _only(engine, data)
    assert result.readable
    assert any(i.code == "json.too-deep" for i in result.issues)


def test_big_numbers(engine: Engine) -> None:
    result = _only(engine, b'{"customer": {"metadata": {"big": 1234567890123456789012345678901234567890, "huge": 1e400}}, "holder": {}}')
    found = {(i.code, i.pointer) for i in result.issues}
    assert ("number.precision", "/customer/metadata/big") in found
    assert ("number.overflow", "/customer/metadata/huge") in found


def test_integer_longer_than_python_converts(engine: Engine) -> None:
    result = _only(engine, b'{"a": ' + b"9" * 5000 + b"}")
    assert not result.readable and result.issues[0].line == 1 and result.issues[0].column == 7


def test_duplicate_keys_are_warnings_with_pointers(engine: Engine) -> None:
    result = _only(engine, b'{"holder": {"id": "a", "id": "b"}, "x": 1, "x": 2}')
    dups = sorted(i.pointer for i in result.issues if i.code == "json.duplicate-key")
    assert dups == ["/holder/id", "/x"]
    assert result.payload["holder"]["id"] == "b"


@pytest.mark.parametrize("data", [b"[]", b"[{}]", b'"text"', b"42", b"null", b"true"])
def test_top_level_non_objects(engine: Engine, data: bytes) -> None:
    result = _only(engine, data)
    assert result.readable and result.errors == 1
    assert result.issues[0].code == "payload.not-object"


def test_ndjson_lines_are_numbered_and_a_bad_line_does_not_hide_the_rest(engine: Engine) -> None:
    data = b'{"holder": {}}\n\n{"bad": \n{"customer": {}}\n'
    results = engine.analyze_bytes(data, source="x.ndjson", ndjson=True)
    assert [(r.line, r.readable) for r in results] == [(1, True), (3, False), (4, True)]
    assert results[1].issues[0].line == 3


def test_several_values_one_a_line_are_read_as_ndjson_without_the_suffix() -> None:
    docs = list(iter_documents(b'{"a": 1}\n{"b": 2}\n'))
    assert [d.value for d in docs] == [{"a": 1}, {"b": 2}]
    assert [d.line for d in docs] == [1, 2]


def test_fifty_megabytes(engine: Engine) -> None:
    blob = "x" * (50 * 1024 * 1024)
    payload = {"holder": {}, "voucher": {}, "campaign": {}, "customer": {"metadata": {"blob": blob}}}
    data = json.dumps(payload).encode()
    assert len(data) > 50 * 1024 * 1024
    result = _only(engine, data)
    assert result.readable and result.form == "data"
    del data, blob


def test_fifty_megabytes_of_garbage() -> None:
    data = b"{" + b"\x00" * (50 * 1024 * 1024)
    doc = parse_bytes(data)
    assert not doc.ok and doc.issues[0].code == "json.parse"


@pytest.mark.parametrize(
    "data",
    [
        (SAMPLES / "events.ndjson").read_bytes(),
        b'\xef\xbb\xbf{"a": 1}\n\n  \n{"b": 2,}\n{"c": NaN}\r\n[1]',
        b"",
        b"\n\n",
        b'{"a": 1}\n{"k": "\xff"}\n{"z": 1}\n',
        b"\xff\xfe{\x00}\x00",
    ],
)
def test_ndjson_read_line_by_line_says_what_the_whole_file_reader_says(data: bytes) -> None:
    """``validate`` streams .ndjson files; the result matches reading them whole, except that a
    line that is not UTF-8 no longer makes the lines around it unreadable."""
    import io

    streamed = [(d.line, d.ok, [i.to_json() for i in d.issues]) for d in iter_ndjson_lines(io.BytesIO(data))]
    whole = [(d.line, d.ok, [i.to_json() for i in d.issues]) for d in iter_documents(data, ndjson=True)]
    if b"\xff\"" in data:
        assert [ok for _, ok, _ in streamed] == [True, False, True]
        assert streamed[1][2][0]["code"] == "json.encoding" and streamed[1][2][0]["line"] == 2
    else:
        assert streamed == whole
