"""The contract the live listener relies on, exercised with a fake listener."""

from __future__ import annotations

from textual.widgets import Input, Static, TextArea

from inspector.engine.analyze import Engine
from inspector.listen.capture import Capture
from inspector.tui.app import InspectorApp, create_app
from inspector.tui.event_list import entry_row
from inspector.tui.replay import ReplayScreen

from .conftest import FakeListener, details_text, load_sample, make_entry, until


def captured(engine: Engine, n: int, *, retry_of: int | None = None, signature: str = "valid"):  # type: ignore[no-untyped-def]
    payload = load_sample("invalid-enum-values.envelope.json")
    capture = Capture(
        received_at=1_700_000_000.0 + n,
        method="POST",
        path="/hooks",
        headers=[("content-type", "application/json"), ("x-voucherify-signature", "abc")],
        body=b'{"a": 1}',
        http_status=200,
        signature=signature,
        signature_detail="HMAC-SHA256 matches" if signature == "valid" else "no match for the secret",
        id=n,
        forward_url="http://localhost:3000/hook",
        forward_status=500,
        forward_latency_ms=8.0,
    )
    return make_entry(engine, payload, capture=capture, retry_of=retry_of)


async def test_listener_status_entries_details_and_stop(engine: Engine) -> None:
    listener = FakeListener(secret_set=False)
    app = create_app(engine=engine, listener=listener)
    async with app.run_test(size=(150, 45)) as pilot:
        await until(pilot, lambda: app.listen_url is not None)
        status = str(app.query_one("#status", Static).content)
        assert "http://127.0.0.1:8765/" in status and "no secret" in status and "0 requests" in status
        # Before the first request: the list is there, and the tree says where to send webhooks.
        assert app.event_list.display and "waiting for webhooks at http://127.0.0.1:8765/" in app.tree.placeholder
        assert listener.on_entry is not None
        listener.on_entry(captured(engine, 1))
        listener.on_entry(captured(engine, 2, retry_of=1, signature="invalid"))
        await until(pilot, lambda: len(app.event_list.entries) == 2)
        newest, oldest = app.event_list.entries
        assert newest.capture is not None and newest.capture.id == 2
        assert "↻" in entry_row(newest, 60).plain and "↻" not in entry_row(oldest, 60).plain
        status = str(app.query_one("#status", Static).content)
        assert "2 requests (2 with errors)" in status
        details = details_text(app)
        assert "POST /hooks" in details and "Signature valid" in details and "HMAC-SHA256 matches" in details
        assert "x-voucherify-signature: abc" in details and "→ 500" in details
        app.event_list.focus()
        await pilot.press("k")
        assert app.current is newest
        details = details_text(app)
        assert "retry of capture #1" in details and "Signature invalid" in details
    assert listener.stopped == 1


async def test_replay_modal_sends_edited_body_to_the_chosen_url(engine: Engine) -> None:
    listener = FakeListener()
    entry = captured(engine, 7)
    app = create_app(engine=engine, listener=listener, entries=[entry])
    async with app.run_test(size=(150, 45)) as pilot:
        await until(pilot, lambda: app.current is entry)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReplayScreen))
        url = app.screen.query_one("#replay-url", Input)
        assert url.value == "http://localhost:3000/hook"
        # Typing in the modal's inputs is not a search of the payload behind it.
        await pilot.pause()
        assert not app.search_state.query and not app.tree.filtered
        url.value = "http://localhost:4000/other"
        app.screen.query_one("#replay-body", TextArea).text = '{"a": 2}'
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(app.event_list.entries) == 2)
        capture, sent_url, body = listener.replays[0]
        assert capture.id == 7 and sent_url == "http://localhost:4000/other" and body == b'{"a": 2}'
        replayed, original = app.event_list.entries
        # The captured request stays as received; the replay is a new row on top.
        assert original is entry and entry.capture is capture and entry.capture.forward_status != 202
        assert replayed.capture is not None and replayed.capture.forward_status == 202
        assert "↺ replay → 202" in entry_row(replayed, 60).plain
        assert app.current is entry
        app.event_list.focus()
        await pilot.press("k")
        assert app.current is replayed
        details = details_text(app)
        assert "Replay sent" in details and "http://localhost:4000/other" in details and "→ 202" in details
        app.event_list.focus()
        await pilot.press("j")
        assert app.current is entry
        # unchanged body and empty URL: the listener's defaults
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReplayScreen))
        app.screen.query_one("#replay-url", Input).value = ""
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(listener.replays) == 2)
        assert listener.replays[1][1:] == (None, None)
        await pilot.press("q")
    assert listener.stopped == 1


async def test_replay_is_not_offered_without_a_listener(engine: Engine) -> None:
    app = create_app(engine=engine, entries=[captured(engine, 1)])
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.current is not None)
        await pilot.press("r")
        await pilot.pause()
        assert not isinstance(app.screen, ReplayScreen)
        assert "Replay request" not in {c.title for c in app.get_system_commands(app.screen)}


async def test_entries_added_message_from_outside(engine: Engine) -> None:
    app = create_app(engine=engine, listener=FakeListener())
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.listen_url is not None)
        app.post_message(InspectorApp.EntriesAdded([captured(engine, 1)]))
        await until(pilot, lambda: app.current is not None)
        assert app.current.capture is not None and app.current.capture.id == 1
