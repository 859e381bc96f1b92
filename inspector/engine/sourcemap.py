"""Where each value of a JSON document stands in its text: pointer → character span.

The raw view highlights the node under the tree's cursor and shows numbers as they were written
(``1e400``, ``1.10``), which the parsed value cannot tell. Lookups are lazy: a container's members
are located the first time a pointer goes through it, each sibling skipped by the C decoder
(``raw_decode``): measured on a 10 MB payload, building the map costs about one ``json.loads``
(170 ms), the first lookup of the last of 60,000 array items two more, a sibling's 0.06 ms.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Optional

from inspector.engine.pointer import escape, parse_pointer

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


@dataclass(frozen=True, kw_only=True)
class Span:
    """The characters ``text[start:end]`` of one value; ``key_start`` is where its member name
    begins when it is an object member (the line to highlight starts there)."""

    start: int
    end: int
    key_start: Optional[int] = None


class SourceMap:
    """Spans of the values of one JSON text, by RFC 6901 pointer. A duplicate key maps to its
    last occurrence: the one the parsed payload keeps. Text that does not parse maps nothing."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._spans: dict[str, Span] = {}
        self._members: dict[str, dict[str, Span]] = {}
        root = self._value_span(_skip(text, 0))
        if root is not None:
            self._spans[""] = root

    def span(self, pointer: str) -> Optional[Span]:
        """Where the value at ``pointer`` is written, or None when it is not in the text."""
        found = self._spans.get(pointer)
        if found is not None or "" not in self._spans:
            return found
        try:
            keys = parse_pointer(pointer)
        except ValueError:
            return None
        current = ""
        span = self._spans[""]
        for key in keys:
            members = self._members.get(current)
            if members is None:
                members = self._members[current] = self._scan(span)
            child = members.get(str(key))
            if child is None:
                return None
            current = f"{current}/{escape(str(key))}"
            span = child
        self._spans[pointer] = span
        return span

    def source_of(self, pointer: str) -> Optional[str]:
        """The value at ``pointer`` exactly as written in the text."""
        s = self.span(pointer)
        return None if s is None else self.text[s.start : s.end]

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        line = self.text.count("\n", 0, offset) + 1
        return line, offset - (self.text.rfind("\n", 0, offset) + 1) + 1

    def _value_span(self, start: int, key_start: Optional[int] = None) -> Optional[Span]:
        try:
            _value, end = _DECODER.raw_decode(self.text, start)
        except (ValueError, RecursionError):
            return None
        return Span(start=start, end=end, key_start=key_start)

    def _scan(self, span: Span) -> dict[str, Span]:
        """The members of the container at ``span`` (array items keyed "0", "1", …)."""
        text = self.text
        out: dict[str, Span] = {}
        opener = text[span.start]
        if opener not in "[{":
            return out
        pos = _skip(text, span.start + 1)
        index = 0
        while pos < span.end and text[pos] not in "]}":
            key_start: Optional[int] = None
            if opener == "{":
                key_start = pos
                try:
                    name, pos = _DECODER.raw_decode(text, pos)
                except ValueError:
                    return out
                pos = _skip(text, pos)
                if text[pos : pos + 1] != ":":
                    return out
                pos = _skip(text, pos + 1)
                key = str(name)
            else:
                key = str(index)
                index += 1
            child = self._value_span(pos, key_start)
            if child is None:
                return out
            out[key] = child
            pos = _skip(text, child.end)
            if text[pos : pos + 1] == ",":
                pos = _skip(text, pos + 1)
        return out


def _skip(text: str, pos: int) -> int:
    """The offset of the first character at or after ``pos`` that is not JSON white space."""
    m = _WS.match(text, pos)
    return pos if m is None else m.end()
