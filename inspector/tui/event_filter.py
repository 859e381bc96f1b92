"""Filters of the event list (``F``): what the filter bar's words mean and which entries match.

One line of words, all of which must hold: ``errors`` (an error in the payload, an unreadable or
rejected request, or a delivery issue), ``sig`` (a bad or missing signature), ``retry``, an HTTP
status (``200``, ``4xx``: what the listener answered, or what a replay got back), and any other
word a part of the event type (``voucher``, ``redemption.succeeded``).

Matching on the event type or on errors needs a row's summary; an NDJSON line nobody has looked
at has none until it is analysed, so ``needs_summary`` tells the screen to filter such a list on
a worker thread rather than analyse 10,000 lines on the UI thread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Optional

from inspector.engine import issues as codes
from inspector.listen.capture import Entry
from inspector.listen.history import delivery_issues

WORDS: Final[dict[str, str]] = {"errors": "errors", "error": "errors", "err": "errors", "sig": "signature", "signature": "signature", "retry": "retry", "retries": "retry"}
"""The filter bar's flag words, by what they turn on."""

_STATUS: Final = re.compile(r"^[1-5][0-9x]{0,2}$")
"""A status or the start of one: ``4`` is ``4xx`` (so typing ``200`` never asks for event types)."""
_SIGNATURE_CODES: Final = frozenset({codes.SIGNATURE_INVALID, codes.SIGNATURE_MISSING})

HINT: Final = "words all must hold: part of an event type, errors, sig, retry, an HTTP status (200, 4xx)  ·  escape: clear"


@dataclass(frozen=True, kw_only=True)
class EntryFilter:
    """Which entries the event list shows; the empty filter shows every one."""

    types: tuple[str, ...] = ()
    """Parts of the event type (lowercase), each of which must be in it."""
    errors: bool = False
    signature: bool = False
    retry: bool = False
    status: Optional[str] = None
    """``200`` or a pattern such as ``4xx`` (``x`` is any digit)."""

    @classmethod
    def parse(cls, text: str) -> EntryFilter:
        types: list[str] = []
        flags: set[str] = set()
        status: Optional[str] = None
        for word in text.lower().split():
            if word in WORDS:
                flags.add(WORDS[word])
            elif _STATUS.match(word):
                status = word
            else:
                types.append(word)
        return cls(types=tuple(types), errors="errors" in flags, signature="signature" in flags, retry="retry" in flags, status=status)

    @property
    def active(self) -> bool:
        return bool(self.types or self.errors or self.signature or self.retry or self.status)

    @property
    def needs_summary(self) -> bool:
        """Whether matching reads a row's summary (which analyses a line not analysed yet)."""
        return bool(self.types or self.errors)

    def matches(self, entry: Entry, *, retry: bool = False) -> bool:
        """``retry``: the list knows this entry repeats an earlier one (file lists find that
        after listing; captures carry ``retry_of``). Cheap checks first: the summary last."""
        capture = entry.capture
        if self.retry and not (retry or entry.retry_of is not None):
            return False
        if self.status is not None:
            if capture is None:
                return False
            status = capture.forward_status if capture.is_replay else capture.http_status
            if status is None or not _status_matches(self.status, status):
                return False
        if self.signature and (capture is None or not any(i.code in _SIGNATURE_CODES for i in delivery_issues(capture))):
            return False
        if self.errors and not has_errors(entry):
            return False
        if self.types:
            event_type = (entry.summary.event_type or "").lower()
            if not all(t in event_type for t in self.types):
                return False
        return True


NO_FILTER: Final = EntryFilter()


def has_errors(entry: Entry) -> bool:
    """An error in the payload, an unreadable payload or rejected request, or an issue of the
    delivery (signature, forward). A row still being verified has none yet. Reads the summary."""
    s = entry.summary
    if s.errors or not (s.readable or s.pending):
        return True
    return entry.capture is not None and bool(delivery_issues(entry.capture))


def _status_matches(pattern: str, status: int) -> bool:
    text = f"{status:03d}"
    return len(text) == 3 and all(p in ("x", c) for p, c in zip(pattern, text))  # zip: "4" is "4xx"
