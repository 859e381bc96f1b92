"""What a live source of captures offers its viewers: the TUI is written against this, the HTTP
``Listener`` provides it, and tests give a fake."""

from __future__ import annotations

from typing import Callable, Optional, Protocol

from inspector.listen.capture import Capture, Entry
from inspector.listen.respond import Responder
from inspector.listen.tunnel import PublicEndpoint

OnEntry = Callable[[Entry], None]


class LiveSource(Protocol):
    """A running listener, as a viewer sees it."""

    @property
    def secret_set(self) -> bool: ...

    @property
    def forward_url(self) -> Optional[str]: ...

    @property
    def path(self) -> str:
        """The URL path webhooks are accepted on."""
        ...

    @property
    def public(self) -> Optional[PublicEndpoint]:
        """Where Voucherify reaches the listener from (a tunnel, ``--public-url``), if set."""
        ...

    @property
    def responder(self) -> Optional[Responder]:
        """How deliveries are answered; None when the user's app answers (``--proxy``)."""
        ...

    async def start(self, on_entry: OnEntry, on_update: Optional[OnEntry] = None) -> str:
        """Begin receiving; returns the URL webhooks should be sent to."""
        ...

    async def stop(self) -> None: ...

    async def replay(self, capture: Capture, *, url: Optional[str] = None, body: Optional[bytes] = None) -> Capture:
        """Send a captured request again; returns what was sent, with the answer."""
        ...
