"""Answers you choose, over real HTTP on 127.0.0.1: ``--respond`` statuses, delays, bodies and
timeouts, ``--respond-for`` per type, the answer key's cycle, ``--proxy`` with an app that
answers 200, 500 or nothing; what the tunnel leaves of a request; the public endpoint's life
with the listener's."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from pathlib import Path
from typing import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from inspector.listen.history import rebuild_entries
from inspector.listen.lines import format_line
from inspector.listen.respond import Responder, parse_answer, parse_rule
from inspector.listen.server import Listener, ListenError
from inspector.listen.signature import HEADER, sign
from inspector.listen.store import Store
from inspector.listen.tunnel import PublicEndpoint, Tunnel

from .conftest import SECRET, StartListener, sample
from .fake_tunnels import CLOUDFLARED_URL, is_gone

CREATED = "holder-assignment-created.envelope.json"
DELETED = "holder-assignment-deleted.envelope.json"


def rows(db: Path) -> list:  # type: ignore[type-arg]
    store = Store(db)
    try:
        return list(store.all())
    finally:
        store.close()


def signed(name: str) -> tuple[bytes, dict[str, str]]:
    body = sample(name)
    return body, {HEADER: sign(body, SECRET), "Content-Type": "application/json"}


async def test_respond_503_stores_analyses_and_marks_the_retry(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path, engine
) -> None:
    running = await start_listener(secret=SECRET, responder=Responder(default=parse_answer("503")))
    body, headers = signed(CREATED)
    for _ in range(2):  # Voucherify's retry carries the same envelope id
        async with http.post(running.url, data=body, headers=headers) as resp:
            assert resp.status == 503
            answer = await resp.json()
    assert answer == {"ok": False, "id": 2, "error": "answered 503 as chosen (--respond 503)"}
    await running.wait_settled(2)  # the verdict follows the answer
    first, second = rows(db)
    for row in (first, second):
        assert row.capture.http_status == 503 and row.capture.answer_rule == "--respond 503"
        assert row.capture.signature == "valid" and row.derived.event_type == "customer.holder.assignment.created"
    await running.wait_for(lambda: len(running.entries) == 2)
    live = running.entries[1]
    assert live.retry_of == 1 and live.analysis.readable and live.capture is not None and live.capture.accepted
    assert "  503  customer.holder.assignment.created  " in format_line(live)
    assert "by --respond 503" in format_line(live) and "retry of #1" in format_line(live)
    # history shows them as deliveries too, not as rejected requests
    stored = rebuild_entries(engine, Store(db).all())
    assert [e.analysis.event_type for e in stored] == ["customer.holder.assignment.created"] * 2
    assert stored[1].retry_of == 1
    assert running.listener.by_status == {503: 2}


async def test_delay_answers_after_the_capture_is_stored(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path
) -> None:
    running = await start_listener(responder=Responder(default=parse_answer("200:0.6s")))
    body, headers = signed(CREATED)
    started = time.monotonic()
    request = asyncio.ensure_future(http.post(running.url, data=body, headers=headers))
    deadline = time.monotonic() + 5
    while not rows(db) and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert rows(db) and not request.done()  # stored, not answered yet
    async with await request as resp:
        assert resp.status == 200 and await resp.json() == {"ok": True, "id": 1}
    assert time.monotonic() - started >= 0.6
    assert rows(db)[0].capture.answer_rule == "--respond 200:0.6s"


async def test_timeout_sends_nothing_and_lets_go_when_the_sender_does(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path
) -> None:
    running = await start_listener(responder=Responder(default=parse_answer("timeout")))
    running.listener.hold = 30.0
    body, headers = signed(CREATED)
    with pytest.raises(asyncio.TimeoutError):
        async with http.post(running.url, data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=0.5)):
            pass
    (row,) = rows(db)
    assert row.capture.http_status == 0 and row.capture.answer_rule == "--respond timeout"
    assert row.capture.answer_text == "no answer"
    # The held handler notices the sender left: stopping does not wait for ``hold``.
    started = time.monotonic()
    await running.listener.stop()
    assert time.monotonic() - started < 10


async def test_timeout_closes_unanswered_after_hold(
    start_listener: StartListener, http: aiohttp.ClientSession
) -> None:
    running = await start_listener(responder=Responder(default=parse_answer("timeout")))
    running.listener.hold = 0.3
    body, headers = signed(CREATED)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        async with http.post(running.url, data=body, headers=headers):
            pass


async def test_chosen_body_is_sent_as_is(start_listener: StartListener, http: aiohttp.ClientSession) -> None:
    running = await start_listener(responder=Responder(default=parse_answer("409::busy: try later")))
    body, headers = signed(CREATED)
    async with http.post(running.url, data=body, headers=headers) as resp:
        assert resp.status == 409 and resp.content_type == "text/plain"
        assert await resp.read() == b"busy: try later"


async def test_respond_for_answers_per_event_type(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path
) -> None:
    responder = Responder(rules=[parse_rule("customer.holder.assignment.deleted=500")])
    running = await start_listener(responder=responder)
    statuses = []
    for name in (CREATED, DELETED):
        body, headers = signed(name)
        async with http.post(running.url, data=body, headers=headers) as resp:
            statuses.append(resp.status)
    async with http.post(running.url, data=b"not json") as resp:
        statuses.append(resp.status)
    assert statuses == [200, 500, 200]
    assert [r.capture.answer_rule for r in rows(db)] == [None, "--respond-for customer.holder.assignment.deleted=500", None]


async def test_cycling_changes_the_next_answer(start_listener: StartListener, http: aiohttp.ClientSession, db: Path) -> None:
    running = await start_listener()
    responder = running.listener.responder
    assert responder is not None
    body, headers = signed(CREATED)
    statuses = []
    for _ in range(3):
        async with http.post(running.url, data=body, headers=headers) as resp:
            statuses.append(resp.status)
        responder.cycle()
    assert statuses == [200, 500, 503]
    assert [r.capture.answer_rule for r in rows(db)] == [None, "answer key: 500", "answer key: 503"]


@pytest.mark.parametrize(("method", "path", "status"), [("GET", "/", 405), ("POST", "/elsewhere", 404)])
async def test_rejections_keep_their_own_answer(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path, method: str, path: str, status: str
) -> None:
    running = await start_listener(responder=Responder(default=parse_answer("503")))
    url = running.url.rstrip("/") + path
    async with http.request(method, url, data=b"{}") as resp:
        assert resp.status == status
    (row,) = rows(db)
    assert row.capture.http_status == status and row.capture.answer_rule is None and not row.capture.accepted


async def test_chosen_answer_still_forwards(start_listener: StartListener, http: aiohttp.ClientSession, app_server) -> None:  # type: ignore[no-untyped-def]
    running = await start_listener(forward_to=app_server.url, responder=Responder(default=parse_answer("503")))
    body, headers = signed(CREATED)
    async with http.post(running.url, data=body, headers=headers) as resp:
        assert resp.status == 503
    # Updates bring the verdict and the forward result, in either order.
    await running.wait_for(lambda: any(u.capture is not None and u.capture.forward_url for u in running.updates))
    assert app_server.received and app_server.received[0][1] == body


# ---------------------------------------------------------------- --proxy


class App:
    """The user's app for --proxy: answers with ``status`` (and a body saying so), or hangs."""

    def __init__(self) -> None:
        self.status = 200
        self.hang = False
        self.url = ""
        self.runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        await request.read()
        if self.hang:
            await asyncio.sleep(30)
        return web.json_response({"app": self.status}, status=self.status)


@pytest.fixture
async def app() -> AsyncIterator[App]:
    server = App()
    application = web.Application()
    application.router.add_post("/hooks", server.handle)
    server.runner = web.AppRunner(application, access_log=None, shutdown_timeout=0.1)
    await server.runner.setup()
    await web.TCPSite(server.runner, "127.0.0.1", 0).start()
    server.url = f"http://127.0.0.1:{server.runner.addresses[0][1]}/hooks"
    yield server
    await server.runner.cleanup()


@pytest.mark.parametrize("status", [200, 500])
async def test_proxy_answers_with_the_apps_status_and_body(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path, app: App, status: int
) -> None:
    app.status = status
    running = await start_listener(secret=SECRET, forward_to=app.url, proxy=True)
    assert running.listener.responder is None
    body, headers = signed(CREATED)
    async with http.post(running.url, data=body, headers=headers) as resp:
        assert resp.status == status and await resp.json() == {"app": status}
    await running.wait_settled(1)  # the verdict follows the answer
    (row,) = rows(db)
    assert row.capture.http_status == status and row.capture.answer_rule == "--proxy"
    assert row.capture.forward_status == status and row.derived.event_type == "customer.holder.assignment.created"
    await running.wait_for(lambda: bool(running.entries) and bool(running.updates))
    assert running.entries[0].capture is not None and running.entries[0].capture.http_status == status


async def test_proxy_to_an_app_that_is_down_answers_502_and_says_so(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path, free_port: int
) -> None:
    down = f"http://127.0.0.1:{free_port}/hooks"
    running = await start_listener(forward_to=down, proxy=True)
    body, headers = signed(CREATED)
    async with http.post(running.url, data=body, headers=headers) as resp:
        assert resp.status == 502
        answer = await resp.json()
    assert answer["ok"] is False and answer["id"] == 1 and "cannot connect" in answer["error"] and down in answer["error"]
    (row,) = rows(db)
    assert row.capture.http_status == 502 and row.capture.answer_rule == "--proxy: your app did not answer"
    await running.wait_for(lambda: bool(running.entries))
    assert "by --proxy: your app did not answer" in format_line(running.entries[0])


async def test_proxy_to_an_app_that_hangs_answers_502_after_the_forward_timeout(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path, app: App
) -> None:
    app.hang = True
    running = await start_listener(forward_to=app.url, proxy=True, forward_timeout=0.5)
    body, headers = signed(CREATED)
    async with http.post(running.url, data=body, headers=headers) as resp:
        assert resp.status == 502
        assert "did not answer within 0.5 s" in (await resp.json())["error"]
    assert rows(db)[0].capture.http_status == 502


def test_proxy_needs_forward_to(engine, db: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ListenError, match="--forward-to"):
        Listener(engine=engine, db=str(db), proxy=True)


# ---------------------------------------------------------------- through a tunnel


async def test_tunnel_headers_are_kept_and_name_the_sender(
    start_listener: StartListener, http: aiohttp.ClientSession, db: Path
) -> None:
    running = await start_listener()
    body, headers = signed(CREATED)
    headers.update(
        {
            "Host": "seasonal-deck-organisms-sf.trycloudflare.com",
            "X-Forwarded-For": "203.0.113.9, 198.51.100.1",
            "CF-Connecting-IP": "203.0.113.9",
            "X-Forwarded-Proto": "https",
        }
    )
    async with http.post(running.url, data=body, headers=headers) as resp:
        assert resp.status == 200
    await running.wait_settled(1)  # the verdict follows the answer
    capture = rows(db)[0].capture
    assert capture.header("host") == "seasonal-deck-organisms-sf.trycloudflare.com"
    assert capture.header("x-forwarded-for") == "203.0.113.9, 198.51.100.1"
    assert capture.sender == ("203.0.113.9", "CF-Connecting-IP") and capture.remote == "127.0.0.1"
    assert capture.body == body and capture.signature == "unchecked"


async def test_listener_runs_and_stops_its_tunnel(
    start_listener: StartListener, http: aiohttp.ClientSession, fake_tunnels: Path
) -> None:
    tunnel = Tunnel("cloudflared")
    running = await start_listener(public=tunnel, path="/hooks")
    deadline = time.monotonic() + 10
    while tunnel.state == "starting" and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert tunnel.state == "up" and tunnel.webhook_url("/hooks") == CLOUDFLARED_URL + "/hooks"
    argv = json.loads((fake_tunnels / "cloudflared.argv").read_text())
    assert argv[-1] == f"http://127.0.0.1:{running.listener.port}"
    pid = tunnel.pid
    assert pid is not None and not is_gone(pid)
    await running.listener.stop()
    assert is_gone(pid)


async def test_a_failed_tunnel_leaves_the_listener_serving(
    start_listener: StartListener, http: aiohttp.ClientSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    tunnel = Tunnel("ngrok")
    running = await start_listener(public=tunnel)
    deadline = time.monotonic() + 5
    while tunnel.state == "starting" and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert tunnel.state == "failed" and "ngrok is not installed" in tunnel.error
    async with http.post(running.url, data=sample(CREATED)) as resp:
        assert resp.status == 200


async def test_fixed_public_url_is_up_with_the_listener(start_listener: StartListener) -> None:
    running = await start_listener(public=PublicEndpoint("https://hooks.example.com"), path="/in")
    assert running.listener.public is not None
    assert running.listener.public.webhook_url(running.listener.path) == "https://hooks.example.com/in"


def test_schema_1_database_gains_the_answer_column(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.executescript(
        """CREATE TABLE captures (id INTEGER PRIMARY KEY AUTOINCREMENT, received_at REAL NOT NULL,
        method TEXT NOT NULL, path TEXT NOT NULL, query TEXT NOT NULL DEFAULT '', headers TEXT NOT NULL,
        body BLOB NOT NULL, remote TEXT, size INTEGER NOT NULL, http_status INTEGER NOT NULL,
        signature TEXT NOT NULL, signature_detail TEXT NOT NULL DEFAULT '', form TEXT, event_type TEXT,
        errors INTEGER NOT NULL DEFAULT 0, warnings INTEGER NOT NULL DEFAULT 0, delivery_id TEXT,
        forward_url TEXT, forward_status INTEGER, forward_latency_ms REAL, forward_body BLOB, forward_error TEXT);
        INSERT INTO captures (received_at, method, path, headers, body, size, http_status, signature)
        VALUES (1.0, 'POST', '/', '[]', X'7B7D', 2, 200, 'unchecked');
        PRAGMA user_version=1;"""
    )
    conn.close()
    (row,) = rows(db)
    assert row.capture.answer_rule is None and row.capture.accepted and row.capture.body == b"{}"
