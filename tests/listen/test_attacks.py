"""The listener attacked the way a hostile local user, a flaky network and a busy project would
(issue 13): real HTTP on 127.0.0.1, raw sockets where a client library cannot make the request,
every loop bounded in count and time."""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import resource
import sqlite3
import stat
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from inspector.cli import main
from inspector.listen import forward
from inspector.listen.lines import LinePrinter, stop_summary
from inspector.listen.server import Listener, ListenError
from inspector.listen.signature import HEADER, sign
from inspector.listen.store import Store, default_path

from .conftest import CLI, SECRET, StartListener, cli_env, sample

ENVELOPE = "holder-assignment-created.envelope.json"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions, signals and rlimits")


def rows(db: Path) -> list[Any]:
    store = Store(db)
    try:
        return list(store.all())
    finally:
        store.close()


async def raw(port: int, data: bytes, *, read: bool = True, timeout: float = 3.0) -> bytes:
    """Send ``data`` on a fresh connection; return what came back before the server closed or
    ``timeout`` passed."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    got = b""
    if read:
        try:
            while True:
                chunk = await asyncio.wait_for(reader.read(65536), timeout)
                if not chunk:
                    break
                got += chunk
                if b"\r\n\r\n" in got and _complete(got):
                    break
        except asyncio.TimeoutError:
            pass
    writer.close()
    return got


def _complete(answer: bytes) -> bool:
    head, _, body = answer.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            return len(body) >= int(value)
    return head.startswith(b"HTTP/1.1 100")


# ------------------------------------------------------------------ 1. security


def test_data_dir_is_0700_and_database_files_0600(tmp_path: Path) -> None:
    db = default_path()
    store = Store(db)
    store.begin()
    store.conn.execute("CREATE TABLE IF NOT EXISTS t (x)")
    store.commit()
    try:
        assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
        for suffix in ("", "-wal", "-shm"):
            assert stat.S_IMODE(Path(str(db) + suffix).stat().st_mode) == 0o600, suffix
    finally:
        store.close()


def test_existing_world_readable_files_are_narrowed(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    sqlite3.connect(db).execute("CREATE TABLE x (y)").connection.close()
    db.chmod(0o644)
    Store(db).close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_a_public_host_needs_a_secret_or_an_explicit_flag(engine: Any, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ListenError, match="allow-unsigned-public"):
        Listener(engine=engine, db=str(db), host="0.0.0.0")
    # Neither binds: these only build the listener (tests never listen beyond 127.0.0.1).
    assert Listener(engine=engine, db=str(db), host="0.0.0.0", allow_unsigned_public=True).host == "0.0.0.0"
    assert Listener(engine=engine, db=str(db), host="0.0.0.0", secret=SECRET).secret_set
    assert main(["listen", "--no-tui", "--host", "0.0.0.0", "--port", "0", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "accepts requests from other machines" in err and "--allow-unsigned-public" in err


def test_secret_from_a_file_or_the_environment_and_a_warning_for_argv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    payload = tmp_path / "p.json"
    payload.write_bytes(sample(ENVELOPE))
    secret_file = tmp_path / "secret"
    secret_file.write_text(SECRET + "\n")
    secret_file.chmod(0o600)
    assert main(["sign", str(payload), "--secret-file", str(secret_file)]) == 0
    out = capsys.readouterr()
    assert out.out.strip() == sign(sample(ENVELOPE), SECRET) and out.err == ""
    secret_file.chmod(0o644)
    assert main(["sign", str(payload), "--secret-file", str(secret_file)]) == 0
    assert "can be read by other users" in capsys.readouterr().err
    assert main(["sign", str(payload), "--secret", SECRET]) == 0
    assert "visible to other users in the process list" in capsys.readouterr().err
    monkeypatch.setenv("VOUCHERIFY_WEBHOOK_SECRET", SECRET)
    assert main(["sign", str(payload)]) == 0
    out = capsys.readouterr()
    assert out.out.strip() == sign(sample(ENVELOPE), SECRET) and out.err == ""
    assert main(["sign", str(payload), "--secret-file", str(tmp_path / "missing")]) == 2
    assert "no such secret file" in capsys.readouterr().err


async def test_history_clear_refuses_while_a_listener_runs_and_leaves_nothing_in_the_wal(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path
) -> None:
    running = await start_listener(secret=SECRET)
    marker = b"PAYLOAD-MARKER-7f3a"
    body = b'{"id": "wh_1", "note": "' + marker + b'"}'
    async with http.post(running.url, data=body) as resp:
        assert resp.status == 200
    code = await asyncio.to_thread(main, ["history", "--db", str(db), "--clear"])
    assert code == 2
    assert len(rows(db)) == 1  # refused: nothing deleted
    await running.listener.stop()
    assert await asyncio.to_thread(main, ["history", "--db", str(db), "--clear"]) == 0
    for path in db.parent.glob(db.name + "*"):
        assert marker not in path.read_bytes(), path.name
    wal = Path(str(db) + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


async def test_history_clear_says_why_it_refused(start_listener: StartListener, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    await start_listener()
    assert await asyncio.to_thread(main, ["history", "--db", str(db), "--clear"]) == 2
    assert "a listener is using this database" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["--format", "ndjson"], ["--format", "har"], ["--clear"], ["--format", "tui"]])
def test_history_of_a_damaged_database_is_a_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    db = tmp_path / "damaged.sqlite3"
    store = Store(db)
    store.begin()
    for i in range(200):
        store.conn.execute(
            "INSERT INTO captures (received_at, method, path, headers, body, size, http_status, signature) "
            "VALUES (?, 'POST', '/', '[]', ?, 10, 200, 'valid')",
            (float(i), b"x" * 2000),
        )
    store.commit()
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    data = bytearray(db.read_bytes())
    for offset in range(4096 * 2, len(data), 4096):  # every page but the first two: garbage
        data[offset : offset + 64] = b"\xde\xad\xbe\xef" * 16
    db.write_bytes(bytes(data))
    assert main(["history", "--db", str(db), *command]) == 2
    err = capsys.readouterr().err
    assert str(db) in err and "Traceback" not in err


# ------------------------------------------------------------------ 2. nothing lost, nothing silent


@pytest.mark.parametrize("value", [b"caf\xe9", b"\xff\xfe", b"\xc3\x28"])
async def test_a_header_byte_that_is_not_utf8_is_stored_and_shown_escaped(
    start_listener: StartListener, db: Path, value: bytes
) -> None:
    running = await start_listener(secret=SECRET)
    body = b'{"id": "wh_1"}'
    request = (
        b"POST / HTTP/1.1\r\nHost: x\r\n" + HEADER.encode() + b": " + value + b"\r\nX-Note: " + value
        + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )  # fmt: skip
    answer = await raw(running.listener.port, request)
    assert answer.startswith(b"HTTP/1.1 200 ")
    (entry,) = await running.wait_settled(1)
    assert entry.capture.signature == "invalid"
    await running.listener.stop()
    (row,) = rows(db)
    stored = dict(row.capture.headers)
    assert stored["X-Note"].encode("utf-8", "surrogateescape") == value  # nothing lost
    from inspector.listen.lines import format_line

    line = format_line(entry) + entry.capture.signature_detail
    line.encode("utf-8")  # printable: no lone surrogate reaches a terminal
    assert "\\x" in entry.capture.signature_detail


async def test_a_client_that_drops_mid_body_is_stored_with_the_reason(start_listener: StartListener, db: Path) -> None:
    running = await start_listener()
    reader, writer = await asyncio.open_connection("127.0.0.1", running.listener.port)
    writer.write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"partial\": tr")
    await writer.drain()
    await asyncio.sleep(0.1)
    writer.transport.abort()  # a reset, not a clean close
    (entry,) = await running.wait_settled(1)
    assert entry.capture.http_status == 400
    assert "cut short" in entry.capture.note and "14 of 100 bytes" in entry.capture.note
    (row,) = rows(db)
    assert row.capture.body == b'{"partial": tr' and row.capture.http_status == 400


async def test_a_broken_gzip_body_is_answered_400_and_stored_as_received(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path
) -> None:
    running = await start_listener(secret=SECRET)
    broken = gzip.compress(sample(ENVELOPE))[:-20] + b"garbage!"
    async with http.post(running.url, data=broken, headers={"Content-Encoding": "gzip"}) as resp:
        assert resp.status == 400
        assert "gzip" in (await resp.json())["error"]
    async with http.post(running.url, data=b"\x00" * 10, headers={"Content-Encoding": "br"}) as resp:
        assert resp.status == 415
    good = gzip.compress(sample(ENVELOPE))
    decoded_signature = sign(sample(ENVELOPE), SECRET)
    async with http.post(running.url, data=good, headers={"Content-Encoding": "gzip", HEADER: decoded_signature}) as resp:
        assert resp.status == 200
    settled = await running.wait_settled(3)
    assert [e.capture.http_status for e in settled] == [400, 415, 200]
    assert settled[2].capture.signature == "valid"
    assert settled[2].analysis.event_type == "customer.holder.assignment.created"
    got = rows(db)
    assert got[0].capture.body == broken and "gzip" in got[0].capture.note
    assert got[2].capture.body == good  # stored as received


async def test_a_store_failure_is_answered_500_and_still_shown_counted_and_printed(
    start_listener: StartListener, http: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    running = await start_listener()
    out = io.StringIO()
    printer = LinePrinter(out)
    listener = running.listener
    listener._on_entry = lambda e: (running.on_entry(e), printer.entry(e))  # type: ignore[func-returns-value]
    original = Store.insert

    def full(self: Store, capture: Any, derived: Any = None) -> int:
        raise sqlite3.OperationalError("database or disk is full")

    def full_many(self: Store, captures: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    original_many = Store.insert_many
    monkeypatch.setattr(Store, "insert", full)
    monkeypatch.setattr(Store, "insert_many", full_many)
    async with http.post(running.url, data=b'{"a": 1}') as resp:
        assert resp.status == 500
        assert "could not be stored" in (await resp.json())["error"]
    monkeypatch.setattr(Store, "insert", original)
    monkeypatch.setattr(Store, "insert_many", original_many)
    async with http.post(running.url, data=b'{"a": 1}') as resp:
        assert resp.status == 200
    await running.wait_settled(2)
    failed = running.entries[0]
    assert failed.capture.http_status == 500 and failed.capture.id is None
    assert "disk is full" in failed.capture.note
    assert listener.stats.not_stored == 1
    assert "500" in out.getvalue() and "disk is full" in out.getvalue()
    assert "1 not stored" in stop_summary(listener)


async def test_413_keeps_the_first_64_kib_and_expect_100_continue_is_refused_before_the_body(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path
) -> None:
    running = await start_listener(max_body=100 * 1024)
    big = bytes(range(256)) * 800  # 200 KiB
    async with http.post(running.url, data=big) as resp:
        assert resp.status == 413
    port = running.listener.port
    head = b"POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 999999999\r\n\r\n"
    answer = await raw(port, head)
    assert answer.startswith(b"HTTP/1.1 413 ") and b"100 Continue" not in answer
    ok = b'{"a": 1}'
    head = b"POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 8\r\n\r\n"
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head)
    first = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 3)
    assert first.startswith(b"HTTP/1.1 100 Continue")
    writer.write(ok)
    final = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 3)
    assert final.startswith(b"HTTP/1.1 200 ")
    writer.close()
    await running.wait_settled(3)
    first_row, refused, accepted = rows(db)
    assert first_row.capture.http_status == 413 and first_row.capture.body == big[: 64 * 1024]
    assert first_row.derived.size == len(big)
    assert refused.capture.http_status == 413 and refused.capture.body == b"" and refused.derived.size == 999999999
    assert "100-continue" in refused.capture.note
    assert accepted.capture.body == ok


async def test_a_malformed_request_is_stored_and_no_traceback_is_printed(db: Path) -> None:
    from .test_cli import spawn_listen

    proc, url = await spawn_listen(db)
    try:
        port = int(url.rsplit(":", 1)[1].strip("/"))
        answer = await raw(port, b"POST / HTTP/1.1\r\nHost: x\r\nX-Ctl: a\x01b\r\nContent-Length: 2\r\n\r\n{}")
        assert b" 400 " in answer.split(b"\r\n")[0]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{")
        await writer.drain()
        writer.transport.abort()
        await asyncio.sleep(0.3)
        proc.terminate()
        out, err = await asyncio.wait_for(proc.communicate(), 15)
    finally:
        if proc.returncode is None:  # a failed step must not leave the listener running
            proc.kill()
            await proc.wait()
    assert b"Traceback" not in err and len(err) < 2000, err[:2000]
    text = out.decode()
    assert "malformed HTTP request" in text and "cut short" in text
    assert "(2 requests" in text or "stopped after 2 requests" in text


# ------------------------------------------------------------------ 3. bounded under pressure


def test_forwarding_to_its_own_address_is_refused_at_start(engine: Any, db: Path, free_port: int) -> None:
    async def go() -> None:
        for target in (f"http://127.0.0.1:{free_port}/", f"http://localhost:{free_port}/other"):
            listener = Listener(engine=engine, db=str(db), port=free_port, forward_to=target)
            with pytest.raises(ListenError, match="own address"):
                await listener.start(lambda e: None)
            await listener.stop()

    asyncio.run(go())


async def test_a_request_that_comes_back_through_a_forward_loop_is_stored_and_not_relayed(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path
) -> None:
    relay = web.Application()
    seen: list[dict[str, str]] = []
    hops = {"n": 0}

    async def bounce(request: web.Request) -> web.Response:
        """A proxy (a tunnel) that sends everything back to the listener: a loop."""
        seen.append(dict(request.headers))
        hops["n"] += 1
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in forward.HOP_BY_HOP}
        async with aiohttp.ClientSession() as back:
            async with back.post(target["url"], data=body, headers=headers) as resp:
                return web.Response(status=resp.status, body=await resp.read())

    target: dict[str, str] = {}
    relay.router.add_post("/", bounce)
    runner = web.AppRunner(relay, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        running = await start_listener(forward_to=f"http://127.0.0.1:{runner.addresses[0][1]}/")
        target["url"] = running.url
        async with http.post(running.url, data=b'{"id": "wh_loop"}') as resp:
            assert resp.status == 200
        await running.wait_for(lambda: len(running.entries) >= 2, 5)
        await asyncio.sleep(0.5)  # a loop would keep adding captures meanwhile
        statuses = [e.capture.http_status for e in running.entries]
        assert statuses == [200, 508], statuses
        assert hops["n"] == 1
        assert running.listener.token in seen[0][forward.MARKER]
    finally:
        await runner.cleanup()


class HangingApp:
    """The user's app, stuck: accepts each request and answers only when released."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.received = 0
        self.raw: list[tuple[dict[str, str], bytes]] = []
        self.url = ""
        self.runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        self.received += 1
        self.raw.append((dict(request.headers), await request.read()))
        await self.release.wait()
        return web.Response(status=204)

    async def start(self, *, auto_decompress: bool = True) -> str:
        app = web.Application()
        app.router.add_post("/", self.handle)
        self.runner = web.AppRunner(app, access_log=None, auto_decompress=auto_decompress, shutdown_timeout=0.5)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}/"
        return self.url


async def test_the_forward_backlog_has_a_byte_budget_and_pending_forwards_are_recorded_on_stop(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path
) -> None:
    app = HangingApp()
    await app.start()
    try:
        body = b'{"pad": "' + b"x" * 4000 + b'"}'
        running = await start_listener(forward_to=app.url, forward_budget=10_000, max_forwards=1, forward_timeout=30)
        for _ in range(6):
            async with http.post(running.url, data=body) as resp:
                assert resp.status == 200
        await running.wait_for(lambda: running.listener.forwards is not None and running.listener.forwards.skipped >= 3)
        forwards = running.listener.forwards
        assert forwards is not None and forwards.waiting_bytes <= 10_000 + len(body)
        started = time.perf_counter()
        await running.listener.stop(grace=0.2)
        assert time.perf_counter() - started < 5
        errors = [r.capture.forward_error or "" for r in rows(db)]
        assert sum("skipped" in e and "budget" in e for e in errors) == forwards.skipped >= 3
        assert sum("not sent" in e or "interrupted" in e for e in errors) == forwards.not_sent >= 2
        assert all(errors), errors  # every capture says what became of its forward
        assert "skipped" in stop_summary(running.listener) and "not sent" in stop_summary(running.listener)
    finally:
        app.release.set()
        assert app.runner is not None
        await app.runner.cleanup()


async def test_gzip_is_forwarded_as_received_with_its_encoding(
    start_listener: StartListener, http: aiohttp.ClientSession
) -> None:
    app = HangingApp()
    app.release.set()
    await app.start(auto_decompress=False)
    try:
        running = await start_listener(forward_to=app.url)
        good = gzip.compress(sample(ENVELOPE))
        async with http.post(running.url, data=good, headers={"Content-Encoding": "gzip"}) as resp:
            assert resp.status == 200
        await running.wait_for(lambda: any(u.capture.forward_status for u in running.updates))
        ((headers, got),) = app.raw
        assert got == good and headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(got) == sample(ENVELOPE)
    finally:
        assert app.runner is not None
        await app.runner.cleanup()


async def test_slow_headers_are_cut_off_and_open_connections_are_capped(start_listener: StartListener, http: aiohttp.ClientSession) -> None:
    running = await start_listener(header_timeout=0.5, max_connections=3)
    port = running.listener.port
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST / HTTP/1.1\r\nHost: x\r\n")  # and never the rest
    await writer.drain()
    started = time.perf_counter()
    assert await asyncio.wait_for(reader.read(100), 5) == b""  # closed by the listener
    assert 0.3 < time.perf_counter() - started < 3
    writer.close()
    idle = [await asyncio.open_connection("127.0.0.1", port) for _ in range(3)]
    await asyncio.sleep(0.05)
    extra_reader, extra_writer = await asyncio.open_connection("127.0.0.1", port)
    answer = await asyncio.wait_for(extra_reader.read(200), 3)
    assert answer.startswith(b"HTTP/1.1 503 ")
    extra_writer.close()
    for _r, w in idle:
        w.close()
    await asyncio.sleep(0.1)
    async with http.post(running.url, data=b"{}") as resp:  # still serving
        assert resp.status == 200
    stats = running.listener.stats
    assert stats.header_timeouts >= 1 and stats.refused_connections >= 1


async def test_running_out_of_file_descriptors_neither_floods_stderr_nor_stops_the_loop(db: Path) -> None:
    def low_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))

    proc = await asyncio.create_subprocess_exec(
        *CLI, "listen", "--no-tui", "--port", "0", "--db", str(db), "--max-connections", "1000",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=cli_env(), preexec_fn=low_limit,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        first = (await asyncio.wait_for(proc.stdout.readline(), 15)).decode()
        port = int(first.split()[2].rsplit(":", 1)[1].strip("/"))
        conns = []
        for _ in range(120):
            try:
                conns.append(await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 1))
            except (OSError, asyncio.TimeoutError):
                break
        await asyncio.sleep(2.5)
        for _r, w in conns:
            w.close()
        await asyncio.sleep(1.5)
        async with aiohttp.ClientSession() as http:
            async with http.post(f"http://127.0.0.1:{port}/", data=b"{}", timeout=aiohttp.ClientTimeout(total=10)) as resp:
                assert resp.status == 200  # the loop went on
        proc.terminate()
        out, err = await asyncio.wait_for(proc.communicate(), 15)
    finally:
        if proc.returncode is None:  # a failed step must not leave the listener running
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0
    assert len(err) < 2000 and b"Traceback" not in err, err[:2000]
    # The cap is kept below the open-file limit, so accept() never fails; what is over it is refused.
    assert b"open-file limit (64)" in out and b"connections refused over the cap" in out


# ------------------------------------------------------------------ 4. answer first


async def test_the_answer_does_not_wait_for_the_verdict(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from inspector.listen import verdicts

    gate = threading.Event()
    judge = verdicts.judge

    def slow_judge(*args: Any, **kwargs: Any) -> Any:
        gate.wait(10)
        return judge(*args, **kwargs)

    monkeypatch.setattr(verdicts, "judge", slow_judge)
    running = await start_listener(secret=SECRET)
    body = sample(ENVELOPE)
    async with http.post(running.url, data=body, headers={HEADER: sign(body, SECRET)}) as resp:
        assert resp.status == 200 and (await resp.json())["id"] == 1
    (entry,) = running.entries
    assert entry.capture.signature == "pending" and entry.summary.pending
    (row,) = rows(db)
    assert row.capture.signature == "pending" and row.capture.body == body  # stored before answered
    gate.set()
    await running.wait_for(lambda: entry in running.updates)
    assert entry.capture.signature == "valid" and not entry.summary.pending
    assert entry.summary.event_type == "customer.holder.assignment.created"
    await running.listener.stop()
    (row,) = rows(db)
    assert row.capture.signature == "valid" and row.derived.event_type == "customer.holder.assignment.created"


async def test_requests_left_without_a_verdict_are_checked_by_the_next_listener(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path
) -> None:
    from inspector.listen.capture import Capture

    body = sample(ENVELOPE)
    store = Store(db)
    store.begin()
    capture = Capture(received_at=time.time(), method="POST", path="/", headers=[(HEADER, sign(body, SECRET))], body=body, signature="pending")
    store.insert(capture)
    store.commit()
    store.close()
    running = await start_listener(secret=SECRET)
    deadline = time.monotonic() + 5
    while rows(db)[0].capture.signature == "pending" and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    (row,) = rows(db)
    assert row.capture.signature == "valid" and row.derived.event_type == "customer.holder.assignment.created"
    assert running.entries == []  # old requests are not shown as new ones


async def test_a_big_body_is_judged_in_the_worker_process(start_listener: StartListener, http: aiohttp.ClientSession) -> None:
    import functools

    from inspector.engine.inputs import make_engine
    from inspector.listen.verdicts import BIG

    envelope = json.loads(sample(ENVELOPE))
    envelope["data"]["campaign"]["metadata"] = {"pad": ["x" * 100] * (BIG // 100 + 10)}
    body = json.dumps(envelope).encode()
    running = await start_listener(secret=SECRET, engine_factory=functools.partial(make_engine, None))
    async with http.post(running.url, data=body, headers={HEADER: sign(body, SECRET)}) as resp:
        assert resp.status == 200
    (entry,) = await running.wait_settled(1, timeout=30)
    assert entry.capture.signature == "valid"
    assert entry.summary.event_type == "customer.holder.assignment.created"
    assert entry.analysis.event_type == "customer.holder.assignment.created"  # made again when opened
