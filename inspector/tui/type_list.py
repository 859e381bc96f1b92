"""The docs screen's list of event types, with a filter above it: as the event list is for
payloads, moving onto a type shows its documentation and enter opens it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Optional, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from inspector.engine.textsafe import visible
from inspector.tui.messages import TypeChosen, TypeHighlighted


@dataclass(frozen=True, kw_only=True)
class TypeRow:
    """One event type the engine knows."""

    event_type: str
    title: str = ""


def type_prompt(row: TypeRow) -> Text:
    prompt = Text(no_wrap=True, overflow="ellipsis")
    prompt.append(visible(row.event_type))
    if row.title:
        prompt.append(f"  {visible(row.title)}", style="dim")
    return prompt


def matches(row: TypeRow, query: str) -> bool:
    """Whether ``row`` matches a filter: every word of ``query`` is in its type or its title."""
    text = f"{row.event_type} {row.title}".casefold()
    return all(word in text for word in query.casefold().split())


class TypeFilter(Input):
    """The filter over the list: typing narrows it, down or enter go to the list, escape
    empties it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear", "Clear filter"),
        Binding("down", "to_list", "To the list", show=False),
    ]

    def action_clear(self) -> None:
        self.value = ""
        self.action_to_list()

    def action_to_list(self) -> None:
        self.screen.query_one("#type-options", OptionList).focus()


class TypeList(Vertical):
    """The event types, filterable; posts ``TypeHighlighted`` and ``TypeChosen``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter types"),
        Binding("j", "step(1)", "Down", show=False),
        Binding("k", "step(-1)", "Up", show=False),
    ]

    DEFAULT_CSS = """
    TypeList > TypeFilter {
        margin-bottom: 1;
    }
    TypeList > OptionList {
        height: 1fr;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    TypeList > #type-note {
        color: $text-muted;
        height: auto;
    }
    """

    def __init__(self, rows: Sequence[TypeRow], *, initial: Optional[str] = None, note: str = "", id: Optional[str] = None) -> None:
        super().__init__(id=id)
        self.rows = list(rows)
        self.shown: list[TypeRow] = list(rows)
        self.initial = initial
        """The type the cursor starts on (None: the first), so the list announces the type shown."""
        self.note = note

    def compose(self) -> ComposeResult:
        yield TypeFilter(placeholder="/ filter types", id="type-filter", compact=True)
        yield OptionList(*[Option(type_prompt(r), id=r.event_type) for r in self.rows], id="type-options", compact=True)
        if self.note:
            yield Static(Text(self.note), id="type-note")

    def on_mount(self) -> None:
        if self.shown:
            ids = [r.event_type for r in self.shown]
            self.options.highlighted = ids.index(self.initial) if self.initial in ids else 0

    @property
    def options(self) -> OptionList:
        return self.query_one("#type-options", OptionList)

    def select(self, event_type: str) -> None:
        """Put the cursor on ``event_type`` (shown or not, it is shown once the filter allows)."""
        for i, row in enumerate(self.shown):
            if row.event_type == event_type:
                self.options.highlighted = i
                return

    def action_step(self, step: int) -> None:
        options = self.options
        if options.option_count:
            options.highlighted = max(0, min(options.option_count - 1, (options.highlighted or 0) + step))

    def action_filter(self) -> None:
        self.query_one(TypeFilter).focus()

    @on(Input.Changed, "#type-filter")
    def _filtered(self, event: Input.Changed) -> None:
        event.stop()  # the screen's own search listens to Input.Changed from its search bar
        options = self.options
        current = options.highlighted_option.id if options.highlighted_option is not None else None
        self.shown = [r for r in self.rows if matches(r, event.value)]
        options.clear_options()
        options.add_options([Option(type_prompt(r), id=r.event_type) for r in self.shown])
        if self.shown:
            ids = [r.event_type for r in self.shown]
            options.highlighted = ids.index(current) if current in ids else 0
        self.border_subtitle = f"{len(self.shown)} of {len(self.rows)}" if event.value else ""

    @on(Input.Submitted, "#type-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        option = self.options.highlighted_option
        if option is not None and option.id is not None:
            self.post_message(TypeChosen(option.id))
        else:
            self.options.focus()

    @on(OptionList.OptionHighlighted, "#type-options")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(TypeHighlighted(event.option.id))

    @on(OptionList.OptionSelected, "#type-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(TypeChosen(event.option.id))
