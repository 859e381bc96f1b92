"""What the app shows with nothing to inspect: how to open payloads or listen for them."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def welcome_text() -> Text:
    out = Text()
    out.append("voucherify-inspect\n\n", style="bold")
    out.append("See each field of a Voucherify webhook payload with the docs' description, and what is wrong with it.\n\n")
    out.append("Open payloads\n", style="bold underline")
    out.append("  voucherify-inspect payload.json            ", style="bold")
    out.append("a webhook body, bare event data, an activity\n")
    out.append("  voucherify-inspect events.ndjson           ", style="bold")
    out.append("one payload per line\n")
    out.append("  pbpaste | voucherify-inspect -             ", style="bold")
    out.append("from stdin\n\n")
    out.append("Receive live webhooks\n", style="bold underline")
    out.append("  voucherify-inspect listen                  ", style="bold")
    out.append("http://127.0.0.1:8765/ (point a tunnel at it)\n")
    out.append("  voucherify-inspect history                 ", style="bold")
    out.append("reopen what was captured\n\n")
    out.append("Keys: ", style="dim")
    out.append("ctrl+p commands · f1 help · q quit", style="dim")
    return out


class Welcome(Static):
    """Centre text of the empty app; hidden as soon as there is an entry."""

    DEFAULT_CSS = """
    Welcome {
        width: 1fr;
        height: 1fr;
        padding: 2 4;
        content-align: center middle;
    }
    """

    def on_mount(self) -> None:
        self.update(welcome_text())
