"""The event list's filter input (``F``), above the panes while a filter is set."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input

from inspector.tui.event_filter import HINT
from inspector.tui.messages import FilterCleared


class FilterBar(Input):
    """Words that filter the event list as they are typed (``event_filter``); enter goes back to
    the list with the filter kept, escape clears it. Hidden until ``open``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_filter", "Clear filter", show=True),
    ]

    DEFAULT_CSS = """
    FilterBar {
        display: none;
        height: 3;
    }
    FilterBar.-active {
        display: block;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder=HINT, id=id)

    def on_mount(self) -> None:
        self.border_title = "filter events (F)"

    def allow_focus(self) -> bool:
        # Hidden, it must not take the screen's first focus (it comes first in the layout).
        return self.has_class("-active")

    def open(self) -> None:
        self.add_class("-active")
        self.focus()

    def close(self) -> None:
        with self.prevent(Input.Changed):
            self.value = ""
        self.remove_class("-active")

    def action_clear_filter(self) -> None:
        self.post_message(FilterCleared())
