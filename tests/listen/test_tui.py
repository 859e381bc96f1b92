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

from tests.tui.conftest import copied, details_text  # noqa: F401 - the fixture

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
            await until(pilot, lambda: all(e.capture.analysed for e in app.main_screen.event_list.entries))
        await pilot.pause()
        assert app.focused is focused
        newest = app.main_screen.event_list.entries[0]
        assert newest.capture is not None and newest.capture.id == 2
        assert newest.retry_of == 1 and newest.capture.signature == "missing"
    assert not listener.serving  # the app stopped the server on exit


async def test_a_row_shows_verifying_until_its_verdict_and_then_the_verdict(
    engine: Engine, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from inspector.listen import verdicts
    from inspector.tui.event_list import entry_row

    gate = threading.Event()
    judge = verdicts.judge

    def slow_judge(*args: Any, **kwargs: Any) -> Any:
        gate.wait(10)
        return judge(*args, **kwargs)

    monkeypatch.setattr(verdicts, "judge", slow_judge)
    listener = Listener(engine=engine, db=str(db), port=0, secret=SECRET)
    app = app_module.create_app(engine=engine, listener=listener)
    screen = app.main_screen
    body = sample("holder-assignment-created.envelope.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: screen.listen_url is not None)
        async with aiohttp.ClientSession() as http:
            async with http.post(listener.url, data=body, headers={HEADER: sign(body, SECRET)}) as resp:
                assert resp.status == 200
        await until(pilot, lambda: len(screen.event_list.entries) == 1)
        (entry,) = screen.event_list.entries
        assert "verifying" in entry_row(entry, 60).plain
        await until(pilot, lambda: screen.current is entry)
        assert "Signature pending" in details_text(app)
        gate.set()
        await until(pilot, lambda: entry.capture.analysed)
        await pilot.pause(0.2)
        assert "customer.holder.assignment.created" in entry_row(entry, 80).plain
        assert "Signature valid" in details_text(app)
        tree = screen.payload_tree
        assert tree.analysis is not None and tree.analysis.event_type == "customer.holder.assignment.created"


async def test_copy_as_curl_copies_the_selected_request(engine: Engine, db: Path, copied: list[str]) -> None:
    listener = Listener(engine=engine, db=str(db), port=0, secret=SECRET)
    app = app_module.create_app(engine=engine, listener=listener)
    screen = app.main_screen
    body = sample("holder-assignment-created.envelope.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: screen.listen_url is not None)
        async with aiohttp.ClientSession() as http:
            async with http.post(listener.url, data=body, headers={HEADER: sign(body, SECRET)}) as resp:
                assert resp.status == 200
        await until(pilot, lambda: screen.current is not None)
        await pilot.press("c")
        await until(pilot, lambda: bool(copied))
    assert copied[-1].splitlines()[1].startswith("curl -sS -X POST")
    assert f"{HEADER}: {sign(body, SECRET)}" in copied[-1]


def test_the_status_bar_counts_requests_that_were_not_stored() -> None:
    from inspector.tui.status_bar import status_text

    text = status_text("http://127.0.0.1:8765/", 3, 1, True, not_stored=2).plain
    assert "3 requests" in text and "2 NOT STORED" in text


async def test_the_raw_view_and_search_follow_a_verdict_that_comes_after_the_row(
    engine: Engine, db: Path, monkeypatch: pytest.MonkeyPatch, copied: list[str]  # noqa: F811 - the fixture
) -> None:
    import threading

    from inspector.listen import verdicts

    gate = threading.Event()
    judge = verdicts.judge

    def slow_judge(*args: Any, **kwargs: Any) -> Any:
        gate.wait(10)
        return judge(*args, **kwargs)

    monkeypatch.setattr(verdicts, "judge", slow_judge)
    listener = Listener(engine=engine, db=str(db), port=0, secret=SECRET)
    app = app_module.create_app(engine=engine, listener=listener)
    screen = app.main_screen
    body = sample("holder-assignment-created.envelope.json")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: screen.listen_url is not None)
        async with aiohttp.ClientSession() as http:
            async with http.post(listener.url, data=body, headers={HEADER: sign(body, SECRET)}) as resp:
                assert resp.status == 200
        await until(pilot, lambda: screen.current is not None)
        entry = screen.current
        await pilot.press("v")  # the text while the verdict is pending
        await pilot.pause()
        assert screen.raw_view.display and screen.raw_view.entry is entry
        gate.set()
        await until(pilot, lambda: entry.capture is not None and entry.capture.analysed)
        await pilot.pause(0.2)
        # Made again from the verdict: the text is JSON now, nodes can be located and found.
        raw = screen.raw_view.raw
        assert raw is not None and raw.readable and raw.span("/data/holder/id") is not None
        await pilot.press("slash", *"holder_role", "enter")
        assert screen.search_state.matches == ("/data/holder/holder_role",)
        await pilot.press("Y")
        assert copied[-1].encode() == body
