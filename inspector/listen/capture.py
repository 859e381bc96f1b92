"""A captured HTTP request and what the inspector shows for it (no UI, no HTTP library).

The listener stores a ``Capture`` for every request before answering it; the TUI shows an
``Entry`` per payload: the engine's ``Analysis`` plus, for live or stored requests, the capture.

Rows reopened from the store are light: a ``Capture`` without its headers and bodies (read from
the database when asked for) and an ``Entry`` with a ``Summary`` instead of an analysis (made
when the row is opened). ``Recent`` keeps the heavy parts of the last rows looked at, so a list
of 20,000 captures costs its rows, not its payloads.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Final, Generic, Hashable, Iterator, Literal, NamedTuple, Optional, TypeVar

from inspector.engine.analysis import Analysis, Form

Signature = Literal["valid", "invalid", "missing", "unchecked", "pending"]
SIGNATURE_STATUSES: Final[tuple[Signature, ...]] = ("valid", "invalid", "missing", "unchecked", "pending")
"""``pending``: stored and answered, not verified yet (the verdict comes off the request path)."""

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@contextmanager
def gc_paused() -> Iterator[None]:
    """For building tens of thousands of rows at once: the cyclic GC would otherwise walk
    every object made so far, over and over (it halves the time to list 20,000 captures)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class Recent(Generic[K, V]):
    """A small, thread-safe LRU: the heavy parts (payload, analysis) of the rows looked at last."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        self._drops = 0

    def get(self, key: K, make: Callable[[], V]) -> V:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
                return value
            drops = self._drops
        value = make()  # outside the lock: an analysis can take a while
        with self._lock:
            # A drop meanwhile says what ``make`` read may be out of date: return it, keep nothing.
            if self._drops == drops:
                self._put(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._put(key, value)

    def _put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def peek(self, key: K) -> Optional[V]:
        with self._lock:
            return self._items.get(key)

    def drop(self, key: K) -> None:
        with self._lock:
            self._items.pop(key, None)
            self._drops += 1


class Heavy(NamedTuple):
    """The parts of a stored capture that are read only when it is opened."""

    headers: list[tuple[str, str]]
    body: bytes
    forward_body: Optional[bytes]
    error: str = ""
    """Why they could not be read (the database was cleared or damaged meanwhile); the other
    fields are empty then."""


HeavyLoader = Callable[[int], Heavy]
"""Reads the heavy parts of capture ``id`` from the store (thread-safe; never raises: a failure
is ``Heavy.error``)."""

_UNLOADED: Final = object()


class Capture:
    """One HTTP request as received, with the verdicts derived from it.

    ``headers`` hold text; a header byte that is not UTF-8 is kept as a lone surrogate
    (``surrogateescape``), so nothing is lost and nothing fails: show them through
    ``textsafe.visible`` and get the bytes back with ``header_bytes``. A capture made by
    ``light`` reads ``headers``, ``body`` and ``forward_body`` from the store when asked.
    """

    __slots__ = (
        "received_at", "method", "path", "query", "remote", "http_status", "is_replay", "signature",
        "signature_detail", "id", "forward_url", "forward_status", "forward_latency_ms", "forward_error",
        "note", "answer_rule", "_size", "_headers", "_body", "_forward_body", "_loader",
    )  # fmt: skip

    def __init__(
        self,
        *,
        received_at: float,
        method: str,
        path: str,
        query: str = "",
        headers: Optional[list[tuple[str, str]]] = None,
        body: bytes = b"",
        remote: Optional[str] = None,
        http_status: Optional[int] = 200,
        is_replay: bool = False,
        signature: Signature | str = "unchecked",
        signature_detail: str = "",
        id: Optional[int] = None,
        forward_url: Optional[str] = None,
        forward_status: Optional[int] = None,
        forward_latency_ms: Optional[float] = None,
        forward_body: Optional[bytes] = None,
        forward_error: Optional[str] = None,
        note: str = "",
        size: Optional[int] = None,
        answer_rule: Optional[str] = None,
    ) -> None:
        self.received_at = received_at
        self.method = method
        self.path = path
        self.query = query
        self.remote = remote
        self.http_status = http_status
        """What the listener answered; None for a request this tool sent (``is_replay``)."""
        self.is_replay = is_replay
        """A request this tool sent again (a replay), not one it received."""
        self.signature = signature
        self.signature_detail = signature_detail
        self.id = id
        self.forward_url = forward_url
        self.forward_status = forward_status
        self.forward_latency_ms = forward_latency_ms
        self.forward_error = forward_error
        self.note = note
        """Why a request was not taken as a delivery, or how it arrived (cut short, bad gzip)."""
        self.answer_rule = answer_rule
        """What chose the answer when the listener did not (``--respond 503``, ``--proxy``); such a
        request is a delivery like one answered 200. ``http_status`` 0 then means no answer was sent."""
        self._size = size
        self._headers: object = headers if headers is not None else []
        self._body: object = body
        self._forward_body: object = forward_body
        self._loader: Optional[HeavyLoader] = None

    @classmethod
    def light(cls, loader: HeavyLoader, **fields: object) -> Capture:
        """A stored capture whose headers and bodies stay in the database until read."""
        capture = cls(**fields)  # type: ignore[arg-type]
        capture._headers = capture._body = capture._forward_body = _UNLOADED
        capture._loader = loader
        return capture

    def _heavy(self) -> Heavy:
        assert self._loader is not None and self.id is not None
        return self._loader(self.id)

    @property
    def headers(self) -> list[tuple[str, str]]:
        value = self._headers
        return self._heavy().headers if value is _UNLOADED else value  # type: ignore[return-value]

    @headers.setter
    def headers(self, value: list[tuple[str, str]]) -> None:
        self._headers = value

    @property
    def body(self) -> bytes:
        value = self._body
        return self._heavy().body if value is _UNLOADED else value  # type: ignore[return-value]

    @body.setter
    def body(self, value: bytes) -> None:
        self._body = value

    @property
    def forward_body(self) -> Optional[bytes]:
        value = self._forward_body
        return self._heavy().forward_body if value is _UNLOADED else value  # type: ignore[return-value]

    @forward_body.setter
    def forward_body(self, value: Optional[bytes]) -> None:
        self._forward_body = value

    def release(self, loader: HeavyLoader) -> None:
        """Drop the headers and bodies from memory; ``loader`` reads them back when asked
        (the listener does this once a capture is stored, verified and forwarded)."""
        if self.id is None:
            return
        self._loader = loader
        self._headers = self._body = self._forward_body = _UNLOADED

    @property
    def load_error(self) -> str:
        """Why the headers and body of a stored capture cannot be read back ('' when they can)."""
        if self._loader is None or self._body is not _UNLOADED:
            return ""
        return self._heavy().error

    @property
    def size(self) -> int:
        """Bytes received (more than the body kept, for a request over the size limit)."""
        if self._size is not None:
            return self._size
        return len(self.body)

    @size.setter
    def size(self, value: Optional[int]) -> None:
        self._size = value

    @property
    def accepted(self) -> bool:
        """Taken as a webhook delivery (verified, validated), whatever it was answered."""
        return not self.is_replay and (self.answer_rule is not None or self.http_status == 200)

    @property
    def answer_text(self) -> str:
        """The status the sender got, or ``no answer`` (a chosen timeout)."""
        return "no answer" if self.http_status == 0 else str(self.http_status)

    @property
    def sender(self) -> Optional[tuple[str, str]]:
        """(address, header) of the original sender as a tunnel or proxy reports it
        (``CF-Connecting-IP``, else the first ``X-Forwarded-For`` address); None when none did."""
        for name in ("CF-Connecting-IP", "X-Forwarded-For"):
            value = (self.header(name) or "").split(",")[0].strip()
            if value:
                return value, name
        return None

    @property
    def analysed(self) -> bool:
        """Whether the verdict (signature, validation) is in; it comes after the answer."""
        return self.signature != "pending"

    def header(self, name: str) -> Optional[str]:
        lname = name.lower()
        for k, v in self.headers:
            if k.lower() == lname:
                return v
        return None

    def __repr__(self) -> str:
        return (
            f"Capture(id={self.id!r}, {self.method} {self.path!r}, http_status={self.http_status!r}, "
            f"signature={self.signature!r}, size={self._size!r})"
        )


def header_bytes(text: str) -> bytes:
    """A header name or value as the bytes that were received."""
    return text.encode("utf-8", "surrogateescape")


@dataclass(frozen=True, kw_only=True, slots=True)
class Summary:
    """What a list row, a status line or a filter needs of an analysis, without the payload:
    kept for every row, so a long list holds no payloads."""

    readable: bool
    form: Form = "unknown"
    event_type: Optional[str] = None
    errors: int = 0
    warnings: int = 0
    line: Optional[int] = None
    issue_line: Optional[int] = None
    """Where the first issue of an unreadable payload is (a JSON syntax error)."""
    issue_column: Optional[int] = None
    problem: Optional[str] = None
    """The first issue of an unreadable payload, and its code (not stored: for a line printed
    without the payload at hand)."""
    problem_code: Optional[str] = None
    validated: bool = False
    """Checked against an event schema (``Analysis.validated``): only then can a row be clean."""
    pending: bool = False
    """The analysis is still running: the row says so, and the verdict replaces it."""

    @property
    def clean(self) -> bool:
        """Validated, readable, with neither errors nor warnings: the only state shown as a pass."""
        return self.validated and self.readable and not self.errors and not self.warnings

    @classmethod
    def of(cls, a: Analysis) -> Summary:
        first = a.issues[0] if a.issues and not a.readable else None
        return cls(
            readable=a.readable,
            form=a.form,
            event_type=a.event_type,
            errors=a.errors,
            warnings=a.warnings,
            line=a.line,
            issue_line=first.line if first is not None else None,
            issue_column=first.column if first is not None else None,
            problem=first.message if first is not None else None,
            problem_code=first.code if first is not None else None,
            validated=a.validated,
        )


PENDING: Final = Summary(readable=False, pending=True)


class Entry:
    """One row of the inspector's event list.

    ``analysis`` may be given, or computed on first read from ``pending``: a 10,000-line NDJSON
    file lists at once and analyses only the rows someone looks at. With ``recent``, the
    computed analysis is kept in that shared LRU instead of on the entry (rows reopened from
    the store: only the last ones looked at keep a payload), and ``summary`` draws the row.
    ``read`` gives the bytes an entry read from a file came from (``body``).
    """

    __slots__ = ("_analysis", "_pending", "_lock", "_summary", "_recent", "_read", "capture", "retry_of")

    def __init__(
        self,
        analysis: Optional[Analysis] = None,
        capture: Optional[Capture] = None,
        retry_of: Optional[int] = None,
        *,
        pending: Optional[Callable[[], Analysis]] = None,
        summary: Optional[Summary] = None,
        recent: Optional[Recent[Entry, Analysis]] = None,
        read: Optional[Callable[[], bytes]] = None,
    ) -> None:
        if analysis is None and pending is None:
            raise ValueError("an Entry needs an analysis or a way to compute one")
        self._analysis = analysis
        self._pending = pending
        self._read = read
        self._lock = threading.Lock() if analysis is None else None
        self._summary = summary
        self._recent = recent if analysis is None else None
        self.capture = capture
        self.retry_of = retry_of
        """For a delivery whose envelope id was seen before: the capture id of the first one."""

    @property
    def analysis(self) -> Analysis:
        a = self._analysis
        if a is not None:
            return a
        if self._recent is not None:
            pending = self._pending
            assert pending is not None
            a = self._recent.get(self, pending)
            self._summary = Summary.of(a)
            return a
        assert self._lock is not None
        with self._lock:  # the loader thread and the UI may both ask first
            a = self._analysis
            if a is None:
                assert self._pending is not None
                a = self._analysis = self._pending()
                self._pending = None
        return a

    @property
    def analysed(self) -> bool:
        if self._recent is not None:
            return self._recent.peek(self) is not None
        return self._analysis is not None

    @property
    def summarised(self) -> bool:
        """Whether ``summary`` can be read without analysing the payload now (a filter on a
        10,000-line file asks before reading it on the UI thread)."""
        return self._summary is not None or self._analysis is not None

    @property
    def summary(self) -> Summary:
        """What the row shows: the summary given (stored, or ``PENDING`` until the verdict), or
        the one made from the analysis (which is made now when there is none yet)."""
        s = self._summary
        if s is None:
            s = Summary.of(self.analysis)
            self._summary = s
        return s

    def settle(
        self,
        *,
        summary: Summary,
        pending: Callable[[], Analysis],
        recent: Recent[Entry, Analysis],
        analysis: Optional[Analysis] = None,
        retry_of: Optional[int] = None,
    ) -> None:
        """The verdict came in (the listener analyses after answering): the row shows
        ``summary``; ``analysis``, when given, is kept in ``recent`` for a quick first look."""
        self._summary = summary
        self._pending = pending
        self._recent = recent
        self._lock = None
        self.retry_of = retry_of
        if analysis is not None:
            recent.put(self, analysis)
        self._analysis = None

    @property
    def body(self) -> Optional[bytes]:
        """The bytes the payload was read from, exactly as received: a request's body, a file's
        bytes, one NDJSON line's. Copies and the raw view use these, never a re-serialisation
        (``1.10``, ``1e400`` and a repeated key survive). None when there are none to show (a
        file that could not be read, an entry built from an analysis alone)."""
        if self.capture is not None:
            return self.capture.body
        return self._read() if self._read is not None else None

    @property
    def key(self) -> str:
        if self.capture is not None and self.capture.id is not None:
            return f"capture-{self.capture.id}"
        return f"entry-{id(self)}"

    def __repr__(self) -> str:
        state = repr(self._analysis) if self._analysis is not None else "pending"
        return f"Entry({state}, capture={self.capture!r}, retry_of={self.retry_of!r})"
