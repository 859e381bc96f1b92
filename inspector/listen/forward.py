"""Sending requests on: one POST to a webhook handler and what it answered (the shared client
of ``send``, ``trigger`` and the listener), relaying captures to the user's app
(``--forward-to``) and replaying them.

``post`` never raises for what the network does: a refused connection, a timeout, a bad URL or a
dropped answer comes back as an ``Answer`` with a ``failure`` and a message for the user, so
every caller reports the same thing in the same words. ``hint`` says what the usual failures
mean for a webhook handler. ``deliver`` is a whole webhook delivery (compact JSON, signed).

Relays are bounded: they wait in a queue with a byte budget, and a capture beyond it is recorded
as skipped rather than held in memory while the app hangs; on stop, what was not sent is recorded
as such. Bodies go out as received, with their ``Content-Encoding``. Each relayed request carries
``x-voucherify-inspect-forwarded`` with the listener's token, so a listener that receives its own
relay (a loop through a tunnel or a proxy) can tell and stop it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import time
from dataclasses import dataclass
from typing import Any, Callable, Literal, Optional, Sequence

import aiohttp
from yarl import URL

from inspector.engine.textsafe import visible
from inspector.listen.capture import Capture, header_bytes
from inspector.listen.encoding import content_encoding, decode
from inspector.listen.signature import HEADER, sign

Failure = Literal["connect", "timeout", "invalid-url", "error"]

USER_AGENT = "voucherify-inspect"
DEFAULT_TIMEOUT = 10.0
DEFAULT_KEEP = 64 * 1024
SHOWN_HEADERS = ("content-type", "content-length")

ANSWER_LIMIT = DEFAULT_KEEP
"""How much of the app's answer is kept."""

DEFAULT_BUDGET = 64 * 1024 * 1024
"""Bytes of bodies waiting to be relayed, or being relayed, before new ones are skipped."""

MARKER = "x-voucherify-inspect-forwarded"

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

_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "0.0.0.0", "::"})


class BadURL(ValueError):
    """Not a URL requests can be sent to; the message is for the user."""


def check_url(url: str) -> str:
    """``url`` when it is an absolute http(s) URL; raises BadURL otherwise."""
    try:
        parsed = URL(url)
    except (ValueError, TypeError):
        raise BadURL(f"not a valid URL: {url!r}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise BadURL(f"not an http(s) URL: {url!r} (for example http://127.0.0.1:3000/webhooks)")
    return url


def points_at(url: str, host: str, port: int) -> bool:
    """Whether ``url`` is this machine's ``host``:``port`` (a listener forwarding to itself)."""
    parsed = URL(url)
    if parsed.port != port:
        return False
    target = (parsed.host or "").lower().strip("[]")
    own = host.lower().strip("[]")
    if target == own or target in _LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(target)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified or own in ("0.0.0.0", "::")


def relay_headers(headers: Sequence[tuple[str, str]], *, drop: Sequence[str] = ()) -> list[tuple[str, str]]:
    """The headers of a captured request to send on: hop-by-hop ones left out, and a byte that
    is not UTF-8 (kept as a lone surrogate) sent as U+FFFD, since HTTP clients send UTF-8."""
    skip = HOP_BY_HOP.union(d.lower() for d in drop)
    out = []
    for name, value in headers:
        if name.lower() in skip:
            continue
        out.append((_sendable(name), _sendable(value)))
    return out


def _sendable(text: str) -> str:
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return header_bytes(text).decode("utf-8", "replace")


@dataclass(frozen=True, kw_only=True)
class Answer:
    """The outcome of one POST: the handler's status, headers and first bytes of its body, or
    (``failure`` set, ``status`` None) why no answer came."""

    url: str
    status: Optional[int] = None
    reason: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    truncated: bool = False
    latency_ms: float = 0.0
    failure: Optional[Failure] = None
    error: str = ""
    timeout: float = DEFAULT_TIMEOUT

    @property
    def sent(self) -> bool:
        """Whether the handler answered at all."""
        return self.status is not None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def header(self, name: str) -> Optional[str]:
        low = name.lower()
        return next((v for k, v in self.headers if k.lower() == low), None)

    def status_line(self) -> str:
        """``HTTP 200 OK in 12 ms``, or the reason nothing came back (terminal-safe)."""
        if self.status is None:
            return visible(self.error)
        return visible(f"HTTP {self.status} {self.reason}".rstrip() + f" in {self.latency_ms:.0f} ms")

    def body_text(self, limit: int) -> str:
        """The first ``limit`` bytes of the body as text: the answer's own line breaks kept, every
        other control character shown escaped, `` …`` when there was more."""
        text = self.body[:limit].decode("utf-8", "replace")
        more = self.truncated or len(self.body) > limit
        return "\n".join(visible(line) for line in text.split("\n")) + (" …" if more else "")


async def post(
    url: str,
    body: bytes,
    headers: Sequence[tuple[str, str]] | dict[str, str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    keep: int = DEFAULT_KEEP,
    session: Optional[aiohttp.ClientSession] = None,
) -> Answer:
    """POST ``body`` to ``url`` (no redirects followed: Voucherify's delivery is one request) and
    keep the first ``keep`` bytes of the answer. ``timeout`` bounds the whole exchange."""
    owned = session is None
    if session is None:
        session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout))
    started = time.perf_counter()

    def took() -> float:
        return (time.perf_counter() - started) * 1000

    try:
        async with session.post(
            url,
            data=body,
            headers=list(headers.items()) if isinstance(headers, dict) else list(headers),
            allow_redirects=False,
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as resp:
            kept = await _read_up_to(resp.content, keep + 1)
            return Answer(
                url=url,
                status=resp.status,
                reason=resp.reason or "",
                headers=tuple((k, v) for k, v in resp.headers.items()),
                body=kept[:keep],
                truncated=len(kept) > keep,
                latency_ms=took(),
                timeout=timeout,
            )
    except asyncio.TimeoutError:
        # Before ClientError: aiohttp's ServerTimeoutError is both.
        return _failed(url, "timeout", f"{url} did not answer within {timeout:g} s", took(), timeout)
    except aiohttp.ClientConnectorError as exc:
        refused = isinstance(exc.os_error, ConnectionRefusedError)
        reason = "connection refused" if refused else exc.os_error.strerror or str(exc.os_error)
        return _failed(url, "connect", f"cannot connect to {url} ({reason})", took(), timeout)
    except aiohttp.InvalidURL:
        return _failed(url, "invalid-url", f"not a valid URL: {url}", took(), timeout)
    except (aiohttp.ClientError, ValueError) as exc:
        return _failed(url, "error", f"{url}: {exc.__class__.__name__}: {exc}", took(), timeout)
    finally:
        if owned:
            await session.close()


def compact(payload: Any) -> bytes:
    """A payload as Voucherify posts it: compact JSON, UTF-8. A lone surrogate (JSON allows
    ``\\ud800``) stays an escape rather than failing the encode."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "backslashreplace")


def webhook_headers(body: bytes, secret: Optional[str]) -> list[tuple[str, str]]:
    """The headers of a webhook delivery: JSON, and the signature when there is a secret."""
    headers = [("Content-Type", "application/json"), ("User-Agent", USER_AGENT)]
    if secret is not None:
        headers.append((HEADER, sign(body, secret)))
    return headers


async def deliver(
    url: str,
    payload: Any,
    *,
    secret: Optional[str],
    timeout: float = DEFAULT_TIMEOUT,
    keep: int = DEFAULT_KEEP,
    session: Optional[aiohttp.ClientSession] = None,
) -> Answer:
    """Post ``payload`` as a webhook delivery (compact, signed with ``secret`` if given)."""
    body = compact(payload)
    return await post(url, body, webhook_headers(body, secret), timeout=timeout, keep=keep, session=session)


def _failed(url: str, failure: Failure, error: str, ms: float, timeout: float) -> Answer:
    return Answer(url=url, failure=failure, error=error, latency_ms=ms, timeout=timeout)


async def _read_up_to(stream: aiohttp.StreamReader, limit: int) -> bytes:
    """Up to ``limit`` bytes of a body (``read(n)`` may stop at whatever is buffered)."""
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = await stream.read(limit - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def hint(answer: Answer, *, signed: bool) -> Optional[str]:
    """What the answer usually means for a webhook handler, or None when there is nothing to add."""
    if answer.failure == "connect":
        return "is your app running, and listening on that host and port?"
    if answer.failure == "timeout":
        return (
            "the handler took too long: answer 2xx at once and do slow work after answering "
            "(wait longer with --timeout)"
        )
    status = answer.status
    if status is None:
        return None
    if status in (401, 403):
        if not signed:
            return "nothing was signed: give the webhook secret (--secret-file, or $VOUCHERIFY_WEBHOOK_SECRET)"
        return (
            "the signature was refused: check that the handler uses this project's webhook secret, "
            "and that it verifies the raw request body (not JSON it parsed and re-serialised)"
        )
    if status == 400:
        return (
            "the handler rejected the body: does it parse the body before verifying the signature, "
            "or expect another form (envelope, distribution, bare data: --form)?"
        )
    if status == 404:
        return "nothing at that path: check the path in the URL"
    if status == 405:
        return "the handler does not accept POST at that path: Voucherify posts every webhook"
    if 300 <= status < 400:
        where = answer.header("location")
        shown = f" to {visible(where)}" if where else ""
        return f"the handler redirected{shown}: redirects are not followed; send to the final URL"
    if status >= 500:
        return "the handler failed (see its log); Voucherify retries a delivery that gets no 2xx"
    return None


OnDone = Callable[[Capture], None]


def record(answer: Answer, capture: Capture) -> None:
    """Record an app's answer (or why there is none) as the capture's forward result."""
    capture.forward_url = answer.url
    capture.forward_status = answer.status
    capture.forward_body = answer.body if answer.sent else None
    capture.forward_latency_ms = answer.latency_ms
    error = answer.error or None
    if answer.failure == "connect":
        error = f"{answer.error}: is your app running?"
    capture.forward_error = None if answer.sent else error


@dataclass
class _Item:
    capture: Capture
    body: bytes
    headers: list[tuple[str, str]]


class Forwarder:
    """Relays captured POSTs to one URL from a bounded queue; ``on_done(capture)`` is called
    (in the event loop) once each capture's ``forward_*`` fields say what happened."""

    def __init__(
        self,
        url: str,
        *,
        token: str,
        on_done: OnDone,
        timeout: float = 10.0,
        concurrency: int = 16,
        budget: int = DEFAULT_BUDGET,
    ) -> None:
        self.url = check_url(url)
        self.token = token
        self.on_done = on_done
        self.timeout = timeout
        self.concurrency = concurrency
        self.budget = budget
        self.waiting_bytes = 0
        self.sent = 0
        self.skipped = 0
        self.not_sent = 0
        self._queue: asyncio.Queue[_Item] = asyncio.Queue()
        self._busy: dict[asyncio.Task[None], _Item] = {}
        self._workers: list[asyncio.Task[None]] = []
        self._session: Optional[aiohttp.ClientSession] = None
        self._closing = False

    def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        self._workers = [asyncio.ensure_future(self._work()) for _ in range(self.concurrency)]

    def submit(self, capture: Capture) -> None:
        """Queue ``capture`` for relaying, or record why it is not relayed."""
        body = capture.body
        if self._closing:
            self._record(capture, "not sent: the listener was stopping")
            return
        if self.waiting_bytes and self.waiting_bytes + len(body) > self.budget:
            self.skipped += 1
            waiting = self._queue.qsize() + len(self._busy)
            self._record(
                capture,
                f"skipped: {waiting} earlier forwards ({self.waiting_bytes / 1e6:.1f} MB) are still waiting for "
                f"{self.url} (budget {self.budget / 1e6:.0f} MB); is the app answering?",
            )
            return
        headers = relay_headers(capture.headers, drop=(MARKER,))
        headers.append((MARKER, self._chain(capture)))
        self.waiting_bytes += len(body)
        self._queue.put_nowait(_Item(capture, body, headers))

    async def relay_now(self, capture: Capture) -> None:
        """Relay ``capture`` at once, outside the queue, and record the app's answer
        (``--proxy``: the sender waits for it)."""
        headers = relay_headers(capture.headers, drop=(MARKER,))
        headers.append((MARKER, self._chain(capture)))
        answer = await post(self.url, capture.body, headers, timeout=self.timeout, keep=ANSWER_LIMIT, session=self._session)
        record(answer, capture)
        self.sent += 1

    def _chain(self, capture: Capture) -> str:
        """The marker: tokens of the listeners this request went through, ours last."""
        before = capture.header(MARKER)
        return f"{before}, {self.token}" if before else self.token

    def _record(self, capture: Capture, error: str) -> None:
        capture.forward_url, capture.forward_status, capture.forward_body = self.url, None, None
        capture.forward_error, capture.forward_latency_ms = error, None
        self.on_done(capture)

    async def _work(self) -> None:
        while True:
            item = await self._queue.get()
            task = asyncio.current_task()
            assert task is not None
            self._busy[task] = item
            try:
                answer = await post(self.url, item.body, item.headers, timeout=self.timeout, keep=ANSWER_LIMIT, session=self._session)
            finally:
                self._busy.pop(task, None)
                self.waiting_bytes -= len(item.body)
            record(answer, item.capture)
            self.sent += 1
            self.on_done(item.capture)

    async def stop(self, grace: float) -> None:
        """Wait up to ``grace`` seconds for queued and running relays, then record the rest as
        not sent."""
        self._closing = True
        deadline = time.monotonic() + grace
        while (self._queue.qsize() or self._busy) and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        interrupted = list(self._busy.values())
        unsent: list[_Item] = []
        while not self._queue.empty():
            unsent.append(self._queue.get_nowait())
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []
        for item in interrupted:
            self.not_sent += 1
            self._record(item.capture, "interrupted: the listener stopped while waiting for the app's answer")
        for item in unsent:
            self.not_sent += 1
            self._record(item.capture, "not sent: the listener stopped first")
        self.waiting_bytes = 0
        if self._session is not None:
            await self._session.close()
            self._session = None


def replay_request(
    capture: Capture, *, body: Optional[bytes], secret: Optional[str], limit: int
) -> tuple[bytes, list[tuple[str, str]], str, str]:
    """What a replay sends: (body, headers, signature status, why). The captured body goes out
    as received (with its Content-Encoding); an edited body goes out as plain text. With a secret
    the request is re-signed over the decoded body, as Voucherify signs."""
    encoding = content_encoding(capture.headers)
    drop: tuple[str, ...] = (HEADER, MARKER)
    if body is None:
        data = capture.body
        decoded = decode(data, encoding, limit=limit)
        plain = decoded.data
    else:
        data = plain = body
        drop += ("content-encoding",)
    headers = relay_headers(capture.headers, drop=drop)
    if secret is not None and plain is not None:
        headers.append((HEADER, sign(plain, secret)))
        status, detail = "valid", "re-signed with the listener's secret"
    elif body is None and capture.header(HEADER) is not None:
        headers.append((HEADER, _sendable(capture.header(HEADER) or "")))
        status, detail = "unchecked", "original signature sent as received (no secret set)"
    elif secret is not None:
        status, detail = "missing", "sent without a signature: the body could not be decoded to sign it"
    else:
        status, detail = "missing", "sent without a signature: no secret set to sign the edited body"
    if not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", "application/json"))
    return data, headers, status, detail


async def replay(
    capture: Capture,
    *,
    url: str,
    body: Optional[bytes],
    secret: Optional[str],
    timeout: float,
    limit: int,
    session: Optional[aiohttp.ClientSession] = None,
) -> Capture:
    """Send a captured request again to ``url``. Returns a new, unstored Capture describing what
    was sent (``forward_*`` = the answer)."""
    check_url(url)
    data, headers, status, detail = replay_request(capture, body=body, secret=secret, limit=limit)
    sent = Capture(
        received_at=time.time(),
        method="POST",
        path=url,
        headers=headers,
        body=data,
        http_status=None,
        is_replay=True,
        signature=status,
        signature_detail=detail,
    )
    record(await post(url, data, headers, timeout=timeout, keep=ANSWER_LIMIT, session=session), sent)
    return sent
