"""The docs screen (``voucherify-inspect docs [TYPE]``): an event type's documentation without a
payload. The schema as a tree (``doc_tree``), the selected field's description and facts
(``doc_details``), search, copy of a field's pointer; without TYPE, the list of event types
(``type_list``) to choose from. One key opens the docs' example of the event in the payload
view (a ``MainScreen`` pushed on top; escape comes back), another sends it to a handler
(``trigger``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import ClassVar, Final, Iterator, Optional

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Static, Tree
from textual.worker import Worker, WorkerState

from inspector.engine.analysis import Analysis
from inspector.engine.analyze import Engine
from inspector.engine.doctree import DocForm, DocNode, event_doc_tree
from inspector.engine.examples import example_of, wrap
from inspector.engine.registry import EventSchema
from inspector.engine.textsafe import visible
from inspector.listen.capture import Entry
from inspector.tui import clipboard, commands, tree_ops
from inspector.tui.details import DetailsPane
from inspector.tui.doc_details import doc_details
from inspector.tui.doc_tree import DocItem, DocTree, search_docs
from inspector.tui.messages import FirstTreePainted, SearchCleared, TypeChosen, TypeHighlighted
from inspector.tui.search import NO_SEARCH, SearchState
from inspector.tui.search_bar import SearchBar
from inspector.tui.trigger import Trigger
from inspector.tui.type_list import TypeList, TypeRow

FORM_NOTES: Final[dict[DocForm, str]] = {
    "envelope": "webhook envelope v2024-01-01, event data in data",
    "data": "the event data alone",
}

ONLY_BUILT_IN = "Only the built-in types: `voucherify-inspect spec fetch` gets every event type Voucherify publishes."


@dataclass(frozen=True, kw_only=True)
class DocsStart:
    """What ``docs`` was asked for: an event type (None: choose from the list) and the form."""

    event_type: Optional[str] = None
    form: DocForm = "envelope"


def shown_origin(origin: str) -> str:
    """Where a schema comes from, short: a spec file by its name, the rest as it is."""
    return os.path.basename(origin) if os.path.isfile(origin) else origin


class DocsScreen(Screen[None]):
    """Reads an event type's documentation: its fields as a tree, each one's docs beside it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit", "Quit"),
        Binding("slash", "search", "Search"),
        Binding("escape", "clear_search", "Clear search"),
        Binding("n", "next", "Next match"),
        Binding("N", "previous", "Prev match"),
        Binding("e", "expand_all", "Expand all"),
        Binding("E", "collapse_all", "Collapse"),
        *[Binding(str(n), f"expand_level({n})", f"Expand to level {n}", show=False) for n in range(1, 10)],
        Binding("p", "copy_pointer", "Copy pointer"),
        Binding("P", "copy_jq", "Copy jq path", show=False),
        Binding("x", "example", "Example"),
        Binding("t", "trigger", "Trigger"),
        Binding("f1,question_mark", "app.toggle_keys", "Keys"),
    ]

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    DEFAULT_CSS = """
    DocsScreen #doc-summary {
        height: 1;
        padding: 0 1;
        background: $panel;
    }
    DocsScreen #doc-main {
        height: 1fr;
    }
    DocsScreen #doc-types {
        width: 40;
        border: round $primary 50%;
    }
    DocsScreen.-narrow #doc-types {
        width: 30;
    }
    DocsScreen #doc-types:focus-within {
        border: round $primary;
    }
    DocsScreen.-single #doc-types {
        display: none;
    }
    DocsScreen #doc-body {
        width: 1fr;
        layout: horizontal;
    }
    DocsScreen.-narrow #doc-body {
        layout: vertical;
    }
    DocsScreen #doc-center {
        width: 1fr;
        height: 1fr;
    }
    DocsScreen #doc-tree {
        height: 1fr;
        border: round $primary 50%;
    }
    DocsScreen #doc-tree:focus {
        border: round $primary;
    }
    DocsScreen #doc-details {
        width: 40%;
        border: round $primary 50%;
    }
    DocsScreen.-narrow #doc-details {
        width: 1fr;
        height: 40%;
    }
    DocsScreen #doc-details:focus {
        border: round $primary;
    }
    """

    event_type: var[Optional[str]] = var(None, init=False)
    """The event type whose documentation is shown."""
    search_state: var[SearchState] = var(NO_SEARCH, init=False, bindings=True)

    def __init__(self, *, engine: Engine, start: DocsStart, trigger: Trigger) -> None:
        super().__init__()
        self.engine = engine
        self.start = start
        self.trigger = trigger
        self.rows = [TypeRow(event_type=e.event_type, title=e.schema.title or "") for e in engine.registry]
        wanted = engine.registry.get(start.event_type) if start.event_type else None
        self.initial_type = wanted.event_type if wanted is not None else None
        self._first_paint_pending = True

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static(id="doc-summary")
        with Horizontal(id="doc-main"):
            note = ONLY_BUILT_IN if not self.engine.registry.has_specs else ""
            yield TypeList(self.rows, initial=self.initial_type, note=note, id="doc-types")
            with Container(id="doc-body"):
                with Vertical(id="doc-center"):
                    yield DocTree(id="doc-tree")
                    yield SearchBar(id="doc-search")
                yield DetailsPane(id="doc-details")
        yield Footer()

    @property
    def doc_tree(self) -> DocTree:
        return self.query_one("#doc-tree", DocTree)

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one("#doc-search", SearchBar)

    @property
    def type_list(self) -> TypeList:
        return self.query_one("#doc-types", TypeList)

    def on_mount(self) -> None:
        self.doc_tree.border_title = "docs"
        self.query_one("#doc-details").border_title = "details"
        self.type_list.border_title = f"event types {len(self.rows)}"
        if self.initial_type is not None:
            self.set_class(True, "-single")
            self.event_type = self.initial_type
            self.doc_tree.focus()
        elif self.rows:
            # The list announces its first type (TypeHighlighted): that shows it.
            self.type_list.options.focus()
        else:
            self._show_details()

    # ------------------------------------------------------------------ the type shown

    @property
    def entry(self) -> Optional[EventSchema]:
        return self.engine.registry.get(self.event_type) if self.event_type else None

    @on(TypeHighlighted)
    def _type_highlighted(self, message: TypeHighlighted) -> None:
        self.event_type = message.event_type

    @on(TypeChosen)
    def _type_chosen(self, message: TypeChosen) -> None:
        self.event_type = message.event_type
        self.doc_tree.focus()

    def watch_event_type(self, event_type: Optional[str]) -> None:
        tree = self.doc_tree
        root = event_doc_tree(self.engine, event_type, form=self.start.form) if event_type else None
        tree.show(root)
        tree.border_title = f"docs: {visible(event_type)}" if event_type else "docs"
        # Border titles are markup: an event type holds no brackets (registry names), but be sure.
        tree.border_title = tree.border_title.replace("[", r"\[")
        if self.search_state.active:
            self._run_search(self.search_state.query)
        self._refresh_summary()
        self._show_details()
        if self._first_paint_pending and root is not None:
            self._first_paint_pending = False
            self.call_after_refresh(lambda: self.post_message(FirstTreePainted()))

    def _refresh_summary(self) -> None:
        out = Text(no_wrap=True, overflow="ellipsis")
        note = self.search_state.note()
        if note:
            out.append(note, style="reverse")
            out.append("  ")
        entry = self.entry
        if entry is None:
            out.append("no event type chosen", style="dim")
        else:
            out.append(visible(entry.event_type), style="bold")
            if entry.schema.title:
                out.append(f" — {visible(entry.schema.title)}")
            out.append(f"  ·  {FORM_NOTES[self.start.form]}  ·  {visible(shown_origin(entry.origin))}", style="dim")
        self.query_one("#doc-summary", Static).update(out)
        self.doc_tree.border_subtitle = note.strip()

    def _show_details(self, item: Optional[DocItem] = None) -> None:
        doc: Optional[DocNode] = item.doc if item is not None else self.doc_tree.doc
        text = doc_details(doc, event=self.entry, form_label=FORM_NOTES[self.start.form])
        self.query_one(DetailsPane).show(text)

    @on(Tree.NodeHighlighted, "#doc-tree")
    def _node_highlighted(self, message: Tree.NodeHighlighted[DocItem]) -> None:
        self._show_details(message.node.data)

    # ------------------------------------------------------------------ expand

    def action_expand_all(self) -> None:
        tree = self.doc_tree
        tree.expand_everything()
        if tree.budget_hit:
            self.notify("Expanded the first 20,000 nodes; expand the rest node by node", timeout=4)

    def action_collapse_all(self) -> None:
        self.doc_tree.collapse_everything()

    def action_expand_level(self, level: int) -> None:
        tree = self.doc_tree
        item = tree.cursor_item
        at = item.at if item is not None else ""
        tree.expand_to_level(level)
        # The cursor stays on its node if it is still shown, else on the nearest shown ancestor.
        tokens = at.split("/") if at else []
        del tokens[max(0, level) :]
        tree_ops.focus_node(tree, tree.reveal("/".join(tokens), move=False) or tree.root)

    # ------------------------------------------------------------------ search

    def action_search(self) -> None:
        self.search_bar.open()

    def action_clear_search(self) -> None:
        self.search_bar.action_clear_search()

    @on(SearchBar.Changed, "#doc-search")
    def _search_typed(self, message: SearchBar.Changed) -> None:
        self._run_search(message.value)

    @on(SearchBar.Submitted, "#doc-search")
    def _search_submitted(self) -> None:
        self.doc_tree.focus()

    @on(SearchCleared)
    def _search_cleared(self) -> None:
        self.search_bar.close()
        self.search_state = NO_SEARCH
        self.doc_tree.show_search(NO_SEARCH)
        self._refresh_summary()
        self.doc_tree.focus()

    def _run_search(self, query: str) -> None:
        doc = self.doc_tree.doc
        if not query or doc is None:
            state = NO_SEARCH if not query else SearchState(query=query)
        else:
            found = search_docs(doc, query)
            state = SearchState(query=query, matches=tuple(found), position=0 if found else -1)
        self.search_state = state
        self.doc_tree.show_search(state)
        self._refresh_summary()

    def action_next(self) -> None:
        self._step(1)

    def action_previous(self) -> None:
        self._step(-1)

    def _step(self, step: int) -> None:
        search = self.search_state
        if not search.matches:
            self.notify("No field matches the search", timeout=2)
            return
        self.search_state = search.step(step)
        self.doc_tree.show_search(self.search_state)
        self._refresh_summary()

    # ------------------------------------------------------------------ copy

    def action_copy_pointer(self) -> None:
        item = self.doc_tree.cursor_item
        if item is not None:
            # "*" stands for any array index or map key.
            clipboard.copy(self.app, item.doc.pointer, "JSON Pointer")

    def action_copy_jq(self) -> None:
        item = self.doc_tree.cursor_item
        if item is not None:
            clipboard.copy(self.app, item.doc.jq, "jq path")

    # ------------------------------------------------------------------ the docs' example

    def example(self) -> Optional[Analysis]:
        """The docs' example of the type shown, as a webhook would carry it (fresh ids), analysed."""
        entry = self.entry
        if entry is None:
            return None
        example = example_of(entry)
        payload = wrap(example.data, entry.event_type, self.start.form)
        return self.engine.analyze(
            payload,
            event_type=entry.event_type if self.start.form == "data" else None,
            source=f"{example.origin_label} of {entry.event_type}",
        )

    def action_example(self) -> None:
        """Open the example in the payload view, on top of this screen (escape comes back)."""
        from inspector.tui.screens.main import MainScreen

        analysis = self.example()
        if analysis is None:
            self.notify("Choose an event type first", timeout=2)
            return
        self.app.push_screen(MainScreen(engine=self.engine, entries=[Entry(analysis)], trigger=self.trigger))

    def action_trigger(self) -> None:
        analysis = self.example()
        if analysis is None:
            self.notify("Choose an event type first", timeout=2)
            return
        self.trigger.ask(self, analysis)

    # ------------------------------------------------------------------ workers, keys, palette

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """A trigger that raised (it reports network failures itself): a toast, never markup."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        text = (str(error) or type(error).__name__) if error is not None else "unknown error"
        self.notify(text, title="Trigger failed", severity="error", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_search":
            return self.search_state.active
        if action in ("next", "previous"):
            return self.search_state.active
        return True

    def system_commands(self) -> Iterator[SystemCommand]:
        """This screen's palette entries (``commands.CommandSource``)."""
        yield from commands.system_commands(self, commands.DOCS)
