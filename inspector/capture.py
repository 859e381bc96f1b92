"""A captured HTTP request and what the inspector shows for it (no UI, no HTTP library).

The listener stores a ``Capture`` for every request before answering it; the TUI shows an
``Entry`` per payload: the engine's ``Analysis`` plus, for live or stored requests, the capture.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from inspector.engine import Analysis

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
    http_status: int = 200
    signature: str = "unchecked"
    signature_detail: str = ""
    id: Optional[int] = None
    forward_url: Optional[str] = None
    forward_status: Optional[int] = None
    forward_latency_ms: Optional[float] = None
    forward_body: Optional[bytes] = None
    forward_error: Optional[str] = None

    @property
    def size(self) -> int:
        return len(self.body)

    def header(self, name: str) -> Optional[str]:
        lname = name.lower()
        for k, v in self.headers:
            if k.lower() == lname:
                return v
        return None


@dataclass
class Entry:
    """One row of the inspector's event list."""

    analysis: Analysis
    capture: Optional[Capture] = None
    retry_of: Optional[int] = None
    """For a delivery whose envelope id was seen before: the capture id of the first one."""

    @property
    def key(self) -> str:
        if self.capture is not None and self.capture.id is not None:
            return f"capture-{self.capture.id}"
        a = self.analysis
        return f"{a.source}:{a.line if a.line is not None else 0}:{id(self)}"
