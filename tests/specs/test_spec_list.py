"""``voucherify-inspect spec list``: what a user sees, and exit status 2 for an unusable spec."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspector.cli import main
from tests.specs.conftest import FIXTURE


def _lines(text: str) -> list[list[str]]:
    return [line.split() for line in text.splitlines()]


def test_built_in_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spec", "list"]) == 0
    out = capsys.readouterr().out
    rows = _lines(out)
    assert [r[:2] for r in rows[:2]] == [
        ["customer.holder.assignment.created", "built-in"],
        ["customer.holder.assignment.deleted", "built-in"],
    ]
    assert "2 event types: 2 built in; get every event type with `voucherify-inspect spec fetch`" in out


def test_with_a_spec_lists_type_origin_title_count_and_shadowed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spec", "list", "--spec", str(FIXTURE)]) == 0
    out = capsys.readouterr().out
    by_type = {line.split()[0]: line for line in out.splitlines() if line and not line[0].isspace()}
    assert by_type["shop.order.created"].split(None, 2) == ["shop.order.created", str(FIXTURE), "Event Shop Order"]
    assert by_type["manual_distribution_schedule"].split(None, 2)[2] == "Manual Distribution Scheduled"
    assert by_type["customer.holder.assignment.created"].split()[1] == "built-in"
    assert "6 event types: 2 built in, 4 from --spec (5 events in 1 spec file, loaded in " in out
    assert f"  customer.holder.assignment.created  from {FIXTURE}  (kept: built-in)" in out


def test_spec_from_the_environment(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("VOUCHERIFY_INSPECT_SPEC", str(FIXTURE))
    assert main(["spec", "list"]) == 0
    assert "shop.order.updated" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not valid JSON"),
        (json.dumps({"openapi": "3.1.0", "paths": {}}), "defines no webhook events"),
        (
            json.dumps({"openapi": "3.1.0", "webhooks": {"EVENTS.A.B": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Gone"}}}}}}}}),
            "$ref '#/components/schemas/Gone' points at nothing",
        ),
    ],
)
def test_unusable_spec_exits_2_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str) -> None:
    path = tmp_path / "spec.json"
    path.write_text(content)
    assert main(["spec", "list", "--spec", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"voucherify-inspect: {path}: ")
    assert message in captured.err
    assert "Traceback" not in captured.err
    assert main(["validate", "--spec", str(path), str(FIXTURE)]) == 2
    assert message in capsys.readouterr().err


def test_hostile_title_is_shown_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = {"openapi": "3.1.0", "webhooks": {"EVENTS.EVIL.ONE": {"post": {"requestBody": {"content": {"application/json": {
        "schema": {"type": "object", "title": "\x1b]52;c;aGk=\x07[bold]x"}}}}}}}}
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(spec))
    assert main(["spec", "list", "--spec", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "evil.one" in out and "[bold]x" in out
