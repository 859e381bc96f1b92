"""The file loader: reads the paths given on a worker thread and hands the UI batches of entries.

The hand-off protocol: each batch goes out as a message carrying a ``threading.Event`` that the
UI sets once the batch is on screen, and the loader waits for it (at most ``HANDOFF_TIMEOUT``).
A CPU-bound thread holding the GIL starves the event loop (every select() gives the GIL away for
a switch interval), so the loader pauses while the UI works: the first tree paints at once and
keys stay quick. The UI holds the first batch's event until the first tree has been painted.

Whole-file payloads are analysed here; NDJSON lines are listed at once and analysed when a row is
first drawn or opened, so a 10,000-line file shows its list and first tree without waiting for the
rest. Once everything is listed, entries repeating an earlier envelope id are marked as retries.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

from textual.message import Message
from textual.worker import get_current_worker

from inspector.engine.analysis import Analysis, delivery_id
from inspector.engine.analyze import Engine, detect_form
from inspector.engine.inputs import read_inputs
from inspector.engine.jsonparse import RawDocument, iter_raw_documents
from inspector.listen.capture import Entry
from inspector.listen.history import RetryMarker
from inspector.tui.messages import PayloadsLoaded, RetriesFound

BATCH_SECONDS = 0.1
"""How often the loader hands a batch of analysed payloads (or of retries found) to the UI."""

BOM = b"\xef\xbb\xbf"

HANDOFF_TIMEOUT = 1.0
"""Longest the loader waits for the UI to take a batch before it goes on analysing."""


@dataclass(frozen=True, kw_only=True)
class _Listed:
    """An entry with the document it came from, kept to look for retries after listing."""

    entry: Entry
    raw: RawDocument
    source: str


class FileLoader:
    """Loads ``paths`` (``-`` for ``stdin``'s bytes) into entries posted through ``post``.

    ``run`` is the body of a thread worker; it touches no widget, it only posts messages
    (``post`` returns False once the screen is closing: the loader then stops waiting)."""

    def __init__(
        self,
        *,
        engine: Engine,
        paths: Sequence[str],
        event_type: Optional[str],
        stdin: Optional[bytes],
        post: Callable[[Message], bool],
    ) -> None:
        self.engine = engine
        self.paths = list(paths)
        self.event_type = event_type
        self.stdin = stdin
        self.post = post

    def run(self) -> None:
        batch: list[Entry] = []
        listed: list[_Listed] = []
        sent_first = False
        last = time.monotonic()
        for item in read_inputs(self.paths, stdin=self.stdin):
            source = item.source
            if item.error is not None:
                batch.append(Entry(item.failure()))
                continue
            for raw in iter_raw_documents(item.data, ndjson=item.ndjson):
                entry = Entry(pending=self._analyser(raw, source), read=_reader(item.data, raw))
                if raw.ready is not None or not sent_first:
                    entry.analysis  # noqa: B018 - analyse now, off the UI thread
                batch.append(entry)
                listed.append(_Listed(entry=entry, raw=raw, source=source))
                now = time.monotonic()
                if not sent_first or now - last >= BATCH_SECONDS:
                    self._hand_over(PayloadsLoaded(batch, done=False, taken=threading.Event()))
                    batch, sent_first = [], True
                    last = time.monotonic()
        # Wait for the list to be complete on screen before parsing for retries takes the GIL.
        self._hand_over(PayloadsLoaded(batch, done=True, taken=threading.Event()))
        self._find_retries(listed)

    def _find_retries(self, listed: list[_Listed]) -> None:
        """After the list is shown: mark entries whose envelope id an earlier entry had, as the
        listener does for captures. Lines not analysed yet are only parsed (an analysis of
        every line would cost seconds and keep every payload in memory), in batches handed over
        like the entries."""
        worker = get_current_worker()
        retries: RetryMarker[int] = RetryMarker()
        found: dict[str, str] = {}
        last = time.monotonic()
        for index, item in enumerate(listed):
            if worker.is_cancelled:
                return
            first = retries.first_of(_delivery_id(item.entry, item.raw), index)
            if first is not None:
                original = listed[first]
                found[item.entry.key] = _where(original.raw, original.source, item.source)
            if time.monotonic() - last >= BATCH_SECONDS:
                self._hand_over(RetriesFound(found, done=False, taken=threading.Event()))
                found = {}
                last = time.monotonic()
        self.post(RetriesFound(found, done=True))

    def _analyser(self, raw: RawDocument, source: str) -> Callable[[], Analysis]:
        def analyse() -> Analysis:
            return self.engine.analyze_document(raw.parse(), source=source, event_type=self.event_type)

        return analyse

    def _hand_over(self, message: PayloadsLoaded | RetriesFound) -> None:
        """Post ``message`` and wait until the UI has shown it (see the module's docstring)."""
        if self.post(message) and message.taken is not None:
            message.taken.wait(HANDOFF_TIMEOUT)


class HandOffs:
    """The UI's side of the hand-off: releases each batch after the refresh that shows it,
    except the first, which waits for the first tree to be painted."""

    def __init__(self, call_after_refresh: Callable[[Callable[[], object]], object]) -> None:
        self._after_refresh = call_after_refresh
        self._held: Optional[threading.Event] = None

    def taken(self, event: Optional[threading.Event], *, hold: bool = False) -> None:
        """The batch of ``event`` is in the widgets; ``hold``: keep the loader waiting until
        ``release_held`` (the first tree is not painted yet)."""
        if event is None:
            return
        if hold:
            self._held = event
        else:
            self._after_refresh(event.set)

    def release_held(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            held.set()


def _reader(data: bytes, raw: RawDocument) -> Callable[[], bytes]:
    """How an entry gets its bytes back: the file's, or its NDJSON line's. A line is kept as
    text (already in memory) and encoded when asked: the text was decoded from UTF-8 with
    nothing replaced, so encoding gives the line's bytes; only a byte order mark was taken off
    the first line."""
    if raw.line is None:
        return lambda: data
    bom = BOM if raw.line == 1 and data.startswith(BOM) else b""
    text = raw.text
    return lambda: bom + text.encode("utf-8")


def _delivery_id(entry: Entry, raw: RawDocument) -> Optional[str]:
    """``Analysis.delivery_id`` of an entry, from its analysis when there is one, else from
    parsing its text (form detection needs no schema)."""
    if entry.analysed:
        return entry.analysis.delivery_id
    doc = raw.parse()
    if not doc.ok:
        return None
    return delivery_id(detect_form(doc.value), doc.value)


def _where(raw: RawDocument, source: str, retry_source: str) -> str:
    """How a retry names its first delivery: ``L3`` in the same file, else the file's name."""
    name = os.path.basename(source) or source
    if raw.line is None:
        return name
    return f"L{raw.line}" if source == retry_source else f"{name} L{raw.line}"
