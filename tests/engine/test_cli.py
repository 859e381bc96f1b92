"""``voucherify-inspect validate`` as scripts use it: exit codes, the JSON contract, stdin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.engine.conftest import ROOT, SAMPLES


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "inspector", *args], input=stdin, capture_output=True, cwd=ROOT, timeout=120
    )


def test_clean_payload_exits_0() -> None:
    proc = run("validate", str(SAMPLES / "holder-assignment-created.envelope.json"))
    assert proc.returncode == 0, proc.stderr
    assert b"0 errors" in proc.stdout and b"12 warnings" in proc.stdout
    assert proc.stderr == b""


def test_errors_exit_1() -> None:
    proc = run("validate", str(SAMPLES / "invalid-enum-values.envelope.json"))
    assert proc.returncode == 1
    assert b"/data/holder/holder_role" in proc.stdout


def test_unreadable_input_exits_2_and_is_still_reported() -> None:
    proc = run("validate", "--format", "json", str(SAMPLES / "invalid-json-trailing-comma.json"), str(SAMPLES / "holder-assignment-created.data.json"))
    assert proc.returncode == 2
    results = json.loads(proc.stdout)["results"]
    assert [r["form"] for r in results] == ["unknown", "data"]
    issue = results[0]["issues"][0]
    assert (issue["code"], issue["line"], issue["column"]) == ("json.parse", 2, 27)


def test_missing_file_exits_2_without_traceback(tmp_path: Path) -> None:
    proc = run("validate", str(tmp_path / "nope.json"))
    assert proc.returncode == 2
    assert b"Traceback" not in proc.stderr + proc.stdout
    assert b"no such file" in proc.stdout


def test_json_contract() -> None:
    proc = run("validate", "--format", "json", str(SAMPLES / "events.ndjson"))
    assert proc.returncode == 2  # its last line is truncated
    report = json.loads(proc.stdout)
    assert set(report) == {"results"}
    for r in report["results"]:
        assert set(r) == {"source", "line", "form", "event_type", "validated", "errors", "warnings", "issues"}
        assert isinstance(r["line"], int) and isinstance(r["validated"], bool)
        assert r["form"] in {"data", "envelope", "distribution", "activity", "legacy", "unknown"}
        assert r["errors"] == sum(1 for i in r["issues"] if i["severity"] == "error")
        assert r["warnings"] == sum(1 for i in r["issues"] if i["severity"] == "warning")
        for i in r["issues"]:
            assert {"pointer", "severity", "code", "message"} <= set(i)
            assert i["pointer"] == "" or i["pointer"].startswith("/")
            assert i["severity"] in {"error", "warning", "info"}
    assert [r["line"] for r in report["results"]] == [1, 2, 3, 4, 5, 6]
    assert [r["validated"] for r in report["results"]] == [True, True, True, True, True, False]


def test_stdin_and_type() -> None:
    data = (SAMPLES / "holder-assignment-created.data.json").read_bytes()
    proc = run("validate", "--format", "json", "--type", "customer.holder.assignment.deleted", "-", stdin=data)
    assert proc.returncode == 0
    [result] = json.loads(proc.stdout)["results"]
    assert (result["source"], result["event_type"]) == ("<stdin>", "customer.holder.assignment.deleted")


@pytest.mark.parametrize("payload", [b'{"customer": {"name": "\\u001b]52;c;aGk=\\u0007"}, "holder": 5}', b'{"\\u001b[2J": 1, "holder": {}}'])
def test_text_report_never_prints_control_characters(payload: bytes) -> None:
    proc = run("validate", "--color", "never", "-", stdin=payload)
    assert b"\x1b" not in proc.stdout and b"\x07" not in proc.stdout


def test_color_on_request() -> None:
    proc = run("validate", "--color", "always", str(SAMPLES / "invalid-enum-values.envelope.json"))
    assert b"\x1b[31m" in proc.stdout


@pytest.mark.parametrize("args", [["validate", str(SAMPLES / "holder-assignment-created.data.json")], ["--help"], ["validate", "--help"]])
def test_validate_and_help_import_no_ui_or_http(args: list[str]) -> None:
    code = (
        "import sys\n"
        "from inspector.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in ('textual', 'aiohttp', 'rich') if m in sys.modules)\n"
        "sys.stderr.write(repr(heavy))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=ROOT, timeout=60)
    assert proc.stderr.endswith(b"[]"), proc.stderr[-500:]


def test_a_folder_stands_for_its_payload_files(tmp_path: Path) -> None:
    (tmp_path / "b.json").write_bytes((SAMPLES / "invalid-enum-values.envelope.json").read_bytes())
    (tmp_path / "a.ndjson").write_bytes((SAMPLES / "events.ndjson").read_bytes().split(b"\n")[0] + b"\n")
    (tmp_path / "notes.txt").write_text("not a payload")
    (tmp_path / "sub").mkdir()
    proc = run("validate", "--format", "json", str(tmp_path))
    assert proc.returncode == 1
    sources = [r["source"] for r in json.loads(proc.stdout)["results"]]
    assert sources == [str(tmp_path / "a.ndjson"), str(tmp_path / "b.json")]


def test_an_empty_folder_is_reported(tmp_path: Path) -> None:
    proc = run("validate", str(tmp_path))
    assert proc.returncode == 2
    assert b"is a directory" in proc.stdout


def test_a_type_no_schema_has_is_refused_with_suggestions() -> None:
    proc = run("validate", "--type", "customer.holder.assigment.created", str(SAMPLES / "holder-assignment-created.data.json"))
    assert proc.returncode == 2 and proc.stdout == b""
    assert b"did you mean customer.holder.assignment.created" in proc.stderr
    assert b"voucherify-inspect spec fetch" in proc.stderr


def test_a_type_in_the_docs_key_form_is_accepted() -> None:
    proc = run("validate", "--format", "json", "--type", "EVENTS.CUSTOMER.HOLDER.ASSIGNMENT.DELETED", str(SAMPLES / "holder-assignment-created.data.json"))
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["results"][0]["event_type"] == "customer.holder.assignment.deleted"


@pytest.mark.parametrize("name", ["nope.json", "no\x1b[31mpe.json"])
def test_open_with_a_missing_path_fails_on_the_command_line(name: str) -> None:
    proc = run(str(SAMPLES / "holder-assignment-created.envelope.json"), name)
    assert proc.returncode == 2
    lines = proc.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "no such file" in lines[0]
    assert "\x1b" not in lines[0]


def test_strict_fails_warnings_and_payloads_not_validated() -> None:
    warnings_only = str(SAMPLES / "holder-assignment-created.envelope.json")
    legacy = str(SAMPLES / "legacy-envelope.json")
    assert run("validate", warnings_only).returncode == 0
    assert run("validate", "--strict", warnings_only).returncode == 1
    assert run("validate", legacy).returncode == 0
    proc = run("validate", "--strict", legacy)
    assert proc.returncode == 1 and b"1 not validated" in proc.stdout
    assert run("validate", "--strict", str(SAMPLES / "invalid-json-trailing-comma.json")).returncode == 2
    assert run("validate", "--strict", "--format", "json", "-", stdin=b'{"foo": 1}').returncode == 1
    clean = b'{"holder": {}}'
    assert run("validate", "--strict", "--type", "customer.holder.assignment.created", "-", stdin=clean).returncode == 1  # errors
    assert run("validate", "--strict", "--type", "customer.holder.assignment.created", "-", stdin=json.dumps(
        json.loads((SAMPLES / "holder-assignment-created.data.json").read_text())).encode()).returncode == 1  # its nulls


def test_format_github_annotations(tmp_path: Path) -> None:
    lines = [
        (SAMPLES / "holder-assignment-created.envelope.json").read_text().replace("\n", ""),
        '{"foo": 1}',
        '{"holder": {"id": "a,b:c%\\n"}, "voucher": {}, "x": 1,}',
    ]
    ndjson = tmp_path / "events.ndjson"
    ndjson.write_text("\n".join(lines) + "\n")
    proc = run("validate", "--format", "github", str(ndjson), str(SAMPLES / "invalid-enum-values.envelope.json"))
    assert proc.returncode == 2  # the third line does not parse
    out = proc.stdout.decode().splitlines()
    annotations = [line for line in out if line.startswith("::")]
    assert out[-1].startswith("4 payloads:") and not out[-1].startswith("::")
    first = [a for a in annotations if f"file={ndjson}".replace(":", "%3A") in a and ",line=1," in a]
    assert len(first) == 12 and all(a.startswith("::warning ") for a in first)
    assert any(a.startswith("::warning ") and ",line=2," in a and "title=not validated (schema.unknown-event)" in a for a in annotations)
    [parse] = [a for a in annotations if ",line=3," in a]
    assert parse.startswith("::error ") and ",col=" in parse and "title=json.parse::" in parse
    enum = [a for a in annotations if "invalid-enum-values" in a and a.startswith("::error ")]
    # A single-document file: each annotation on the line where its field is written.
    text = (SAMPLES / "invalid-enum-values.envelope.json").read_text().splitlines()
    lines = [int(a.split(",line=")[1].split(",")[0]) for a in enum]
    assert [text[n - 1].strip().split(":")[0] for n in lines] == ['"holder_role"', '"type"', '"channel"']
    assert "::/data/holder/holder_role expected one of" in enum[0]


def test_format_github_puts_a_missing_field_on_its_parent_line() -> None:
    proc = run("validate", "--format", "github", str(SAMPLES / "invalid-missing-required.envelope.json"))
    text = (SAMPLES / "invalid-missing-required.envelope.json").read_text().splitlines()
    required = [a for a in proc.stdout.decode().splitlines() if "title=required::" in a]
    assert required and all(a.startswith("::error ") for a in required)
    parents = [text[int(a.split(",line=")[1].split(",")[0]) - 1].strip() for a in required]
    assert parents == ['"holder": {', '"voucher": {', '"event": {']


def test_format_github_escapes_what_would_end_a_command() -> None:
    payload = b'{"holder": {"id": 5, "x,y%0A": 1}, "voucher": {}, "campaign": {}, "customer": {"\\u001b\\n": "a"}}'
    proc = run("validate", "--format", "github", "-", stdin=payload)
    assert proc.returncode == 1
    for line in proc.stdout.decode().splitlines()[:-1]:
        command, _, message = line.partition("::")[2].partition("::")
        assert "%0A" not in command or "%250A" in line
        assert "\n" not in message and "\x1b" not in line
    assert "%250A" in proc.stdout.decode()  # a literal %0A in a key cannot become a newline


def test_json_text_is_the_json_of_the_analysis_however_often_issues_repeat() -> None:
    """validate writes Analysis.json_text(), built from remembered issue texts: it must be the
    very document json.dumps(to_json()) gives, for repeated and one-off issues alike."""
    from inspector.engine.analyze import Engine
    from inspector.engine.inputs import analyze_paths

    engine = Engine()
    results = analyze_paths(engine, [str(p) for p in sorted(SAMPLES.glob("*.json"))] + [str(SAMPLES / "events.ndjson")])
    hostile = [b'{"\\u001b[2J": null, "holder": {"id": "\\u202e", "id": 1}}', b'{"a": "\\ud800"}', b"{'x': 1}", b'{"n": 1e400}']
    for raw in hostile * 2:
        results.extend(engine.analyze_bytes(raw, source="h\x1bx.json"))
    results.extend(analyze_paths(engine, [str(SAMPLES / "holder-assignment-created.data.json")] * 3))
    for r in results:
        assert r.json_text() == json.dumps(r.to_json())
