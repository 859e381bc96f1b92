"""The search input under the tree (``/``)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from inspector.tui.bar_input import BarInput
from inspector.tui.messages import SearchCleared


class SearchBar(BarInput):
    """Filters the tree by key, value or path as the user types; escape clears it. Hidden until
    ``open``; ``close`` empties and hides it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_search", "Clear search", show=True),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="search keys, values, paths  (enter: back to tree, n/N: next/previous)", id=id)

    def action_clear_search(self) -> None:
        self.post_message(SearchCleared())
