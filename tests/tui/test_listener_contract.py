"""The contract the live listener relies on, exercised with a fake listener."""

from __future__ import annotations

from typing import Callable, Optional

import pytest
from textual.widgets import Input, Static, TextArea

from inspector.engine.analyze import Engine
from inspector.listen.capture import Capture, Entry
from inspector.tui import _textual_private as private
from inspector.tui.app import create_app
from inspector.tui.event_list import entry_row
from inspector.tui.messages import EntriesAdded
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
        await until(pilot, lambda: app.main_screen.listen_url is not None)
        status = str(app.query_one("#status", Static).content)
        assert "http://127.0.0.1:8765/" in status and "no secret" in status and "0 requests" in status
        # Before the first request: the list is there, and the tree says where to send webhooks.
        assert app.main_screen.event_list.display and "waiting for webhooks at http://127.0.0.1:8765/" in app.main_screen.payload_tree.placeholder
        assert listener.on_entry is not None
        listener.on_entry(captured(engine, 1))
        listener.on_entry(captured(engine, 2, retry_of=1, signature="invalid"))
        await until(pilot, lambda: len(app.main_screen.event_list.entries) == 2)
        newest, oldest = app.main_screen.event_list.entries
        assert newest.capture is not None and newest.capture.id == 2
        assert "↻" in entry_row(newest, 60).plain and "↻" not in entry_row(oldest, 60).plain
        status = str(app.query_one("#status", Static).content)
        assert "2 requests (2 with errors)" in status
        # Both came in one batch: the list follows the newest, as if they had come one by one.
        await until(pilot, lambda: app.main_screen.current is newest)
        details = details_text(app)
        assert "retry of capture #1" in details and "Signature invalid" in details
        app.main_screen.event_list.focus()
        await pilot.press("j")
        assert app.main_screen.current is oldest
        details = details_text(app)
        assert "POST /hooks" in details and "Signature valid" in details and "HMAC-SHA256 matches" in details
        assert "x-voucherify-signature: abc" in details and "→ 500" in details
    assert listener.stopped == 1


async def test_replay_modal_sends_edited_body_to_the_chosen_url(engine: Engine) -> None:
    listener = FakeListener()
    entry = captured(engine, 7)
    app = create_app(engine=engine, listener=listener, entries=[entry])
    async with app.run_test(size=(150, 45)) as pilot:
        await until(pilot, lambda: app.main_screen.current is entry)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReplayScreen))
        url = app.screen.query_one("#replay-url", Input)
        assert url.value == "http://localhost:3000/hook"
        # Typing in the modal's inputs is not a search of the payload behind it.
        await pilot.pause()
        assert not app.main_screen.search_state.query and not app.main_screen.payload_tree.filtered
        url.value = "http://localhost:4000/other"
        app.screen.query_one("#replay-body", TextArea).text = '{"a": 2}'
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(app.main_screen.event_list.entries) == 2)
        capture, sent_url, body = listener.replays[0]
        assert capture.id == 7 and sent_url == "http://localhost:4000/other" and body == b'{"a": 2}'
        replayed, original = app.main_screen.event_list.entries
        # The captured request stays as received; the replay is a new row on top.
        assert original is entry and entry.capture is capture and entry.capture.forward_status != 202
        assert replayed.capture is not None and replayed.capture.forward_status == 202
        assert "↺ replay → 202" in entry_row(replayed, 60).plain
        assert app.main_screen.current is entry
        app.main_screen.event_list.focus()
        await pilot.press("k")
        assert app.main_screen.current is replayed
        details = details_text(app)
        assert "Replay sent" in details and "http://localhost:4000/other" in details and "→ 202" in details
        app.main_screen.event_list.focus()
        await pilot.press("j")
        assert app.main_screen.current is entry
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
        await until(pilot, lambda: app.main_screen.current is not None)
        await pilot.press("r")
        await pilot.pause()
        assert not isinstance(app.screen, ReplayScreen)
        assert "Replay request" not in {c.title for c in app.get_system_commands(app.screen)}


async def test_entries_added_message_from_outside(engine: Engine) -> None:
    app = create_app(engine=engine, listener=FakeListener())
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.main_screen.listen_url is not None)
        app.main_screen.post_message(EntriesAdded([captured(engine, 1)]))
        await until(pilot, lambda: app.main_screen.current is not None)
        assert app.main_screen.current.capture is not None and app.main_screen.current.capture.id == 1


class FailingListener(FakeListener):
    """A listener whose port is taken and whose replays cannot reach their target."""

    async def start(self, on_entry: Callable[[Entry], None], on_update: Optional[Callable[[Entry], None]] = None) -> str:
        raise OSError("[Errno 98] address already in use: [bold]8765[/]")

    async def replay(self, capture: Capture, *, url: Optional[str], body: Optional[bytes]) -> Capture:
        raise ConnectionRefusedError()


async def test_a_listener_that_cannot_start_says_so_and_the_app_runs_on(engine: Engine) -> None:
    app = create_app(engine=engine, listener=FailingListener())
    async with app.run_test(size=(150, 45)) as pilot:
        screen = app.main_screen
        await until(pilot, lambda: bool(screen.listen_error))
        status = str(app.query_one("#status", Static).content)
        assert "listener failed: [Errno 98] address already in use: [bold]8765[/]" in status  # literally
        assert screen.payload_tree.placeholder.startswith("the listener could not start: [Errno 98]")
        assert app.is_running


async def test_a_replay_that_fails_is_a_toast(engine: Engine) -> None:
    listener = FailingListener()
    entry = captured(engine, 3)
    app = create_app(engine=engine, listener=listener, entries=[entry])
    async with app.run_test(size=(150, 45)) as pilot:
        await until(pilot, lambda: app.main_screen.current is entry)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReplayScreen))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any(n.title == "Replay failed" for n in private.notifications(app)))
        failed = [n for n in private.notifications(app) if n.title == "Replay failed"]
        assert failed[0].message == "ConnectionRefusedError" and failed[0].severity == "error"
        assert app.is_running and len(app.main_screen.event_list.entries) == 1


async def test_a_loader_that_crashes_is_a_toast_not_a_traceback(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from inspector.tui import loader

    def broken(paths: object, *, stdin: object = None) -> object:
        raise MemoryError("out of memory reading events.ndjson")

    monkeypatch.setattr(loader, "read_inputs", broken)
    app = create_app(engine=engine, paths=["events.ndjson"])
    async with app.run_test(size=(150, 45)) as pilot:
        await until(pilot, lambda: bool(private.notifications(app)))
        (toast,) = private.notifications(app)
        assert toast.title == "Loading failed" and toast.message == "out of memory reading events.ndjson"
        assert app.is_running
