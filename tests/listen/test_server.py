"""The listener over real HTTP on 127.0.0.1: answers, storage, signatures, forward, replay."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Optional

import aiohttp
import pytest

from inspector.listen.capture import Capture
from inspector.listen.server import Listener, ListenError, ReplayError
from inspector.listen.signature import HEADER, hmac_hex, is_json, sign, stringify, verify
from inspector.listen.store import Store

from .conftest import SECRET, AppServer, StartListener, sample

ENVELOPE = "holder-assignment-created.envelope.json"


def rows(db: Path) -> list:
    store = Store(db)
    try:
        return list(store.all())
    finally:
        store.close()


async def test_signed_post_is_acknowledged_stored_and_reported(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path
) -> None:
    running = await start_listener(secret=SECRET)
    body = sample(ENVELOPE)
    started = time.perf_counter()
    async with http.post(running.url, data=body, headers={HEADER: sign(body, SECRET)}) as resp:
        assert resp.status == 200
        assert await resp.json() == {"ok": True, "id": 1}
    assert time.perf_counter() - started < 1.0
    await running.wait_settled(1)
    (row,) = rows(db)
    assert row.capture.body == body
    assert row.capture.signature == "valid"
    assert row.capture.method == "POST" and row.capture.remote == "127.0.0.1"
    assert row.derived.form == "envelope"
    assert row.derived.event_type == "customer.holder.assignment.created"
    assert row.derived.delivery_id == "wh_evt_0f1e2d3c4b5a690001"
    assert row.derived.size == len(body)
    await running.wait_for(lambda: len(running.entries) == 1)
    entry = running.entries[0]
    assert entry.capture is not None and entry.capture.id == 1
    assert entry.analysis.form == "envelope" and entry.analysis.source == "#1 POST /"
    assert entry.retry_of is None


@pytest.mark.parametrize(
    ("secret", "header", "status"),
    [
        (SECRET, "good", "valid"),
        (SECRET, "0" * 64, "invalid"),
        (SECRET, None, "missing"),
        (None, "good", "unchecked"),
    ],
)
async def test_signature_statuses_over_http(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path, secret: str | None, header: str | None, status: str
) -> None:
    running = await start_listener(secret=secret)
    body = sample(ENVELOPE)
    headers = {}
    if header is not None:
        headers[HEADER.upper()] = sign(body, SECRET) if header == "good" else header
    async with http.post(running.url, data=body, headers=headers) as resp:
        assert resp.status == 200
        answer = await resp.text()
    assert sign(body, SECRET) not in answer
    await running.wait_settled(1)
    (row,) = rows(db)
    assert row.capture.signature == status


@pytest.mark.parametrize(
    "body",
    [b'{ "id": "wh_x" }', b'{"name": "caf\\u00e9", "n": 1.0}', b"not json at all"],
)
async def test_the_expected_signature_is_never_sent_stored_or_printed(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path, body: bytes
) -> None:
    """A wrong signature must not reveal the right one: not in the answer, the database (its
    -wal and -shm included), or anything shown."""
    running = await start_listener(secret=SECRET)
    async with http.post(running.url, data=body, headers={HEADER: sign(b"{}", SECRET)}) as resp:
        answer = await resp.read()
        assert resp.status == 200
    (entry,) = await running.wait_settled(1)
    valid = {sign(body, SECRET), hmac_hex(SECRET, body)}
    if is_json(body):
        valid.add(hmac_hex(SECRET, stringify(json.loads(body))))
    assert entry.capture.signature == "invalid"
    shown = entry.capture.signature_detail + " ".join(i.message for i in entry.analysis.issues)
    await running.listener.stop()
    files = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    for digest in valid:
        assert digest.encode() not in answer
        assert digest not in shown
        assert digest.encode() not in files and digest.upper().encode() not in files
    (row,) = rows(db)
    assert "body was changed" in row.capture.signature_detail


async def test_body_that_is_not_json_is_acknowledged_stored_and_shown(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path
) -> None:
    running = await start_listener(secret=SECRET)
    body = b"amount=10&\x00\xff not json"
    async with http.post(running.url, data=body, headers={HEADER: sign(body, SECRET)}) as resp:
        assert resp.status == 200
        assert (await resp.json())["ok"] is True
    await running.wait_settled(1)
    (row,) = rows(db)
    assert row.capture.body == body and row.capture.signature == "valid"
    assert row.derived.form == "unknown" and row.derived.errors >= 1
    assert running.entries[0].analysis.readable is False


async def test_other_methods_get_405_and_are_logged(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path
) -> None:
    running = await start_listener()
    async with http.get(running.url + "?probe=1") as resp:
        assert resp.status == 405
        assert resp.headers["Allow"] == "POST"
    async with http.put(running.url, data=b'{"a": 1}') as resp:
        assert resp.status == 405
    got = rows(db)
    assert [(r.capture.method, r.capture.http_status) for r in got] == [("GET", 405), ("PUT", 405)]
    assert got[0].capture.query == "probe=1"
    assert got[1].capture.body == b'{"a": 1}'
    settled = await running.wait_settled(2)
    assert "405" in settled[0].analysis.issues[0].message


async def test_other_paths_get_404_and_are_logged(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path
) -> None:
    running = await start_listener(path="/webhooks")
    assert running.url.endswith("/webhooks")
    async with http.post(running.url.replace("/webhooks", "/other"), data=b"{}") as resp:
        assert resp.status == 404
    async with http.post(running.url, data=b"{}") as resp:
        assert resp.status == 200
    assert [(r.capture.path, r.capture.http_status) for r in rows(db)] == [("/other", 404), ("/webhooks", 200)]


async def test_body_over_the_limit_gets_413_and_is_logged(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path
) -> None:
    running = await start_listener(max_body=1000)
    async with http.post(running.url, data=b"x" * 1001) as resp:
        assert resp.status == 413

    async def chunked():  # no Content-Length: the limit must hold while reading
        for _ in range(20):
            yield b"y" * 100

    async with http.post(running.url, data=chunked()) as resp:
        assert resp.status == 413
    async with http.post(running.url, data=b"z" * 1000) as resp:
        assert resp.status == 200
    await running.wait_settled(3)
    got = rows(db)
    assert [r.capture.http_status for r in got] == [413, 413, 200]
    assert got[0].derived.size == 1001 and got[0].capture.signature == "unchecked"
    assert got[1].derived.size > 1000 and len(got[1].capture.body) <= 1000


async def test_slow_client_times_out_without_blocking_others(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path
) -> None:
    running = await start_listener(read_timeout=0.5)
    port = running.listener.port
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"partial\":")
    await writer.drain()
    started = time.perf_counter()
    for _ in range(5):
        async with http.post(running.url, data=b"{}") as resp:
            assert resp.status == 200
    assert time.perf_counter() - started < 0.4
    status_line = await asyncio.wait_for(reader.readline(), 3)
    assert b" 408 " in status_line
    writer.close()
    got = rows(db)
    assert sorted(r.capture.http_status for r in got) == [200] * 5 + [408]
    assert next(r for r in got if r.capture.http_status == 408).capture.body == b'{"partial":'


async def test_retries_are_marked(start_listener: StartListener, http: aiohttp.ClientSession) -> None:
    running = await start_listener()
    body = sample(ENVELOPE)
    for _ in range(2):
        async with http.post(running.url, data=body) as resp:
            assert resp.status == 200
    async with http.post(running.url, data=sample("holder-assignment-deleted.envelope.json")) as resp:
        assert resp.status == 200
    settled = await running.wait_settled(3)
    assert [e.retry_of for e in settled] == [None, 1, None]


async def test_captures_persist_across_a_restart(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path
) -> None:
    first = await start_listener()
    async with http.post(first.url, data=sample(ENVELOPE)) as resp:
        assert (await resp.json())["id"] == 1
    await first.listener.stop()
    second = await start_listener()
    async with http.post(second.url, data=sample(ENVELOPE)) as resp:
        assert (await resp.json())["id"] == 2
    (entry,) = await second.wait_settled(1)
    assert entry.retry_of == 1  # the same delivery, received by the earlier run
    assert [r.capture.id for r in rows(db)] == [1, 2]


async def test_forward_relays_body_and_signature_and_stores_the_answer(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path, app_server: AppServer
) -> None:
    running = await start_listener(secret=SECRET, forward_to=app_server.url)
    body = sample(ENVELOPE)
    signature = sign(body, SECRET)
    async with http.post(running.url, data=body, headers={HEADER: signature, "X-Custom": "kept"}) as resp:
        assert resp.status == 200
    await running.wait_for(lambda: any(_forwarded(u.capture) for u in running.updates))
    ((headers, got),) = app_server.received
    assert got == body
    assert headers[HEADER] == signature and headers["X-Custom"] == "kept"
    capture = running.updates[-1].capture
    assert capture is running.entries[0].capture
    assert capture.forward_status == 202 and capture.forward_error is None
    assert capture.forward_latency_ms is not None and capture.forward_latency_ms >= 0
    assert json.loads(capture.forward_body or b"") == {"handled": True}
    await running.listener.stop()
    (row,) = rows(db)
    assert row.capture.forward_status == 202 and row.capture.forward_url == app_server.url


async def test_the_apps_answer_survives_a_verdict_that_comes_before_the_forward_result_is_stored(
    start_listener: StartListener,
    http: aiohttp.ClientSession,
    app_server: AppServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The verdict came in after the app answered but before its answer was written, and a
    viewer redrew the row then: the capture was put back to the database too early, the reader
    kept the row's forward body as it was (None), and the answer never showed."""
    original = Listener._record_forward
    seen: list[Optional[bytes]] = []

    async def verdict_first(self: Listener, capture: Capture) -> None:
        for _ in range(500):  # bounded: 5 s
            if capture.analysed:
                break
            await asyncio.sleep(0.01)
        seen.append(capture.forward_body)  # the viewer's redraw on the verdict
        await original(self, capture)

    monkeypatch.setattr(Listener, "_record_forward", verdict_first)
    running = await start_listener(secret=SECRET, forward_to=app_server.url)
    body = sample(ENVELOPE)
    async with http.post(running.url, data=body, headers={HEADER: sign(body, SECRET)}) as resp:
        assert resp.status == 200
    await running.wait_for(lambda: len(running.updates) == 2)  # the verdict, then the stored forward result
    capture = running.entries[0].capture
    assert capture is not None and capture.analysed
    answer = json.dumps({"handled": True}).encode()
    assert seen == [answer]
    assert capture.forward_body == answer  # read back from the store once the capture is released


async def test_forward_to_an_app_that_is_down_is_reported_and_the_capture_succeeds(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path, free_port: int
) -> None:
    down = f"http://127.0.0.1:{free_port}/hooks"
    running = await start_listener(forward_to=down)
    async with http.post(running.url, data=b"{}") as resp:
        assert resp.status == 200
    await running.wait_for(lambda: any(_forwarded(u.capture) for u in running.updates))
    capture = running.updates[-1].capture
    assert capture.forward_status is None
    assert "cannot connect" in (capture.forward_error or "") and "is your app running" in capture.forward_error
    await running.listener.stop()
    assert "cannot connect" in (rows(db)[0].capture.forward_error or "")


async def test_replay_edited_body_is_re_signed(
    start_listener: StartListener, http: aiohttp.ClientSession, app_server: AppServer
) -> None:
    running = await start_listener(secret=SECRET)
    body = sample(ENVELOPE)
    async with http.post(running.url, data=body, headers={HEADER: sign(body, SECRET)}) as resp:
        assert resp.status == 200
    await running.wait_for(lambda: len(running.entries) == 1)
    original = running.entries[0].capture
    edited = body.replace(b"REFEREE", b"REFERRER")
    sent = await running.listener.replay(original, url=app_server.url, body=edited)
    ((headers, got),) = app_server.received
    assert got == edited
    assert verify(got, headers[HEADER], SECRET).status == "valid"
    assert sent.forward_status == 202 and sent.body == edited and sent.signature == "valid"
    assert sent.id == 2 and sent.is_replay  # stored as a replay (tests/listen/test_replays_stored.py)


async def test_replay_without_a_url_says_so(start_listener: StartListener, http: aiohttp.ClientSession) -> None:
    running = await start_listener()
    async with http.post(running.url, data=b"{}") as resp:
        assert resp.status == 200
    await running.wait_for(lambda: len(running.entries) == 1)
    with pytest.raises(ReplayError, match="no URL"):
        await running.listener.replay(running.entries[0].capture)


async def test_port_in_use_is_a_clear_error(start_listener: StartListener, engine, tmp_path: Path) -> None:
    running = await start_listener()
    other = Listener(engine=engine, db=str(tmp_path / "other.db"), port=running.listener.port)
    with pytest.raises(ListenError, match="cannot listen on 127.0.0.1"):
        await other.start(lambda entry: None)


def test_bad_forward_url_is_a_clear_error(engine, db: Path) -> None:
    with pytest.raises(ListenError, match="not an http"):
        Listener(engine=engine, db=str(db), forward_to="ftp://example.com")


def _forwarded(capture: Capture) -> bool:
    """The forward has an outcome: the URL alone is set while the relay is still in flight (a
    verdict update can come in between)."""
    return capture.forward_status is not None or capture.forward_error is not None
