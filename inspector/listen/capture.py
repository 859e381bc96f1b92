"""A captured HTTP request and what the inspector shows for it (no UI, no HTTP library).

The listener stores a ``Capture`` for every request before answering it; the TUI shows an
``Entry`` per payload: the engine's ``Analysis`` plus, for live or stored requests, the capture.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable, Optional

from inspector.engine.analysis import Analysis

SIGNATURE_STATUSES = ("valid", "invalid", "missing", "unchecked")


@dataclass
class Capture:
    """One HTTP request as received, with the verdicts derived from it."""

    received_at: float
    method: str
    path: str
    query: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    remote: Optional[str] = None
    http_status: Optional[int] = 200
    """What the listener answered; None for a request this tool sent (``is_replay``)."""
    is_replay: bool = False
    """A request this tool sent again (a replay), not one it received."""
    signature: str = "unchecked"
    signature_detail: str = ""
    id: Optional[int] = None
    forward_url: Optional[str] = None
    forward_status: Optional[int] = None
    forward_latency_ms: Optional[float] = None
    forward_body: Optional[bytes] = None
    forward_error: Optional[str] = None
    answer_rule: Optional[str] = None
    """What chose the answer when the listener did not (``--respond 503``, ``--proxy``); such a
    request is a delivery like one answered 200. ``http_status`` 0 then means no answer was sent."""

    @property
    def size(self) -> int:
        return len(self.body)

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

    def header(self, name: str) -> Optional[str]:
        lname = name.lower()
        for k, v in self.headers:
            if k.lower() == lname:
                return v
        return None


class Entry:
    """One row of the inspector's event list.

    ``analysis`` may be given, or computed on first read from ``pending``: a 10,000-line NDJSON
    file lists at once and analyses only the rows someone looks at.
    """

    __slots__ = ("_analysis", "_pending", "_lock", "capture", "retry_of")

    def __init__(
        self,
        analysis: Optional[Analysis] = None,
        capture: Optional[Capture] = None,
        retry_of: Optional[int] = None,
        *,
        pending: Optional[Callable[[], Analysis]] = None,
    ) -> None:
        if analysis is None and pending is None:
            raise ValueError("an Entry needs an analysis or a way to compute one")
        self._analysis = analysis
        self._pending = pending
        self._lock = threading.Lock() if analysis is None else None
        self.capture = capture
        self.retry_of = retry_of
        """For a delivery whose envelope id was seen before: the capture id of the first one."""

    @property
    def analysis(self) -> Analysis:
        a = self._analysis
        if a is None:
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
        return self._analysis is not None

    @property
    def key(self) -> str:
        if self.capture is not None and self.capture.id is not None:
            return f"capture-{self.capture.id}"
        return f"entry-{id(self)}"

    def __repr__(self) -> str:
        state = repr(self._analysis) if self._analysis is not None else "pending"
        return f"Entry({state}, capture={self.capture!r}, retry_of={self.retry_of!r})"
