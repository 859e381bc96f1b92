"""The listener inside the TUI: a real HTTP request shows up as an event in the running app."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Callable

import aiohttp
import pytest

from inspector.engine.analyze import Engine
from inspector.listen.server import Listener
from inspector.listen.signature import HEADER, sign

from .conftest import SECRET, sample

app_module = pytest.importorskip("inspector.tui.app")


async def until(pilot: Any, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    async def loop() -> None:
        while not predicate():
            await pilot.pause(0.02)

    await asyncio.wait_for(loop(), timeout)


async def test_a_posted_webhook_appears_in_the_app_without_taking_focus(engine: Engine, db: Path) -> None:
    listener = Listener(engine=engine, db=str(db), port=0, secret=SECRET)
    app = app_module.create_app(engine=engine, listener=listener)
    body = sample("holder-assignment-created.envelope.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.main_screen.listen_url is not None)
        assert app.main_screen.listen_url == listener.url
        async with aiohttp.ClientSession() as http:
            async with http.post(listener.url, data=body, headers={HEADER: sign(body, SECRET)}) as resp:
                assert resp.status == 200
            await until(pilot, lambda: len(app.main_screen.event_list.entries) == 1)
            focused = app.focused
            async with http.post(listener.url, data=body) as resp:
                assert resp.status == 200
            await until(pilot, lambda: len(app.main_screen.event_list.entries) == 2)
        await pilot.pause()
        assert app.focused is focused
        newest = app.main_screen.event_list.entries[0]
        assert newest.capture is not None and newest.capture.id == 2
        assert newest.retry_of == 1 and newest.capture.signature == "missing"
    assert not listener.serving  # the app stopped the server on exit
