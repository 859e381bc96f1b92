"""The one way the inspector copies: OSC 52 through Textual, plus pyperclip; and what each copy
key takes from the entry shown and the node under the cursor.

OSC 52 reaches the clipboard of the terminal the user sits at, even over SSH, but some
terminals ignore it; pyperclip covers a local desktop. Either may fail silently, so both run.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Optional

from textual.app import App

from inspector.engine.pointer import pointer_to_jq
from inspector.engine.report import text_report
from inspector.engine.textsafe import visible
from inspector.listen.capture import Entry
from inspector.tui.nodes import VALUE, NodeData

PREVIEW = 60

OSC52_LIMIT = 1_000_000
"""Longest text sent through OSC 52. Terminals cap the sequence (often far lower) and a 50 MB
value base64-encoded into the terminal's input can stall it; past this only pyperclip copies."""


def _pyperclip_copy(text: str) -> None:
    try:
        import pyperclip

        pyperclip.copy(text)
    except Exception:  # noqa: BLE001 - no clipboard tool installed, no display: OSC 52 still ran
        pass


system_copy: Callable[[str], None] = _pyperclip_copy
"""Replaced in tests so they never touch the machine's clipboard."""


def copy(app: App[Any], text: str, what: str) -> None:
    """Copy ``text`` and say so in a toast that shows it escaped (a payload value may hold
    control characters; the toast is never markup)."""
    title = f"Copied {what} ({len(text):,} characters)"
    if len(text) <= OSC52_LIMIT:
        app.copy_to_clipboard(text)
    else:
        title += "; too long for the terminal's clipboard, sent to the system clipboard only"
    system_copy(text)
    preview = visible(text)
    if len(preview) > PREVIEW:
        preview = preview[: PREVIEW - 1] + "…"
    app.notify(preview, title=title, markup=False, timeout=3)


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def copy_value(app: App[Any], entry: Optional[Entry], data: Optional[NodeData]) -> None:
    """The node's value: a string as it is, anything else as pretty JSON."""
    if data is None or data.kind != VALUE or entry is None or not entry.analysis.readable:
        app.notify("Nothing to copy here", timeout=2)
        return
    value = data.value
    copy(app, value if isinstance(value, str) else _pretty(value), "value")


def copy_pointer(app: App[Any], data: Optional[NodeData]) -> None:
    if data is not None:
        copy(app, data.pointer, "JSON Pointer")


def copy_jq(app: App[Any], entry: Optional[Entry], data: Optional[NodeData]) -> None:
    if data is not None and entry is not None:
        copy(app, pointer_to_jq(data.pointer, entry.analysis.payload), "jq path")


def copy_payload(app: App[Any], entry: Optional[Entry]) -> None:
    if entry is None or not entry.analysis.readable:
        app.notify("No payload to copy", timeout=2)
        return
    copy(app, _pretty(entry.analysis.payload), "payload")


def copy_report(app: App[Any], entry: Optional[Entry]) -> None:
    if entry is not None:
        copy(app, text_report([entry.analysis]), "issue report")
