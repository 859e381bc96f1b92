"""The trigger key (`t`): the payload shown, with fresh ids, posted signed to a real handler on
127.0.0.1, and the handler's answer as a toast."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest
from textual.widgets import Input, Label, TextArea

from inspector.engine.analyze import Engine
from inspector.tui import _textual_private as private
from inspector.tui.app import InspectorApp, create_app
from inspector.tui.trigger import TriggerScreen

from .conftest import SECRET, FakeListener, Handler, load_sample, loaded, make_entry, sample, until

VALID = sample("holder-assignment-created.envelope.json")


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def toasts(app: InspectorApp) -> list[tuple[str, str]]:
    return [(str(n.title), str(n.message)) for n in private.notifications(app)]


async def open_dialog(pilot: Any) -> TriggerScreen:
    await pilot.press("t")
    await until(pilot, lambda: isinstance(pilot.app.screen, TriggerScreen))
    screen = pilot.app.screen
    assert isinstance(screen, TriggerScreen)
    return screen


@pytest.mark.parametrize("size", [(140, 50), (80, 24)])
async def test_trigger_sends_the_payload_signed_with_fresh_ids(engine: Engine, handler: Handler, size: tuple[int, int]) -> None:
    original = load_sample("holder-assignment-created.envelope.json")
    app = create_app(engine=engine, paths=[VALID], secret=SECRET)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        dialog = await open_dialog(pilot)
        notes = " ".join(str(label.content) for label in dialog.query(Label))
        assert "customer.holder.assignment.created" in notes and "Signed" in notes and SECRET not in notes
        shown = json.loads(dialog.query_one("#replay-body", TextArea).text)
        assert shown["id"] != original["id"] and shown["event"]["id"] != original["event"]["id"]
        assert shown["data"] == original["data"]
        # No URL yet (no listener, nothing sent before): the dialog says so and stays open.
        await pilot.press("ctrl+s")
        assert app.screen is dialog and "URL of your webhook handler" in str(dialog.query_one("#send-refusal", Label).content)
        dialog.query_one("#replay-url", Input).value = handler.url
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any(t == "Triggered" for t, _ in toasts(app)))
        headers, body, ok = handler.received[0]
        assert ok and headers["Content-Type"] == "application/json"
        assert json.loads(body) == shown and b"\n" not in body  # compact, what the dialog showed
        message = next(m for t, m in toasts(app) if t == "Triggered")
        assert f"{handler.url} → HTTP 200 OK" in message and shown["id"] in message
        assert app.screen is app.main_screen

        # Again: the last URL is offered, and the ids are fresh again.
        dialog = await open_dialog(pilot)
        assert dialog.query_one("#replay-url", Input).value == handler.url
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(handler.received) == 2)
        assert json.loads(handler.received[1][1])["id"] not in (shown["id"], original["id"])


async def test_the_secret_comes_from_the_environment(engine: Engine, handler: Handler, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOUCHERIFY_WEBHOOK_SECRET", SECRET)
    app = create_app(engine=engine, paths=[VALID])
    async with app.run_test() as pilot:
        await loaded(pilot)
        dialog = await open_dialog(pilot)
        dialog.query_one("#replay-url", Input).value = handler.url
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(handler.received))
        assert handler.received[0][2]


async def test_unsigned_401_edited_body_and_a_dead_port(engine: Engine, handler: Handler, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOUCHERIFY_WEBHOOK_SECRET", raising=False)
    app = create_app(engine=engine, entries=[make_entry(engine, load_sample("holder-assignment-created.data.json"))])
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.main_screen.current is not None)
        dialog = await open_dialog(pilot)
        assert "Not signed" in " ".join(str(label.content) for label in dialog.query(Label))
        dialog.query_one("#replay-url", Input).value = handler.url
        # An edit that is not JSON is refused in the dialog, with where.
        dialog.query_one("#replay-body", TextArea).text = '{"holder": {"id": 1,}\n'
        await pilot.press("ctrl+s")
        refusal = str(dialog.query_one("#send-refusal", Label).content)
        assert app.screen is dialog and "not JSON" in refusal and "line 1" in refusal
        dialog.query_one("#replay-body", TextArea).text = '{"holder": {"id": "h_edited"}}'
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any(t.startswith("Triggered: HTTP 401") for t, _ in toasts(app)))
        headers, body, ok = handler.received[0]
        assert "x-voucherify-signature" not in {k.lower() for k in headers} and not ok
        assert json.loads(body) == {"holder": {"id": "h_edited"}}
        message = next(m for t, m in toasts(app) if t.startswith("Triggered: HTTP 401"))
        assert "nothing was signed" in message and "(sent unsigned)" in message
        assert "invalid signature" in message and "\x1b" not in message and "\x07" not in message  # escaped

        dialog = await open_dialog(pilot)
        dialog.query_one("#replay-url", Input).value = "ftp://example.invalid/"
        await pilot.press("ctrl+s")
        assert app.screen is dialog and "not an http(s) URL" in str(dialog.query_one("#send-refusal", Label).content)
        dialog.query_one("#replay-url", Input).value = f"http://127.0.0.1:{dead_port()}/webhooks"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any(t == "Trigger failed" for t, _ in toasts(app)))
        message = next(m for t, m in toasts(app) if t == "Trigger failed")
        assert "connection refused" in message and "is your app running" in message
        assert app.is_running


async def test_escape_cancels_and_listen_mode_offers_the_forward_target(engine: Engine) -> None:
    listener = FakeListener(forward_url="http://127.0.0.1:9/forward")
    app = create_app(engine=engine, listener=listener, secret=SECRET)
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.main_screen.listen_url is not None)
        assert listener.on_entry is not None
        listener.on_entry(make_entry(engine, load_sample("holder-assignment-created.envelope.json")))
        await until(pilot, lambda: app.main_screen.current is not None)
        dialog = await open_dialog(pilot)
        assert dialog.query_one("#replay-url", Input).value == "http://127.0.0.1:9/forward"
        await pilot.press("escape")
        assert app.screen is app.main_screen and not toasts(app)


async def test_trigger_is_in_the_footer_and_the_palette(engine: Engine) -> None:
    app = create_app(engine=engine, paths=[VALID])
    async with app.run_test() as pilot:
        await loaded(pilot)
        assert app.screen.active_bindings["t"].binding.description == "Trigger"
        palette = {c.title: c.callback for c in app.get_system_commands(app.screen)}
        await palette["Trigger webhook"]()
        await until(pilot, lambda: isinstance(app.screen, TriggerScreen))
