"""The replay dialog: where to re-send a captured request, and optionally an edited body."""

from __future__ import annotations

from typing import ClassVar, Optional

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, TextArea

from inspector.engine.textsafe import visible
from inspector.listen.capture import Capture

ReplayRequest = tuple[Optional[str], Optional[bytes]]
"""(target URL or None for the forward URL, new body or None for the captured one)."""


class ReplayScreen(ModalScreen[Optional[ReplayRequest]]):
    """Asks for a target URL (prefilled with the forward URL) and lets the body be edited."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "send", "Send"),
    ]

    DEFAULT_CSS = """
    ReplayScreen {
        align: center middle;
    }
    ReplayScreen > Vertical {
        width: 90%;
        height: 80%;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    ReplayScreen TextArea {
        height: 1fr;
    }
    ReplayScreen Horizontal {
        height: auto;
        align-horizontal: right;
    }
    """

    def __init__(self, capture: Capture, forward_url: Optional[str]) -> None:
        super().__init__()
        self.capture = capture
        self.forward_url = forward_url or capture.forward_url or ""
        try:
            self.original = capture.body.decode("utf-8")
        except UnicodeDecodeError:
            self.original = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Replay {visible(self.capture.method)} {visible(self.capture.path)}", style="bold"))
            yield Label(Text("Target URL (empty: the forward URL)"))
            yield Input(value=self.forward_url, placeholder="http://localhost:3000/webhooks", id="replay-url")
            if self.original is None:
                yield Label(Text("The body is not UTF-8 text: it is re-sent unchanged.", style="italic"))
            else:
                yield Label(Text("Body (edit to send a variant; it is re-signed)"))
                yield TextArea(self.original, language=None, id="replay-body", soft_wrap=True)
            with Horizontal():
                yield Button("Cancel", id="replay-cancel")
                yield Button("Send (ctrl+s)", variant="primary", id="replay-send")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "replay-send":
            self.action_send()
        else:
            self.action_cancel()

    def action_send(self) -> None:
        url = self.query_one("#replay-url", Input).value.strip() or None
        body: Optional[bytes] = None
        if self.original is not None:
            text = self.query_one("#replay-body", TextArea).text
            if text != self.original:
                body = text.encode("utf-8")
        self.dismiss((url, body))

    def action_cancel(self) -> None:
        self.dismiss(None)
