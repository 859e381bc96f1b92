"""Every message the inspector's widgets, screens and workers send each other.

One module, so the flow reads in one place: the loader thread posts ``PayloadsLoaded`` and
``RetriesFound`` to the main screen; the live feed posts ``EntriesAdded`` and ``EntriesUpdated``; widgets post what the
user chose. Messages that may come in floods and only say "something changed" replace the
one still queued (``can_replace``), so a burst costs one update.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Optional

from textual.message import Message

from inspector.engine.issues import Issue
from inspector.listen.capture import Entry
from inspector.listen.tunnel import PublicEndpoint
from inspector.tui.event_filter import EntryFilter
from inspector.tui.search import SearchState


@dataclass
class EntriesAdded(Message, bubble=False):
    """New entries (live, replayed or stored) to show at the top of the event list."""

    entries: list[Entry]


@dataclass
class EntriesUpdated(Message, bubble=False):
    """Listed live entries whose verdict (it follows the answer) or forward result came in."""

    entries: list[Entry]


@dataclass
class PublicChanged(Message, bubble=False):
    """The listener's public endpoint (a tunnel) came up, failed or went down."""

    endpoint: PublicEndpoint


@dataclass
class PayloadsLoaded(Message, bubble=False):
    """A batch of entries analysed from the files given; ``done`` on the last one. ``taken``
    is set by the UI once the batch is on screen: the loader waits for it (see ``loader``)."""

    entries: list[Entry]
    done: bool
    taken: Optional[threading.Event] = None


@dataclass
class RetriesFound(Message, bubble=False):
    """File entries (by key) that repeat an earlier entry's envelope id, with where that first
    one is (``L3``, a file name); found after the files are listed. ``taken`` as above."""

    retries: dict[str, str]
    done: bool
    taken: Optional[threading.Event] = None


@dataclass
class FirstTreePainted(Message, bubble=False):
    """The refresh that drew the first tree (a payload's, or the docs screen's first event type)
    is done: time to first paint ends here."""


@dataclass
class ListChanged(Message, bubble=False):
    """The event list gained or lost entries: its title and the status bar are out of date."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ListChanged)


@dataclass
class EntryHighlighted(Message):
    """The event list's cursor moved onto an entry: show its tree."""

    entry: Entry
    index: int

    def can_replace(self, message: Message) -> bool:
        # A held j key: only the entry the cursor ends on needs its tree built.
        return isinstance(message, EntryHighlighted)


@dataclass
class EntryOpened(Message):
    """Enter on an entry: the user wants to read it (focus the tree)."""

    entry: Entry


@dataclass
class IssueChosen(Message):
    """The user picked an issue in the issues pane: show its node."""

    issue: Issue
    index: int


@dataclass
class SearchCleared(Message):
    """Escape in the search bar: drop the search."""


@dataclass
class FilterCleared(Message):
    """Escape in the filter bar: show every entry again."""


@dataclass
class FilterChecked(Message, bubble=False):
    """The filter worker's matches among ``all[start:upto]`` of the event list, under
    ``wanted``; ``done`` on its last slice."""

    run: int
    wanted: EntryFilter
    start: int
    upto: int
    matches: list[Entry]
    done: bool


@dataclass
class TypeHighlighted(Message):
    """The docs screen's type list moved onto an event type: show its documentation."""

    event_type: str

    def can_replace(self, message: Message) -> bool:
        # A held j key: only the type the cursor ends on needs its tree built.
        return isinstance(message, TypeHighlighted)


@dataclass
class TypeChosen(Message):
    """Enter on an event type (or in the filter): read its documentation (focus the tree)."""

    event_type: str


@dataclass
class SearchDone(Message, bubble=False):
    """A search run off the UI thread (a big payload) has its answer for ``entry``."""

    entry: Entry
    state: SearchState
