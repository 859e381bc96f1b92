"""The details pane: everything known about the selected node (path, the docs' word, issues),
and for a live or stored request the HTTP side of it."""

from __future__ import annotations

import datetime as _dt
from typing import Any, ClassVar, Final, Optional

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from inspector.engine.analysis import FORM_LABELS, Analysis
from inspector.engine.describe import describe
from inspector.engine.issues import Issue, Severity
from inspector.engine.pointer import pointer_to_jq
from inspector.engine.schema import MISSING, json_type
from inspector.engine.textsafe import json_scalar, visible
from inspector.listen.capture import Capture
from inspector.listen.tunnel import dashboard_steps
from inspector.tui.nodes import (
    ABSENT,
    ERROR_ICON,
    GHOST,
    MORE,
    NOTE,
    VALUE,
    WARNING_ICON,
    IssueIndex,
    NodeData,
    scalar_text,
)

VALUE_PREVIEW = 2000
"""Characters of a scalar shown in full before it is cut (copy gets all of it)."""

SEVERITY_STYLE: Final[dict[Severity, str]] = {"error": "bold red", "warning": "bold yellow", "info": "dim"}
SEVERITY_ICON: Final[dict[Severity, str]] = {"error": ERROR_ICON, "warning": WARNING_ICON, "info": "i"}


def issue_line(issue: Issue, *, with_pointer: bool = False) -> Text:
    """One issue as a line of text (shared with the issues pane)."""
    line = Text()
    line.append(f"{SEVERITY_ICON.get(issue.severity, '?')} {issue.severity:<7} ", style=SEVERITY_STYLE.get(issue.severity, ""))
    if with_pointer:
        line.append(visible(issue.pointer) or "(payload)", style="bold")
        line.append("  ")
    line.append(visible(issue.code), style="dim")
    line.append("  ")
    line.append(visible(issue.message))
    return line


def _heading(text: Text, title: str) -> None:
    text.append("\n")
    text.append(title, style="bold underline")
    text.append("\n")


def node_details(analysis: Analysis, index: IssueIndex, data: Optional[NodeData], *, spelling: Optional[str] = None) -> Text:
    """The details of one node as a single Text (never markup); ``spelling``: its value as
    written, for a number."""
    out = Text()
    if not analysis.readable:
        out.append("Unreadable input\n", style="bold red")
        out.append(visible(analysis.source) + (f" line {analysis.line}" if analysis.line is not None else "") + "\n")
        for issue in analysis.issues:
            out.append_text(issue_line(issue))
            if issue.line is not None:
                out.append(f"\n  at line {issue.line}, column {issue.column}", style="bold")
            out.append("\n")
        return out
    if data is None:
        return out
    if data.kind == MORE:
        out.append(f"{data.value:,} more items: press enter on the line to load the next page.", style="italic")
        return out
    if data.kind == NOTE:
        out.append(str(data.value), style="italic")
        return out
    pointer = data.pointer
    out.append("Pointer  ", style="dim")
    out.append(visible(pointer) or '"" (the whole payload)', style="bold")
    out.append("\njq       ", style="dim")
    out.append(visible(pointer_to_jq(pointer, analysis.payload)), style="bold")
    out.append("\n")
    if pointer == "":
        out.append("Form     ", style="dim")
        out.append(FORM_LABELS[analysis.form])
        out.append("\nEvent    ", style="dim")
        out.append(visible(analysis.event_type or "unknown"))
        out.append("\n")
    doc = describe(analysis.schema, analysis.payload, pointer)
    if data.kind == GHOST:
        out.append("Value    ", style="dim")
        out.append("missing", style="bold red")
        out.append("\n")
    elif data.kind == ABSENT:
        out.append("Value    ", style="dim")
        out.append("absent: an optional field this payload does not carry", style="dim italic")
        out.append("\n")
    else:
        out.append("Value    ", style="dim")
        out.append_text(_value_preview(data.value, spelling))
        out.append("\n")
    _heading(out, "Docs")
    if not doc.listed:
        out.append("Not listed in the docs: ", style="yellow")
        out.append(visible(doc.reason or "no description") + "\n")
    else:
        if doc.title:
            out.append(visible(doc.title) + "\n", style="bold")
        if doc.description:
            out.append(visible(doc.description) + "\n")
        else:
            out.append("(the docs give no description)\n", style="dim")
        out.append("Type     ", style="dim")
        out.append(visible(doc.type_label or "any"))
        if doc.format and doc.format not in (doc.type_label or ""):
            out.append(f" ({visible(doc.format)})")
        out.append("\n")
        if doc.map_schema is not None:
            out.append("Map      ", style="dim")
            out.append(visible(doc.map_note) + "\n")
        out.append("Required ", style="dim")
        if doc.required is None:
            out.append("n/a (an array item)" if pointer else "n/a (the payload)")
        else:
            out.append("required" if doc.required else "optional", style="bold" if doc.required else "")
        out.append("\nNullable ", style="dim")
        out.append("yes" if doc.nullable else "no")
        out.append("\n")
        if doc.variant:
            out.append("Variant  ", style="dim")
            out.append(visible(doc.variant))
            if doc.variant_how:
                out.append(f" ({visible(doc.variant_how)})", style="dim")
            out.append("\n")
        if doc.enum:
            out.append("Enum     ", style="dim")
            current = data.value if data.kind == VALUE else MISSING
            for n, option in enumerate(doc.enum):
                if n:
                    out.append("  ")
                if current is not MISSING and option == current and type(option) is type(current):
                    out.append("▶ " + json_scalar(option, 60), style="bold reverse")
                else:
                    out.append(json_scalar(option, 60))
            out.append("\n")
        if doc.example is not MISSING:
            out.append("Example  ", style="dim")
            out.append(_example(doc.example))
            out.append("\n")
    issues = index.at.get(pointer, [])
    _heading(out, f"Issues on this node ({len(issues)})")
    if not issues:
        out.append("none\n", style="dim")
    for issue in issues:
        out.append_text(issue_line(issue))
        out.append("\n")
    errors, warnings = index.counts(pointer)
    if errors or warnings:
        out.append(f"beneath: {errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}\n", style="dim")
    return out


def _value_preview(value: Any, spelling: Optional[str]) -> Text:
    if isinstance(value, dict):
        return Text(f"object with {len(value)} key{'s' if len(value) != 1 else ''}", style="dim")
    if isinstance(value, list):
        return Text(f"array of {len(value)} item{'s' if len(value) != 1 else ''}", style="dim")
    text = Text(scalar_text(value, VALUE_PREVIEW, spelling))
    if isinstance(value, str) and len(value) > VALUE_PREVIEW:
        text.append(f"  ({len(value):,} characters; y copies all)", style="dim")
    text.append(f"  {json_type(value)}", style="dim")
    return text


def _example(example: Any) -> str:
    import json

    if isinstance(example, (dict, list)):
        try:
            dumped = json.dumps(example, ensure_ascii=False)
        except (TypeError, ValueError):
            dumped = repr(example)
        return visible(dumped if len(dumped) <= 200 else dumped[:199] + "…")
    return json_scalar(example, 200)


def capture_details(capture: Capture, retry_of: Optional[int]) -> Text:
    """The HTTP side of a captured request: method, path, status, headers, signature, forward."""
    out = Text()
    replay = capture.is_replay
    _heading(out, "Replay sent" if replay else "HTTP request")
    when = _dt.datetime.fromtimestamp(capture.received_at).strftime("%Y-%m-%d %H:%M:%S")
    out.append(f"{visible(capture.method)} {visible(capture.path)}", style="bold")
    if capture.query:
        out.append("?" + visible(capture.query), style="bold")
    out.append("  " if replay else f"  → {capture.answer_text}  ", style="")
    out.append(f"{capture.size:,} bytes  {when}", style="dim")
    sender = capture.sender
    if sender is not None:
        out.append(f"  from {visible(sender[0])} ({sender[1]}, via {visible(capture.remote or '?')})", style="dim")
    elif capture.remote:
        out.append(f"  from {visible(capture.remote)}", style="dim")
    out.append("\n")
    if capture.answer_rule:
        out.append(f"answered {capture.answer_text} by {visible(capture.answer_rule)}\n", style="yellow")
    if retry_of is not None:
        out.append(f"↻ retry of capture #{retry_of} (same envelope id)\n", style="yellow")
    sig_style = {"valid": "bold green", "invalid": "bold red", "missing": "yellow", "unchecked": "dim", "pending": "dim italic"}
    out.append("Signature ", style="dim")
    out.append(capture.signature, style=sig_style.get(capture.signature, ""))
    if capture.signature_detail:
        out.append("  " + visible(capture.signature_detail))
    out.append("\n")
    if capture.forward_url or capture.forward_error:
        out.append("Forward   ", style="dim")
        out.append(visible(capture.forward_url or ""))
        if capture.forward_status is not None:
            ok = 200 <= capture.forward_status < 300
            out.append(f"  → {capture.forward_status}", style="bold green" if ok else "bold red")
        if capture.forward_latency_ms is not None:
            out.append(f"  {capture.forward_latency_ms:.0f} ms", style="dim")
        if capture.forward_error:
            out.append("  " + visible(capture.forward_error), style="red")
        out.append("\n")
        body = capture.forward_body if capture.forward_status is not None else None
        if body is not None:
            out.append_text(_answer_body(body))
    out.append("Headers\n", style="dim")
    for name, value in capture.headers:
        out.append("  " + visible(name), style="bold")
        out.append(": " + visible(value if len(value) <= 300 else value[:299] + "…") + "\n")
    return out


ANSWER_PREVIEW = 1000
"""Characters of the app's answer shown (it is stored up to the forwarder's limit)."""


def _answer_body(body: bytes) -> Text:
    """Your app's answer, as text with control characters escaped (it is untrusted like any
    other response)."""
    out = Text()
    out.append("Response  ", style="dim")
    if not body:
        out.append("(empty body)\n", style="dim")
        return out
    text = body.decode("utf-8", "replace")
    shown = text if len(text) <= ANSWER_PREVIEW else text[: ANSWER_PREVIEW - 1] + "…"
    out.append(visible(shown))
    if len(text) > ANSWER_PREVIEW:
        out.append(f"  ({len(body):,} bytes)", style="dim")
    out.append("\n")
    return out


def public_details(name: str, url: str) -> Text:
    """Before the first request of a listener with a public URL: where to paste it."""
    out = Text()
    _heading(out, f"Public URL ({name})")
    out.append(visible(url) + "\n\n", style="bold cyan")
    out.append("\n".join(dashboard_steps(visible(url))) + "\n\n")
    out.append("u copies the URL; a changes the answer to webhooks.\n", style="dim")
    return out


def retry_details(first: str) -> Text:
    """For a file entry whose envelope id came earlier in the list: where the first one is."""
    out = Text()
    _heading(out, "Delivery")
    out.append(f"↻ retry of {visible(first)} (same envelope id)\n", style="yellow")
    return out


class DetailsPane(VerticalScroll):
    """Scrollable details of the selected node (and its request, for captures); j/k scroll."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
    ]

    DEFAULT_CSS = """
    DetailsPane {
        padding: 0 1;
    }
    DetailsPane > Static {
        width: 1fr;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="details-body")

    def show(self, text: Text) -> None:
        self.query_one("#details-body", Static).update(text)
