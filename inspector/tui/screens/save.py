"""Save payload as… (``S``): asks for a file name and writes the payload's bytes as received.

The way out when no clipboard takes a copy, and the only exact copy of a body that is not UTF-8.
The file is created 0600 (a payload holds customer data) and never replaces an existing one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar, Optional

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from inspector.engine.textsafe import visible
from inspector.listen.capture import Entry


def suggested_name(entry: Entry) -> str:
    """A file name for ``entry``: the capture's id, the file's name with its NDJSON line."""
    capture = entry.capture
    if capture is not None:
        return f"capture-{capture.id}.json" if capture.id is not None else "capture.json"
    a = entry.analysis
    stem = Path(a.source).stem if a.source and not a.source.startswith("<") else "payload"
    return f"{stem}-line-{a.line}.json" if a.line is not None else f"{stem}-copy.json"


def write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file at ``path``, readable by its owner only. Raises OSError
    (FileExistsError when something is there already)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


class SaveScreen(ModalScreen[Optional[Path]]):
    """Asks where to save; dismisses with the path chosen (None: cancelled)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    DEFAULT_CSS = """
    SaveScreen {
        align: center middle;
    }
    SaveScreen > Vertical {
        width: 80%;
        max-width: 100;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    SaveScreen Horizontal {
        height: auto;
        align-horizontal: right;
    }
    """

    def __init__(self, *, name: str, size: int) -> None:
        super().__init__()
        self.suggested = name
        self.size_bytes = size

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Save the payload as received ({self.size_bytes:,} bytes)", style="bold"))
            yield Label(Text("File (created readable by you only; an existing file is never replaced)"))
            yield Input(value=self.suggested, id="save-path")
            with Horizontal():
                yield Button("Cancel", id="save-cancel")
                yield Button("Save", variant="primary", id="save-ok")

    def on_mount(self) -> None:
        self.query_one("#save-path", Input).focus()

    @on(Input.Submitted, "#save-path")
    @on(Button.Pressed, "#save-ok")
    def _save(self) -> None:
        value = self.query_one("#save-path", Input).value.strip()
        if not value:
            self.notify("Give a file name", severity="warning", timeout=3)
            return
        self.dismiss(Path(value).expanduser())

    @on(Button.Pressed, "#save-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def save(entry: Entry, path: Path) -> tuple[bool, str]:
    """Write ``entry``'s bytes to ``path``: (saved, what to tell the user)."""
    body = entry.body
    if body is None:
        return False, "No text as received is kept for this payload"
    try:
        write_new(path, body)
    except FileExistsError:
        return False, f"{visible(str(path))} exists: choose another name"
    except OSError as exc:
        return False, f"{visible(str(path))}: {visible(exc.strerror or str(exc))}"
    return True, f"Saved {len(body):,} bytes to {visible(str(path))}"
