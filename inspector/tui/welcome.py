"""What the app shows with nothing to inspect: how to open payloads or listen for them."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


COMMANDS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Open payloads",
        [
            ("voucherify-inspect payload.json", "a webhook body, event data, an activity"),
            ("voucherify-inspect events.ndjson", "one payload per line"),
            ("pbpaste | voucherify-inspect -", "from stdin"),
        ],
    ),
    (
        "Receive live webhooks",
        [
            ("voucherify-inspect listen", "on 127.0.0.1:8765; point a tunnel at it"),
            ("voucherify-inspect history", "reopen what was captured"),
        ],
    ),
]
"""What to run, and why; every line fits 80 columns."""


def welcome_text() -> Text:
    out = Text()
    out.append("voucherify-inspect\n\n", style="bold")
    out.append("See each field of a Voucherify webhook payload with the docs' description, and what is wrong with it.\n\n")
    column = max(len(command) for _, rows in COMMANDS for command, _ in rows) + 2
    for heading, rows in COMMANDS:
        out.append(heading + "\n", style="bold underline")
        for command, why in rows:
            out.append("  " + command.ljust(column), style="bold")
            out.append(why + "\n")
        out.append("\n")
    out.append("Keys: ", style="dim")
    out.append("ctrl+p commands · f1 help · q quit", style="dim")
    return out


class Welcome(Static):
    """Centre text of the empty app; hidden as soon as there is an entry."""

    DEFAULT_CSS = """
    Welcome {
        width: 1fr;
        height: 1fr;
        padding: 1 2;
        content-align: center middle;
    }
    """

    def on_mount(self) -> None:
        self.update(welcome_text())
