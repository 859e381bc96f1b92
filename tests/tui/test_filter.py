"""Filters of the event list (``F``): words for the event type, errors, signature problems,
retries and HTTP statuses; the title counts "shown of all"; escape gives every row back. Live
lists filter their summaries at once; an NDJSON file's unopened lines are filtered on a worker."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from inspector.engine.analyze import Engine
from inspector.listen.capture import PENDING, Capture, Entry, Recent, Summary
from inspector.tui.app import create_app
from inspector.tui.event_filter import EntryFilter

from .conftest import FakeListener, load_sample, until

CREATED = "holder-assignment-created.envelope.json"
DELETED = "holder-assignment-deleted.envelope.json"


def _entry(engine: Engine, n: int, sample: str = CREATED, **fields: Any) -> Entry:
    values: dict[str, Any] = dict(received_at=1_700_000_000.0 + n, method="POST", path="/", body=b"{}", signature="valid", id=n)
    values.update(fields)
    capture = Capture(**values)
    if capture.accepted:
        return Entry(engine.analyze(load_sample(sample), source=f"#{n}"), capture)
    return Entry(engine.analyze({}, source=f"#{n}"), capture, summary=Summary(readable=False))


def test_filter_words() -> None:
    f = EntryFilter.parse("  Errors sig 4XX retry holder.assignment deleted ")
    assert (f.errors, f.signature, f.retry, f.status, f.types) == (True, True, True, "4xx", ("holder.assignment", "deleted"))
    assert not EntryFilter.parse("   ").active
    assert EntryFilter.parse("200").status == "200" and not EntryFilter.parse("2").needs_summary


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_live_list_filters_and_escape_restores(engine: Engine, size: tuple[int, int]) -> None:
    listener = FakeListener()
    app = create_app(engine=engine, listener=listener)
    screen = app.main_screen
    async with app.run_test(size=size) as pilot:
        events = screen.event_list
        await until(pilot, lambda: screen.listen_url is not None)
        assert listener.on_entry is not None
        rows = [
            _entry(engine, 1),
            _entry(engine, 2, signature="invalid", signature_detail="no recipe matches"),
            _entry(engine, 3, DELETED),
            _entry(engine, 4, http_status=405, method="GET", signature="unchecked"),
            _entry(engine, 5, forward_url="http://127.0.0.1:9/h", forward_status=503),
        ]
        rows[2].retry_of = 1
        for row in rows:
            listener.on_entry(row)
        await until(pilot, lambda: len(events.entries) == 5)

        await pilot.press("F", *"sig")
        await until(pilot, lambda: events.entries == [rows[1]])
        assert str(events.border_title).startswith("events 1 of 5")
        assert screen.current is rows[1]  # the row shown is one that matches

        for words, expected in [
            ("4xx", [rows[3]]),
            ("4", [rows[3]]),
            ("errors", [rows[4], rows[3], rows[1]]),
            ("deleted", [rows[2]]),
            ("retry", [rows[2]]),
            ("200 holder", [rows[4], rows[2], rows[1], rows[0]]),
            ("nothing.matches", []),
        ]:
            screen.query_one("#filter").value = words  # type: ignore[attr-defined]
            await until(pilot, lambda: events.entries == expected)
            assert str(events.border_title).startswith(f"events {len(expected)} of 5")

        # New requests under a filter: listed only when they match; a later verdict can make one match.
        screen.query_one("#filter").value = "sig"  # type: ignore[attr-defined]
        await until(pilot, lambda: events.entries == [rows[1]])
        pending = Entry(engine.analyze({}, source="#6"), Capture(received_at=1_700_000_006.0, method="POST", path="/", body=b"{}", signature="pending", id=6), summary=PENDING)
        listener.on_entry(pending)
        listener.on_entry(_entry(engine, 7))
        await until(pilot, lambda: len(events.all) == 7)
        assert events.entries == [rows[1]] and str(events.border_title).startswith("events 1 of 7")
        assert pending.capture is not None
        pending.capture.signature = "missing"
        analysis = engine.analyze(load_sample(CREATED), source="#6")
        pending.settle(summary=Summary.of(analysis), pending=lambda: analysis, recent=Recent(4))
        assert listener.on_update is not None
        listener.on_update(pending)
        await until(pilot, lambda: events.entries == [pending, rows[1]])

        await pilot.press("escape")  # in the bar: clears the filter, back on the list
        await until(pilot, lambda: len(events.entries) == 7)
        assert events.entries is events.all
        assert str(events.border_title).startswith("events 7 ·")
        assert not screen.query_one("#filter").display
        assert screen.focused is events


async def test_escape_on_the_list_clears_a_filter_kept_with_enter(engine: Engine) -> None:
    listener = FakeListener()
    app = create_app(engine=engine, listener=listener)
    screen = app.main_screen
    async with app.run_test(size=(80, 24)) as pilot:
        events = screen.event_list
        await until(pilot, lambda: screen.listen_url is not None)
        assert listener.on_entry is not None
        listener.on_entry(_entry(engine, 1))
        listener.on_entry(_entry(engine, 2, http_status=413, signature="unchecked"))
        await until(pilot, lambda: len(events.entries) == 2)
        assert screen.focused is events  # the hidden filter bar never takes the first focus
        await pilot.press("F", *"413", "enter")
        await until(pilot, lambda: len(events.entries) == 1)
        assert screen.focused is events and screen.query_one("#filter").display  # the bar shows the filter
        await pilot.press("escape")
        await until(pilot, lambda: len(events.entries) == 2)


async def test_a_big_ndjson_file_is_filtered_off_the_ui_thread(engine: Engine, tmp_path: Path) -> None:
    created, deleted = load_sample(CREATED), load_sample(DELETED)
    lines = []
    for n in range(600):
        if n % 100 == 7:
            lines.append('{"broken": ')
        else:
            lines.append(json.dumps(deleted if n % 3 == 0 else created))
    path = tmp_path / "events.ndjson"
    path.write_text("\n".join(lines) + "\n")
    app = create_app(engine=engine, paths=[str(path)])
    screen = app.main_screen
    async with app.run_test(size=(120, 40)) as pilot:
        events = screen.event_list
        await until(pilot, lambda: not screen.loading_files and len(events.all) == 600, timeout=30)
        analysed_before = sum(e.analysed for e in events.all)
        assert analysed_before < 600  # lines are analysed when drawn or opened

        # A status filter reads no summary: no line is analysed for it (file rows have no status).
        await pilot.press("F", *"200")
        await until(pilot, lambda: str(events.border_title).startswith("events 0 of 600"))
        assert sum(e.analysed for e in events.all) == analysed_before

        screen.query_one("#filter").value = "errors"  # type: ignore[attr-defined]
        await until(pilot, lambda: events.unchecked == 0 and events.filter.errors, timeout=30)
        await pilot.pause()
        assert [e.summary.line for e in events.entries] == [n + 1 for n in range(600) if n % 100 == 7]
        assert str(events.border_title).startswith("events 6 of 600")
        assert "filtering" not in str(events.border_title)

        screen.query_one("#filter").value = "deleted"  # type: ignore[attr-defined]
        await until(pilot, lambda: len(events.entries) == 198)
        await pilot.press("escape")
        await until(pilot, lambda: len(events.entries) == 600)
