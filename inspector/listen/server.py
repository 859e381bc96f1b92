"""The live webhook listener: an aiohttp server in the caller's asyncio loop (the TUI's, or a
plain one for ``--no-tui``) that stores every request before answering it, and judges it after.

Answers: POST to the listen path -> 200 ``{"ok": true, "id": N}`` once the raw request is
committed (also for a body that is not JSON: the capture succeeded, and a non-2xx would only
make Voucherify retry it); other methods -> 405 with ``Allow: POST``; other paths -> 404; a body
over ``max_body`` -> 413 (``Expect: 100-continue`` gets it before sending the body); a body not
sent within ``read_timeout`` -> 408; a body cut short, or whose gzip is broken -> 400; an
unsupported Content-Encoding -> 415; a request this listener relayed itself -> 508; storage
failure -> 500 (so the sender retries). A POST to the path may be answered otherwise, after it
is stored: as a ``Responder`` chooses (``--respond``), or with the app's answer (``--proxy``).
Every one of them is stored (but a 500) and reported to the viewers; the signature verdict and
the analysis follow off the request path (``verdicts``) and reach the viewers through
``on_update``. The expected signature is never computed into anything that is stored, shown or
sent.

Connections: at most ``max_connections`` open (more are answered 503 and closed), and each must
send its request headers within ``header_timeout``. aiohttp's and asyncio's error logs (a
malformed request, file descriptors running out) are turned into counted notices, never a flood
of tracebacks on stderr or in the TUI.

No textual import here: the TUI receives ``Entry`` objects through ``on_entry``/``on_update``.
"""

from __future__ import annotations

import asyncio
import contextvars
import ipaddress
import json
import logging
import math
import os
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import aiohttp
from aiohttp import http_exceptions, web

from inspector.engine import issues as codes
from inspector.engine.analysis import Analysis
from inspector.engine.analyze import Engine
from inspector.engine.issues import Issue
from inspector.listen import forward
from inspector.listen.capture import PENDING, Capture, Entry, Recent, Summary
from inspector.listen.encoding import DECODED_LIMIT_FACTOR, content_encoding, decode
from inspector.listen.history import analyse_body, analyser_of, rejected, replay_source, source_of
from inspector.listen.respond import HOLD, Reply, Responder, answer_body, event_type_of
from inspector.listen.source import OnEntry
from inspector.listen.store import Derived, Filter, ListenerLock, Reader, StoreError, Writer
from inspector.listen.tunnel import PublicEndpoint
from inspector.listen.verdicts import BIG, Analyser, Done, EngineFactory, Job

DEFAULT_MAX_BODY = 5 * 1024 * 1024
OVERSIZE_KEEP = 64 * 1024
DEFAULT_MAX_CONNECTIONS = 256
BUSY_WINDOW = 0.05
BUSY_REQUESTS = 8.0
"""Verdicts wait while requests come in faster than about this many per ``BUSY_WINDOW`` seconds
(a burst, not a trickle): see ``verdicts``."""

# Kept for callers of the old names.
HOP_BY_HOP = forward.HOP_BY_HOP
FORWARD_BODY_LIMIT = forward.ANSWER_LIMIT

_timeout = getattr(asyncio, "timeout", None)  # Python 3.11+


class ListenError(Exception):
    """The listener cannot start (port in use, bad URL, database); the message is for the user."""


class ReplayError(Exception):
    """A replay that cannot be attempted (no URL); the message is for the user."""


def listen_url(host: str, port: int, path: str) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{path}"


def check_forward_url(url: str) -> str:
    """``url`` when it is an absolute http(s) URL; raises ListenError otherwise."""
    try:
        return forward.check_url(url)
    except forward.BadURL as exc:
        raise ListenError(str(exc)) from None


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    name = host.strip("[]").lower()
    if name in ("localhost", "ip6-localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass
class Stats:
    """Counts for the status bar and the stop summary."""

    received: int = 0
    not_stored: int = 0
    refused_connections: int = 0
    header_timeouts: int = 0
    malformed: int = 0
    unverified_at_stop: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    by_signature: dict[str, int] = field(default_factory=dict)


class _Read:
    """The body of one request as far as it arrived, and what the answer must be."""

    __slots__ = ("status", "body", "size", "why", "close")

    def __init__(self, status: int, body: bytes, size: int, why: str = "", close: bool = False) -> None:
        self.status = status
        self.body = body
        self.size = size
        self.why = why
        self.close = close


class _Server(web.Server):
    """aiohttp's low-level server with a cap on open connections and a deadline for the first
    request's headers (later ones on a kept-alive connection fall to ``keepalive_timeout``)."""

    def __init__(self, handler: Any, *, listener: Listener, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.listener = listener
        self.open = 0
        self._deadlines: dict[Any, asyncio.TimerHandle] = {}

    def connection_made(self, handler: Any, transport: asyncio.Transport) -> None:
        super().connection_made(handler, transport)
        self.open += 1
        listener = self.listener
        if self.open > listener.max_connections:
            listener.stats.refused_connections += 1
            listener.notice(
                "connections",
                f"more than {listener.max_connections} open connections: new ones are answered 503 and closed",
            )
            transport.write(b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
            # Closed on the next turn: aiohttp sets the connection up after this returns.
            asyncio.get_running_loop().call_soon(handler.force_close)
            return
        loop = asyncio.get_running_loop()
        self._deadlines[handler] = loop.call_later(listener.header_timeout, self._expire, handler)

    def connection_lost(self, handler: Any, exc: Optional[BaseException] = None) -> None:
        self.open -= 1
        deadline = self._deadlines.pop(handler, None)
        if deadline is not None:
            deadline.cancel()
        super().connection_lost(handler, exc)

    def started(self, handler: Any) -> None:
        """A request's headers arrived on this connection."""
        deadline = self._deadlines.pop(handler, None)
        if deadline is not None:
            deadline.cancel()

    def _expire(self, handler: Any) -> None:
        if self._deadlines.pop(handler, None) is None:
            return
        self.listener.stats.header_timeouts += 1
        self.listener.notice(
            "headers",
            f"a connection sent no complete request headers within {self.listener.header_timeout:g} s: closed",
        )
        handler.force_close()


class _Notices(logging.Handler):
    """aiohttp's and asyncio's error logs while listening: a malformed request becomes a stored
    capture (aiohttp answered it 400), anything else a counted notice; no traceback reaches
    stderr or the TUI."""

    def __init__(self, listener: Listener) -> None:
        super().__init__(logging.WARNING)
        self.listener = listener

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.listener._log_record(record)
        except Exception:  # noqa: BLE001 - logging must never raise into aiohttp
            pass


class _AcceptFilter(logging.Filter):
    """asyncio logs every failed ``accept()`` (file descriptors exhausted) with a traceback, and
    then, for each, a retry that fails once the server is closed: megabytes of stderr in
    seconds. Those records are dropped and turned into one notice per listener; the filter stays
    installed (the retries outlive the listener), and lets every other record through."""

    def __init__(self) -> None:
        super().__init__()
        self.listeners: list[Listener] = []

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        exc = record.exc_info[1] if record.exc_info else None
        accept = "accept" in message and "resource" in message
        retry = "_start_serving" in message or ("_accept_connection" in message and isinstance(exc, (OSError, ValueError)))
        if not (accept or retry):
            return True
        for listener in self.listeners:
            listener.notice(
                "accept",
                "out of file descriptors: new connections wait (raise `ulimit -n`, or lower --max-connections)",
            )
        return False


_ACCEPT_FILTER = _AcceptFilter()
logging.getLogger("asyncio").addFilter(_ACCEPT_FILTER)

FD_RESERVE = 48
"""File descriptors kept for the database, the forward client and the worker process."""


def connection_room(limit: int) -> tuple[int, Optional[int]]:
    """(connections allowed, the process's open-file limit when it is what limits them): kept
    below the limit, since a full table makes asyncio spin on accept()."""
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        return limit, None
    if soft == resource.RLIM_INFINITY:
        return limit, None
    try:
        used = len(os.listdir("/proc/self/fd"))
    except OSError:
        used = 16
    room = int(soft) - used - FD_RESERVE
    if room >= limit:
        return limit, None
    return max(1, room), int(soft)


class Listener:
    """Receives webhooks, stores them, answers, then verifies and analyses them; viewers get an
    ``Entry`` per request through ``on_entry`` at once and the same Entry through ``on_update``
    when its verdict (or its forward result) is in.

    Use from a running loop: ``url = await listener.start(on_entry, on_update)`` ...
    ``await listener.stop()``.
    """

    def __init__(
        self,
        *,
        engine: Engine,
        db: str,
        host: str = "127.0.0.1",
        port: int = 8765,
        path: str = "/",
        secret: Optional[str] = None,
        forward_to: Optional[str] = None,
        max_body: int = DEFAULT_MAX_BODY,
        read_timeout: float = 10.0,
        header_timeout: float = 10.0,
        forward_timeout: float = 10.0,
        max_forwards: int = 16,
        forward_budget: int = forward.DEFAULT_BUDGET,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        allow_unsigned_public: bool = False,
        public: Optional[PublicEndpoint] = None,
        responder: Optional[Responder] = None,
        proxy: bool = False,
        on_notice: Optional[Callable[[str], None]] = None,
        engine_factory: Optional[EngineFactory] = None,
    ) -> None:
        self.engine = engine
        self.engine_factory = engine_factory
        """Builds ``engine`` again in a worker process, where big bodies are judged (None: all
        are judged in this process, and a big one can delay answers while it is parsed)."""
        self.db = db
        self.host = host
        self.port = port
        self.path = path if path.startswith("/") else "/" + path
        self.secret = secret or None
        self.forward_to = check_forward_url(forward_to) if forward_to else None
        if proxy and self.forward_to is None:
            raise ListenError("--proxy answers with your app's answer: it needs --forward-to URL")
        self.proxy = proxy
        self.public = public
        """Where Voucherify reaches this listener from (``--tunnel``, ``--public-url``)."""
        self.responder = None if proxy else (responder or Responder())
        """How deliveries are answered; None with ``--proxy`` (the app answers)."""
        self.hold = HOLD
        if not is_loopback(host) and self.secret is None and not allow_unsigned_public:
            raise ListenError(
                f"--host {host} accepts requests from other machines, and without a secret anyone who can reach "
                "it can post payloads that look signed-off: set VOUCHERIFY_WEBHOOK_SECRET or --secret-file, "
                "or pass --allow-unsigned-public"
            )
        self.max_body = max_body
        self.read_timeout = read_timeout
        self.header_timeout = header_timeout
        self.forward_timeout = forward_timeout
        self.max_connections = max_connections
        self.on_notice = on_notice
        self.url: Optional[str] = None
        self.stats = Stats()
        self.inflight = 0
        """Requests being received or answered right now."""
        self._last_request = 0.0
        self._rate = 0.0
        self.token = secrets.token_hex(8)
        """Marks the requests this listener relays, so it can tell when one comes back."""
        self._max_forwards = max_forwards
        self._forward_budget = forward_budget
        self._on_entry: Optional[OnEntry] = None
        self._on_update: Optional[OnEntry] = None
        self._writer: Optional[Writer] = None
        self._reader: Optional[Reader] = None
        self._analyser: Optional[Analyser] = None
        self._forwarder: Optional[forward.Forwarder] = None
        self._runner: Optional[web.ServerRunner] = None
        self._server: Optional[_Server] = None
        self._lock: Optional[ListenerLock] = None
        self._tasks: set[asyncio.Future[Any]] = set()
        self._recent: Recent[Entry, Analysis] = Recent(16)
        self._forwarding: dict[int, Entry] = {}
        """The rows of captures being relayed whose result is not stored yet (to update when it
        is, and kept in memory until then: see ``_release``)."""
        self._noticed: dict[str, float] = {}
        self._log_handler: Optional[_Notices] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._context: Optional[contextvars.Context] = None
        """The context ``start`` was called in: verdicts reach the viewers in it (a TUI's
        callbacks need their app's context variables)."""

    # ------------------------------------------------------------------ what viewers read

    @property
    def secret_set(self) -> bool:
        return self.secret is not None

    @property
    def serving(self) -> bool:
        """Whether the HTTP server is accepting requests."""
        return self._runner is not None

    @property
    def forward_url(self) -> Optional[str]:
        """``--forward-to``: where each capture is relayed, and where a replay goes by default."""
        return self.forward_to

    @property
    def received(self) -> int:
        return self.stats.received

    @property
    def by_status(self) -> dict[int, int]:
        return self.stats.by_status

    @property
    def by_signature(self) -> dict[str, int]:
        return self.stats.by_signature

    @property
    def forwards(self) -> Optional[forward.Forwarder]:
        return self._forwarder

    # ------------------------------------------------------------------ lifecycle

    async def start(self, on_entry: OnEntry, on_update: Optional[OnEntry] = None) -> str:
        """Open the database, bind the port, and return the URL webhooks should be sent to."""
        self._on_entry = on_entry
        self._on_update = on_update
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._context = contextvars.copy_context()
        lock = ListenerLock(self.db)
        writer = Writer(self.db)
        try:
            await loop.run_in_executor(None, writer.open)
            await loop.run_in_executor(None, lock.shared)
        except StoreError as exc:
            writer.close()
            raise ListenError(str(exc)) from None
        except OSError as exc:
            writer.close()
            raise ListenError(f"{self.db}: {exc.strerror or exc}") from None
        writer.start(loop)
        self._writer, self._lock = writer, lock
        reader = self._reader = Reader(self.db)
        self._analyser = Analyser(
            engine=self.engine,
            secret=self.secret,
            writer=writer,
            reader=reader,
            settled=self._settled_from_writer,
            busy=self._busy,
            engine_factory=self.engine_factory,
            decoded_limit=self.max_body * DECODED_LIMIT_FACTOR,
        )
        if self.forward_to is not None and self.port and forward.points_at(self.forward_to, self.host, self.port):
            await self._close_store()
            self._analyser = None
            raise ListenError(
                f"--forward-to {self.forward_to} is this listener's own address: every request would be "
                "forwarded back to it forever; forward to your app's port instead"
            )
        self._quiet_logs()
        room, fd_limit = connection_room(self.max_connections)
        if fd_limit is not None:
            self.notice(
                "fd-limit",
                f"the open-file limit ({fd_limit}) allows {room} connections at once, not {self.max_connections}: "
                "more are answered 503 (raise `ulimit -n` for more)",
            )
            self.max_connections = room
        server = _Server(
            self._handle,
            listener=self,
            auto_decompress=False,  # bodies are stored and relayed as received
            keepalive_timeout=self.header_timeout,
            access_log=None,
        )
        runner = web.ServerRunner(server, handle_signals=False, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, backlog=1024)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            await self._close_store()
            self._restore_logs()
            self._analyser = None
            raise ListenError(f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}") from None
        self._runner, self._server = runner, server
        self.port = runner.addresses[0][1] if runner.addresses else self.port
        if self.forward_to is not None:
            self._forwarder = forward.Forwarder(
                self.forward_to,
                token=self.token,
                on_done=self._forwarded,
                timeout=self.forward_timeout,
                concurrency=self._max_forwards,
                budget=self._forward_budget,
            )
            self._forwarder.start()
        self._analyser.start()
        try:
            left = await loop.run_in_executor(None, reader.rows, Filter(pending_only=True))
        except StoreError:
            left = []
        for row in left:  # a previous run stored these but stopped before their verdict
            self._analyser.submit(Job(row.capture))
        self.url = listen_url(self.host, self.port, self.path)
        if self.public is not None:
            await self.public.open(self.host, self.port)
        return self.url

    async def stop(self, grace: float = 2.0) -> None:
        """Stop accepting, finish in-flight requests; give relays and verdicts ``grace`` seconds
        (what is left is recorded: forwards as not sent, verdicts as pending for the next run);
        close the database. The tunnel, if any, goes first."""
        if self.public is not None:
            await self.public.close()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
        if self._forwarder is not None:
            await self._forwarder.stop(grace)
        if self._analyser is not None:
            analyser, self._analyser = self._analyser, None
            loop = asyncio.get_running_loop()
            self.stats.unverified_at_stop = await loop.run_in_executor(None, analyser.close, grace)
        await self._close_store()
        self._restore_logs()

    async def _close_store(self) -> None:
        loop = asyncio.get_running_loop()
        # Verdicts and forward results queued by the last groups reach the store and the viewers
        # (each takes a few turns of the loop: queued, committed, reported).
        for _ in range(10):
            await asyncio.sleep(0)
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=5)
        if self._writer is not None:
            writer, self._writer = self._writer, None
            await writer.aclose()
        for _ in range(10):
            await asyncio.sleep(0)
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    # ------------------------------------------------------------------ logs and notices

    def notice(self, kind: str, text: str) -> None:
        """Tell the user about a condition once per kind per 10 s (never once per request)."""
        now = time.monotonic()
        if now - self._noticed.get(kind, -1e9) < 10:
            return
        self._noticed[kind] = now
        if self.on_notice is not None:
            try:
                self.on_notice(text)
            except Exception:  # noqa: BLE001 - a viewer's failure is not the listener's
                pass

    def _quiet_logs(self) -> None:
        self._log_handler = _Notices(self)
        aio = logging.getLogger("aiohttp")
        aio.addHandler(self._log_handler)
        aio.propagate = False
        _ACCEPT_FILTER.listeners.append(self)

    def _restore_logs(self) -> None:
        if self._log_handler is not None:
            aio = logging.getLogger("aiohttp")
            aio.removeHandler(self._log_handler)
            aio.propagate = True
            self._log_handler = None
        if self in _ACCEPT_FILTER.listeners:
            _ACCEPT_FILTER.listeners.remove(self)

    def _log_record(self, record: logging.LogRecord) -> None:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, http_exceptions.HttpProcessingError) and self._writer is not None:
            remote = str(record.args[0]) if isinstance(record.args, tuple) and record.args else None
            message = " ".join((exc.message or str(exc)).split())
            self.stats.malformed += 1
            self._spawn(self._store_malformed(remote, getattr(exc, "code", 400) or 400, message))
            return
        text = record.getMessage()
        if exc is not None:
            text += f": {exc.__class__.__name__}: {exc}"
        self.notice("log:" + record.getMessage()[:40], f"HTTP server: {text}")

    async def _store_malformed(self, remote: Optional[str], status: int, message: str) -> None:
        capture = Capture(
            received_at=time.time(),
            method="?",
            path="?",
            remote=remote,
            http_status=status,
            signature="unchecked",
            signature_detail="not checked: the request could not be parsed",
            note=f"malformed HTTP request, answered {status} by the HTTP parser: {message}",
        )
        await self._store_and_report(capture, settled=True)

    # ------------------------------------------------------------------ requests

    async def _read_body(self, request: web.BaseRequest) -> _Read:
        """The body as far as it arrives; status 0 when it all did and fits."""
        declared = request.content_length
        expect = request.headers.get("Expect", "").lower() == "100-continue"
        if declared is not None and declared > self.max_body:
            if expect:  # the client waits for a go-ahead: refuse before it sends anything
                why = (
                    f"Content-Length {declared} is over the limit of {self.max_body} bytes "
                    "(refused before the body was sent: Expect: 100-continue)"
                )
                return _Read(413, b"", declared, why, close=True)
            keep = min(OVERSIZE_KEEP, self.max_body)
            read = await self._read(request, keep)
            if read.status:
                return read
            why = f"body of {declared} bytes is over the limit of {self.max_body} bytes (the first {min(keep, read.size)} kept)"
            return _Read(413, read.body[:keep], declared, why, close=True)
        if expect and request.version >= (1, 1):
            await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        read = await self._read(request, self.max_body, declared)
        if read.status == 0 and read.size > self.max_body:
            keep = min(OVERSIZE_KEEP, self.max_body)
            why = f"body over the limit of {self.max_body} bytes (the first {keep} kept)"
            return _Read(413, read.body[:keep], read.size, why, close=True)
        return read

    async def _read(self, request: web.BaseRequest, limit: int, declared: Optional[int] = None) -> _Read:
        """Up to ``limit`` bytes of the body (status 0; ``size`` > limit when there was more)."""
        content = request.content
        if declared is not None and declared <= limit and content.is_eof() and content.exception() is None:
            # The whole body came with the headers (the usual webhook): no timer needed.
            body = content.read_nowait()
            return _Read(0, body, len(body))
        chunks: list[bytes] = []
        size = 0

        async def read() -> None:
            nonlocal size
            while size <= limit:
                chunk = await request.content.readany()
                if not chunk:
                    return
                size += len(chunk)
                chunks.append(chunk)

        def cut(status: int, why: str) -> _Read:
            return _Read(status, b"".join(chunks)[:limit], size, why, close=True)

        expected = f" of {declared}" if declared is not None else ""
        try:
            if _timeout is not None:  # no extra task per request, unlike wait_for
                async with _timeout(self.read_timeout):
                    await read()
            else:
                await asyncio.wait_for(read(), self.read_timeout)
        except asyncio.TimeoutError:
            return cut(408, f"body not received within {self.read_timeout:g} s ({size}{expected} bytes arrived)")
        except (aiohttp.ClientPayloadError, ConnectionError, OSError) as exc:
            return cut(400, f"body cut short: {size}{expected} bytes arrived, then the connection broke ({_reason(exc)})")
        except http_exceptions.HttpProcessingError as exc:
            return cut(400, f"body framing is broken after {size} bytes ({_reason(exc)})")
        except Exception as exc:  # noqa: BLE001 - whatever the body did, the request is stored
            return cut(400, f"body could not be read after {size} bytes ({exc.__class__.__name__}: {exc})")
        return _Read(0, b"".join(chunks), size)

    def _busy(self) -> bool:
        """Whether requests are coming in as a burst (the recent rate, decayed to now)."""
        return self._rate * math.exp((self._last_request - time.monotonic()) / BUSY_WINDOW) > BUSY_REQUESTS

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        now = time.monotonic()
        # About the number of requests begun in the last BUSY_WINDOW seconds.
        self._rate = self._rate * math.exp((self._last_request - now) / BUSY_WINDOW) + 1.0
        self._last_request = now
        self.inflight += 1
        try:
            return await self._receive(request)
        finally:
            self.inflight -= 1

    async def _receive(self, request: web.BaseRequest) -> web.StreamResponse:
        if self._server is not None:
            self._server.started(request.protocol)
        received_at = time.time()
        headers = [(k.decode("utf-8", "surrogateescape"), v.decode("utf-8", "surrogateescape")) for k, v in request.raw_headers]
        read = await self._read_body(request)
        status, why = read.status, read.why
        decoded: Optional[bytes] = None
        if request.path != self.path:
            status, why = 404, f"{request.method} to {request.path}: webhooks are accepted on {self.path}"
        elif status == 0 and request.method != "POST":
            status, why = 405, f"{request.method} request: webhooks are POSTed (answered 405)"
        elif status == 0 and self.token in (request.headers.get(forward.MARKER) or ""):
            status, why = 508, (
                "forward loop: this request was relayed by this listener and came back to it "
                "(--forward-to leads back here); it is stored and not relayed again"
            )
        elif status == 0:
            encoding = content_encoding(headers)
            if encoding:
                result = decode(read.body, encoding, limit=self.max_body * DECODED_LIMIT_FACTOR)
                if result.ok:
                    decoded = result.data
                else:
                    status, why = (415 if "not supported" in result.error else 400), result.error
            else:
                decoded = read.body
        capture = Capture(
            received_at=received_at,
            method=request.method,
            path=request.path,
            query=request.query_string,
            headers=headers,
            body=read.body,
            remote=request.remote,
            http_status=status or 200,
            signature="pending",
            note=why,
            size=read.size,
        )
        chosen: Optional[Reply] = None
        if status == 0:
            chosen = self._choose(capture, decoded)
        entry = await self._store_and_report(capture, decoded=decoded)
        if entry is None:
            return web.json_response(
                {"ok": False, "error": "capture could not be stored"}, status=500, headers={"Connection": "close"}
            )
        if self.proxy and capture.accepted:
            return await self._answer_by_proxy(capture, entry)
        if capture.accepted and self._forwarder is not None and capture.id is not None:
            self._forwarding[capture.id] = entry
            self._forwarder.submit(capture)
        if chosen is not None:
            return await self._answer_as_chosen(request, capture, chosen)
        if status == 0:
            return web.Response(body=b'{"ok": true, "id": %d}' % (capture.id or 0), content_type="application/json")
        response = web.json_response(
            {"ok": False, "id": capture.id, "error": why}, status=status, headers={"Allow": "POST"} if status == 405 else None
        )
        if read.close:
            response.force_close()
        return response

    def _choose(self, capture: Capture, decoded: Optional[bytes]) -> Optional[Reply]:
        """How to answer a delivery, before it is stored: ``--proxy`` (the app answers, after),
        a ``--respond``/``--respond-for`` rule, or None for the listener's own 200. A per-type
        rule reads the envelope's ``type`` (the analysis comes after the answer)."""
        if self.proxy:
            capture.http_status, capture.answer_rule = 0, "--proxy"  # until the app answers
            return None
        responder = self.responder
        if responder is None:
            return None
        event_type = event_type_of(decoded) if responder.by_type and decoded is not None else None
        answer, rule = responder.choose(event_type)
        if rule is None:
            return None
        capture.http_status, capture.answer_rule = answer.status or 0, rule
        return answer

    async def _answer_as_chosen(self, request: web.BaseRequest, capture: Capture, answer: Reply) -> web.StreamResponse:
        """``--respond``: after the delay, the chosen status and body, or no answer at all."""
        if answer.delay:
            await asyncio.sleep(answer.delay)
        if answer.status is None:
            # Hold the connection until the sender gives up (or ``hold`` runs out), then
            # close it unanswered.
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.hold
            while loop.time() < deadline and request.transport is not None and not request.transport.is_closing():
                await asyncio.sleep(min(0.2, self.hold))
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=504)  # never sent: the connection is closed
        body, kind = answer_body(answer, capture.id, capture.answer_rule or "")
        return web.Response(status=answer.status, body=body, content_type=kind)

    async def _answer_by_proxy(self, capture: Capture, entry: Entry) -> web.Response:
        """``--proxy``: relay the stored request to the app and answer with what it answered;
        502 when it could not be reached."""
        assert self._forwarder is not None and self.forward_to is not None
        if capture.id is not None:
            self._forwarding[capture.id] = entry
        await self._forwarder.relay_now(capture)
        if capture.forward_error is None and capture.forward_status is not None:
            capture.http_status = capture.forward_status
            body, kind = answer_body(Reply(status=capture.forward_status, body=capture.forward_body or b""), capture.id, "")
        else:
            capture.http_status, capture.answer_rule = 502, "--proxy: your app did not answer"
            error = f"your app at {self.forward_to} did not answer: {capture.forward_error}"
            body, kind = json.dumps({"ok": False, "id": capture.id, "error": error}).encode(), "application/json"
        if self._writer is not None:
            try:
                await self._writer.submit_async(lambda store: _record_answer(store, capture))
            except Exception:  # noqa: BLE001 - the capture itself is stored; only its answer is not recorded
                pass
        self._forward_stored(capture)
        self._count_answer(capture)
        self._emit(self._on_update, entry)
        return web.Response(status=capture.http_status, body=body, content_type=kind)

    async def _store_and_report(self, capture: Capture, *, decoded: Optional[bytes] = None, settled: bool = False) -> Optional[Entry]:
        """Commit the raw request, hand its row to the viewers and queue its verdict. On a store
        failure the request is answered 500: the viewers get it all the same (not stored)."""
        assert self._writer is not None
        try:
            await self._writer.submit_insert(capture)
        except Exception as exc:  # noqa: BLE001 - the request is not stored: say so, and let the sender retry
            reason = exc if isinstance(exc, StoreError) else f"{exc.__class__.__name__}: {exc}"
            capture.http_status = 500
            capture.signature = "unchecked"
            capture.note = f"could not be stored, answered 500 so the sender retries ({reason})"
            self.stats.not_stored += 1
            self._count(capture)
            self._emit(self._on_entry, Entry(rejected(source_of(capture), capture.note), capture))
            return None
        self._count(capture)
        if settled:
            entry = Entry(rejected(source_of(capture), capture.note), capture)
        else:
            entry = Entry(_placeholder(capture), capture, summary=PENDING)
        self._emit(self._on_entry, entry)
        if not settled and self._analyser is not None:
            self._analyser.submit(Job(capture, entry, decoded, len(decoded) if decoded is not None else capture.size))
        return entry

    def _count(self, capture: Capture) -> None:
        s = self.stats
        s.received += 1
        status = capture.http_status or 0
        s.by_status[status] = s.by_status.get(status, 0) + 1

    def _count_answer(self, capture: Capture) -> None:
        """A request counted before its answer was known (``--proxy``) got it."""
        by = self.stats.by_status
        if by.get(0):
            by[0] -= 1
        status = capture.http_status or 0
        by[status] = by.get(status, 0) + 1

    def _emit(self, callback: Optional[OnEntry], entry: Entry) -> None:
        if callback is None:
            return
        try:
            callback(entry)
        except Exception as exc:  # noqa: BLE001 - a viewer's failure must not fail the request
            self.notice("viewer", f"a viewer failed on request #{entry.capture.id if entry.capture else '?'}: {exc!r}")

    def _spawn(self, awaitable: Any) -> None:
        task = asyncio.ensure_future(awaitable)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ------------------------------------------------------------------ verdicts and forwards

    def _settled_from_writer(self, batch: list[Done]) -> None:
        """Once a group of verdicts is committed (called in the loop's thread by the writer, or
        in the analyser's thread if the writer failed it)."""
        loop = self._loop
        if loop is None:
            return
        try:
            loop.call_soon_threadsafe(self._settled, batch, context=self._context)
        except RuntimeError:  # the loop is closed
            pass

    def _settled(self, batch: list[Done]) -> None:
        for done in batch:
            capture = done.job.capture
            j = done.judgement
            capture.signature, capture.signature_detail = j.status, j.detail
            s = self.stats
            s.by_signature[capture.signature] = s.by_signature.get(capture.signature, 0) + 1
            entry = done.job.entry
            if entry is None:
                continue
            first = done.analyses[0] if done.analyses else None
            entry.settle(
                summary=j.summary,
                pending=analyser_of(self.engine, capture),
                recent=self._recent,
                # Kept for a quick first look, unless its payload is big (it is made again when opened).
                analysis=first if first is not None and capture.size < BIG else None,
                retry_of=done.retry_of,
            )
            self._emit(self._on_update, entry)
            for extra in done.analyses[1:]:  # an NDJSON body: one more row per payload
                self._emit(self._on_entry, Entry(extra, capture, done.retry_of))
            self._release(capture)

    def _release(self, capture: Capture) -> None:
        """Verdict in and forward result stored: the payload goes back to the database until
        opened. Not before the forward result is committed: the reader would load (and keep)
        the row's forward body as it was, None, and the app's answer would never show."""
        if self._reader is not None and capture.id is not None and capture.analysed and capture.id not in self._forwarding:
            capture.release(self._reader.heavy)

    def _forward_stored(self, capture: Capture) -> None:
        """The forward result is committed (or could not be): heavy parts the reader loaded
        before (a capture released over the analyser's budget) are out of date; the capture
        goes back to the database if its verdict is in too."""
        if capture.id is None:
            return
        self._forwarding.pop(capture.id, None)
        if self._reader is not None:
            self._reader.forget(capture.id)
        self._release(capture)

    def _forwarded(self, capture: Capture) -> None:
        """A relay finished (or was skipped): store its result and tell the viewers."""
        self._spawn(self._record_forward(capture))

    async def _record_forward(self, capture: Capture) -> None:
        if self._writer is not None:
            try:
                await self._writer.submit_async(lambda store: store.update_forward(capture))
            except Exception:  # noqa: BLE001 - the capture itself is stored; only the forward result is lost
                pass
        entry = self._forwarding.get(capture.id) if capture.id is not None else None
        self._forward_stored(capture)
        if entry is not None:
            self._emit(self._on_update, entry)

    # ------------------------------------------------------------------ replay

    async def replay(self, capture: Capture, *, url: Optional[str] = None, body: Optional[bytes] = None) -> Capture:
        """Send a captured request again, to ``url`` or the forward URL, optionally with an edited
        body, re-signed with the secret. Returns a new, unstored Capture describing what was sent
        (``http_status`` None, ``forward_*`` = the answer), stored as a replay when the store takes
        it (``id`` set then). Raises ReplayError without a URL."""
        target = url or self.forward_to
        if not target:
            raise ReplayError("no URL to replay to: type one, or start listen with --forward-to")
        try:
            forward.check_url(target)
        except forward.BadURL as exc:
            raise ReplayError(str(exc)) from None
        sent = await forward.replay(
            capture,
            url=target,
            body=body,
            secret=self.secret,
            timeout=self.forward_timeout,
            limit=self.max_body * DECODED_LIMIT_FACTOR,
        )
        await self._store_replay(sent)
        return sent

    async def _store_replay(self, sent: Capture) -> None:
        """Write the replay through the writer, with its body's summary (so ``history`` draws its
        row lazily, marked as a replay). The replay went out either way: a store that fails
        loses only its row."""
        writer = self._writer
        if writer is None:
            return
        loop = asyncio.get_running_loop()
        try:
            analyses = await loop.run_in_executor(None, lambda: analyse_body(self.engine, sent, source=replay_source(sent))[0])
            derived = Derived.of(analyses)
            await writer.submit_async(lambda store: store.insert(sent, derived), size=len(sent.body))
        except Exception:  # noqa: BLE001 - see the docstring
            sent.id = None


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc) or exc.__class__.__name__
    return " ".join(str(text).split())


def _record_answer(store: Any, capture: Capture) -> None:
    store.update_forward(capture)
    store.update_answer(capture)


def _placeholder(capture: Capture) -> Analysis:
    """What a row shows until its verdict is in (usually milliseconds; longer behind big payloads)."""
    issue = Issue("", "info", codes.HTTP_PENDING, "stored and answered; the signature check and validation follow")
    return Analysis.unreadable(source_of(capture), [issue])
