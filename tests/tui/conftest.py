"""Fixtures for the inspector TUI: apps built through ``create_app`` as users get them, an
isolated data dir, no cursor blink, and a clipboard that records instead of copying."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Optional

import pytest
from aiohttp import web
from textual.pilot import Pilot
from textual.widgets import Input

from inspector.engine.analyze import Engine
from inspector.listen.capture import Capture, Entry
from inspector.listen.respond import Responder
from inspector.listen.tunnel import PublicEndpoint
from inspector.tui import clipboard
from inspector.tui.app import InspectorApp

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"


def sample(name: str) -> str:
    return str(SAMPLES / name)


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # No test reaches the machine's clipboard: by default there is none (the `copied` fixture
    # gives one that records).
    monkeypatch.setattr(clipboard, "system_copy", lambda text: False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("VOUCHERIFY_INSPECT_SPEC", raising=False)
    monkeypatch.setattr(Input, "cursor_blink", False)


@pytest.fixture
def copied(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the app sent to the system clipboard (pyperclip path), which accepts everything."""
    got: list[str] = []

    def accept(text: str) -> bool:
        got.append(text)
        return True

    monkeypatch.setattr(clipboard, "system_copy", accept)
    return got


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()


async def until(pilot: Pilot[Any], predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait for the app to reach a state (file loading runs in a worker)."""

    async def loop() -> None:
        while not predicate():
            await pilot.pause(0.01)

    await asyncio.wait_for(loop(), timeout)
    await pilot.pause()


async def loaded(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, InspectorApp)
    await until(pilot, lambda: not app.main_screen.loading_files and app.main_screen.current is not None)


def cursor_pointer(app: InspectorApp) -> Optional[str]:
    node = app.main_screen.payload_tree.cursor_node
    return node.data.pointer if node is not None and node.data is not None else None


def details_text(app: InspectorApp) -> str:
    from textual.widgets import Static

    body = app.query_one("#details-body", Static)
    return str(body.content)


def make_entry(engine: Engine, payload: Any, *, source: str = "live", capture: Optional[Capture] = None, retry_of: Optional[int] = None) -> Entry:
    return Entry(engine.analyze(payload, source=source), capture=capture, retry_of=retry_of)


def load_sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text())


class FakeListener:
    """Stands in for the HTTP listener: records calls, hands out entries on demand."""

    def __init__(
        self,
        *,
        secret_set: bool = True,
        forward_url: Optional[str] = "http://localhost:3000/hook",
        public: Optional[PublicEndpoint] = None,
        responder: Optional[Responder] = None,
    ) -> None:
        self.secret_set = secret_set
        self.forward_url = forward_url
        self.path = "/"
        self.public = public
        self.responder = responder if responder is not None else Responder()
        self.on_entry: Optional[Callable[[Entry], None]] = None
        self.on_update: Optional[Callable[[Entry], None]] = None
        self.stopped = 0
        self.replays: list[tuple[Capture, Optional[str], Optional[bytes]]] = []

    async def start(self, on_entry: Callable[[Entry], None], on_update: Optional[Callable[[Entry], None]] = None) -> str:
        self.on_entry = on_entry
        self.on_update = on_update
        return "http://127.0.0.1:8765/"

    async def stop(self) -> None:
        self.stopped += 1

    async def replay(self, capture: Capture, *, url: Optional[str], body: Optional[bytes]) -> Capture:
        self.replays.append((capture, url, body))
        # Like the real listener: a new, unstored Capture of what was sent, with the answer.
        target = url or self.forward_url
        return Capture(
            received_at=capture.received_at + 1,
            method="POST",
            path=target,
            headers=list(capture.headers),
            body=capture.body if body is None else body,
            http_status=None,
            is_replay=True,
            signature="valid",
            forward_url=target,
            forward_status=202,
            forward_latency_ms=12.0,
        )


SECRET = "whsec_tui_trigger_5c2a"
"""The webhook secret the trigger tests' handler checks signatures with."""


@dataclass
class Handler:
    """The user's webhook handler: checks the signature as Voucherify's docs say (HMAC-SHA256 of
    the body, lowercase hex), answers 401 when it differs."""

    url: str = ""
    received: list[tuple[dict[str, str], bytes, bool]] = field(default_factory=list)

    async def webhooks(self, request: web.Request) -> web.Response:
        body = await request.read()
        expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        ok = hmac.compare_digest(request.headers.get("x-voucherify-signature", ""), expected)
        self.received.append((dict(request.headers), body, ok))
        if not ok:
            return web.Response(status=401, text="invalid signature\x1b[2J\x07")
        return web.json_response({"received": json.loads(body).get("id")})


@pytest.fixture
async def handler() -> AsyncIterator[Handler]:
    found = Handler()
    app = web.Application()
    app.router.add_post("/webhooks", found.webhooks)
    runner = web.AppRunner(app)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    found.url = f"http://127.0.0.1:{sock.getsockname()[1]}/webhooks"
    yield found
    await runner.cleanup()
    sock.close()
