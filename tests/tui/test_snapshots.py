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


def _spec_engine() -> Engine:
    from pathlib import Path

    from inspector.engine.inputs import make_engine

    return make_engine([str(Path(__file__).resolve().parents[1] / "specs" / "fixture-fetch.json")], fetched=False)


async def _docs_open(pilot: Pilot[Any]) -> None:
    from inspector.tui.doc_tree import DocTree
    from inspector.tui.screens.docs import DocsScreen

    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, DocsScreen) and bool(app.screen.query(DocTree)) and app.screen.doc_tree.doc is not None)


def test_docs_of_a_built_in_type(snap_compare: Any, engine: Engine) -> None:
    from inspector.tui.screens.docs import DocsStart

    async def run_before(pilot: Pilot[Any]) -> None:
        await _docs_open(pilot)
        await pilot.press("slash", *"holder_role", "enter")

    app = create_app(engine=engine, docs=DocsStart(event_type="customer.holder.assignment.created"))
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_docs_of_a_spec_type(snap_compare: Any) -> None:
    from inspector.tui.screens.docs import DocsStart

    async def run_before(pilot: Pilot[Any]) -> None:
        await _docs_open(pilot)
        await pilot.press("4", "slash", *"last4", "enter")

    app = create_app(engine=_spec_engine(), docs=DocsStart(event_type="shop.order.paid", form="data"))
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_docs_type_list_at_80x24(snap_compare: Any) -> None:
    from inspector.tui.screens.docs import DocsStart

    async def run_before(pilot: Pilot[Any]) -> None:
        await _docs_open(pilot)
        # Off the root, whose details name the spec file by its full path (not the same here and in CI).
        await pilot.press("j", "j", "enter", "j", "j", "j")

    app = create_app(engine=_spec_engine(), docs=DocsStart())
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_absent_fields_shown(snap_compare: Any, engine: Engine) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await loaded(pilot)
        await pilot.press("a")
        app = pilot.app
        assert isinstance(app, InspectorApp)
        app.main_screen.payload_tree.reveal("/data/voucher/loyalty_card")
        await pilot.pause()

    app = create_app(engine=engine, paths=[sample("invalid-missing-required.envelope.json")])
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
