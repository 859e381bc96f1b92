"""A payload's text as received, ready to draw a window of it: lines, JSON colours, where a node
is written, where parsing broke. Plain Python plus ``rich.text`` (no widgets), computed lazily,
so a 5 MB body written on one line costs only the part on screen.

Columns here are characters of the line as shown: control and invisible characters become
escapes (``textsafe.visible``) and tabs become spaces, so a shown line can be longer than its
text; ``Line.shown`` maps one to the other.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import accumulate
from typing import Callable, Final, Optional

from rich.style import Style
from rich.text import Text

from inspector.engine.analysis import Analysis
from inspector.engine.sourcemap import SourceMap, Span
from inspector.engine.textsafe import visible
from inspector.tui.nodes import VALUE_STYLES

BOM: Final = b"\xef\xbb\xbf"
TAB_WIDTH = 4

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"?')
_TOKEN = re.compile(r"(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false)|(null)|([{}\[\],:])")
_KEY_AFTER = re.compile(r"[ \t\r]*:")
_TOKEN_STYLES: Final = (VALUE_STYLES["number"], VALUE_STYLES["boolean"], VALUE_STYLES["null"], "dim")
KEY_STYLE: Final = "bold"

Painter = Callable[[int, int, "str | Style"], None]
"""Styles text characters ``a:b`` of a line in the window being drawn."""


@dataclass(frozen=True, kw_only=True)
class Caret:
    """Where unreadable input breaks: 0-based ``line`` and ``column`` (characters of the
    text), and what to say under the caret."""

    line: int
    column: int
    message: str


class Line:
    """One line of the text: what is shown (escaped), and where each character went."""

    __slots__ = ("text", "shown", "_map", "_strings")

    def __init__(self, text: str) -> None:
        self.text = text
        shown = visible(text)
        if shown is text and "\t" not in text:
            self.shown = text
            self._map: Optional[list[int]] = None
        else:
            pieces: list[str] = []
            offsets: list[int] = []
            at = 0
            for ch in text:
                offsets.append(at)
                piece = " " * (TAB_WIDTH - at % TAB_WIDTH) if ch == "\t" else visible(ch)
                pieces.append(piece)
                at += len(piece)
            offsets.append(at)
            self.shown = "".join(pieces)
            self._map = offsets
        self._strings: Optional[tuple[list[int], list[int]]] = None

    def column(self, char: int) -> int:
        """Where character ``char`` of the text is in the shown line."""
        char = max(0, min(char, len(self.text)))
        return char if self._map is None else self._map[char]

    def _string_spans(self) -> tuple[list[int], list[int]]:
        # Strings are the only tokens whose meaning depends on what came before; found once per
        # line, so a window in the middle of a long line knows whether it starts inside one.
        if self._strings is None:
            starts: list[int] = []
            ends: list[int] = []
            for m in _STRING.finditer(self.text):
                starts.append(m.start())
                ends.append(m.end())
            self._strings = (starts, ends)
        return self._strings

    def styled(self, start: int, end: int, highlight: Optional[tuple[int, int]], highlight_style: Style) -> Text:
        """Characters ``start:end`` of the shown line with JSON colours; ``highlight`` is a
        range of text characters to mark."""
        shown = self.shown[start:end]
        out = Text(shown, no_wrap=True, end="")
        if not shown:
            return out
        # Text range covering the window (the whole line when it has escapes: rare and short).
        if self._map is None:
            lo, hi = start, end
        else:
            lo = max(0, bisect.bisect_right(self._map, start) - 1)
            hi = min(len(self.text), bisect.bisect_left(self._map, end))

        def paint(a: int, b: int, style: str | Style) -> None:
            x, y = self.column(a) - start, self.column(b) - start
            if y > 0 and x < len(shown):
                out.stylize(style, max(0, x), min(len(shown), y))

        starts, ends = self._string_spans()
        i = max(0, bisect.bisect_right(starts, lo) - 1)
        gap = lo
        while i < len(starts) and starts[i] < hi:
            s, e = starts[i], ends[i]
            if e > lo:
                self._paint_gap(paint, gap, max(gap, s), hi)
                key = _KEY_AFTER.match(self.text, e) is not None
                paint(max(s, lo), min(e, hi), KEY_STYLE if key else VALUE_STYLES["string"])
                gap = e
            i += 1
        self._paint_gap(paint, gap, hi, hi)
        if highlight is not None:
            paint(max(highlight[0], lo), min(highlight[1], hi), highlight_style)
        return out

    def _paint_gap(self, paint: Painter, a: int, b: int, hi: int) -> None:
        if a >= b:
            return
        for m in _TOKEN.finditer(self.text, a, min(b, hi)):
            kind = m.lastindex
            if kind is not None:
                paint(m.start(), m.end(), _TOKEN_STYLES[kind - 1])


class RawText:
    """The text of one payload: ``data`` as received, shown as UTF-8 (a byte that is not UTF-8
    shows as ``\\xNN``). ``analysis`` says where unreadable input breaks and lets nodes be
    located."""

    def __init__(self, data: bytes, analysis: Optional[Analysis] = None) -> None:
        self.size = len(data)
        self.bom = data.startswith(BOM)
        if self.bom:
            data = data[len(BOM) :]
        decode_error: Optional[int] = None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            decode_error = len(data[: exc.start].decode("utf-8"))
            text = data.decode("utf-8", "backslashreplace")
        self.utf8 = decode_error is None
        self.text = text
        self.first_number = analysis.line if analysis is not None and analysis.line is not None else 1
        """The number the first line is shown with: an NDJSON line keeps its number in the file."""
        self.readable = analysis is not None and analysis.readable
        self._analysis = analysis
        self._decode_error = decode_error
        self._lines: Optional[list[str]] = None
        self._starts: list[int] = []
        self._made: dict[int, Line] = {}
        self._map: Optional[SourceMap] = None
        self._caret: Optional[Caret] = None
        self._longest = 0

    def _split(self) -> list[str]:
        # Lines are only needed to draw; the tree's number spellings need the text alone.
        if self._lines is None:
            lines = self.text.split("\n")
            if len(lines) > 1 and not lines[-1]:
                lines.pop()  # the newline ending the last line does not start another
            self._starts = [0, *accumulate(len(line) + 1 for line in lines)]
            if "\t" in self.text or visible(self.text) is not self.text:
                # Escapes and tabs make shown lines longer than their text.
                self._longest = max((len(Line(line).shown) for line in lines), default=0)
            else:
                self._longest = max((len(line) for line in lines), default=0)
            self._lines = lines
            self._caret = _caret(self, self._analysis, self._decode_error)
        return self._lines

    @property
    def starts(self) -> list[int]:
        """The character offset where each line starts (and one past the end)."""
        self._split()
        return self._starts

    @property
    def caret(self) -> Optional[Caret]:
        """Where parsing broke, for unreadable text."""
        self._split()
        return self._caret

    @property
    def longest(self) -> int:
        """Characters of the longest line as shown."""
        self._split()
        return self._longest

    @property
    def line_count(self) -> int:
        return len(self._split())

    def line(self, n: int) -> Line:
        """Line ``n`` (0-based), made when first drawn."""
        made = self._made.get(n)
        if made is None:
            if len(self._made) > 4096:
                self._made.clear()
            made = self._made[n] = Line(self._split()[n])
        return made

    def position(self, offset: int) -> tuple[int, int]:
        """0-based line and character column of a character offset."""
        starts = self.starts
        n = max(0, bisect.bisect_right(starts, offset) - 1)
        n = min(n, self.line_count - 1)
        return n, offset - starts[n]

    def span(self, pointer: str) -> Optional[Span]:
        """Where the node at ``pointer`` is written (readable text only; the map is built on
        first use)."""
        if not self.readable:
            return None
        if self._map is None:
            self._map = SourceMap(self.text)
        return self._map.span(pointer)

    def spelling(self, pointer: str) -> Optional[str]:
        """The value at ``pointer`` as written (``1.10``, ``1e400``), or None."""
        span = self.span(pointer)
        return None if span is None else self.text[span.start : span.end]


def _caret(raw: RawText, analysis: Optional[Analysis], decode_error: Optional[int]) -> Optional[Caret]:
    """Where to put the caret: at the first byte that is not UTF-8, else at the position of the
    parse error (an NDJSON line's issue counts lines of the file, this text is the line); what
    to say there: the likely cause (``ParseContext.hint``) or the message."""
    issue = next((i for i in analysis.issues if i.line is not None), None) if analysis is not None and not analysis.readable else None
    # Under the caret, the engine's word on the likely cause when it has one (the whole message,
    # position included, is in the details and the issues pane).
    if issue is None:
        message = "not UTF-8"
    elif issue.context is not None and issue.context.hint:
        message = visible(issue.context.hint)
    else:
        message = visible(issue.message)
    if decode_error is not None:
        line, column = raw.position(decode_error)
        return Caret(line=line, column=column, message=message)
    if issue is None or issue.line is None:
        return None
    line = max(0, min(issue.line - raw.first_number, raw.line_count - 1))
    column = max(0, (issue.column or 1) - 1)
    return Caret(line=line, column=column, message=message)
