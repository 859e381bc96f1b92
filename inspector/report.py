"""Text and JSON reports of analyses (``validate``), free of any UI library."""

from __future__ import annotations

import json
from typing import Sequence

from inspector.engine import FORM_LABELS, Analysis
from inspector.textsafe import visible

_COLORS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[2m", "bold": "\x1b[1m", "reset": "\x1b[0m"}


def json_report(results: Sequence[Analysis]) -> str:
    """The JSON contract scripts rely on: ``{"results": [...]}`` (see README)."""
    return json.dumps({"results": [r.to_json() for r in results]}, indent=2)


def text_report(results: Sequence[Analysis], *, color: bool = False, quiet: bool = False) -> str:
    c = _COLORS if color else {k: "" for k in _COLORS}
    lines: list[str] = []
    for r in results:
        if quiet and r.readable and not r.errors and not r.warnings:
            continue
        where = visible(r.source) + (f":{r.line}" if r.line is not None else "")
        if not r.readable:
            head = f"{c['bold']}{where}{c['reset']}  unreadable"
        else:
            event = visible(r.event_type) if r.event_type else "unknown event type"
            head = (
                f"{c['bold']}{where}{c['reset']}  {FORM_LABELS.get(r.form, r.form)} · {event} · "
                f"{_count(r.errors, 'error', c)} · {_count(r.warnings, 'warning', c)}"
            )
        lines.append(head)
        for issue in r.issues:
            if issue.code == "form":
                continue
            sev = issue.severity
            pointer = visible(issue.pointer) or "(payload)"
            lines.append(f"  {c[sev]}{sev:<7}{c['reset']}  {pointer}  {c['info']}{issue.code}{c['reset']}  {visible(issue.message)}")
    total_e = sum(r.errors for r in results)
    total_w = sum(r.warnings for r in results)
    unreadable = sum(1 for r in results if not r.readable)
    summary = f"{len(results)} payload{'s' if len(results) != 1 else ''}: {total_e} error{'s' if total_e != 1 else ''}, {total_w} warning{'s' if total_w != 1 else ''}"
    if unreadable:
        summary += f", {unreadable} unreadable"
    lines.append(summary)
    return "\n".join(lines)


def _count(n: int, word: str, c: dict[str, str]) -> str:
    text = f"{n} {word}{'s' if n != 1 else ''}"
    return f"{c[word]}{text}{c['reset']}" if n else text


def exit_code(results: Sequence[Analysis]) -> int:
    """0 clean, 1 when any payload has errors, 2 when any input could not be read or parsed."""
    if any(not r.readable for r in results):
        return 2
    if any(r.errors for r in results):
        return 1
    return 0
