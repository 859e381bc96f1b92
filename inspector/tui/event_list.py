"""The event list: one line per payload, drawn with the Line API so 10,000 events cost 10,000
list items and no widgets; only the visible lines are rendered."""

from __future__ import annotations

import datetime as _dt
import os
from typing import ClassVar, Final, Optional, Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from inspector.engine import issues as codes
from inspector.engine.textsafe import visible
from inspector.listen.capture import Entry
from inspector.engine import issues as codes
from inspector.engine.textsafe import visible
from inspector.listen.capture import Entry
from inspector.listen.history import delivery_issues
from inspector.tui.event_filter import NO_FILTER, EntryFilter
from inspector.tui.fit import shorten_middle
from inspector.tui.messages import EntryHighlighted, EntryOpened
from inspector.tui.nodes import ERROR_ICON, NOT_VALIDATED_ICON, WARNING_ICON

ROW_MARKS: Final[dict[str, str]] = {
    codes.SIGNATURE_INVALID: "sig",
    codes.SIGNATURE_MISSING: "sig",
    codes.FORWARD_FAILED: "fwd",
    codes.FORWARD_SKIPPED: "fwd",
}
"""The mark a row carries for each delivery issue: short, since the row keeps the counts."""

WHERE_LIMIT = 15
"""Most cells the first column (line, time or file name) takes; longer file names are shortened
in the middle."""


def entry_where(entry: Entry) -> str:
    """The row's first column: the time a request came, an NDJSON line (``L12``), or the file."""
    if entry.capture is not None:
        return _dt.datetime.fromtimestamp(entry.capture.received_at).strftime("%H:%M:%S")
    s = entry.summary
    if s.line is not None:
        return f"L{s.line}"
    source = entry.analysis.source
    return shorten_middle(visible(os.path.basename(source) or source), WHERE_LIMIT)


def _name(entry: Entry) -> tuple[str, str, str]:
    """What the entry is: (name, its style, a detail shown when there is room)."""
    s = entry.summary
    capture = entry.capture
    if capture is not None and capture.is_replay:
        answer = capture.forward_status if capture.forward_status is not None else "failed"
        return f"↺ replay → {answer}", "bold cyan", ""
    if capture is not None and not capture.accepted:
        return f"✖ {visible(capture.method)} {visible(capture.path)} → {capture.http_status}", "bold red", ""
    if s.pending:
        return "… verifying", "dim italic", ""
    if not s.readable:
        detail = f" (line {s.issue_line}, col {s.issue_column})" if s.issue_line is not None else ""
        return ("✖ not JSON" if capture is not None else "✖ unreadable"), "bold red", detail
    return visible(s.event_type or f"({s.form})"), "", ""


def entry_marks(entry: Entry, retry: bool = False) -> Text:
    """The right end of a row: retry mark, the answer chosen, the delivery's issues
    (``✖sig``/``✖fwd``: a signature or forward problem), error and warning counts, and ✔ only
    for a payload validated clean and delivered without issue (``?``: not validated)."""
    s = entry.summary
    marks = Text(no_wrap=True)
    if entry.retry_of is not None or retry:
        marks.append(" ↻", style="yellow")
    capture = entry.capture
    if capture is not None and capture.answer_rule and capture.http_status != 200:
        # An answer the user chose (--respond, --proxy): what the sender got.
        failed = capture.answer_rule.startswith("--proxy:")
        marks.append(f" →{capture.answer_text}" + (" no app" if failed else ""), style="bold magenta")
    delivery = delivery_issues(capture) if capture is not None else []
    for issue in delivery:
        marks.append(f" {ERROR_ICON}{ROW_MARKS.get(issue.code, '?')}", style="bold red")
    if s.errors:
        marks.append(f" {ERROR_ICON}{s.errors}", style="bold red")
    if s.warnings:
        marks.append(f" {WARNING_ICON}{s.warnings}", style="yellow")
    if s.clean and not delivery:
        marks.append(" ✔", style="green")
    elif s.readable and not s.validated and not s.pending:
        marks.append(f" {NOT_VALIDATED_ICON}", style="bold yellow")
    return marks


def entry_row(entry: Entry, width: int, retry: bool = False, *, where_width: int = 0) -> Text:
    """One row of ``width`` cells: where (line, time or file; padded to ``where_width``, the
    widest in view, so names line up with no blank columns), what it is (an event type is
    shortened in the middle: the end tells ``.created`` from ``.deleted``), and its marks
    (``retry``: a file entry found to repeat an earlier envelope id). Drawn from the entry's
    summary, so listing stored captures reads no payload."""
    where = entry_where(entry)
    row = Text(no_wrap=True, overflow="ellipsis")
    row.append(where + " " * max(0, where_width - cell_len(where)), style="dim")
    row.append(" ")
    marks = entry_marks(entry, retry)
    room = max(0, width - row.cell_len - marks.cell_len)
    name, style, detail = _name(entry)
    if detail and cell_len(name) + cell_len(detail) <= room:
        name += detail
    capture = entry.capture
    if capture is not None and not capture.accepted and not capture.is_replay and cell_len(name) > room:
        # A rejected request: the method and the status matter more than the path.
        head = f"✖ {visible(capture.method)} "
        tail = f" → {capture.http_status}"
        path = shorten_middle(visible(capture.path), max(1, room - cell_len(head) - cell_len(tail)))
        name = head + path + tail
    row.append(shorten_middle(name, room), style=style)
    row.truncate(max(0, width - marks.cell_len), overflow="ellipsis", pad=True)
    row.append_text(marks)
    return row


class EventList(ScrollView, can_focus=True):
    """Every payload loaded or received. New live entries go on top without moving the cursor
    off the entry being read."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "first", "First", show=False),
        Binding("end,G", "last", "Last", show=False),
        Binding("enter", "open", "Open", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {"event-list--cursor"}

    DEFAULT_CSS = """
    EventList {
        background: $surface;
    }
    EventList > .event-list--cursor {
        background: $block-cursor-blurred-background;
    }
    EventList:focus > .event-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    """

    cursor: reactive[int] = reactive(0, always_update=False)

    def __init__(self, *, id: Optional[str] = None) -> None:
        self._row_cache: dict[tuple[int, int, int, bool], Strip] = {}
        super().__init__(id=id)
        self.all: list[Entry] = []
        """Every entry listed, in list order."""
        self.entries: list[Entry] = self.all
        """The entries shown: those ``filter`` lets through (the very list ``all`` while no filter)."""
        self.filter: EntryFilter = NO_FILTER
        self.checked = 0
        """How many entries of ``all``, from the top, the filter has been applied to: the rest of
        a file list waits for the screen's filter worker (see ``check_now``)."""
        self.retries: dict[str, str] = {}
        """Entry key to where the first delivery of its envelope id is (``L3``, a file name),
        for file entries; captures carry theirs in ``Entry.retry_of``."""
        self.follow = True
        """Live entries put the cursor on the newest one; the user moving it off the top stops
        that, going back to the top (or the follow key) starts it again."""
        self.earlier: set[str] = set()
        """Keys of entries a previous listener run stored (drawn dimmed)."""
        self._where_view: tuple[int, int, int] = (-1, -1, -1)
        self._where_cells = 0

    # ------------------------------------------------------------------ data

    def append(self, entries: Sequence[Entry]) -> None:
        """Add entries at the bottom (file order); with a filter, those it can check without
        analysing are shown now, the others once ``checked_by_worker`` has them."""
        first = not self.entries
        self.all.extend(entries)
        if self.filter.active:
            self.check_now()
        self._resized()
        if first and self.entries:
            self._announce()

    def prepend(self, entries: Sequence[Entry], *, follow: bool = True) -> None:
        """Add entries at the top, newest first: the cursor goes to the newest while the list
        follows (``follow`` False: a replay the user sent, which must not take the cursor off
        the request being read), else it stays on the entry it was on."""
        if not entries:
            return
        if self.entries is not self.all:
            # Live rows carry their summaries: the filter checks them here, at no analysis cost.
            self.all[0:0] = list(reversed(entries))
            self.checked += len(entries)
            entries = [e for e in entries if self._matches(e)]
            if not entries:
                return
        first = not self.entries
        self.entries[0:0] = list(reversed(entries))
        if not first and self.follow and follow:
            self._row_cache.clear()
            self._resized()
            self.cursor = 0
            self.scroll_to(y=0, animate=False, immediate=True)
            self._announce()  # cursor 0 before and after: the entry under it is new
            return
        if not first:
            # Shift without watch_cursor: the highlighted entry has not changed.
            self.set_reactive(EventList.cursor, self.cursor + len(entries))
            if self.scroll_offset.y > 0 or self.cursor >= self.size.height:
                self.scroll_to(y=self.scroll_offset.y + len(entries), animate=False, immediate=True)
        self._row_cache.clear()
        self._resized()
        if first:
            # As if they had arrived one by one: the newest while following, else the first to
            # arrive (the one being read). The batch's size is the UI's timing, not the user's doing.
            self.set_reactive(EventList.cursor, 0 if self.follow and follow else len(entries) - 1)
            self._announce()

    def mark_retries(self, retries: dict[str, str]) -> None:
        """Mark entries (by key) as retries of the first delivery named in the value."""
        if retries:
            self.retries.update(retries)
            if self.filter.retry:
                self._show(self.all[: self.checked], [e for e in self.all[: self.checked] if self._matches(e)])
            self._row_cache.clear()
            self.refresh()

    def entries_changed(self, changed: Sequence[Entry] = ()) -> None:
        """Entries already listed changed (a verdict or a forward result came in): redraw, and
        under a filter check the changed ones again (a verdict can make a row match or not)."""
        if self.entries is not self.all and changed:
            again = {id(e): self._matches(e) for e in changed}
            shown = {id(e) for e in self.entries}
            checked = self.all[: self.checked]
            view = [e for e in checked if again.get(id(e), id(e) in shown)]
            if len(view) != len(self.entries) or any(a is not b for a, b in zip(view, self.entries)):
                self._show(checked, view, newest=self.follow)
        self._row_cache.clear()
        self.refresh()

    # ------------------------------------------------------------------ filter

    def set_filter(self, wanted: EntryFilter) -> bool:
        """Show only the entries ``wanted`` lets through (every entry for the empty filter).
        Returns False when some are left to check by the screen's worker (``check_now``)."""
        self.filter = wanted
        if not wanted.active:
            self.checked = len(self.all)
            self._show(self.all, self.all)
            return True
        self.checked = 0
        self._show([], [])
        return self.check_now()

    def check_now(self) -> bool:
        """Apply the filter to the entries not checked yet when it can do so without analysing a
        payload (rows carry summaries, or the filter reads none); False leaves them to the worker."""
        if not self.filter.active:
            return True
        rest = self.all[self.checked :]
        if self.filter.needs_summary and not all(e.summarised for e in rest):
            return False
        self.checked_by_worker(self.filter, self.checked, len(self.all), [e for e in rest if self._matches(e)])
        return True

    def checked_by_worker(self, wanted: EntryFilter, start: int, upto: int, matches: Sequence[Entry]) -> bool:
        """The matches among ``all[start:upto]`` (the worker's slice): shown at the bottom when
        they continue what is checked under the same filter. False when out of date."""
        if wanted != self.filter or start != self.checked:
            return False
        self.checked = upto
        if matches:
            first = not self.entries
            self.entries.extend(matches)
            self._resized()
            if first:
                self.set_reactive(EventList.cursor, 0)
                self._announce()
        return True

    @property
    def unchecked(self) -> int:
        """Entries the filter has yet to be applied to (0 without a filter)."""
        return len(self.all) - self.checked if self.filter.active else 0

    def _matches(self, entry: Entry) -> bool:
        return self.filter.matches(entry, retry=entry.key in self.retries)

    def _show(self, checked: Sequence[Entry], view: list[Entry], *, newest: bool = False) -> None:
        """Show ``view`` (a subsequence of ``checked``): the cursor stays on the entry it was on
        when that is still shown (``newest``: goes to the top, following), else goes to the top."""
        current = self.current
        self.entries = view
        index = 0 if newest else next((i for i, e in enumerate(view) if e is current), 0)
        self.set_reactive(EventList.cursor, index)
        self._row_cache.clear()
        self._resized()
        self._scroll_cursor_visible()
        if self.current is not current:
            self._announce()

    def _resized(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.entries))
        self.refresh()

    @property
    def current(self) -> Optional[Entry]:
        return self.entries[self.cursor] if 0 <= self.cursor < len(self.entries) else None

    # ------------------------------------------------------------------ cursor

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.entries) - 1)) if self.entries else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self._row_cache.clear()
        self.refresh()
        self._scroll_cursor_visible()
        self._announce()

    def _announce(self) -> None:
        entry = self.current
        if entry is not None:
            self.post_message(EntryHighlighted(entry, self.cursor))

    def _scroll_cursor_visible(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = self.scroll_offset.y
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def _moved_to(self, index: int) -> None:
        """The user moved the cursor: off the top, live entries no longer take it."""
        self.cursor = index
        self.follow = self.cursor == 0

    def action_cursor(self, delta: int) -> None:
        self._moved_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self._moved_to(self.cursor + direction * max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        self._moved_to(0)

    def action_last(self) -> None:
        self._moved_to(len(self.entries) - 1)

    def action_open(self) -> None:
        entry = self.current
        if entry is not None:
            self.post_message(EntryOpened(entry))

    def on_click(self, event: Click) -> None:
        # Offsets of a click count the border; rows start inside it.
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self.scroll_offset.y + offset.y
        if 0 <= index < len(self.entries):
            self._moved_to(index)

    # ------------------------------------------------------------------ rendering

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if index >= len(self.entries):
            return Strip.blank(width, self.rich_style)
        selected = index == self.cursor
        where_width = self._where_width()
        key = (id(self.entries[index]), width, where_width, selected and self.has_focus)
        strip = self._row_cache.get(key) if not selected else None
        if strip is not None:
            return strip
        entry = self.entries[index]
        text = entry_row(entry, width, entry.key in self.retries, where_width=where_width)
        base = self.rich_style
        if entry.key in self.earlier:
            base = base + Style(dim=True)
        if selected:
            base = base + self.get_component_rich_style("event-list--cursor")
        segments = [Segment(s.text, base + s.style if s.style else base) for s in text.render(self.app.console)]
        strip = Strip(segments).adjust_cell_length(width, base).simplify()
        if len(self._row_cache) > 2000:
            self._row_cache.clear()
        self._row_cache[key] = strip
        return strip

    def _where_width(self) -> int:
        """The widest first column among the rows in view (rows out of view are not analysed)."""
        top = self.scroll_offset.y
        height = self.scrollable_content_region.height
        view = (top, height, len(self.entries))
        if self._where_view != view:
            shown = self.entries[top : top + height]
            self._where_view = view
            self._where_cells = max((cell_len(entry_where(e)) for e in shown), default=0)
        return self._where_cells

    def notify_style_update(self) -> None:
        # A new theme (or any style change): rows drawn with the old colours must go.
        super().notify_style_update()
        self._row_cache.clear()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self._row_cache.clear()
        self.virtual_size = Size(self.size.width, len(self.entries))
