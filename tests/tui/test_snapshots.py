"""Snapshots of the screens a user sees (pytest-textual-snapshot; update with --snapshot-update)."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from textual.pilot import Pilot

from inspector.engine.analyze import Engine
from inspector.tui.app import InspectorApp, create_app

from .conftest import ROOT, loaded, sample, until

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


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Rows show the local time of arrival: the same in every time zone here."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_live_list_with_a_bad_signature_and_a_failed_forward(snap_compare: Any, engine: Engine, utc: None, size: tuple[int, int]) -> None:
    from inspector.listen.capture import Capture, Entry

    from .conftest import FakeListener, load_sample

    listener = FakeListener(forward_url="http://127.0.0.1:3000/hook")
    payload = load_sample("holder-assignment-created.envelope.json")

    def live(n: int, **fields: Any) -> Entry:
        values: dict[str, Any] = dict(
            received_at=1_700_000_000.0 + 7 * n,
            method="POST",
            path="/",
            headers=[("content-type", "application/json")],
            body=b"{}",
            signature="valid",
            id=n,
            forward_url="http://127.0.0.1:3000/hook",
            forward_status=200,
            forward_latency_ms=3.0,
        )
        values.update(fields)
        capture = Capture(**values)
        return Entry(engine.analyze(payload, source=f"#{n} POST /"), capture)

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, InspectorApp)
        screen = app.main_screen
        await until(pilot, lambda: screen.listen_url is not None)
        assert listener.on_entry is not None
        rows = [
            live(1),
            live(2, forward_status=None, forward_latency_ms=None, forward_error="cannot connect: is your app running?"),
            live(3, signature="invalid", signature_detail="no recipe matches the body", forward_status=401, forward_body=b"bad signature"),
        ]
        for n, row in enumerate(rows, 1):  # one batch each: the list follows to the newest
            listener.on_entry(row)
            await until(pilot, lambda: len(screen.event_list.entries) == n)
        await until(pilot, lambda: screen.current is rows[-1])
        await pilot.pause(0.2)

    app = create_app(engine=engine, listener=listener)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def _three_down(pilot: Pilot[Any]) -> None:
    await loaded(pilot)
    app = pilot.app
    assert isinstance(app, InspectorApp)
    await until(pilot, lambda: not app.main_screen.finding_retries)
    await pilot.press("j", "j", "j")


def test_event_list_at_80x24(snap_compare: Any, engine: Engine) -> None:
    app = create_app(engine=engine, paths=[sample("events.ndjson")])
    assert snap_compare(app, terminal_size=(80, 24), run_before=_three_down)


def test_event_list_at_120x40(snap_compare: Any, engine: Engine) -> None:
    app = create_app(engine=engine, paths=[sample("events.ndjson")])
    assert snap_compare(app, terminal_size=(120, 40), run_before=_three_down)


async def _unreadable(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, InspectorApp)
    await until(pilot, lambda: not app.main_screen.loading_files and app.main_screen.current is not None)
    await pilot.pause()


BROKEN = "samples/invalid-json-trailing-comma.json"
"""Relative, with the repository as the working directory: the details show the path."""


def test_raw_view_of_a_parse_error_at_80x24(snap_compare: Any, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    app = create_app(engine=engine, paths=[BROKEN])
    assert snap_compare(app, terminal_size=(80, 24), run_before=_unreadable)


def test_raw_view_of_a_parse_error_at_120x40(snap_compare: Any, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    app = create_app(engine=engine, paths=[BROKEN])
    assert snap_compare(app, terminal_size=(120, 40), run_before=_unreadable)
