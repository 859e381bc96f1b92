"""Replay of a captured request: the dialog (where to re-send it, and optionally an edited
body), and what the app shows of the answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Optional, Sequence

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


class SendScreen(ModalScreen[Optional[ReplayRequest]]):
    """Asks where to send a webhook (prefilled) and lets its body be edited: the dialog of the
    replay and trigger keys. ``body`` None: the body is not text and goes as it is. A subclass
    may refuse what was typed (``refusal``): the reason shows in the dialog, which stays open."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "send", "Send"),
    ]

    DEFAULT_CSS = """
    SendScreen {
        align: center middle;
    }
    SendScreen > Vertical {
        width: 90%;
        max-width: 140;
        height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    SendScreen Label {
        width: 1fr;
    }
    SendScreen #replay-url {
        margin-bottom: 1;
    }
    SendScreen TextArea {
        height: 1fr;
        min-height: 3;
    }
    SendScreen Horizontal {
        height: auto;
        align-horizontal: right;
    }
    SendScreen Horizontal Label {
        width: auto;
    }
    SendScreen #send-refusal {
        color: $error;
    }
    """

    def __init__(self, *, title: Text, url: str, url_label: str, body: Optional[str], body_label: str, notes: Sequence[Text] = ()) -> None:
        super().__init__()
        self.title_text = title
        self.url = url
        self.url_label = url_label
        self.original = body
        self.body_label = body_label
        self.notes = list(notes)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text)
            for note in self.notes:
                yield Label(note)
            yield Label(Text(self.url_label))
            yield Input(value=self.url, placeholder="http://localhost:3000/webhooks", id="replay-url", compact=True)
            yield Label(Text(self.body_label, style="italic" if self.original is None else ""))
            if self.original is not None:
                yield TextArea(self.original, language=None, id="replay-body", soft_wrap=True)
            yield Label(Text(""), id="send-refusal")
            with Horizontal():
                yield Button("Cancel (esc)", id="replay-cancel", compact=True)
                yield Label(" ")
                yield Button("Send (ctrl+s)", variant="primary", id="replay-send", compact=True)

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
        request = ReplayRequest(url=url, body=body)
        refused = self.refusal(request)
        if refused:
            self.query_one("#send-refusal", Label).update(Text(refused))
            return
        self.dismiss(request)

    def refusal(self, request: ReplayRequest) -> str:
        """Why ``request`` cannot be sent (shown in the dialog), or "" to send it."""
        return ""

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReplayScreen(SendScreen):
    """Asks for a target URL (prefilled with the forward URL) and lets the body be edited."""

    def __init__(self, capture: Capture, forward_url: Optional[str]) -> None:
        try:
            original: Optional[str] = capture.body.decode("utf-8")
        except UnicodeDecodeError:
            original = None
        super().__init__(
            title=Text(f"Replay {visible(capture.method)} {visible(capture.path)}", style="bold"),
            url=forward_url or capture.forward_url or "",
            url_label="Target URL (empty: the forward URL)",
            body=original,
            body_label="Body (edit to send a variant; it is re-signed)"
            if original is not None
            else "The body is not UTF-8 text: it is re-sent unchanged.",
        )
        self.capture = capture
        self.forward_url = self.url


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
