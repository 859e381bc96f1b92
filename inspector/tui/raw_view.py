"""The raw view (``v``): the payload's text exactly as received, with line numbers, JSON colours,
the node under the tree's cursor highlighted, and for unreadable input the line where parsing
broke marked, with a caret under the column and the reason under it.

Drawn with the Line API, like the event list: only the rows on screen are made, and a row of a
long line is cut to the columns on screen before it is coloured (a 5 MB body arrives on one
line). The line numbers stay put when the text scrolls sideways.
"""

from __future__ import annotations

from typing import ClassVar, Optional

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from inspector.engine.textsafe import visible
from inspector.listen.capture import Entry
from inspector.tui.rawtext import Caret, RawText

def raw_first(entry: Entry) -> bool:
    """Whether the raw view opens by itself for ``entry``: the tree has nothing to show (input
    that is not JSON) and there is text that can be shown. Not for a request whose verdict is
    still to come: it has no analysis yet, not a bad one."""
    return not entry.summary.pending and not entry.analysis.readable and bool(entry.body)


def raw_text(entry: Entry) -> tuple[Optional[RawText], str]:
    """The text to show for ``entry``, or why there is none."""
    body = entry.body
    if body:
        return RawText(body, entry.analysis), ""
    if body is not None:
        return None, "nothing was received: the body is empty (0 bytes)"
    issue = entry.analysis.issues[0] if not entry.analysis.readable and entry.analysis.issues else None
    if issue is not None:
        return None, "no text to show: " + visible(issue.message)
    return None, "no text to show: this payload was given already parsed"


def raw_title(raw: Optional[RawText]) -> str:
    """The raw view's border title (border titles are markup: digits and fixed words only)."""
    if raw is None:
        return "raw"
    title = f"raw · {raw.size:,} bytes as received"
    if not raw.utf8:
        title += " · not UTF-8"
    if raw.bom:
        title += " · byte order mark"
    return title


SIDEWAYS = 8
"""Columns one h/l (or ←/→) scrolls."""


class RawView(ScrollView, can_focus=True):
    """The text of the entry shown; ``show`` replaces it, ``highlight`` marks a node."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
        Binding("h", "scroll_left", "Left", show=False),
        Binding("l", "scroll_right", "Right", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
        Binding("0", "line_start", "Line start", show=False),
        Binding("dollar_sign", "line_end", "Line end", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "raw-view--gutter",
        "raw-view--highlight",
        "raw-view--error",
        "raw-view--note",
    }

    DEFAULT_CSS = """
    RawView {
        background: $surface;
    }
    RawView > .raw-view--gutter {
        color: $text-muted;
    }
    RawView > .raw-view--highlight {
        background: $accent 35%;
    }
    RawView > .raw-view--error {
        color: $text-error;
        text-style: bold;
    }
    RawView > .raw-view--note {
        color: $text-muted;
        text-style: italic;
    }
    """

    def __init__(self, *, id: Optional[str] = None) -> None:
        super().__init__(id=id)
        self.raw: Optional[RawText] = None
        self.note = ""
        """What the view says when there is no text (a file that could not be read)."""
        self.highlighted: Optional[tuple[int, int]] = None
        """The highlighted node's characters (offsets in the text)."""
        self.entry: Optional[Entry] = None
        """The entry whose text is shown."""

    # ------------------------------------------------------------------ content

    def show(self, raw: Optional[RawText], note: str = "", *, entry: Optional[Entry] = None) -> None:
        """Show ``raw`` (the text of ``entry``) from its first line, or the caret's when parsing
        broke; ``note`` when there is nothing to show."""
        self.raw = raw
        self.entry = entry
        self.note = note
        self.highlighted = None
        self._resized()
        self.scroll_to(0, 0, animate=False, immediate=True)
        if raw is not None and raw.caret is not None:
            self.call_after_refresh(self._reveal, raw.caret.line, raw.line(raw.caret.line).column(raw.caret.column))

    def highlight(self, pointer: Optional[str]) -> None:
        """Mark where the node at ``pointer`` is written and bring it into view (nothing for
        the whole payload: it is all of the text)."""
        raw = self.raw
        span = raw.span(pointer) if raw is not None and pointer else None
        if span is None or raw is None:
            self.highlighted = None
            self.refresh()
            return
        start = span.key_start if span.key_start is not None else span.start
        self.highlighted = (start, span.end)
        line, column = raw.position(start)
        self.refresh()
        self._reveal(line, raw.line(line).column(column))

    @property
    def gutter_cells(self) -> int:
        """Cells before the text: the line number, a space, the mark and a space."""
        raw = self.raw
        return len(str(raw.first_number + raw.line_count - 1)) + 3 if raw is not None else 0

    @property
    def rows(self) -> int:
        raw = self.raw
        if raw is None:
            return 1 if self.note else 0
        return raw.line_count + (1 if raw.caret is not None else 0)

    def _resized(self) -> None:
        raw = self.raw
        wide = raw.longest + 1 if raw is not None else len(self.note)  # + the error caret past the end
        self.virtual_size = Size(self.gutter_cells + wide, self.rows)
        self.refresh()

    def _reveal(self, row: int, column: int) -> None:
        """Scroll so text row ``row`` and shown column ``column`` are on screen."""
        height = max(1, self.scrollable_content_region.height)
        width = max(1, self.scrollable_content_region.width - self.gutter_cells)
        x, y = self.scroll_offset
        if not y <= row < y + height:
            y = max(0, row - height // 3)
        if not x <= column < x + width:
            x = max(0, column - width // 4)
        self.scroll_to(x, y, animate=False, immediate=True)

    # ------------------------------------------------------------------ keys

    def action_scroll_left(self) -> None:
        self.scroll_to(x=max(0, self.scroll_offset.x - SIDEWAYS), animate=False)

    def action_scroll_right(self) -> None:
        self.scroll_to(x=self.scroll_offset.x + SIDEWAYS, animate=False)

    def action_line_start(self) -> None:
        self.scroll_to(x=0, animate=False)

    def action_line_end(self) -> None:
        raw = self.raw
        if raw is None:
            return
        y = self.scroll_offset.y
        row = self._line_of(y)
        if row is not None:
            end = len(raw.line(row).shown)
            self.scroll_to(x=max(0, end - (self.scrollable_content_region.width - self.gutter_cells) + 1), animate=False)

    def on_resize(self) -> None:
        self._resized()

    # ------------------------------------------------------------------ drawing

    def _line_of(self, row: int) -> Optional[int]:
        """The text line drawn on ``row`` (None for the caret's row)."""
        raw = self.raw
        if raw is None or row >= self.rows:
            return None
        caret = raw.caret
        if caret is None or row <= caret.line:
            return row
        return None if row == caret.line + 1 else row - 1

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        row = self.scroll_offset.y + y
        raw = self.raw
        if raw is None:
            if row == 0 and self.note:
                text = Text(self.note, no_wrap=True)
                text.stylize(self.get_component_rich_style("raw-view--note"))
                return _strip(text, width, base, self)
            return Strip.blank(width, base)
        if row >= self.rows:
            return Strip.blank(width, base)
        gutter_style = self.get_component_rich_style("raw-view--gutter")
        error_style = self.get_component_rich_style("raw-view--error")
        left = self.scroll_offset.x
        room = max(0, width - self.gutter_cells)
        numbers = self.gutter_cells - 3
        line_no = self._line_of(row)
        caret = raw.caret
        if line_no is None:
            assert caret is not None
            return _strip(_caret_row(raw, caret, self.gutter_cells, left, room, error_style), width, base, self)
        line = raw.line(line_no)
        start = raw.starts[line_no]
        text = Text(no_wrap=True, end="")
        broken = caret is not None and caret.line == line_no
        text.append(f"{raw.first_number + line_no:>{numbers}} ", style=error_style if broken else gutter_style)
        highlight = self._highlight_on(start, len(line.text))
        mark = "✖" if broken else ("▌" if highlight is not None else "│")
        text.append(mark + " ", style=error_style if broken else gutter_style)
        body = line.styled(left, left + room, highlight, self.get_component_rich_style("raw-view--highlight"))
        if broken and caret is not None:
            # The character where parsing stopped, in the error colour (the caret row points
            # at it too).
            at = line.column(caret.column) - left
            if 0 <= at < body.cell_len or (at == body.cell_len and at < room):
                if at == len(body.plain):
                    body.append(" ")
                body.stylize(error_style + Style(reverse=True), at, at + 1)
        text.append_text(body)
        return _strip(text, width, base, self)

    def _highlight_on(self, start: int, length: int) -> Optional[tuple[int, int]]:
        """The highlighted characters on the line at text offset ``start``, as line columns."""
        span = self.highlighted
        if span is None or span[1] <= start or span[0] > start + length:
            return None
        return max(0, span[0] - start), min(length, span[1] - start)


def _caret_row(raw: RawText, caret: Caret, gutter: int, left: int, room: int, style: Style) -> Text:
    """The row under the broken line: a caret under the column, and why."""
    column = raw.line(caret.line).column(caret.column)
    text = Text(no_wrap=True, end="")
    text.append(" " * gutter)
    message = caret.message
    if column + 2 + len(message) > left + room and column - left > room // 2:
        # No room after the caret: the reason ends at it instead.
        before = message if len(message) < column - left else "…" + message[-(column - left - 2) :]
        pointer = " " * (column - len(before) - 1) + before + " ^"
    else:
        pointer = " " * column + "^ " + message
    text.append(pointer[left : left + room], style=style)
    return text


def _strip(text: Text, width: int, base: Style, view: RawView) -> Strip:
    segments = [Segment(s.text, base + s.style if s.style else base) for s in text.render(view.app.console)]
    return Strip(segments).crop(0, width).adjust_cell_length(width, base).simplify()
