"""The listener's status bar: where it listens, how many requests came, whether a secret is set."""

from __future__ import annotations

from typing import Optional

from rich.text import Text
from textual.reactive import var
from textual.widgets import Static

from inspector.engine.textsafe import visible


def status_text(url: Optional[str], requests: int, with_errors: int, secret_set: bool, error: str = "") -> Text:
    out = Text(no_wrap=True, overflow="ellipsis")
    if error:
        out.append("listener failed: ", style="bold red")
        out.append(visible(error))
        return out
    if url is None:
        out.append("starting listener…", style="dim")
    else:
        out.append("● listening on ", style="green")
        out.append(visible(url), style="bold")
    out.append(f"   {requests} request{'s' if requests != 1 else ''}")
    if with_errors:
        out.append(f" ({with_errors} with errors)", style="red")
    out.append("   ")
    if secret_set:
        out.append("secret set: signatures verified", style="green")
    else:
        out.append("no secret: signatures unchecked", style="yellow")
    return out


class StatusBar(Static):
    """Shown only when the app runs with a listener (class ``-listening``). ``url`` and ``error``
    are bound to the main screen's listener state; ``counts`` is (requests, with errors)."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        padding: 0 1;
        background: $panel;
        display: none;
    }
    StatusBar.-listening {
        display: block;
    }
    """

    url: var[Optional[str]] = var(None)
    error: var[str] = var("")
    counts: var[tuple[int, int]] = var((0, 0))

    def __init__(self, *, secret_set: bool = False, id: Optional[str] = None) -> None:
        super().__init__(id=id)
        self.secret_set = secret_set

    def _show(self) -> None:
        requests, with_errors = self.counts
        self.update(status_text(self.url, requests, with_errors, self.secret_set, self.error))

    def watch_url(self) -> None:
        self._show()

    def watch_error(self) -> None:
        self._show()

    def watch_counts(self) -> None:
        self._show()
