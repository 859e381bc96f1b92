"""Fixtures for the listener tests: real HTTP on 127.0.0.1, ephemeral ports, a private database
and user data dir per test."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Iterator, Optional

import aiohttp
import pytest
from aiohttp import web

from inspector.engine.analyze import Engine
from inspector.engine.inputs import make_engine
from inspector.listen.capture import Entry
from inspector.listen.server import Listener

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
SECRET = "whsec_test_5f2a"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's secret or writes to their data dir."""
    monkeypatch.delenv("VOUCHERIFY_WEBHOOK_SECRET", raising=False)
    monkeypatch.delenv("VOUCHERIFY_INSPECT_SPEC", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


@pytest.fixture(scope="session")
def engine() -> Engine:
    return make_engine(None)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "captures.sqlite3"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


class Running:
    """A started listener and the entries it reported."""

    def __init__(self, listener: Listener, url: str) -> None:
        self.listener = listener
        self.url = url
        self.entries: list[Entry] = []
        self.updates: list[Entry] = []
        self.changed = asyncio.Event()

    def on_entry(self, entry: Entry) -> None:
        self.entries.append(entry)
        self.changed.set()

    def on_update(self, entry: Entry) -> None:
        self.updates.append(entry)
        self.changed.set()

    def settled(self) -> list[Entry]:
        """The rows whose verdict is in (it follows the answer)."""
        return [e for e in self.entries if e.capture is None or e.capture.analysed]

    async def wait_settled(self, n: int, timeout: float = 5.0) -> list[Entry]:
        await self.wait_for(lambda: len(self.settled()) >= n, timeout)
        return self.settled()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        async def loop() -> None:
            while not predicate():
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(loop(), timeout)


StartListener = Callable[..., Any]


@pytest.fixture
async def start_listener(engine: Engine, db: Path) -> AsyncIterator[StartListener]:
    """``await start_listener(secret=..., ...)`` -> Running; stopped at teardown."""
    started: list[Running] = []

    async def start(**kwargs: Any) -> Running:
        kwargs.setdefault("engine", engine)
        kwargs.setdefault("db", str(db))
        kwargs.setdefault("port", 0)
        listener = Listener(**kwargs)
        running = Running(listener, "")
        running.url = await listener.start(running.on_entry, running.on_update)
        started.append(running)
        return running

    yield start
    for running in started:
        await running.listener.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


class AppServer:
    """A stand-in for the user's app: records what it receives, answers 202."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.url = ""
        self.runner: Optional[web.AppRunner] = None

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append((dict(request.headers), await request.read()))
        return web.json_response({"handled": True}, status=202)

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/hooks", self.handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}/hooks"
        return self.url


@pytest.fixture
async def app_server() -> AsyncIterator[AppServer]:
    server = AppServer()
    await server.start()
    yield server
    assert server.runner is not None
    await server.runner.cleanup()


@pytest.fixture
def free_port() -> Iterator[int]:
    """A port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    yield port


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("VOUCHERIFY_WEBHOOK_SECRET", None)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


CLI = [sys.executable, "-m", "inspector"]


@pytest.fixture
def fake_tunnels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Fake ``cloudflared`` and ``ngrok`` first on PATH; yields the folder where they record
    their pid and argv. Any fake still running at teardown is killed (a failing test must not
    leave it behind)."""
    from .fake_tunnels import recorded, write_fakes

    state = tmp_path / "fake-tunnel-state"
    state.mkdir()
    bin_dir = write_fakes(tmp_path)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_TUNNEL_DIR", str(state))
    monkeypatch.setenv("FAKE_TUNNEL_MODE", "ok")
    yield state
    import signal

    for name in ("cloudflared", "ngrok"):
        for what, marker in (("pid", str(bin_dir)), ("grandchild", "time.sleep(60)")):
            pid = recorded(state, name, what)
            try:  # only a process that is still one of the fakes, never a reused pid
                if pid is not None and marker in Path(f"/proc/{pid}/cmdline").read_text(errors="replace"):
                    os.kill(int(pid), signal.SIGKILL)
            except (OSError, ValueError):
                pass
