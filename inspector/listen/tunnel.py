"""Where Voucherify reaches the listener from: a tunnel program run as a child process
(``--tunnel cloudflared|ngrok``) or a URL given by the user (``--public-url``).

The tunnel is the user's own installed program, started in a process group of its own and
killed as a group when the listener stops (and, as a last resort, at interpreter exit), so no
tunnel outlives the listener. Its public URL is read from what it prints: cloudflared's banner
on stderr, ngrok's JSON log lines on stdout (``--log stdout --log-format json``), and for ngrok
its local agent API on 127.0.0.1:4040 as a fallback. When the program is missing, exits early or
announces nothing within the timeout, the endpoint fails with the program's last lines and how
to install it; the listener itself keeps running on its local address.

No UI here: viewers ``watch`` an endpoint and render ``state``, ``url`` and ``failure_text()``.
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import json
import os
import re
import shutil
import signal
import subprocess
from typing import Any, Callable, Literal, Optional
from urllib.parse import urlsplit

import aiohttp

from inspector.engine.textsafe import visible

Program = Literal["cloudflared", "ngrok"]
PROGRAMS: tuple[Program, ...] = ("cloudflared", "ngrok")
State = Literal["starting", "up", "failed", "stopped"]

START_TIMEOUT = 20.0
NGROK_API = "http://127.0.0.1:4040/api/tunnels"
KEEP_LINES = 12
LINE_LIMIT = 300
STOP_GRACE = 3.0

INSTALL: dict[Program, str] = {
    "cloudflared": "install cloudflared: brew install cloudflared (macOS), or a package from "
    "https://github.com/cloudflare/cloudflared/releases (Linux, Windows); no account is needed",
    "ngrok": "install ngrok: brew install ngrok (macOS), or https://ngrok.com/download; it needs a free "
    "account's token once: ngrok config add-authtoken YOUR_TOKEN",
}

# The quick-tunnel host cloudflared draws in its banner; api.trycloudflare.com only ever
# appears in its error messages.
_CLOUDFLARED_URL = re.compile(r"https://(?!api\.)[a-z0-9-]+\.trycloudflare\.com\b")


class PublicEndpoint:
    """A public URL that leads to the listener. This base class is a fixed one (``--public-url``:
    another tunnel or a reverse proxy, run by the user); ``Tunnel`` runs a program for it."""

    program: Optional[Program] = None

    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url
        self.state: State = "up" if url else "starting"
        self.error = ""
        """Why the endpoint failed or went down (one line; ``failure_text`` has the rest)."""
        self._watchers: list[Callable[[PublicEndpoint], object]] = []

    @property
    def name(self) -> str:
        """What to call it in a status line."""
        return self.program or "public URL"

    def watch(self, callback: Callable[["PublicEndpoint"], object]) -> None:
        """Call ``callback(self)`` on every change of state (in the listener's event loop)."""
        self._watchers.append(callback)

    def webhook_url(self, path: str) -> Optional[str]:
        """The target URL to paste into Voucherify, once known."""
        return webhook_url(self.url, path) if self.url else None

    def failure_text(self) -> str:
        return self.error

    async def open(self, host: str, port: int) -> None:
        """Called once the listener is bound to ``host:port``; nothing to start for a fixed URL."""

    async def close(self) -> None:
        """Called when the listener stops."""

    def _changed(self) -> None:
        for callback in list(self._watchers):
            callback(self)


def check_public_url(url: str) -> str:
    """``url`` when it is an absolute http(s) URL; raises ValueError with the reason otherwise."""
    try:
        parts = urlsplit(url)
    except ValueError:
        raise ValueError(f"not a valid URL: {visible(url)!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {visible(url)!r} (for example https://hooks.example.com)")
    return url


def webhook_url(public: str, path: str) -> str:
    """``public`` with the listen ``path`` appended, unless it names a path of its own (a reverse
    proxy that maps paths is given whole)."""
    parts = urlsplit(public)
    if parts.path not in ("", "/"):
        return public
    return public.rstrip("/") + (path if path.startswith("/") else "/" + path)


def dashboard_steps(url: str) -> list[str]:
    """What to do in Voucherify's dashboard with the public target URL."""
    return [
        "In Voucherify: Project settings → Webhooks → add a webhook for API version v2024-01-01,",
        f"target URL {url} , choose its events and save; then Send test webhook.",
    ]


def target_address(host: str, port: int) -> str:
    """host:port the tunnel connects to: a wildcard bind is reached on loopback."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def tunnel_command(program: Program, address: str) -> list[str]:
    """The arguments the program runs with (after its own name)."""
    if program == "cloudflared":
        return ["tunnel", "--no-autoupdate", "--url", f"http://{address}"]
    return ["http", address, "--log", "stdout", "--log-format", "json"]


def url_in_line(program: Program, line: str) -> Optional[str]:
    """The public URL a tunnel program announces on this line of its output, if it does."""
    if program == "cloudflared":
        m = _CLOUDFLARED_URL.search(line)
        return m.group(0) if m else None
    record = _json_object(line)
    if record is not None and record.get("msg") == "started tunnel":
        url = record.get("url")
        if isinstance(url, str) and url.startswith("https://"):
            return url
    return None


def ngrok_api_url(answer: Any, port: int) -> Optional[str]:
    """The https public URL, in an ngrok agent API answer (``GET /api/tunnels``), of the tunnel
    that points at ``port``: another ngrok on this machine may serve other tunnels."""
    if not isinstance(answer, dict) or not isinstance(answer.get("tunnels"), list):
        return None
    for tunnel in answer["tunnels"]:
        if not isinstance(tunnel, dict):
            continue
        url, config = tunnel.get("public_url"), tunnel.get("config")
        addr = config.get("addr") if isinstance(config, dict) else None
        if isinstance(url, str) and url.startswith("https://") and isinstance(addr, str):
            if addr.rstrip("/").endswith(f":{port}"):
                return url
    return None


def _json_object(line: str) -> Optional[dict[str, Any]]:
    if not line.startswith("{"):
        return None
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def shown_line(line: str) -> str:
    """A line of the program's output as the user is shown it: ngrok's JSON records as
    ``level message: error``, everything made visible and cut to a readable length."""
    record = _json_object(line)
    if record is not None and "msg" in record:
        line = f"{record.get('lvl', '')} {record['msg']}".strip()
        if record.get("err") not in (None, "<nil>"):
            line += f": {record['err']}"
    line = visible(line)
    return line if len(line) <= LINE_LIMIT else line[: LINE_LIMIT - 1] + "…"


class Tunnel(PublicEndpoint):
    """Runs ``cloudflared`` or ``ngrok`` for the listener and finds the public URL it gets."""

    def __init__(
        self,
        program: Program,
        *,
        timeout: float = START_TIMEOUT,
        api_url: str = NGROK_API,
        stop_grace: float = STOP_GRACE,
    ) -> None:
        super().__init__()
        self.program = program
        self.timeout = timeout
        self.api_url = api_url
        self.stop_grace = stop_grace
        self.command: list[str] = []
        self.process: Optional[asyncio.subprocess.Process] = None
        self.lines: collections.deque[str] = collections.deque(maxlen=KEEP_LINES)
        self._task: Optional[asyncio.Task[None]] = None
        self._readers: list[asyncio.Task[None]] = []
        self._found: Optional[asyncio.Future[str]] = None
        self._closing = False

    @property
    def pid(self) -> Optional[int]:
        return self.process.pid if self.process is not None else None

    async def open(self, host: str, port: int) -> None:
        """Start the program in the background; ``state`` says how it goes."""
        self._task = asyncio.ensure_future(self._run(target_address(host, port), port))

    def failure_text(self) -> str:
        """The whole story of a failure: what happened, the last lines, how to install."""
        out = [f"{self.program}: {self.error}"]
        if self.command:
            out.append("  ran: " + visible(" ".join(self.command)))
        if self.lines:
            out.append("  last lines it printed:")
            out.extend("    " + line for line in self.lines)
        elif self.command:
            out.append("  it printed nothing")
        assert self.program is not None
        out.append("  " + INSTALL[self.program])
        return "\n".join(out)

    def _fail(self, error: str) -> None:
        self.state, self.error = "failed", error
        self._changed()

    async def _run(self, address: str, port: int) -> None:
        assert self.program is not None
        executable = shutil.which(self.program)
        if executable is None:
            self._fail(f"{self.program} is not installed (not found on PATH)")
            return
        self.command = [self.program, *tunnel_command(self.program, address)]
        self._changed()
        try:
            # A session of its own: the group is killed whole on stop, and a Ctrl-C meant for
            # the listener's terminal does not reach the tunnel before the listener stops it.
            process = await asyncio.create_subprocess_exec(
                executable,
                *self.command[1:],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            self._fail(f"cannot run {executable}: {exc.strerror or exc}")
            return
        self.process = process
        _LIVE.add(self)
        self._found = asyncio.get_running_loop().create_future()
        assert process.stdout is not None and process.stderr is not None
        self._readers = [asyncio.ensure_future(self._read(stream)) for stream in (process.stdout, process.stderr)]
        waiters: list[asyncio.Future[Any]] = [self._found, asyncio.ensure_future(process.wait())]
        if self.program == "ngrok":
            waiters.append(asyncio.ensure_future(self._poll_api(port)))
        try:
            done, _ = await asyncio.wait(waiters, timeout=self.timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters[1:]:
                if not waiter.done():
                    waiter.cancel()
        url = self._found.result() if self._found.done() and not self._found.cancelled() else None
        if url is None:
            for waiter in waiters[2:]:  # the API poller
                if waiter in done and not waiter.cancelled() and waiter.exception() is None:
                    url = waiter.result()
        if url is not None:
            self.url, self.state = url, "up"
            self._changed()
            await self._watch_exit(process)
            return
        if process.returncode is not None:
            await asyncio.wait(self._readers, timeout=1.0)  # its last words, if the pipes close
            error = f"exited with status {process.returncode} before announcing a public URL"
        else:
            error = f"announced no public URL within {self.timeout:g} s"
        await self._kill()  # before saying so: whoever is told finds nothing left running
        self._fail(error)

    async def _watch_exit(self, process: asyncio.subprocess.Process) -> None:
        """Once up: a tunnel that dies takes the public URL with it; say so."""
        status = await process.wait()
        if self._closing:
            return
        await asyncio.wait(self._readers, timeout=1.0)
        await self._kill()
        self.state, self.error = "stopped", f"exited with status {status}: {self.url} no longer reaches the listener"
        self._changed()

    async def _read(self, stream: asyncio.StreamReader) -> None:
        """Keep every line's tail and look for the URL; drained to the end so the program never
        blocks on a full pipe."""
        assert self.program is not None
        while True:
            try:
                raw = await stream.readline()
            except ValueError:  # a line over the reader's limit: skip it
                continue
            if not raw:
                return
            line = raw.decode("utf-8", "replace").strip()
            if not line:
                continue
            self.lines.append(shown_line(line))
            found = self._found
            if found is not None and not found.done():
                url = url_in_line(self.program, line)
                if url is not None:
                    found.set_result(url)

    async def _poll_api(self, port: int) -> str:
        """ngrok's local agent API, for an ngrok whose log lines say nothing we recognise."""
        timeout = aiohttp.ClientTimeout(total=1.0)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                await asyncio.sleep(1.0)
                try:
                    async with session.get(self.api_url) as resp:
                        answer = await resp.json(content_type=None) if resp.status == 200 else None
                except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                    continue
                url = ngrok_api_url(answer, port)
                if url is not None:
                    return url

    async def close(self) -> None:
        """Stop the program and everything it started; returns once they are gone."""
        self._closing = True
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._kill()
        if self.state in ("starting", "up"):
            self.state = "stopped"
            self._changed()

    async def _kill(self) -> None:
        process = self.process
        if process is None:
            return
        if process.returncode is None:
            _signal_group(process.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), self.stop_grace)
            except asyncio.TimeoutError:
                _signal_group(process.pid, signal.SIGKILL)
                await process.wait()
        # Whatever it started and left behind in its group.
        _signal_group(process.pid, signal.SIGKILL)
        for reader in self._readers:
            reader.cancel()
        await asyncio.gather(*self._readers, return_exceptions=True)
        _LIVE.discard(self)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        if hasattr(os, "killpg"):
            os.killpg(pid, sig)
        else:  # pragma: no cover - Windows has no process groups
            os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


_LIVE: set[Tunnel] = set()


@atexit.register
def _kill_leftovers() -> None:
    """Last resort when the listener could not stop its tunnels (an exception on the way out)."""
    for tunnel in list(_LIVE):
        if tunnel.process is not None:
            _signal_group(tunnel.process.pid, signal.SIGKILL)
