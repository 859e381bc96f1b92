"""The live listener as the TUI runs it: started by the main screen, its entries posted in
batches, stopped once (on quit or when the app unmounts, whichever comes first)."""

from __future__ import annotations

from typing import Optional

from textual.message_pump import MessagePump

from inspector.listen.capture import Capture, Entry
from inspector.listen.respond import Responder
from inspector.listen.source import LiveSource
from inspector.listen.tunnel import PublicEndpoint
from inspector.tui.messages import EntriesAdded, EntriesUpdated, PublicChanged

LIVE_BATCH_SECONDS = 0.05
"""Live entries received within this long are added to the list together."""


class LiveFeed:
    """Wraps a ``LiveSource`` for one app run."""

    def __init__(self, source: LiveSource) -> None:
        self.source = source
        self._target: Optional[MessagePump] = None
        self._batch: list[Entry] = []
        self._updates: list[Entry] = []
        self._stopped = False

    @property
    def secret_set(self) -> bool:
        return self.source.secret_set

    @property
    def forward_url(self) -> Optional[str]:
        return self.source.forward_url

    @property
    def public(self) -> Optional[PublicEndpoint]:
        return self.source.public

    @property
    def responder(self) -> Optional[Responder]:
        return self.source.responder

    def public_url(self) -> Optional[str]:
        """The URL to paste into Voucherify, once the public endpoint has one."""
        public = self.source.public
        return public.webhook_url(self.source.path) if public is not None else None

    async def start(self, target: MessagePump) -> str:
        """Start receiving; entries go to ``target`` as ``EntriesAdded``, changes of the public
        endpoint as ``PublicChanged``, verdicts and forward results of listed entries as
        ``EntriesUpdated``. Returns the URL to send webhooks to; raises what the
        listener raised when it cannot start."""
        self._target = target
        public = self.source.public
        if public is not None:
            public.watch(lambda endpoint: target.post_message(PublicChanged(endpoint)))
        url = await self.source.start(self._received, self._updated)
        if public is not None and public.state == "up":  # a fixed URL: up before it started
            target.post_message(PublicChanged(public))
        return url

    def _received(self, entry: Entry) -> None:
        # Hundreds of requests a second: gather them and post one batch per LIVE_BATCH_SECONDS,
        # so the list, the title and the status bar refresh once per batch, not once per request.
        assert self._target is not None
        self._batch.append(entry)
        if len(self._batch) == 1:
            self._target.set_timer(LIVE_BATCH_SECONDS, self._flush)

    def _flush(self) -> None:
        batch, self._batch = self._batch, []
        if batch and self._target is not None:
            self._target.post_message(EntriesAdded(batch))

    def _updated(self, entry: Entry) -> None:
        # A verdict (it follows the answer) or a forward result: batched like new entries.
        assert self._target is not None
        self._updates.append(entry)
        if len(self._updates) == 1:
            self._target.set_timer(LIVE_BATCH_SECONDS, self._flush_updates)

    def _flush_updates(self) -> None:
        batch, self._updates = self._updates, []
        if batch and self._target is not None:
            self._target.post_message(EntriesUpdated(batch))

    async def replay(self, capture: Capture, *, url: Optional[str], body: Optional[bytes]) -> Capture:
        return await self.source.replay(capture, url=url, body=body)

    async def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        try:
            await self.source.stop()
        except Exception:  # noqa: BLE001 - quitting must not fail because the server did
            pass
