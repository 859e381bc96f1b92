"""The listener's status bar: where it listens, how many requests came, whether a secret is set."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from rich.text import Text
from textual.reactive import var
from textual.widgets import Static

from inspector.engine.textsafe import visible
from inspector.listen.tunnel import PublicEndpoint


@dataclass(frozen=True, kw_only=True)
class ForwardHealth:
    """Where captures are relayed (``--forward-to``) and how the last relay went."""

    url: str
    last_status: Optional[int] = None
    """What the app answered last (None: nothing relayed yet, or the last relay got no answer)."""
    failing: bool = False
    """The last relay failed: no answer, skipped, or an answer other than 2xx."""


def status_text(
    url: Optional[str],
    requests: int,
    with_errors: int,
    secret_set: bool,
    error: str = "",
    *,
    public: Optional[PublicEndpoint] = None,
    path: str = "/",
    answer: str = "",
    not_stored: int = 0,
    forward: Optional[ForwardHealth] = None,
    width: int = 0,
) -> Text:
    """``public``: the tunnel's URL (or how it is doing) after the local one; ``answer``: the
    chosen answer, when it is not the listener's own. Fitted to ``width`` cells when it can
    (0: no limit): the words go first, then the URLs' scheme, so the addresses, the counts and
    the secret state stay at 80 columns; what failed (the forward, requests not stored) is
    never shortened."""
    parts = _Parts(url, requests, with_errors, secret_set, error, public, path, answer, not_stored, forward)
    text = parts.render(0)
    for level in (1, 2):
        if not width or text.cell_len <= width:
            break
        text = parts.render(level)
    return text


@dataclass(frozen=True)
class _Parts:
    url: Optional[str]
    requests: int
    with_errors: int
    secret_set: bool
    error: str
    public: Optional[PublicEndpoint]
    path: str
    answer: str
    not_stored: int
    forward: Optional[ForwardHealth]

    def render(self, level: int) -> Text:
        """Level 0: every word; 1: fewer words; 2: no URL schemes either."""
        short = level > 0
        out = Text(no_wrap=True, overflow="ellipsis")
        if self.error:
            out.append("listener failed: ", style="bold red")
            out.append(visible(self.error))
            return out

        def link(url: str) -> str:
            return visible(url.removeprefix("http://").removeprefix("https://") if level > 1 else url)

        if self.url is None:
            out.append("starting listener…", style="dim")
        else:
            out.append("● " if short else "● listening on ", style="green")
            out.append(link(self.url), style="bold")
        public = self.public
        if public is not None:
            public_url = public.webhook_url(self.path)
            out.append("  ⇄ ")
            if public.state == "up" and public_url:
                out.append(link(public_url), style="bold cyan")
            elif public.state == "starting":
                out.append(f"starting {public.name}…", style="dim")
            else:
                out.append(f"{public.name} {'failed' if public.state == 'failed' else 'down'}", style="bold red")
        forward = self.forward
        if forward is not None:
            out.append("  → ")
            out.append(link(forward.url), style="bold")
            if forward.failing:
                answer = f" {forward.last_status}" if forward.last_status is not None else ""
                out.append(f" FAILING{answer}", style="bold red")
            elif forward.last_status is not None:
                out.append(f" {forward.last_status}", style="green")
        gap = "  " if short else "   "
        out.append(f"{gap}{self.requests} request{'s' if self.requests != 1 else ''}")
        if self.with_errors:
            out.append(f" ({self.with_errors} with errors)", style="red")
        if self.not_stored:
            out.append(f"  {self.not_stored} NOT STORED (answered 500)", style="bold red")
        if self.answer:
            out.append(gap + self.answer + " (s)", style="bold yellow")
        out.append(gap)
        if self.secret_set:
            out.append(("verified", "signatures verified", "secret set: signatures verified")[2 - level], style="green")
        else:
            out.append(("no secret", "no secret: unchecked", "no secret: signatures unchecked")[2 - level], style="yellow")
        return out


class StatusBar(Static):
    """Shown only when the app runs with a listener (class ``-listening``). ``url`` and ``error``
    are bound to the main screen's listener state; ``counts`` is (requests, with errors, not stored);
    ``answer`` is the chosen answer; ``public_changed`` redraws the public endpoint's part."""

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
    counts: var[tuple[int, int, int]] = var((0, 0, 0))
    """(requests, with errors, not stored)."""
    answer: var[str] = var("")
    forward: var[Optional[ForwardHealth]] = var(None)

    def __init__(
        self,
        *,
        secret_set: bool = False,
        public: Optional[PublicEndpoint] = None,
        path: str = "/",
        id: Optional[str] = None,
    ) -> None:
        super().__init__(id=id)
        self.secret_set = secret_set
        self.public = public
        self.path = path

    def _show(self) -> None:
        requests, with_errors, not_stored = self.counts
        self.update(
            status_text(
                self.url, requests, with_errors, self.secret_set, self.error,
                public=self.public, path=self.path, answer=self.answer, not_stored=not_stored, forward=self.forward,
                width=self.content_region.width,
            )  # fmt: skip
        )

    def public_changed(self) -> None:
        self._show()

    def watch_answer(self) -> None:
        self._show()

    def watch_url(self) -> None:
        self._show()

    def watch_error(self) -> None:
        self._show()

    def watch_counts(self) -> None:
        self._show()

    def watch_forward(self) -> None:
        self._show()

    def on_resize(self) -> None:
        self._show()
