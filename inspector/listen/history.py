"""Stored captures as entries again (``history``, a listener on an existing database), and the
one rule that marks retries."""

from __future__ import annotations

from typing import Generic, Hashable, Iterable, Optional, TypeVar

from inspector.engine import issues as codes
from inspector.engine.analysis import Analysis
from inspector.engine.analyze import Engine
from inspector.engine.issues import Issue
from inspector.listen.capture import Capture, Entry
from inspector.listen.store import Derived, Stored

K = TypeVar("K", bound=Hashable)


class RetryMarker(Generic[K]):
    """A delivery is a retry when an earlier one carried the same envelope id (Voucherify keeps
    the id when it sends again). Used for live captures, stored ones and file lists alike."""

    def __init__(self, seen: Iterable[tuple[str, K]] = ()) -> None:
        self._first: dict[str, K] = {}
        for delivery_id, key in seen:
            self._first.setdefault(delivery_id, key)

    def first_of(self, delivery_id: Optional[str], key: K) -> Optional[K]:
        """The key of the first delivery with this id when ``key`` repeats it, else None (and
        ``key`` is remembered as the first)."""
        if delivery_id is None:
            return None
        first = self._first.setdefault(delivery_id, key)
        return None if first == key else first


def rejected(source: str, message: str) -> Analysis:
    """The analysis shown for a request that was not accepted as a webhook delivery."""
    return Analysis.unreadable(source, [Issue("", "error", codes.HTTP_REJECTED, message)])


def rejection(c: Capture, derived: Derived) -> str:
    """Why a stored request was not accepted, from what was stored about it."""
    size = derived.size if derived.size is not None else c.size
    reasons = {
        400: "body cut short (answered 400)",
        404: f"{c.method} to {c.path}: not the listen path (answered 404)",
        405: f"{c.method} request: webhooks are POSTed (answered 405)",
        408: "body not received in time (answered 408)",
        413: f"body of {size} bytes over the size limit (answered 413)",
        500: "could not be stored (answered 500)",
    }
    return reasons.get(c.http_status or 0, f"answered {c.http_status}")


def rebuild_entries(engine: Engine, stored: Iterable[Stored]) -> list[Entry]:
    """Entries for stored captures, oldest first, re-analysed with ``engine`` (which may know
    more event types than the one that received them) and with retries marked."""
    entries: list[Entry] = []
    retries: RetryMarker[int] = RetryMarker()
    for row in stored:
        c = row.capture
        source = f"#{c.id} {c.method} {c.path}"
        if c.accepted:
            analyses = engine.analyze_bytes(c.body, source=source)
        else:
            analyses = [rejected(source, rejection(c, row.derived))]
        delivery = next((a.delivery_id for a in analyses if a.delivery_id), None)
        retry_of = retries.first_of(delivery, c.id) if c.id is not None else None
        entries.extend(Entry(a, c, retry_of) for a in analyses)
    return entries
