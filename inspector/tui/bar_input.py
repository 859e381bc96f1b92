"""An input that stays hidden until a key opens it: the search bar and the filter bar."""

from __future__ import annotations

from textual.widgets import Input


class BarInput(Input):
    """Hidden until ``open``; ``close`` empties and hides it without reporting the emptied value
    as typing (which would re-run a search or a filter)."""

    DEFAULT_CSS = """
    BarInput {
        display: none;
        height: 3;
    }
    BarInput.-active {
        display: block;
    }
    """

    def allow_focus(self) -> bool:
        # Hidden, it must not take the screen's first focus (the filter bar comes first in the layout).
        return self.has_class("-active")

    def open(self) -> None:
        self.add_class("-active")
        self.focus()

    def close(self) -> None:
        with self.prevent(Input.Changed):
            self.value = ""
        self.remove_class("-active")
