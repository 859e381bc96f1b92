"""Search of the shown payload: the state the UI shows, how a query is answered, and when typing
runs it.

``SearchState`` is immutable: the main screen holds the current one in a reactive, and the
tree, the summary line and the footer (``n`` says "match" while a search is active) follow it.
Queries are answered from a ``SearchIndex`` of the payload: made at once for a small payload;
for a big one (``BIG_TEXT``) on a worker thread, with the line saying "searching…" meanwhile.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Callable, Mapping, Optional, Sequence

from textual.timer import Timer

from inspector.tui import search_index
from inspector.tui.search_index import SearchIndex

SLOW_SEARCH_SECONDS = 0.05
SEARCH_DEBOUNCE_SECONDS = 0.15
"""Once a search of the shown payload has taken longer than ``SLOW_SEARCH_SECONDS`` (or the
payload is big), typing waits this long for the next key before searching again."""

BIG_TEXT = 256 * 1024
"""Payloads of this many bytes or more are indexed and searched off the UI thread."""


@dataclass(frozen=True, kw_only=True)
class SearchState:
    """The search being shown: no ``query``, no search; ``matches`` in tree order, at most
    ``SEARCH_LIMIT`` (``cut`` when there were more); ``position`` is the current match's;
    ``searching`` while the answer is being worked out off the UI thread."""

    query: str = ""
    matches: tuple[str, ...] = ()
    position: int = -1
    cut: bool = False
    searching: bool = False

    @property
    def active(self) -> bool:
        return bool(self.query)

    @property
    def current(self) -> Optional[str]:
        return self.matches[self.position] if self.matches else None

    def step(self, step: int) -> SearchState:
        """The state with the cursor ``step`` matches on, wrapping around."""
        if not self.matches:
            return self
        return replace(self, position=(self.position + step) % len(self.matches))

    def note(self) -> str:
        """What the summary line and the tree's border say: `` search: 2/40+ `` (or nothing)."""
        if not self.query:
            return ""
        if self.searching:
            return " search: … "
        found = len(self.matches)
        return f" search: {self.position + 1 if found else 0}/{found:,}{'+' if self.cut else ''} "


NO_SEARCH = SearchState()


def find(
    index: Optional[SearchIndex], query: str, missing: Optional[Mapping[str, Sequence[str]]] = None
) -> tuple[SearchState, float]:
    """Answer ``query`` from ``index`` (None: an unreadable payload, nothing matches);
    ``missing``: the keys the tree shows as ghost or absent nodes, by parent pointer. Returns
    the state and the seconds it took."""
    if not query:
        return NO_SEARCH, 0.0
    # Read here, not imported: tests lower the limit.
    limit = search_index.SEARCH_LIMIT
    started = time.perf_counter()
    # One more than the limit tells whether the search was cut.
    matches = index.find(query, limit + 1, missing) if index is not None else []
    took = time.perf_counter() - started
    cut = len(matches) > limit
    del matches[limit:]
    return SearchState(query=query, matches=tuple(matches), position=0 if matches else -1, cut=cut), took


class Typing:
    """When a typed query runs: at once, until one search has been slow; from then on (for the
    payload shown) after ``SEARCH_DEBOUNCE_SECONDS`` without a key. ``slow`` is set by whoever
    ran the search (or showed a big payload) and cleared when another payload is shown."""

    def __init__(self, *, set_timer: Callable[[float, Callable[[], None]], Timer], run: Callable[[str], None]) -> None:
        self._set_timer = set_timer
        self._run = run
        self._timer: Optional[Timer] = None
        self._pending = ""
        self.slow = False

    def typed(self, query: str) -> None:
        self.cancel()
        if self.slow and query:
            self._pending = query
            self._timer = self._set_timer(SEARCH_DEBOUNCE_SECONDS, self.flush)
        else:
            self._run(query)

    def flush(self) -> None:
        """Run the query waiting for its timer now (enter in the search bar)."""
        if self.cancel():
            self._run(self._pending)

    def cancel(self) -> bool:
        """Drop the query waiting for its timer; True if there was one."""
        timer, self._timer = self._timer, None
        if timer is None:
            return False
        timer.stop()
        return True
