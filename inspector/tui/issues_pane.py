"""The issues pane: every issue of the payload in tree order; choosing one jumps to its node."""

from __future__ import annotations

from typing import Optional

from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from inspector.engine.issues import Issue
from inspector.tui.details import issue_line


class IssuesPane(OptionList):
    """A list of issues; enter or a click posts ``IssueChosen``."""

    DEFAULT_CSS = """
    IssuesPane {
        height: 1fr;
        /* Wrapped issue lines are measured once; a scrollbar appearing later must not narrow them. */
        scrollbar-gutter: stable;
    }
    """

    class IssueChosen(Message):
        """The user picked an issue: show its node."""

        def __init__(self, issue: Issue, index: int) -> None:
            super().__init__()
            self.issue = issue
            self.index = index

    def __init__(self, *, id: Optional[str] = None) -> None:
        super().__init__(id=id, markup=False)
        self.issues: list[Issue] = []

    def show(self, issues: list[Issue]) -> None:
        self.issues = issues
        self.clear_options()
        self.add_options([Option(issue_line(i, with_pointer=True)) for i in issues])
        self.border_subtitle = f"{len(issues)}"

    def mark(self, index: int) -> None:
        """Highlight issue ``index`` without posting IssueChosen (n/N moved there)."""
        if 0 <= index < len(self.issues):
            self.highlighted = index

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.issues):
            self.post_message(self.IssueChosen(self.issues[event.option_index], event.option_index))
