"""The summary line over the tree: form, event type, errors, warnings of the shown payload."""

from __future__ import annotations

import os
from typing import Optional

from rich.text import Text
from textual.widgets import Static

from inspector.engine.analysis import FORM_LABELS, Analysis
from inspector.engine.textsafe import visible
from inspector.tui.nodes import ERROR_ICON, NOT_VALIDATED_ICON, WARNING_ICON


def summary_text(analysis: Optional[Analysis], search: str = "") -> Text:
    if analysis is None:
        return Text("no payload", style="dim")
    out = Text(no_wrap=True, overflow="ellipsis")
    where = visible(os.path.basename(analysis.source) or analysis.source)
    if analysis.line is not None:
        where += f":{analysis.line}"
    if search:
        out.append(search, style="reverse")
        out.append("  ")
    out.append(where, style="bold")
    out.append("  ")
    if not analysis.readable:
        out.append("unreadable", style="bold red")
    else:
        out.append(FORM_LABELS[analysis.form])
        out.append(" · ")
        out.append(visible(analysis.event_type or "unknown event type"), style="bold")
        if not analysis.validated:
            out.append(" · ")
            out.append(f"{NOT_VALIDATED_ICON} not validated", style="bold yellow")
    out.append(" · ")
    out.append(f"{ERROR_ICON} {analysis.errors} error{'s' if analysis.errors != 1 else ''}", style="bold red" if analysis.errors else "dim")
    out.append(" · ")
    out.append(
        f"{WARNING_ICON} {analysis.warnings} warning{'s' if analysis.warnings != 1 else ''}",
        style="bold yellow" if analysis.warnings else "dim",
    )
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

    def show(self, analysis: Optional[Analysis], search: str = "") -> None:
        self.update(summary_text(analysis, search))
