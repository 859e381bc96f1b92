"""The event list's filter input (``F``), above the panes while a filter is set."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from inspector.tui.bar_input import BarInput
from inspector.tui.event_filter import HINT
from inspector.tui.messages import FilterCleared


class FilterBar(BarInput):
    """Words that filter the event list as they are typed (``event_filter``); enter goes back to
    the list with the filter kept, escape clears it. Hidden until ``open``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_filter", "Clear filter", show=True),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder=HINT, id=id)

    def on_mount(self) -> None:
        self.border_title = "filter events (F)"

    def action_clear_filter(self) -> None:
        self.post_message(FilterCleared())
