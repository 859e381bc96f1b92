"""The issues pane: every issue of the payload in tree order; choosing one jumps to its node, and
``n``/``N`` walk through them (the pane keeps which one is current)."""

from __future__ import annotations

from typing import ClassVar, Optional

from textual.binding import Binding, BindingType

from textual.widgets import OptionList
from textual.widgets.option_list import Option

from inspector.engine.issues import Issue
from inspector.tui.details import issue_line
from inspector.tui.messages import IssueChosen


class IssuesPane(OptionList):
    """A list of issues; enter or a click posts ``IssueChosen``; j/k move like the arrows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
    ]

    DEFAULT_CSS = """
    IssuesPane {
        height: 1fr;
        /* Wrapped issue lines are measured once; a scrollbar appearing later must not narrow them. */
        scrollbar-gutter: stable;
    }
    """

    def __init__(self, *, id: Optional[str] = None) -> None:
        super().__init__(id=id, markup=False)
        self.issues: list[Issue] = []
        self.position = -1
        """The issue ``n``/``N`` last went to (-1: none yet)."""

    def show(self, issues: list[Issue]) -> None:
        self.issues = issues
        self.position = -1
        self.clear_options()
        self.add_options([Option(issue_line(i, with_pointer=True)) for i in issues])
        self.border_subtitle = f"{len(issues)}"

    def go_to(self, index: int) -> Optional[Issue]:
        """Make issue ``index`` (wrapping around) the current one and highlight it, without
        posting ``IssueChosen``; None when there are no issues."""
        if not self.issues:
            return None
        self.position = index % len(self.issues)
        self.highlighted = self.position
        return self.issues[self.position]

    def step(self, step: int) -> Optional[Issue]:
        """The issue ``step`` on from the current one; before any, ``N`` goes to the last."""
        if self.position < 0 and step < 0:
            return self.go_to(-1)
        return self.go_to(self.position + step)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.issues):
            self.post_message(IssueChosen(self.issues[event.option_index], event.option_index))
