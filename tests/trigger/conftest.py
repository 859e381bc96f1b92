"""Fixtures for the trigger tests: a webhook handler on 127.0.0.1 that checks the signature the
way Voucherify's docs say, served from its own thread so that the command under test runs its
own event loop, as it does for a user."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

import pytest
from aiohttp import web

HERE = Path(__file__).resolve().parent
FIXTURE_SPEC = HERE / "fixture-examples-openapi.json"
SECRET = "whsec_trigger_7d1e"
HOLDER = "customer.holder.assignment.created"
HANG_LIMIT = 20.0  # the hanging handler gives up after this, whatever happens to the test


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's secret, specs or editor."""
    for name in ("VOUCHERIFY_WEBHOOK_SECRET", "VOUCHERIFY_INSPECT_SPEC", "VISUAL", "EDITOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    signature_ok: bool


class Handler:
    """The user's app. ``POST /webhooks`` checks ``x-voucherify-signature`` against the lowercase
    hex HMAC-SHA256 of the body keyed with the secret, and answers 401 when it differs; other
    paths answer as a broken app would."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.url = ""
        self.release: Optional[asyncio.Event] = None
        self._runner: Optional[web.AppRunner] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None

    def at(self, path: str) -> str:
        return self.url + path

    async def webhooks(self, request: web.Request) -> web.Response:
        body = await request.read()
        expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        given = request.headers.get("x-voucherify-signature", "")
        ok = hmac.compare_digest(given, expected)
        self.received.append(Received(dict(request.headers), body, ok))
        if not ok:
            return web.json_response({"error": "invalid signature"}, status=401)
        event = json.loads(body)
        return web.json_response({"received": event.get("id", "data")}, status=200)

    async def broken(self, request: web.Request) -> web.Response:
        self.received.append(Received(dict(request.headers), await request.read(), False))
        return web.Response(status=500, text="Traceback (most recent call last):\n  KeyError: 'holder'\x1b[2J\x07")

    async def big(self, request: web.Request) -> web.Response:
        await request.read()
        return web.Response(status=202, text="A" * 5000 + "END", content_type="text/plain")

    async def bad_request(self, request: web.Request) -> web.Response:
        await request.read()
        return web.json_response({"error": "body must be an order"}, status=400)

    async def redirect(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("/webhooks")

    async def hang(self, request: web.Request) -> web.Response:
        self.received.append(Received(dict(request.headers), await request.read(), False))
        assert self.release is not None
        try:
            await asyncio.wait_for(self.release.wait(), HANG_LIMIT)
        except asyncio.TimeoutError:
            pass
        return web.Response(status=200, text="too late")

    async def _start(self) -> None:
        self.release = asyncio.Event()
        app = web.Application()
        app.router.add_post("/webhooks", self.webhooks)
        app.router.add_post("/broken", self.broken)
        app.router.add_post("/big", self.big)
        app.router.add_post("/bad-request", self.bad_request)
        app.router.add_post("/redirect", self.redirect)
        app.router.add_post("/hang", self.hang)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    def start(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        ready = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(self._start())
            ready.set()
            loop.run_forever()

        self._thread = threading.Thread(target=serve, name="handler", daemon=True)
        self._thread.start()
        assert ready.wait(10), "the handler did not start"

    def stop(self) -> None:
        assert self._loop is not None and self._thread is not None and self._runner is not None
        loop, runner, release = self._loop, self._runner, self.release
        assert release is not None
        loop.call_soon_threadsafe(release.set)
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        self._thread.join(10)
        loop.close()


@pytest.fixture
def handler() -> Iterator[Handler]:
    h = Handler()
    h.start()
    yield h
    h.stop()


@pytest.fixture
def dead_url() -> str:
    """A URL on a port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/webhooks"
