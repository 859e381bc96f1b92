"""Replay of a captured request: the dialog (where to re-send it, and optionally an edited
body), and what the app shows of the answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Optional

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, TextArea

from inspector.engine.analyze import Engine
from inspector.engine.textsafe import visible
from inspector.listen.capture import Capture, Entry


@dataclass(frozen=True, kw_only=True)
class ReplayRequest:
    """What the dialog asks for: ``url`` None for the forward URL, ``body`` None for the
    captured one."""

    url: Optional[str]
    body: Optional[bytes]


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
        self.original: Optional[str]
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
        self.dismiss(ReplayRequest(url=url, body=body))

    def action_cancel(self) -> None:
        self.dismiss(None)


def replay_entries(engine: Engine, capture: Capture, result: Capture) -> list[Entry]:
    """The replay as a new row (what was sent, with the answer); the captured request it came
    from stays as received."""
    analyses = engine.analyze_bytes(result.body, source=f"replay of #{capture.id}")
    return [Entry(a, capture=result) for a in analyses[:1]]


def announce(app: App[Any], result: Capture, request: ReplayRequest) -> None:
    """A toast with where the replay went and what came back (never markup: URLs are input)."""
    if result.forward_error:
        app.notify(result.forward_error, title="Replay failed", severity="error", markup=False)
    else:
        app.notify(f"{result.forward_url or request.url or ''} → {result.forward_status}", title="Replayed", markup=False)
