"""What a live source of captures offers its viewers: the TUI is written against this, the HTTP
``Listener`` provides it, and tests give a fake."""

from __future__ import annotations

from typing import Callable, Optional, Protocol

from inspector.listen.capture import Capture, Entry

OnEntry = Callable[[Entry], None]


class LiveSource(Protocol):
    """A running listener, as a viewer sees it."""

    @property
    def secret_set(self) -> bool: ...

    @property
    def forward_url(self) -> Optional[str]: ...

    async def start(self, on_entry: OnEntry, on_update: Optional[OnEntry] = None) -> str:
        """Begin receiving; returns the URL webhooks should be sent to."""
        ...

    async def stop(self) -> None: ...

    async def replay(self, capture: Capture, *, url: Optional[str] = None, body: Optional[bytes] = None) -> Capture:
        """Send a captured request again; returns what was sent, with the answer."""
        ...
