"""Delivery issues in the live TUI (fake listener): a bad signature and a failed forward are
errors of the whole payload in the issues pane, the row, the summary line and ``n``; verdicts
and forward results that come after the row update all of them."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Static

from inspector.engine import issues as codes
from inspector.engine.analyze import Engine
from inspector.listen.capture import PENDING, Capture, Entry, Recent, Summary
from inspector.listen.history import delivery_issues
from inspector.tui.app import create_app
from inspector.tui.event_list import entry_row

from .conftest import FakeListener, load_sample, until


def _capture(n: int, **fields: Any) -> Capture:
    values: dict[str, Any] = dict(
        received_at=1_700_000_000.0 + n,
        method="POST",
        path="/",
        headers=[("content-type", "application/json")],
        body=b"{}",
        http_status=200,
        signature="pending",
        id=n,
    )
    values.update(fields)
    return Capture(**values)


def _settle(engine: Engine, entry: Entry, *, signature: str, detail: str) -> None:
    """What the listener's verdict thread does for a row, after the answer."""
    capture = entry.capture
    assert capture is not None
    capture.signature, capture.signature_detail = signature, detail
    analysis = engine.analyze(load_sample("holder-assignment-created.envelope.json"), source="#1 POST /")
    entry.settle(summary=Summary.of(analysis), pending=lambda: analysis, recent=Recent(4), analysis=analysis)


def _text(app: Any, selector: str) -> str:
    return str(app.query_one(selector, Static).content)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"signature": "invalid", "signature_detail": "no recipe matches"}, codes.SIGNATURE_INVALID),
        ({"signature": "missing", "signature_detail": "no x-voucherify-signature header"}, codes.SIGNATURE_MISSING),
        ({"signature": "valid", "forward_url": "http://127.0.0.1:9/h", "forward_error": "connection refused: is your app running?"}, codes.FORWARD_FAILED),
        ({"signature": "valid", "forward_url": "http://127.0.0.1:9/h", "forward_status": 503}, codes.FORWARD_FAILED),
        ({"signature": "valid", "forward_url": "http://127.0.0.1:9/h", "forward_error": "skipped: 3 earlier forwards are waiting"}, codes.FORWARD_SKIPPED),
    ],
)
def test_delivery_issues_are_errors_of_the_whole_payload(fields: dict[str, Any], code: str) -> None:
    (issue,) = delivery_issues(_capture(1, **fields))
    assert (issue.pointer, issue.severity, issue.code) == ("", "error", code)


def test_no_delivery_issue_for_a_clean_delivery_a_rejection_or_a_replay() -> None:
    assert delivery_issues(_capture(1, signature="valid", forward_url="http://a/", forward_status=204)) == []
    assert delivery_issues(_capture(1, signature="unchecked")) == []
    assert delivery_issues(_capture(1, signature="unchecked", http_status=405)) == []
    assert delivery_issues(_capture(1, signature="invalid", http_status=None, is_replay=True)) == []


async def test_a_bad_signature_then_a_failed_forward_reach_pane_row_summary_and_n(engine: Engine) -> None:
    listener = FakeListener(secret_set=True)
    app = create_app(engine=engine, listener=listener)
    screen = app.main_screen
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: screen.listen_url is not None)
        assert listener.on_entry is not None and listener.on_update is not None
        capture = _capture(1)
        entry = Entry(engine.analyze({}, source="#1 POST /"), capture, summary=PENDING)
        listener.on_entry(entry)
        await until(pilot, lambda: screen.current is entry)
        assert "✖sig" not in entry_row(entry, 78).plain

        # The verdict comes after the answer: a signature that does not match.
        _settle(engine, entry, signature="invalid", detail="no recipe matches")
        listener.on_update(entry)
        await until(pilot, lambda: codes.SIGNATURE_INVALID in [i.code for i in screen.issues_pane.issues])
        first = screen.issues_pane.issues[0]
        assert (first.pointer, first.severity) == ("", "error")
        row = entry_row(entry, 78).plain
        assert "✖sig" in row and "✔" not in row
        assert "signature invalid" in _text(app, "#summary")
        assert "1 with errors" in _text(app, "#status")

        # The forward result comes later still: one more issue, the tree stays where it was.
        capture.forward_url, capture.forward_error = "http://127.0.0.1:9/hook", "connection refused: is your app running?"
        listener.on_update(entry)
        await until(pilot, lambda: codes.FORWARD_FAILED in [i.code for i in screen.issues_pane.issues])
        assert "✖fwd" in entry_row(entry, 78).plain
        assert "forward failed" in _text(app, "#summary")

        # n walks to them like any other issue (the whole payload: the root node).
        screen.payload_tree.focus()
        await pilot.press("n")
        assert screen.issues_pane.position == 0
        assert screen.issues_pane.issues[0].code == codes.SIGNATURE_INVALID
        assert screen.payload_tree.cursor_node is screen.payload_tree.root
