"""Delivery problems over real HTTP on 127.0.0.1, in the running TUI at 80×24: a webhook signed
with the wrong secret, relayed to an app that refuses it (401 with a hostile body)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Callable

import aiohttp
import pytest
from textual.widgets import Static

from inspector.engine import issues as codes
from inspector.engine.analyze import Engine
from inspector.listen.server import Listener
from inspector.listen.signature import HEADER, sign

from tests.tui.conftest import Handler, details_text, handler  # noqa: F401 - the fixture

from .conftest import SECRET, sample

app_module = pytest.importorskip("inspector.tui.app")


async def until(pilot: Any, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    async def loop() -> None:
        while not predicate():
            await pilot.pause(0.02)

    await asyncio.wait_for(loop(), timeout)


async def test_wrong_signature_and_refused_forward_at_80x24(engine: Engine, db: Path, handler: Handler) -> None:  # noqa: F811
    listener = Listener(engine=engine, db=str(db), port=0, secret=SECRET, forward_to=handler.url)
    app = app_module.create_app(engine=engine, listener=listener)
    screen = app.main_screen
    body = sample("holder-assignment-created.envelope.json")
    toasts: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        original = app.notify

        def notify(message: str, **kw: Any) -> None:
            toasts.append(kw.get("title") or "")
            original(message, **kw)

        app.notify = notify  # type: ignore[method-assign]
        await until(pilot, lambda: screen.listen_url is not None)
        status = str(app.query_one("#status", Static).content)
        # At 80 columns the status bar drops the URLs' scheme to keep the rest on the line.
        assert handler.url.removeprefix("http://") in status
        async with aiohttp.ClientSession() as http:
            for _ in range(3):
                async with http.post(listener.url, data=body, headers={HEADER: sign(body, "not-the-secret")}) as resp:
                    assert resp.status == 200
        entries = screen.event_list.entries
        await until(pilot, lambda: len(entries) == 3 and all(e.capture.forward_status is not None for e in entries))
        await pilot.pause(0.2)
        assert toasts.count("Forward failed") == 1  # once, not once per request
        status = str(app.query_one("#status", Static).content)
        assert "FAILING 401" in status
        shown = [i.code for i in screen.issues_pane.issues]
        assert shown[:2] == [codes.SIGNATURE_INVALID, codes.FORWARD_FAILED]
        # The details pane redraws on the forward's update: wait for it rather than a fixed pause.
        await until(pilot, lambda: "Response" in details_text(app))
        details = details_text(app)
        # The app's answer, with its control characters made visible, never obeyed.
        assert "Response" in details and "invalid signature\\e[2J\\x07" in details
        assert "\x1b" not in details
