"""The one way the inspector copies: OSC 52 through Textual, plus pyperclip.

OSC 52 reaches the clipboard of the terminal the user sits at, even over SSH, but some
terminals ignore it; pyperclip covers a local desktop. Either may fail silently, so both run.
"""

from __future__ import annotations

from typing import Callable

from textual.app import App

from inspector.engine.textsafe import visible

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


def copy(app: App[object], text: str, what: str) -> None:
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
