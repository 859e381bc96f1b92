"""The live event list follows the newest request until the user moves the cursor (``w``
toggles it); captures of earlier runs on the same database are listed, dimmed."""

from __future__ import annotations

from pathlib import Path

from inspector.engine.analyze import Engine
from inspector.listen.capture import Capture, Entry

from .conftest import FakeListener, load_sample, make_entry, until


def _live(engine: Engine, n: int) -> Entry:
    capture = Capture(received_at=1_700_000_000.0 + n, method="POST", path="/", body=b"{}", signature="valid", id=n)
    return make_entry(engine, load_sample("holder-assignment-created.envelope.json"), capture=capture)


async def test_the_list_follows_the_newest_until_the_cursor_moves(engine: Engine) -> None:
    from inspector.tui.app import create_app

    listener = FakeListener()
    app = create_app(engine=engine, listener=listener)
    screen = app.main_screen
    async with app.run_test(size=(80, 24)) as pilot:
        events = screen.event_list
        await until(pilot, lambda: screen.listen_url is not None)
        assert listener.on_entry is not None
        listener.on_entry(_live(engine, 1))
        await until(pilot, lambda: len(events.entries) == 1)
        listener.on_entry(_live(engine, 2))
        await until(pilot, lambda: len(events.entries) == 2)
        await until(pilot, lambda: screen.current is events.entries[0])
        assert "following" in str(events.border_title)

        events.focus()
        await pilot.press("j")  # the user reads an older one: new requests leave it there
        reading = events.entries[1]
        listener.on_entry(_live(engine, 3))
        await until(pilot, lambda: len(events.entries) == 3)
        await pilot.pause(0.1)
        assert screen.current is reading and events.current is reading
        assert "paused" in str(events.border_title)

        await pilot.press("w")  # follow again: the newest at once, and the next ones
        await until(pilot, lambda: screen.current is events.entries[0])
        listener.on_entry(_live(engine, 4))
        await until(pilot, lambda: len(events.entries) == 4)
        await until(pilot, lambda: screen.current is events.entries[0])
        assert events.entries[0].capture is not None and events.entries[0].capture.id == 4


async def test_requests_that_arrive_together_first_show_the_newest(engine: Engine) -> None:
    """Three requests in the first batch (the UI gathers them): following, the cursor is on the
    newest, as when they arrive one by one, not on the oldest."""
    from inspector.tui.app import create_app

    listener = FakeListener()
    app = create_app(engine=engine, listener=listener)
    screen = app.main_screen
    async with app.run_test(size=(80, 24)) as pilot:
        events = screen.event_list
        await until(pilot, lambda: screen.listen_url is not None)
        assert listener.on_entry is not None
        for n in (1, 2, 3):
            listener.on_entry(_live(engine, n))
        await until(pilot, lambda: len(events.entries) == 3)
        await until(pilot, lambda: screen.current is events.entries[0])
        assert events.cursor == 0 and events.follow
        newest = events.entries[0].capture
        assert newest is not None and newest.id == 3


async def test_listen_on_an_existing_database_lists_earlier_captures_dimmed(engine: Engine, tmp_path: Path) -> None:
    from inspector.cli.listen import _earlier_captures
    from inspector.listen.store import Store
    from inspector.tui.app import create_app

    db = tmp_path / "c.db"
    store = Store(db)
    for n in range(3):
        store.insert(Capture(received_at=1_700_000_000.0 + n, method="POST", path="/", body=b'{"a": 1}', signature="unchecked"))
    store.close()
    earlier, reader = _earlier_captures(engine, str(db))
    assert reader is not None
    try:
        assert [e.capture.id for e in earlier if e.capture is not None] == [3, 2, 1]  # newest first
        listener = FakeListener()
        app = create_app(engine=engine, listener=listener, entries=earlier)
        screen = app.main_screen
        async with app.run_test(size=(80, 24)) as pilot:
            events = screen.event_list
            await until(pilot, lambda: screen.listen_url is not None and len(events.entries) == 3)
            assert events.earlier == {e.key for e in earlier}
            assert "3 from earlier runs" in str(events.border_subtitle)
            assert listener.on_entry is not None
            listener.on_entry(_live(engine, 10))
            await until(pilot, lambda: len(events.entries) == 4)
            assert events.entries[0].key not in events.earlier
            await until(pilot, lambda: screen.current is events.entries[0])
            line = events.render_line(1)  # an earlier row is drawn dim
            assert all(seg.style is not None and seg.style.dim for seg in line if seg.text.strip())
    finally:
        reader.close()
