"""Snapshots of the screens a user sees (pytest-textual-snapshot; update with --snapshot-update)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from inspector.engine.analyze import Engine
from inspector.tui.app import InspectorApp, create_app

from .conftest import loaded, sample, until

SIZE = (140, 40)


async def _loaded(pilot: Pilot[Any]) -> None:
    await loaded(pilot)


def test_valid_created_event(snap_compare: Any, engine: Engine) -> None:
    app = create_app(engine=engine, paths=[sample("holder-assignment-created.envelope.json")])
    assert snap_compare(app, terminal_size=SIZE, run_before=_loaded)


def test_invalid_event_with_an_error_selected(snap_compare: Any, engine: Engine) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        await pilot.press("n")

    app = create_app(engine=engine, paths=[sample("invalid-enum-values.envelope.json")])
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_details_of_a_described_field(snap_compare: Any, engine: Engine) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        app = pilot.app
        assert isinstance(app, InspectorApp)
        app.main_screen.payload_tree.reveal("/data/voucher/discount/type")
        await pilot.pause()

    app = create_app(engine=engine, paths=[sample("holder-assignment-created.envelope.json")])
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_search_active(snap_compare: Any, engine: Engine) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        await pilot.press("slash", *"created_at")

    app = create_app(engine=engine, paths=[sample("holder-assignment-created.envelope.json")])
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_many_event_list(snap_compare: Any, engine: Engine) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        app = pilot.app
        assert isinstance(app, InspectorApp)
        await until(pilot, lambda: not app.main_screen.finding_retries)
        await pilot.press("j", "j", "j")

    app = create_app(engine=engine, paths=[sample("events.ndjson")])
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
