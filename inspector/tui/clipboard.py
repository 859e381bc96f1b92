"""The one way the inspector copies, and what each copy key takes from the entry shown and the
node under the cursor.

Two ways to a clipboard, both tried: the system clipboard through pyperclip (a local desktop;
it says when it cannot), and OSC 52 through Textual (the clipboard of the terminal the user
sits at, even over SSH; nothing ever says whether the terminal took it). The toast tells which
one worked: "Copied" only when the system clipboard accepted the text; "sent to the terminal
clipboard (OSC 52)" when only the terminal may have it; and when neither could, that nothing
was copied and that ``S`` (Save payload as…) writes the payload to a file.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Literal, Optional

from textual.app import App

from inspector.engine.pointer import pointer_to_jq
from inspector.engine.pretty import reindent
from inspector.engine.report import text_report
from inspector.engine.textsafe import visible
from inspector.listen.capture import Entry
from inspector.tui.nodes import VALUE, NodeData

PREVIEW = 60

OSC52_LIMIT = 1_000_000
"""Longest text sent through OSC 52. Terminals cap the sequence (often far lower) and a 50 MB
value base64-encoded into the terminal's input can stall it; past this only pyperclip copies."""

SAVE_HINT = "S (Save payload as…) writes the payload to a file."

Outcome = Literal["copied", "terminal", "none"]
"""``copied``: the system clipboard took it; ``terminal``: only sent as OSC 52, which cannot be
confirmed; ``none``: nothing took it."""


def _pyperclip_copy(text: str) -> bool:
    try:
        import pyperclip

        pyperclip.copy(text)
    except Exception:  # noqa: BLE001 - no clipboard tool, no display, a tool that failed
        return False
    return True


system_copy: Callable[[str], bool] = _pyperclip_copy
"""Copies to the system clipboard, True when it accepted the text. Replaced in tests so they
never touch the machine's clipboard."""


def copy(app: App[Any], text: str, what: str) -> Outcome:
    """Copy ``text`` and say in a toast what became of it, showing it escaped (a payload value
    may hold control characters; the toast is never markup)."""
    sent = len(text) <= OSC52_LIMIT
    if sent:
        app.copy_to_clipboard(text)
    copied = system_copy(text)
    preview = visible(text)
    if len(preview) > PREVIEW:
        preview = preview[: PREVIEW - 1] + "…"
    size = f"{len(text):,} characters"
    if copied:
        title = f"Copied {what} ({size})"
        if not sent:
            title += "; too long for the terminal's clipboard, copied to the system clipboard only"
        app.notify(preview, title=title, markup=False, timeout=3)
        return "copied"
    if sent:
        note = "No system clipboard was found; the terminal puts it on your clipboard if it allows OSC 52."
        app.notify(f"{preview}\n{note}", title=f"{what[:1].upper()}{what[1:]} sent to the terminal clipboard (OSC 52)", markup=False, timeout=5)
        return "terminal"
    app.notify(
        f"The {what} ({size}) is too long for the terminal clipboard (OSC 52) and no system clipboard "
        f"was found (xclip, xsel, wl-copy, pbcopy). {SAVE_HINT}",
        title="Not copied: no clipboard available",
        severity="warning",
        markup=False,
        timeout=8,
    )
    return "none"


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def copy_value(app: App[Any], entry: Optional[Entry], data: Optional[NodeData], spelling: Optional[str] = None) -> None:
    """The node's value: a string as it is, a number as written (``spelling``), anything else
    as pretty JSON."""
    if data is None or data.kind != VALUE or entry is None or not entry.analysis.readable:
        app.notify("Nothing to copy here", timeout=2)
        return
    value = data.value
    if isinstance(value, str):
        copy(app, value, "value")
    else:
        copy(app, spelling if spelling is not None else _pretty(value), "value")


def copy_pointer(app: App[Any], data: Optional[NodeData]) -> None:
    if data is not None:
        copy(app, data.pointer, "JSON Pointer")


def copy_jq(app: App[Any], entry: Optional[Entry], data: Optional[NodeData]) -> None:
    if data is not None and entry is not None:
        copy(app, pointer_to_jq(data.pointer, entry.analysis.payload), "jq path")


def payload_text(entry: Entry) -> Optional[str]:
    """The payload as received, as text (bytes that are not UTF-8 as ``\\xNN``); None when
    there are no bytes kept for it."""
    body = entry.body
    if body is None:
        return None
    return body.decode("utf-8", "backslashreplace")


def copy_payload(app: App[Any], entry: Optional[Entry]) -> None:
    """The payload exactly as received: re-sent, it still matches its signature."""
    text = payload_text(entry) if entry is not None else None
    if entry is None or text is None:
        app.notify("No payload to copy", timeout=2)
        return
    if entry.body is not None and not _utf8(entry.body):
        copy(app, text, "payload (not UTF-8: its odd bytes as \\xNN; S saves the exact bytes)")
        return
    copy(app, text, "payload")


def copy_pretty(app: App[Any], entry: Optional[Entry]) -> None:
    """The payload pretty-printed, every key and value as written (``1.10``, ``1e400`` and a
    repeated key stay); re-serialised from the parsed payload when its text was not kept."""
    if entry is None or not entry.analysis.readable:
        app.notify("No payload to copy", timeout=2)
        return
    text = payload_text(entry)
    copy(app, reindent(text) if text is not None else _pretty(entry.analysis.payload), "payload, pretty-printed")


def copy_report(app: App[Any], entry: Optional[Entry]) -> None:
    if entry is not None:
        copy(app, text_report([entry.analysis]), "issue report")


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
