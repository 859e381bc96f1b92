"""The summary line over the tree: form, event type, errors, warnings of the shown payload.

It keeps form, type and counts visible down to 80 columns: the longer parts are shortened first
(the counts' words, the source name, the form's label), then the source goes, then the event
type is shortened in the middle.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Final, Iterator, Optional, Sequence

from rich.text import Text
from textual.widgets import Static

from inspector.engine import issues as codes
from inspector.engine.analysis import FORM_LABELS, Analysis, Form
from inspector.engine.issues import Issue
from inspector.engine.textsafe import visible
from inspector.tui.fit import shorten_middle
from inspector.tui.nodes import ERROR_ICON, NOT_VALIDATED_ICON, WARNING_ICON

SHORT_FORM_LABELS: Final[dict[Form, str]] = {
    "data": "bare data",
    "envelope": "envelope",
    "distribution": "distribution",
    "activity": "activity",
    "legacy": "legacy envelope",
    "unknown": "not a payload",
}
"""The form's name when the line is short of room."""

MIN_NAME = 12
"""Fewest cells a shortened source or event type keeps."""


@dataclass(frozen=True, kw_only=True)
class _Fit:
    """How much of each part one try at the line keeps."""

    where: Optional[int]
    """Cells of the source name (None: all of it; 0: left out)."""
    long_form: bool = True
    long_counts: bool = True
    type_cells: Optional[int] = None


def _tries(width: int) -> Iterator[_Fit]:
    yield _Fit(where=None)
    yield _Fit(where=None, long_counts=False)
    yield _Fit(where=max(MIN_NAME, width // 5), long_counts=False)
    yield _Fit(where=max(MIN_NAME, width // 5), long_form=False, long_counts=False)
    yield _Fit(where=0, long_form=False, long_counts=False)
    yield _Fit(where=0, long_form=False, long_counts=False, type_cells=MIN_NAME)


DELIVERY_LABELS: Final[dict[str, str]] = {
    codes.SIGNATURE_INVALID: "signature invalid",
    codes.SIGNATURE_MISSING: "signature missing",
    codes.FORWARD_FAILED: "forward failed",
    codes.FORWARD_SKIPPED: "forward skipped",
}


def summary_text(analysis: Optional[Analysis], search: str = "", delivery: Sequence[Issue] = (), width: int = 0) -> Text:
    """The line for ``analysis`` (and the search note), fitted to ``width`` cells (0: no
    limit). ``delivery``: the issues of the request that carried the payload; counted with its
    errors and named first (never shortened), since a delivery that failed matters more than
    what it carried."""
    if analysis is None:
        return Text("no payload", style="dim")
    last = Text()
    for fit in _tries(width):
        last = _render(analysis, search, delivery, fit, width)
        if not width or last.cell_len <= width:
            return last
    last.truncate(width, overflow="ellipsis")
    return last


def _render(analysis: Analysis, search: str, delivery: Sequence[Issue], fit: _Fit, width: int) -> Text:
    out = Text(no_wrap=True, overflow="ellipsis")
    if search:
        out.append(search, style="reverse")
        out.append("  ")
    for issue in delivery:
        out.append(f"{ERROR_ICON} {DELIVERY_LABELS.get(issue.code, issue.code)}", style="bold red")
        out.append("  ")
    if fit.where != 0:
        where = visible(os.path.basename(analysis.source) or analysis.source)
        if analysis.line is not None:
            where += f":{analysis.line}"
        if fit.where is not None:
            where = shorten_middle(where, fit.where)
        out.append(where, style="bold")
        out.append("  ")
    if not analysis.readable:
        out.append("unreadable", style="bold red")
    else:
        out.append(FORM_LABELS[analysis.form] if fit.long_form else SHORT_FORM_LABELS[analysis.form])
        out.append(" · ")
        event_type = visible(analysis.event_type or "unknown event type")
        unchecked = _not_validated(analysis, long=fit.long_counts)
        if fit.type_cells is not None:
            # What the rest leaves, but never less than MIN_NAME.
            rest = _counts(analysis, delivery, long=fit.long_counts).cell_len + 3 + unchecked.cell_len
            event_type = shorten_middle(event_type, max(fit.type_cells, width - out.cell_len - rest))
        out.append(event_type, style="bold")
        out.append_text(unchecked)
    out.append(" · ")
    out.append_text(_counts(analysis, delivery, long=fit.long_counts))
    return out


def _not_validated(analysis: Analysis, *, long: bool) -> Text:
    """`` · ? not validated`` (or `` · ?``) for a payload no event schema checked: never shown
    as clean, whatever its counts."""
    if analysis.validated:
        return Text()
    return Text.assemble(" · ", (f"{NOT_VALIDATED_ICON} not validated" if long else NOT_VALIDATED_ICON, "bold yellow"))


def _counts(analysis: Analysis, delivery: Sequence[Issue], *, long: bool) -> Text:
    """``✖ 2 errors · ▲ 1 warning``, or ``✖ 2 · ▲ 1`` when short of room; the delivery's
    errors count."""
    errors = analysis.errors + sum(1 for i in delivery if i.severity == "error")
    warnings = analysis.warnings
    out = Text()
    error_words = f" error{'s' if errors != 1 else ''}" if long else ""
    warning_words = f" warning{'s' if warnings != 1 else ''}" if long else ""
    out.append(f"{ERROR_ICON} {errors}{error_words}", style="bold red" if errors else "dim")
    out.append(" · ")
    out.append(f"{WARNING_ICON} {warnings}{warning_words}", style="bold yellow" if warnings else "dim")
    return out


class SummaryLine(Static):
    """One line: which payload, its form and event type, and how many problems it has."""

    DEFAULT_CSS = """
    SummaryLine {
        height: 1;
        padding: 0 1;
        background: $boost;
    }
    """

    def __init__(self, *, id: Optional[str] = None) -> None:
        super().__init__(id=id)
        self._shown: tuple[Optional[Analysis], str, Sequence[Issue]] = (None, "", ())

    def show(self, analysis: Optional[Analysis], search: str = "", delivery: Sequence[Issue] = ()) -> None:
        self._shown = (analysis, search, delivery)
        self.update(summary_text(analysis, search, delivery, self.content_region.width))

    def on_resize(self) -> None:
        analysis, search, delivery = self._shown
        self.update(summary_text(analysis, search, delivery, self.content_region.width))
