"""The summary line over the tree: form, event type, errors, warnings of the shown payload."""

from __future__ import annotations

import os
from typing import Final, Optional, Sequence

from rich.text import Text
from textual.widgets import Static

from inspector.engine import issues as codes
from inspector.engine.analysis import FORM_LABELS, Analysis
from inspector.engine.issues import Issue
from inspector.engine.textsafe import visible
from inspector.tui.nodes import ERROR_ICON, NOT_VALIDATED_ICON, WARNING_ICON


DELIVERY_LABELS: Final[dict[str, str]] = {
    codes.SIGNATURE_INVALID: "signature invalid",
    codes.SIGNATURE_MISSING: "signature missing",
    codes.FORWARD_FAILED: "forward failed",
    codes.FORWARD_SKIPPED: "forward skipped",
}


def summary_text(analysis: Optional[Analysis], search: str = "", delivery: Sequence[Issue] = ()) -> Text:
    """``delivery``: the issues of the request that carried the payload; counted with its errors
    and named first, since a delivery that failed matters more than what it carried."""
    if analysis is None:
        return Text("no payload", style="dim")
    out = Text(no_wrap=True, overflow="ellipsis")
    where = visible(os.path.basename(analysis.source) or analysis.source)
    if analysis.line is not None:
        where += f":{analysis.line}"
    if search:
        out.append(search, style="reverse")
        out.append("  ")
    for issue in delivery:
        out.append(f"{ERROR_ICON} {DELIVERY_LABELS.get(issue.code, issue.code)}", style="bold red")
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
    errors = analysis.errors + sum(1 for i in delivery if i.severity == "error")
    out.append(" · ")
    out.append(f"{ERROR_ICON} {errors} error{'s' if errors != 1 else ''}", style="bold red" if errors else "dim")
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

    def show(self, analysis: Optional[Analysis], search: str = "", delivery: Sequence[Issue] = ()) -> None:
        self.update(summary_text(analysis, search, delivery))
