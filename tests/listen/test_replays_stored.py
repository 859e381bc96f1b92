"""Replays are stored (schema 4: ``is_replay``) and listed by ``history`` as replays: never as a
received delivery, never a retry nor the first delivery of one, never an error of delivery.
Over real HTTP on 127.0.0.1."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiohttp

from inspector.engine.analyze import Engine
from inspector.listen.export import to_json
from inspector.listen.history import delivery_issues, rebuild_entries
from inspector.listen.signature import HEADER, sign
from inspector.listen.store import SCHEMA_VERSION, Filter, Reader, Store
from inspector.tui.event_list import entry_row

from .conftest import SECRET, AppServer, StartListener, sample

ENVELOPE = "holder-assignment-created.envelope.json"


async def test_replays_are_stored_and_listed_as_replays(
    start_listener: StartListener, http: aiohttp.ClientSession, app_server: AppServer, db: Path, free_port: int, engine: Engine
) -> None:
    running = await start_listener(secret=SECRET)
    body = sample(ENVELOPE)
    async with http.post(running.url, data=body, headers={HEADER: sign(body, SECRET)}) as resp:
        assert resp.status == 200
    await running.wait_settled(1)
    original = running.entries[0].capture
    sent = await running.listener.replay(original, url=app_server.url)
    failed = await running.listener.replay(original, url=f"http://127.0.0.1:{free_port}/down")
    assert (sent.id, failed.id) == (2, 3) and failed.forward_error
    # Voucherify sends the same envelope again: a retry of #1, whatever the replays carried.
    async with http.post(running.url, data=body, headers={HEADER: sign(body, SECRET)}) as resp:
        assert resp.status == 200
    await running.wait_settled(2)
    assert running.entries[-1].retry_of == 1
    await running.listener.stop()

    store = Store(db)
    try:
        stored = list(store.all())
        assert [r.capture.is_replay for r in stored] == [False, True, True, False]
        replay = stored[1]
        assert replay.capture.http_status is None and replay.capture.forward_status == 202
        assert replay.capture.forward_url == app_server.url and replay.capture.signature == "valid"
        assert replay.derived.event_type == "customer.holder.assignment.created"
        assert list(store.first_deliveries()) == [("wh_evt_0f1e2d3c4b5a690001", 1)]
        assert store.count(Filter(errors_only=True)) == 0  # a failed replay is not a delivery error
        record = to_json(stored[2])
        assert record["http_status"] is None and record["replay"] is True and "replay" not in to_json(stored[0])
    finally:
        store.close()

    reader = Reader(db)
    try:
        entries = rebuild_entries(engine, reader.rows())
        assert [e.capture.is_replay for e in entries if e.capture] == [False, True, True, False]
        assert [e.retry_of for e in entries] == [None, None, None, 1]
        for entry in entries[1:3]:
            assert entry.capture is not None and delivery_issues(entry.capture) == []
            assert not entry.analysed  # lazy: drawn from the stored summary
            row = entry_row(entry, 80).plain
            assert "↺ replay" in row and "✖" not in row.split("replay", 1)[0]
        assert "↺ replay → 202" in entry_row(entries[1], 80).plain
        assert "↺ replay → failed" in entry_row(entries[2], 80).plain
        opened = entries[1].analysis
        assert opened.event_type == "customer.holder.assignment.created" and "replay" in opened.source
    finally:
        reader.close()


def test_a_schema_3_database_gains_the_replay_column(db: Path) -> None:
    store = Store(db)
    store.conn.execute("ALTER TABLE captures DROP COLUMN is_replay")
    store.conn.execute("PRAGMA user_version=3")
    store.conn.execute(
        "INSERT INTO captures (received_at, method, path, headers, body, size, http_status, signature) "
        "VALUES (1.0, 'POST', '/', '[]', X'7B7D', 2, 200, 'unchecked')"
    )
    store.close()
    store = Store(db)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
        (row,) = store.all()
        assert not row.capture.is_replay and row.capture.http_status == 200 and row.capture.accepted
    finally:
        store.close()
    assert sqlite3.sqlite_version_info >= (3, 35)
