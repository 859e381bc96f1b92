"""One POST to a webhook handler, and what it answered: the shared client of ``send`` and
``trigger``. ``deliver`` is a whole webhook delivery (compact JSON, signed): the call for anything
that triggers a payload, the TUI included.

``post`` never raises for what the network does: a refused connection, a timeout, a bad URL or a
dropped answer comes back as an ``Answer`` with a ``failure`` and a message for the user, so
every caller reports the same thing in the same words. ``hint`` says what the usual failures
mean for a webhook handler.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any, Literal, Optional, Sequence

import aiohttp

from inspector.engine.textsafe import visible
from inspector.listen.signature import HEADER, sign

Failure = Literal["connect", "timeout", "invalid-url", "error"]

USER_AGENT = "voucherify-inspect"
DEFAULT_TIMEOUT = 10.0
DEFAULT_KEEP = 64 * 1024
SHOWN_HEADERS = ("content-type", "content-length")


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
