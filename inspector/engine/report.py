"""Text and JSON reports of analyses (``validate``), free of any UI library."""

from __future__ import annotations

from typing import Callable, Iterable, Optional

from inspector.engine import issues as codes
from inspector.engine.analysis import FORM_LABELS, Analysis
from inspector.engine.issues import ParseContext
from inspector.engine.sourcemap import SourceMap
from inspector.engine.textsafe import cell_width, visible

_COLORS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[2m", "bold": "\x1b[1m", "reset": "\x1b[0m"}
_NO_COLORS = {k: "" for k in _COLORS}


def text_block(r: Analysis, *, color: bool = False) -> str:
    """One payload's lines: a heading, then one line per issue (the form note left out)."""
    c = _COLORS if color else _NO_COLORS
    where = visible(r.source) + (f":{r.line}" if r.line is not None else "")
    if not r.readable:
        head = f"{c['bold']}{where}{c['reset']}  unreadable"
    else:
        event = visible(r.event_type) if r.event_type else "unknown event type"
        state = "" if r.validated else f"{c['warning']}not validated{c['reset']} · "
        head = (
            f"{c['bold']}{where}{c['reset']}  {FORM_LABELS.get(r.form, r.form)} · {event} · {state}"
            f"{_count(r.errors, 'error', c)} · {_count(r.warnings, 'warning', c)}"
        )
    lines = [head]
    for issue in r.issues:
        if issue.code == "form":
            continue
        sev = issue.severity
        pointer = visible(issue.pointer) or "(payload)"
        lines.append(f"  {c[sev]}{sev:<7}{c['reset']}  {pointer}  {c['info']}{issue.code}{c['reset']}  {visible(issue.message)}")
        if issue.context is not None:
            lines.extend(context_lines(issue.context, color=color))
    return "\n".join(lines)


def context_lines(context: ParseContext, *, color: bool = False) -> list[str]:
    """The line an unreadable input breaks on, numbered, with a caret under the column."""
    c = _COLORS if color else _NO_COLORS
    number = str(context.line)
    pad = " " * cell_width(context.line_text[: context.column - 1])
    return [
        f"    {c['info']}{number} |{c['reset']} {context.line_text}",
        f"    {' ' * len(number)} {c['info']}|{c['reset']} {pad}{c['error']}^{c['reset']}",
    ]


class Tally:
    """What the closing line and the exit status need, counted as results stream past."""

    def __init__(self) -> None:
        self.payloads = 0
        self.errors = 0
        self.warnings = 0
        self.unreadable = 0
        self.with_errors = 0
        self.not_validated = 0

    def add(self, r: Analysis) -> None:
        errors, warnings = r.counts()
        self.payloads += 1
        self.errors += errors
        self.warnings += warnings
        self.unreadable += not r.readable
        self.with_errors += bool(errors)
        self.not_validated += r.readable and not r.validated

    def summary(self) -> str:
        e, w = self.errors, self.warnings
        text = (
            f"{self.payloads} payload{'s' if self.payloads != 1 else ''}: "
            f"{e} error{'s' if e != 1 else ''}, {w} warning{'s' if w != 1 else ''}"
        )
        text += f", {self.not_validated} not validated" if self.not_validated else ""
        return text + (f", {self.unreadable} unreadable" if self.unreadable else "")

    @property
    def exit_code(self) -> int:
        """0 clean, 1 when any payload has errors, 2 when any input could not be read or parsed."""
        return self.status(strict=False)

    def status(self, *, strict: bool) -> int:
        """The exit status; ``strict`` fails warnings and payloads not validated too (exit 1)."""
        if self.unreadable:
            return 2
        if self.with_errors or (strict and (self.warnings or self.not_validated)):
            return 1
        return 0


def text_report(results: Iterable[Analysis], *, color: bool = False, quiet: bool = False) -> str:
    tally = Tally()
    lines: list[str] = []
    for r in results:
        tally.add(r)
        if not (quiet and r.clean):
            lines.append(text_block(r, color=color))
    lines.append(tally.summary())
    return "\n".join(lines)


_NOT_VALIDATED_REASONS = frozenset({codes.UNKNOWN_TYPE, codes.NO_SCHEMA, codes.LEGACY})


def github_lines(r: Analysis, locate: Optional[Callable[[str], Optional[int]]] = None) -> list[str]:
    """GitHub Actions workflow commands for one payload: an ``::error``/``::warning`` line per
    error and warning, and a ``::warning`` saying why a payload was not validated. The line is
    where unreadable input breaks, the payload's line in an NDJSON file, the line ``locate``
    gives for the issue's pointer (a single-document file), else 1."""
    out: list[str] = []
    for issue in r.issues:
        if issue.severity == "info":
            if not (r.readable and not r.validated and issue.code in _NOT_VALIDATED_REASONS):
                continue
            level, title = "warning", f"not validated ({issue.code})"
        else:
            level, title = issue.severity, issue.code
        line = issue.line if issue.line is not None else r.line
        if line is None and locate is not None:
            line = locate(issue.pointer)
        props = f"file={_gh_property(r.source)},line={line or 1}"
        if issue.column is not None and issue.line is not None:
            props += f",col={issue.column}"
        where = visible(issue.pointer) or "(payload)"
        out.append(f"::{level} {props},title={_gh_property(title)}::{_gh_data(where + ' ' + visible(issue.message))}")
    return out


def pointer_lines(text: str) -> Callable[[str], Optional[int]]:
    """The line of a pointer in one JSON document's text: where its member name is written, or
    for a field that is missing, where its nearest present parent is."""
    source = SourceMap(text)

    def line_of(pointer: str) -> Optional[int]:
        while True:
            span = source.span(pointer)
            if span is not None:
                return source.line_col(span.key_start if span.key_start is not None else span.start)[0]
            if not pointer:
                return None
            pointer = pointer[: pointer.rfind("/")]

    return line_of


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(visible(text)).replace(":", "%3A").replace(",", "%2C")


def _count(n: int, word: str, c: dict[str, str]) -> str:
    text = f"{n} {word}{'s' if n != 1 else ''}"
    return f"{c[word]}{text}{c['reset']}" if n else text

