"""Fitting text into a few terminal cells without losing the part that tells items apart.

Event types share long prefixes (``customer.holder.assignment.created`` / ``.deleted``), so
names are shortened in the middle, never at the end. Widths are terminal cells (a wide East
Asian character takes two), measured by Rich.
"""

from __future__ import annotations

from rich.cells import cell_len

ELLIPSIS = "…"


def shorten_middle(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells: the start and the end kept, ``…`` between them
    (``customer.hold…gnment.created``); the end gets the odd cell, as that is where event,
    file and field names differ."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    room = width - 1
    # Cut by cells, from both ends; a wide character that does not fit is dropped whole and
    # the end gets the cell it leaves.
    start = _take_cells(text, room // 2)
    end = _take_cells(text[::-1], room - cell_len(start))[::-1]
    return start + ELLIPSIS + end


def _take_cells(text: str, width: int) -> str:
    """The longest prefix of ``text`` that fits in ``width`` cells."""
    if text.isascii():
        return text[:width]
    out = []
    used = 0
    for ch in text:
        w = cell_len(ch)
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out)
