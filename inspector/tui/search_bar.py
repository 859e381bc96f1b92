"""The search input under the tree (``/``)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


class SearchBar(Input):
    """Filters the tree by key, value or path as the user types; escape clears it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_search", "Clear search", show=True),
    ]

    DEFAULT_CSS = """
    SearchBar {
        display: none;
        height: 3;
    }
    SearchBar.-active {
        display: block;
    }
    """

    class Cleared(Message):
        """Escape in the search bar: drop the search."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="search keys, values, paths  (enter: back to tree, n/N: next/previous)", id=id)

    def action_clear_search(self) -> None:
        self.post_message(self.Cleared())
