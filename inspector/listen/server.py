"""The live webhook listener: an aiohttp server in the caller's asyncio loop (the TUI's, or a
plain one for ``--no-tui``) that stores every request before answering it.

Answers: POST to the listen path -> 200 ``{"ok": true, "id": N}`` once the request is committed
(also for a body that is not JSON: the capture succeeded, and a non-2xx would only make
Voucherify retry it); other methods -> 405 with ``Allow: POST``; other paths -> 404; a body
over ``max_body`` -> 413; a body not sent within ``read_timeout`` -> 408; storage failure ->
500 (so the sender retries). Every one of them is stored and reported. The expected signature
never goes into a response. A POST to the path may be answered otherwise, after it is stored:
as a ``Responder`` chooses (``--respond``), or with the app's answer (``--proxy``).

No textual import here: the TUI receives ``Entry`` objects through the ``on_entry`` callback.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Coroutine, Iterable, Optional

import aiohttp
from aiohttp import web
from yarl import URL

from inspector.engine.analysis import Analysis
from inspector.engine.analyze import Engine
from inspector.listen.capture import Capture, Entry
from inspector.listen.history import RetryMarker, rejected
from inspector.listen.respond import HOLD, Reply, Responder, answer_body
from inspector.listen.signature import HEADER, Verdict, sign, verify
from inspector.listen.source import OnEntry
from inspector.listen.store import Derived, Store, StoreError, Writer
from inspector.listen.tunnel import PublicEndpoint

DEFAULT_MAX_BODY = 5 * 1024 * 1024
FORWARD_BODY_LIMIT = 64 * 1024
OVERSIZE_KEEP = 64 * 1024

# Never relayed: they describe the hop to us, not the webhook; aiohttp sets its own.
HOP_BY_HOP = frozenset(
    {
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "proxy-connection",
        "proxy-authorization",
        "te",
        "trailer",
        "upgrade",
        "expect",
        "accept-encoding",
    }
)


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
        parsed = URL(url)
    except (ValueError, TypeError):
        raise ListenError(f"not a valid URL: {url!r}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ListenError(f"not an http(s) URL: {url!r} (for example http://127.0.0.1:3000/webhooks)")
    return url


class Listener:
    """Receives webhooks, stores and verifies them, and hands each to ``on_entry``.

    Use from a running loop: ``url = await listener.start(on_entry)`` ... ``await listener.stop()``.
    ``on_update`` (optional) is called with the same Entry objects when a forward result arrives;
    the Capture inside them is updated in place.
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
        forward_timeout: float = 10.0,
        max_forwards: int = 16,
        public: Optional[PublicEndpoint] = None,
        responder: Optional[Responder] = None,
        proxy: bool = False,
    ) -> None:
        self.engine = engine
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
        self.max_body = max_body
        self.read_timeout = read_timeout
        self.forward_timeout = forward_timeout
        self.url: Optional[str] = None
        self.received = 0
        self.by_status: dict[int, int] = {}
        self.by_signature: dict[str, int] = {}
        self._max_forwards = max_forwards
        self._on_entry: Optional[OnEntry] = None
        self._on_update: Optional[OnEntry] = None
        self._writer: Optional[Writer] = None
        self._runner: Optional[web.AppRunner] = None
        self._session: Optional[aiohttp.ClientSession] = None
        self._forward_slots: Optional[asyncio.Semaphore] = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._retries: Optional[RetryMarker[int]] = None

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

    async def start(self, on_entry: OnEntry, on_update: Optional[OnEntry] = None) -> str:
        """Open the database, bind the port, and return the URL webhooks should be sent to."""
        self._on_entry = on_entry
        self._on_update = on_update
        writer = Writer(self.db)
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, writer.start)
        except StoreError as exc:
            raise ListenError(str(exc)) from None
        self._writer = writer
        # aiohttp's own size limit would answer 413 before we could log the request.
        app = web.Application(client_max_size=1 << 62)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, backlog=1024)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            await loop.run_in_executor(None, writer.close)
            self._writer = None
            raise ListenError(f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}") from None
        self._runner = runner
        port = runner.addresses[0][1] if runner.addresses else self.port
        self.port = port
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.forward_timeout))
        self._forward_slots = asyncio.Semaphore(self._max_forwards)
        self.url = listen_url(self.host, port, self.path)
        if self.public is not None:
            await self.public.open(self.host, port)
        return self.url

    async def stop(self) -> None:
        """Stop the tunnel, stop accepting, finish in-flight requests and forwards, close the
        database."""
        if self.public is not None:
            await self.public.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=self.forward_timeout + 1)
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._writer is not None:
            writer, self._writer = self._writer, None
            await asyncio.get_running_loop().run_in_executor(None, writer.close)

    async def _read_body(self, request: web.Request) -> tuple[int, bytes, int, str]:
        """(status, body kept, size seen, why rejected); status 0 when the body is fine."""
        declared = request.content_length
        if declared is not None and declared > self.max_body:
            return 413, b"", declared, f"body of {declared} bytes is over the limit of {self.max_body} bytes"
        chunks: list[bytes] = []
        size = 0

        async def read() -> bool:
            nonlocal size
            while True:
                chunk = await request.content.readany()
                if not chunk:
                    return True
                size += len(chunk)
                if size > self.max_body:
                    return False
                chunks.append(chunk)

        try:
            if _timeout is not None:  # no extra task per request, unlike wait_for
                async with _timeout(self.read_timeout):
                    complete = await read()
            else:
                complete = await asyncio.wait_for(read(), self.read_timeout)
        except asyncio.TimeoutError:
            return 408, b"".join(chunks), size, f"body not received within {self.read_timeout:g} s"
        except aiohttp.ClientError as exc:  # client went away mid-body
            return 400, b"".join(chunks), size, f"body cut short: {exc}"
        body = b"".join(chunks)
        if not complete:
            return 413, body[:OVERSIZE_KEEP], size, f"body over the limit of {self.max_body} bytes"
        return 0, body, size, ""

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        received_at = time.time()
        status, body, size, why = await self._read_body(request)
        if request.path != self.path:
            status, why = 404, f"{request.method} to {request.path}: webhooks are accepted on {self.path}"
        elif status == 0 and request.method != "POST":
            status, why = 405, f"{request.method} request: webhooks are POSTed (answered 405)"
        capture = Capture(
            received_at=received_at,
            method=request.method,
            path=request.path,
            query=request.query_string,
            headers=list(request.headers.items()),
            body=body,
            remote=request.remote,
            http_status=status or 200,
        )
        answer = status or 200
        assert self._writer is not None
        fut = self._writer.submit(lambda store: self._accept(store, capture, size, why))
        try:
            entries, chosen = await asyncio.wrap_future(fut)
        except Exception:  # the request is not stored: say so, and let the sender retry
            capture.http_status = 500
            self._count(500, capture.signature)
            return web.json_response({"ok": False, "error": "capture could not be stored"}, status=500)
        if self.proxy and capture.accepted:
            return await self._answer_by_proxy(entries)
        self._count(capture.http_status or 0, capture.signature)
        asyncio.get_running_loop().call_soon(self._emit, entries)
        if capture.accepted and self.forward_to is not None:
            self._spawn(self._forward(entries))
        if chosen is not None:
            return await self._answer_as_chosen(request, capture, chosen)
        if answer == 200:
            return web.Response(
                body=json.dumps({"ok": True, "id": capture.id}).encode(), content_type="application/json"
            )
        payload = {"ok": False, "id": capture.id, "error": why}
        headers = {"Allow": "POST"} if answer == 405 else None
        return web.json_response(payload, status=answer, headers=headers)

    def _accept(self, store: Store, capture: Capture, size: int, why: str) -> tuple[list[Entry], Optional[Reply]]:
        """Analyse, choose the answer, store (in the writer thread); returns the entries and
        the chosen answer (None: the listener's own, or the app's with ``--proxy``)."""
        analyses, derived = self._derive(capture, size)
        chosen: Optional[Reply] = None
        if capture.accepted and self.proxy:
            capture.http_status, capture.answer_rule = 0, "--proxy"  # until the app answers
        elif capture.accepted and self.responder is not None:
            answer, rule = self.responder.choose(derived.event_type)
            if rule is not None:
                capture.http_status, capture.answer_rule, chosen = answer.status or 0, rule, answer
        return self._record(store, capture, analyses, derived, why), chosen

    async def _answer_as_chosen(self, request: web.Request, capture: Capture, answer: Reply) -> web.StreamResponse:
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

    async def _answer_by_proxy(self, entries: list[Entry]) -> web.Response:
        """``--proxy``: relay the stored request to the app and answer with what it answered;
        502 when it could not be reached."""
        capture = entries[0].capture
        assert capture is not None and self.forward_to is not None and self._forward_slots is not None
        headers = [(k, v) for k, v in capture.headers if k.lower() not in HOP_BY_HOP]
        async with self._forward_slots:
            await self._relay(capture, self.forward_to, capture.body, headers)
        if capture.forward_error is None and capture.forward_status is not None:
            capture.http_status = capture.forward_status
            body, kind = answer_body(Reply(status=capture.forward_status, body=capture.forward_body or b""), capture.id, "")
        else:
            capture.http_status, capture.answer_rule = 502, "--proxy: your app did not answer"
            error = f"your app at {self.forward_to} did not answer: {capture.forward_error}"
            body, kind = json.dumps({"ok": False, "id": capture.id, "error": error}).encode(), "application/json"
        if self._writer is not None:
            job = lambda store: (store.update_forward(capture), store.update_answer(capture))  # noqa: E731
            try:
                await asyncio.wrap_future(self._writer.submit(job))
            except Exception:
                pass  # the capture itself is stored; only its answer is not recorded
        self._count(capture.http_status, capture.signature)
        self._emit(entries)
        self._emit(entries, update=True)
        return web.Response(status=capture.http_status, body=body, content_type=kind)

    def _derive(self, capture: Capture, size: int) -> tuple[list[Analysis], Derived]:
        """Verify and analyse one request. Runs in the writer thread, just before the insert:
        measured, this beats analysing in the event loop (the loop keeps serving sockets while
        SQLite and the GIL switch), keeps a 5 MiB body from stalling the server or the TUI, and
        keeps the engine, which is not thread-safe, on one thread."""
        analyses: list[Analysis] = []
        if capture.accepted:
            analyses = self.engine.analyze_bytes(capture.body, source="")
        if capture.http_status == 413:
            verdict = Verdict("unchecked", "body over the size limit: not checked")
        elif len(analyses) == 1 and analyses[0].readable and analyses[0].line is None:
            # The engine parsed the body already: the signature check reuses it.
            verdict = verify(capture.body, capture.header(HEADER), self.secret, analyses[0].payload)
        else:
            verdict = verify(capture.body, capture.header(HEADER), self.secret)
        capture.signature, capture.signature_detail = verdict.status, verdict.detail
        derived = Derived(size=size)
        if analyses:
            first = analyses[0]
            derived.form = first.form
            derived.event_type = first.event_type
            derived.errors = sum(a.errors for a in analyses)
            derived.warnings = sum(a.warnings for a in analyses)
            derived.delivery_id = next((a.delivery_id for a in analyses if a.delivery_id), None)
        return analyses, derived

    def _record(self, store: Store, capture: Capture, analyses: list[Analysis], derived: Derived, why: str) -> list[Entry]:
        """Insert one request (in the writer thread, inside a group commit)."""
        id_ = store.insert(capture, derived)
        source = f"#{id_} {capture.method} {capture.path}"
        if not analyses:
            analyses = [rejected(source, why)]
        for a in analyses:
            a.source = source
        if self._retries is None:  # first insert, in the writer thread that owns the marker
            self._retries = RetryMarker(store.first_deliveries())
        retry_of = self._retries.first_of(derived.delivery_id, id_)
        return [Entry(a, capture, retry_of) for a in analyses]

    def _count(self, status: int, signature: str) -> None:
        self.received += 1
        self.by_status[status] = self.by_status.get(status, 0) + 1
        self.by_signature[signature] = self.by_signature.get(signature, 0) + 1

    def _emit(self, entries: Iterable[Entry], update: bool = False) -> None:
        callback = self._on_update if update else self._on_entry
        if callback is None:
            return
        for entry in entries:
            callback(entry)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _forward(self, entries: list[Entry]) -> None:
        """Relay a captured request to ``--forward-to`` and store what the app answered."""
        capture = entries[0].capture
        assert capture is not None and self.forward_to is not None and self._forward_slots is not None
        headers = [(k, v) for k, v in capture.headers if k.lower() not in HOP_BY_HOP]
        async with self._forward_slots:
            await self._relay(capture, self.forward_to, capture.body, headers)
        if self._writer is not None:
            try:
                await asyncio.wrap_future(self._writer.submit(lambda store: store.update_forward(capture)))
            except Exception:
                pass  # the capture itself is stored; only the forward result is lost
        self._emit(entries, update=True)

    async def _relay(self, capture: Capture, url: str, body: bytes, headers: list[tuple[str, str]]) -> None:
        """POST ``body`` to ``url`` and fill ``capture.forward_*`` with the outcome."""
        capture.forward_url = url
        session = self._session
        owned = session is None
        if session is None:
            session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.forward_timeout))
        started = time.perf_counter()
        try:
            async with session.post(url, data=body, headers=headers, allow_redirects=False) as resp:
                content = await resp.content.read(FORWARD_BODY_LIMIT)
                capture.forward_status = resp.status
                capture.forward_body = content
                capture.forward_error = None
        except aiohttp.ClientConnectorError as exc:
            capture.forward_error = f"cannot connect to {url} ({exc.os_error.strerror or exc.os_error}): is your app running?"
        except asyncio.TimeoutError:
            capture.forward_error = f"{url} did not answer within {self.forward_timeout:g} s"
        except aiohttp.InvalidURL:
            capture.forward_error = f"not a valid URL: {url}"
        except (aiohttp.ClientError, ValueError) as exc:
            capture.forward_error = f"{url}: {exc.__class__.__name__}: {exc}"
        finally:
            capture.forward_latency_ms = (time.perf_counter() - started) * 1000
            if owned:
                await session.close()

    async def replay(self, capture: Capture, *, url: Optional[str] = None, body: Optional[bytes] = None) -> Capture:
        """Send a captured request again, to ``url`` or the forward URL, optionally with an edited
        body, re-signed with the secret. Returns a new, unstored Capture describing what was sent
        (``http_status`` 0, ``forward_*`` = the answer). Raises ReplayError without a URL."""
        target = url or self.forward_to
        if not target:
            raise ReplayError("no URL to replay to: type one, or start listen with --forward-to")
        try:
            check_forward_url(target)
        except ListenError as exc:
            raise ReplayError(str(exc)) from None
        data = capture.body if body is None else body
        headers = [(k, v) for k, v in capture.headers if k.lower() not in HOP_BY_HOP and k.lower() != HEADER]
        if self.secret is not None:
            headers.append((HEADER, sign(data, self.secret)))
            status, detail = "valid", "re-signed with the listener's secret"
        elif body is None and capture.header(HEADER) is not None:
            headers.append((HEADER, capture.header(HEADER) or ""))
            status, detail = "unchecked", "original signature sent as received (no secret set)"
        else:
            status, detail = "missing", "sent without a signature: no secret set to sign the edited body"
        if not any(k.lower() == "content-type" for k, _ in headers):
            headers.append(("Content-Type", "application/json"))
        sent = Capture(
            received_at=time.time(),
            method="POST",
            path=target,
            headers=headers,
            body=data,
            http_status=None,
            is_replay=True,
            signature=status,
            signature_detail=detail,
        )
        await self._relay(sent, target, data, headers)
        return sent
