"""The inspector app: the event list, the payload tree, the details and issues panes.

Build it with ``create_app``; the command line, the tests and the listener all do. Files load
in a thread worker that posts ``PayloadsLoaded`` batches; live entries arrive as
``InspectorApp.EntriesAdded`` from anyone (the listener posts them from its request handler).
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Iterable, Optional, Sequence

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Tree
from textual.worker import get_current_worker

from inspector.engine.analysis import Analysis, delivery_id
from inspector.engine.analyze import Engine, detect_form
from inspector.engine.inputs import make_engine, read_inputs
from inspector.engine.jsonparse import RawDocument, iter_raw_documents
from inspector.engine.pointer import pointer_to_jq
from inspector.engine.report import text_report
from inspector.listen.capture import Capture, Entry
from inspector.listen.history import RetryMarker
from inspector.listen.source import LiveSource
from inspector.tui import clipboard
from inspector.tui.details import (
    DetailsPane,
    capture_details,
    node_details,
    retry_details,
)
from inspector.tui.event_list import EventList
from inspector.tui.issues_pane import IssuesPane
from inspector.tui.nodes import (
    GHOST,
    MORE,
    NOTE,
    SEARCH_LIMIT,
    IssueIndex,
    NodeData,
    search,
)
from inspector.tui.payload_tree import PayloadTree
from inspector.tui.replay import ReplayRequest, ReplayScreen
from inspector.tui.search_bar import SearchBar
from inspector.tui.status_bar import StatusBar, status_text
from inspector.tui.summary import SummaryLine
from inspector.tui.welcome import Welcome

BATCH_SECONDS = 0.1
"""How often the file loader hands a batch of analysed payloads to the UI."""

LIVE_BATCH_SECONDS = 0.05
"""Live entries received within this long are added to the list together."""

HANDOFF_TIMEOUT = 1.0
"""Longest the loader waits for the UI to take a batch before it goes on analysing."""

SLOW_SEARCH_SECONDS = 0.05
SEARCH_DEBOUNCE_SECONDS = 0.25
"""Once a search of the shown payload has taken longer than ``SLOW_SEARCH_SECONDS`` (a payload
of megabytes), typing waits this long for the next key before searching again."""


@dataclass
class _Search:
    """The search being shown: ``matches`` is None when no search is active; ``cut`` when the
    search stopped at ``SEARCH_LIMIT`` matches."""

    query: str = ""
    matches: list[str] | None = None
    position: int = -1
    cut: bool = False


class InspectorApp(App[None]):
    """Reads payloads: a tree with the docs' word on every node and what is wrong with it."""

    CSS_PATH = "app.tcss"
    TITLE = "voucherify-inspect"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("slash", "search", "Search"),
        Binding("escape", "clear_search", "Clear search"),
        # One key, two meanings: check_action lets through the binding that fits the moment, so
        # the footer says "match" while a search is active and "issue" otherwise.
        Binding("n", "next('issue')", "Next issue"),
        Binding("N", "previous('issue')", "Prev issue"),
        Binding("n", "next('match')", "Next match"),
        Binding("N", "previous('match')", "Prev match"),
        Binding("e", "expand_all", "Expand all"),
        Binding("E", "collapse_all", "Collapse"),
        *[Binding(str(n), f"expand_level({n})", f"Expand to level {n}", show=False) for n in range(1, 10)],
        Binding("y", "copy_value", "Copy value"),
        Binding("p", "copy_pointer", "Copy pointer", show=False),
        Binding("P", "copy_jq", "Copy jq path", show=False),
        Binding("Y", "copy_payload", "Copy payload", show=False),
        Binding("R", "copy_report", "Copy issue report", show=False),
        Binding("r", "replay", "Replay", show=False),
        Binding("f1,question_mark", "toggle_keys", "Keys"),
    ]

    class EntriesAdded(Message):
        """New entries (live or stored) to show at the top of the event list."""

        def __init__(self, entries: list[Entry]) -> None:
            super().__init__()
            self.entries = entries

    class PayloadsLoaded(Message):
        """A batch of entries analysed from the files given; ``done`` on the last one."""

        def __init__(self, entries: list[Entry], done: bool, taken: Optional[threading.Event] = None) -> None:
            super().__init__()
            self.entries = entries
            self.done = done
            self.taken = taken

    class RetriesFound(Message):
        """File entries (by key) that repeat an earlier entry's envelope id, with where that
        first one is (``L3``, a file name); found after the files are listed."""

        def __init__(self, retries: dict[str, str], done: bool, taken: Optional[threading.Event] = None) -> None:
            super().__init__()
            self.retries = retries
            self.done = done
            self.taken = taken

    def __init__(
        self,
        *,
        engine: Engine,
        paths: Sequence[str] = (),
        event_type: Optional[str] = None,
        entries: Optional[Sequence[Entry]] = None,
        listener: Optional[LiveSource] = None,
        stdin: Optional[bytes] = None,
    ) -> None:
        super().__init__()
        self.engine = engine
        self.paths = list(paths)
        self.event_type = event_type
        self.initial_entries = list(entries or ())
        self.listener = listener
        self.stdin = stdin
        self.listen_url: Optional[str] = None
        self.listen_error = ""
        self.current: Optional[Entry] = None
        self.index = IssueIndex()
        self.issue_position = -1
        self.search_state = _Search()
        self.loading = bool(self.paths)
        self.loaded_at: Optional[float] = None
        """When the file loader finished (the benchmark reads it)."""
        self.finding_retries = bool(self.paths)
        self.retries_found_at: Optional[float] = None
        """When every file entry had been checked for retries (the benchmark reads it)."""
        self._listener_stopped = False
        self._status_pending = False
        self._live_batch: list[Entry] = []
        self._first_taken: Optional[threading.Event] = None
        self._slow_search = False
        self._search_timer: Optional[Timer] = None
        self.first_painted_at: Optional[float] = None
        """When the first tree was on screen (the benchmark reads it)."""

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Welcome(id="welcome")
        yield SummaryLine(id="summary")
        with Horizontal(id="main"):
            yield EventList(id="events")
            with Vertical(id="center"):
                yield PayloadTree(id="tree")
                yield SearchBar(id="search")
            with Vertical(id="side"):
                yield DetailsPane(id="details")
                yield IssuesPane(id="issues")
        yield StatusBar(id="status")
        yield Footer()

    @property
    def tree(self) -> PayloadTree:
        return self.query_one("#tree", PayloadTree)

    @property
    def event_list(self) -> EventList:
        return self.query_one("#events", EventList)

    @property
    def issues_pane(self) -> IssuesPane:
        return self.query_one("#issues", IssuesPane)

    def on_mount(self) -> None:
        self.query_one("#tree").border_title = "payload"
        self.query_one("#details").border_title = "details"
        self.query_one("#issues").border_title = "issues"
        self.event_list.border_title = "events"
        self._set_empty(True)
        if self.listener is not None:
            self.query_one(StatusBar).add_class("-listening")
            self.screen.add_class("-multi")  # the event list is where requests will appear
            self.tree.placeholder = "starting the listener…"
            self._update_status()
            self._start_listener()
        if self.initial_entries:
            self._add_entries(self.initial_entries, top=False)
        if self.paths:
            self._load_paths(self.paths)

    def _set_empty(self, empty: bool) -> None:
        waiting = empty and (self.loading or self.listener is not None)
        self.screen.set_class(empty and not waiting, "-empty")
        self.screen.set_class(waiting, "-waiting")

    # ------------------------------------------------------------------ loading

    @work(thread=True, exclusive=True, group="load")
    def _load_paths(self, paths: list[str]) -> None:
        """Read every input off the UI thread. Whole-file payloads are analysed here; NDJSON
        lines are listed at once and analysed when a row is first drawn or opened, so a
        10,000-line file shows its list and first tree without waiting for the rest."""
        batch: list[Entry] = []
        listed: list[tuple[Entry, RawDocument, str]] = []
        sent_first = False
        last = time.monotonic()
        for item in read_inputs(paths, stdin=self.stdin):
            source = item.source
            if item.error is not None:
                batch.append(Entry(item.failure()))
                continue
            for raw in iter_raw_documents(item.data, ndjson=item.ndjson):
                entry = Entry(pending=self._analyser(raw, source))
                if raw.ready is not None or not sent_first:
                    entry.analysis  # noqa: B018 - analyse now, off the UI thread
                batch.append(entry)
                listed.append((entry, raw, source))
                now = time.monotonic()
                if not sent_first or now - last >= BATCH_SECONDS:
                    self._hand_over(batch)
                    batch, sent_first = [], True
                    last = time.monotonic()
        # Wait for the list to be complete on screen before parsing for retries takes the GIL.
        taken = threading.Event()
        self.post_message(self.PayloadsLoaded(batch, done=True, taken=taken))
        taken.wait(HANDOFF_TIMEOUT)
        self._find_retries(listed)

    def _find_retries(self, listed: list[tuple[Entry, RawDocument, str]]) -> None:
        """After the list is shown: mark entries whose envelope id an earlier entry had, as the
        listener does for captures. Lines not analysed yet are only parsed (an analysis of
        every line would cost seconds and keep every payload in memory), in batches that wait
        for the UI as ``_hand_over`` does."""
        worker = get_current_worker()
        retries: RetryMarker[int] = RetryMarker()
        found: dict[str, str] = {}
        last = time.monotonic()
        for index, (entry, raw, source) in enumerate(listed):
            if worker.is_cancelled:
                return
            first = retries.first_of(_delivery_id(entry, raw), index)
            if first is not None:
                _entry, original, original_source = listed[first]
                found[entry.key] = _where(original, original_source, source)
            if time.monotonic() - last >= BATCH_SECONDS:
                taken = threading.Event()
                self.post_message(self.RetriesFound(found, False, taken))
                taken.wait(HANDOFF_TIMEOUT)
                found = {}
                last = time.monotonic()
        self.post_message(self.RetriesFound(found, True))

    def _analyser(self, raw: RawDocument, source: str) -> Callable[[], Analysis]:
        def analyse() -> Analysis:
            return self.engine.analyze_document(raw.parse(), source=source, event_type=self.event_type)

        return analyse

    def _hand_over(self, batch: list[Entry]) -> None:
        """Post a batch and wait until the UI has shown it. A CPU-bound thread holding the GIL
        starves the event loop (every select() gives the GIL away for a switch interval), so
        the loader pauses while the UI works: the first tree paints at once, keys stay quick."""
        taken = threading.Event()
        self.post_message(self.PayloadsLoaded(batch, done=False, taken=taken))
        taken.wait(HANDOFF_TIMEOUT)

    @on(PayloadsLoaded)
    def _on_payloads_loaded(self, message: PayloadsLoaded) -> None:
        self._add_entries(message.entries, top=False)
        if message.done:
            self.loading = False
            self.loaded_at = time.perf_counter()
        self._update_list_title()
        if message.taken is not None:
            if self.current is None and self.event_list.entries:
                # The first batch: hold the loader until the first tree has been painted.
                self._first_taken = message.taken
            else:
                self.call_after_refresh(message.taken.set)

    @on(RetriesFound)
    def _on_retries_found(self, message: RetriesFound) -> None:
        if message.taken is not None:
            self.call_after_refresh(message.taken.set)
        if message.done:
            self.finding_retries = False
            self.retries_found_at = time.perf_counter()
        if not self.query(EventList):
            return  # the app is closing
        self.event_list.mark_retries(message.retries)
        if self.current is not None and self.current.key in message.retries:
            self._show_details(self._cursor_data())

    @on(EntriesAdded)
    def _on_entries_added(self, message: EntriesAdded) -> None:
        self._add_entries(message.entries, top=True)

    def _add_entries(self, entries: Sequence[Entry], *, top: bool) -> None:
        events = self.event_list
        before = len(events.entries)
        was_empty = not before
        if entries:
            if top:
                events.prepend(entries)
            else:
                events.append(entries)
        count = len(events.entries)
        multi = count > 1 or self.listener is not None
        self.screen.set_class(multi, "-multi")
        if was_empty and count:
            self._set_empty(False)
            if multi:
                events.focus()
            else:
                self.tree.focus()
        elif not top and self.loading and before == 1 and count > 1:
            # The first payload of a file showed alone; now that it is a list, start on the list.
            events.focus()
        elif not count:
            self._set_empty(True)
        self._schedule_status()

    def _schedule_status(self) -> None:
        # Bursts of live entries: one title/status update per refresh, not one per entry.
        if not self._status_pending:
            self._status_pending = True
            self.call_after_refresh(self._flush_status)

    def _flush_status(self) -> None:
        self._status_pending = False
        self._update_list_title()
        self._update_status()

    def _update_list_title(self) -> None:
        n = len(self.event_list.entries)
        self.event_list.border_title = f"events {n:,}" + (" (loading…)" if self.loading else "")

    # ------------------------------------------------------------------ listener

    @work(exclusive=True, group="listener")
    async def _start_listener(self) -> None:
        assert self.listener is not None
        try:
            self.listen_url = await self.listener.start(self._on_listener_entry)
            self.tree.placeholder = f"waiting for webhooks at {self.listen_url}  (try: voucherify-inspect send FILE --to URL)"
        except Exception as exc:  # noqa: BLE001 - shown in the status bar instead of a traceback
            self.listen_error = str(exc) or type(exc).__name__
            self.tree.placeholder = f"the listener could not start: {self.listen_error}"
        self.tree.refresh()
        self._update_status()

    def _on_listener_entry(self, entry: Entry) -> None:
        # Hundreds of requests a second: gather them and add one batch per LIVE_BATCH_SECONDS,
        # so the list, the title and the status bar refresh once per batch, not once per request.
        self._live_batch.append(entry)
        if len(self._live_batch) == 1:
            self.set_timer(LIVE_BATCH_SECONDS, self._flush_live)

    def _flush_live(self) -> None:
        batch, self._live_batch = self._live_batch, []
        if batch:
            self._add_entries(batch, top=True)

    def _update_status(self) -> None:
        if self.listener is None:
            return
        captured = [e for e in self.event_list.entries if e.capture is not None]
        with_errors = sum(1 for e in captured if e.analysis.errors or not e.analysis.readable)
        self.query_one(StatusBar).update(
            status_text(self.listen_url, len(captured), with_errors, self.listener.secret_set, self.listen_error)
        )

    async def _stop_listener(self) -> None:
        if self.listener is None or self._listener_stopped:
            return
        self._listener_stopped = True
        try:
            await self.listener.stop()
        except Exception:  # noqa: BLE001 - quitting must not fail because the server did
            pass

    async def action_quit(self) -> None:
        await self._stop_listener()
        self.exit()

    async def on_unmount(self) -> None:
        await self._stop_listener()

    # ------------------------------------------------------------------ showing an entry

    @on(EventList.EntryHighlighted)
    def _on_entry_highlighted(self, message: EventList.EntryHighlighted) -> None:
        if message.entry is not self.current:
            self.show_entry(message.entry)

    @on(EventList.EntryOpened)
    def _on_entry_opened(self, message: EventList.EntryOpened) -> None:
        self.tree.focus()

    def show_entry(self, entry: Entry) -> None:
        """Show ``entry`` in the tree, details, issues and summary."""
        self.current = entry
        self.index = IssueIndex.build(entry.analysis)
        self.issue_position = -1
        self._slow_search = False
        tree = self.tree
        tree.show(entry.analysis, self.index)
        self.issues_pane.show(self.index.issues)
        self.issues_pane.border_title = f"issues {len(self.index.issues)}"
        if self.search_state.query:
            self._run_search(self.search_state.query)
        self._refresh_summary()
        self._show_details(tree.cursor_node.data if tree.cursor_node is not None else tree.root.data)
        if self.first_painted_at is None:
            self.call_after_refresh(self._first_painted)

    def _first_painted(self) -> None:
        self.first_painted_at = time.perf_counter()
        if self._first_taken is not None:
            self._first_taken.set()
            self._first_taken = None

    def _refresh_summary(self) -> None:
        s = self.search_state
        note = ""
        if s.query:
            found = len(s.matches or [])
            note = f" search: {s.position + 1 if found else 0}/{found:,}{'+' if s.cut else ''} "
        self.query_one(SummaryLine).show(self.current.analysis if self.current else None, note)
        # Only digits and fixed words: border titles are markup.
        self.tree.border_subtitle = note.strip()

    def _show_details(self, data: Optional[NodeData]) -> None:
        if self.current is None:
            return
        text = node_details(self.current.analysis, self.index, data)
        if self.current.capture is not None:
            text.append_text(capture_details(self.current.capture, self.current.retry_of))
        elif self.current.key in self.event_list.retries:
            text.append_text(retry_details(self.event_list.retries[self.current.key]))
        self.query_one(DetailsPane).show(text)

    @on(Tree.NodeHighlighted)
    def _on_node_highlighted(self, message: Tree.NodeHighlighted[NodeData]) -> None:
        self._show_details(message.node.data)

    # ------------------------------------------------------------------ issues

    @on(IssuesPane.IssueChosen)
    def _on_issue_chosen(self, message: IssuesPane.IssueChosen) -> None:
        self._go_to_issue(message.index)
        self.tree.focus()

    def _go_to_issue(self, position: int) -> None:
        issues = self.index.issues
        if not issues:
            return
        self.issue_position = position % len(issues)
        issue = issues[self.issue_position]
        if self.tree.filtered and issue.pointer not in self.tree.by_pointer:
            # The search hides that node: going to an issue ends the search.
            self._end_search()
        node = self.tree.reveal(issue.pointer)
        if node is None:
            self.tree.focus_node(self.tree.root)
        self.issues_pane.mark(self.issue_position)
        self._show_details(self.tree.cursor_node.data if self.tree.cursor_node else None)

    def action_next(self, kind: str = "issue") -> None:
        """Next search match while a search is active, else the next issue."""
        if self.search_state.matches:
            self._step_match(1)
        elif self.search_state.query:
            self.notify("No node matches the search", timeout=2)
        elif self.index.issues:
            self._go_to_issue(self.issue_position + 1)
        else:
            self.notify("No issues in this payload", timeout=2)

    def action_previous(self, kind: str = "issue") -> None:
        if self.search_state.matches:
            self._step_match(-1)
        elif self.search_state.query:
            self.notify("No node matches the search", timeout=2)
        elif self.index.issues:
            self._go_to_issue(self.issue_position - 1 if self.issue_position >= 0 else -1)
        else:
            self.notify("No issues in this payload", timeout=2)

    # ------------------------------------------------------------------ expand

    def action_expand_all(self) -> None:
        self.tree.expand_everything()
        if self.tree.budget_hit:
            self.notify("Expanded the first 20,000 nodes; expand the rest node by node", timeout=4)

    def action_collapse_all(self) -> None:
        self.tree.collapse_everything()
        self.tree.focus_node(self.tree.root)

    def action_expand_level(self, level: int) -> None:
        cursor = self.tree.cursor_node
        pointer = cursor.data.pointer if cursor is not None and cursor.data is not None else ""
        self.tree.expand_to_level(level)
        node = self.tree.by_pointer.get(pointer)
        # Keep the cursor on its node when it is still visible, else on its nearest shown ancestor.
        while node is not None and node.parent is not None and not all(a.is_expanded for a in _ancestors(node)):
            node = node.parent
        self.tree.focus_node(node or self.tree.root)

    # ------------------------------------------------------------------ search

    def action_clear_search(self) -> None:
        """Escape from anywhere ends an active search (the search bar has its own escape)."""
        self.query_one(SearchBar).action_clear_search()

    def action_search(self) -> None:
        bar = self.query_one(SearchBar)
        bar.add_class("-active")
        bar.focus()

    @on(SearchBar.Changed, "SearchBar")  # Input messages of other inputs (the replay URL) bubble here too
    def _on_search_changed(self, message: SearchBar.Changed) -> None:
        self._cancel_pending_search()
        if self._slow_search and message.value:
            query = message.value
            self._search_timer = self.set_timer(SEARCH_DEBOUNCE_SECONDS, lambda: self._run_search(query))
        else:
            self._run_search(message.value)

    @on(SearchBar.Submitted, "SearchBar")
    def _on_search_submitted(self, message: SearchBar.Submitted) -> None:
        if self._cancel_pending_search():
            self._run_search(message.value)
        self.tree.focus()

    def _cancel_pending_search(self) -> bool:
        timer, self._search_timer = self._search_timer, None
        if timer is None:
            return False
        timer.stop()
        return True

    @on(SearchBar.Cleared)
    def _on_search_cleared(self, message: SearchBar.Cleared) -> None:
        self._end_search()
        self.tree.focus()

    def _end_search(self) -> None:
        """Close the search bar and give the whole tree back, cursor on the node it was on."""
        self._cancel_pending_search()
        bar = self.query_one(SearchBar)
        with bar.prevent(SearchBar.Changed):
            bar.value = ""
        bar.remove_class("-active")
        self.search_state = _Search()
        self.refresh_bindings()
        self.tree.unfilter()
        self.tree.set_matches([], None)
        self._refresh_summary()
        self._show_details(self._cursor_data())

    def _run_search(self, query: str) -> None:
        """Filter the tree to the nodes matching ``query`` and put the cursor on the first; an
        empty query shows the whole tree again."""
        self._cancel_pending_search()
        tree = self.tree
        if not query:
            self.search_state = _Search()
            self.refresh_bindings()
            tree.unfilter()
            tree.set_matches([], None)
            self._refresh_summary()
            return
        analysis = self.current.analysis if self.current else None
        matches: list[str] = []
        if analysis is not None and analysis.readable:
            started = time.perf_counter()
            # One more than the limit tells whether the search was cut.
            matches = search(analysis.payload, query, SEARCH_LIMIT + 1, self.index.ghosts)
            self._slow_search = self._slow_search or time.perf_counter() - started > SLOW_SEARCH_SECONDS
        cut = len(matches) > SEARCH_LIMIT
        del matches[SEARCH_LIMIT:]
        self.search_state = _Search(query, matches, 0 if matches else -1, cut)
        self.refresh_bindings()
        tree.filter(matches, cut=cut)
        tree.set_matches(matches, matches[0] if matches else None)
        if matches:
            tree.reveal(matches[0])
        self._refresh_summary()
        self._show_details(self._cursor_data())

    def _step_match(self, step: int) -> None:
        s = self.search_state
        if not s.matches:
            return
        s.position = (s.position + step) % len(s.matches)
        pointer = s.matches[s.position]
        self.tree.set_matches(s.matches, pointer)
        self.tree.reveal(pointer)
        self._refresh_summary()

    # ------------------------------------------------------------------ copy

    def _cursor_data(self) -> Optional[NodeData]:
        node = self.tree.cursor_node
        return node.data if node is not None else None

    def action_copy_value(self) -> None:
        data = self._cursor_data()
        if data is None or data.kind in (GHOST, MORE, NOTE) or self.current is None or not self.current.analysis.readable:
            self.notify("Nothing to copy here", timeout=2)
            return
        value = data.value
        text = value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)
        clipboard.copy(self, text, "value")

    def action_copy_pointer(self) -> None:
        data = self._cursor_data()
        if data is not None:
            clipboard.copy(self, data.pointer, "JSON Pointer")

    def action_copy_jq(self) -> None:
        data = self._cursor_data()
        if data is not None and self.current is not None:
            clipboard.copy(self, pointer_to_jq(data.pointer, self.current.analysis.payload), "jq path")

    def action_copy_payload(self) -> None:
        if self.current is None or not self.current.analysis.readable:
            self.notify("No payload to copy", timeout=2)
            return
        clipboard.copy(self, json.dumps(self.current.analysis.payload, indent=2, ensure_ascii=False), "payload")

    def action_copy_report(self) -> None:
        if self.current is not None:
            clipboard.copy(self, text_report([self.current.analysis]), "issue report")

    # ------------------------------------------------------------------ replay

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "replay":
            return self.listener is not None
        if action == "clear_search":
            return bool(self.search_state.query)
        if action in ("next", "previous") and parameters:
            return parameters[0] == ("match" if self.search_state.query else "issue")
        return True

    def action_replay(self) -> None:
        entry = self.current
        if self.listener is None:
            return
        if entry is None or entry.capture is None:
            self.notify("Only a captured request can be replayed", timeout=3)
            return
        capture = entry.capture
        forward = self.listener.forward_url

        def chosen(request: Optional[ReplayRequest]) -> None:
            if request is not None:
                self._replay(entry, capture, request)

        self.push_screen(ReplayScreen(capture, forward), chosen)

    @work(group="replay")
    async def _replay(self, entry: Entry, capture: Capture, request: ReplayRequest) -> None:
        assert self.listener is not None
        url, body = request
        try:
            result = await self.listener.replay(capture, url=url, body=body)
        except Exception as exc:  # noqa: BLE001 - a failed replay is a toast, not a crash
            self.notify(str(exc) or type(exc).__name__, title="Replay failed", severity="error", markup=False)
            return
        # The replay is a new row on top; the captured request it came from stays as received.
        analyses = self.engine.analyze_bytes(result.body, source=f"replay of #{capture.id}")
        self._add_entries([Entry(a, capture=result) for a in analyses[:1]], top=True)
        if result.forward_error:
            self.notify(result.forward_error, title="Replay failed", severity="error", markup=False)
        else:
            self.notify(
                f"{result.forward_url or url or ''} → {result.forward_status}",
                title="Replayed",
                markup=False,
            )

    # ------------------------------------------------------------------ help and palette

    def action_toggle_keys(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        commands: list[tuple[str, str, Callable[[], Any]]] = [
            ("Search", "Filter the tree by key, value or path (/)", self.action_search),
            ("Next issue or match", "Jump to the next issue, or the next search match (n)", self.action_next),
            ("Previous issue or match", "Jump to the previous issue or search match (N)", self.action_previous),
            ("Expand all", "Expand every node (e)", self.action_expand_all),
            ("Collapse all", "Collapse to the top-level keys (E)", self.action_collapse_all),
            ("Copy value", "Copy the selected node's value (y)", self.action_copy_value),
            ("Copy JSON Pointer", "Copy the selected node's JSON Pointer (p)", self.action_copy_pointer),
            ("Copy jq path", "Copy the selected node's jq path (P)", self.action_copy_jq),
            ("Copy payload", "Copy the whole payload as pretty JSON (Y)", self.action_copy_payload),
            ("Copy issue report", "Copy the validation report of this payload (R)", self.action_copy_report),
            ("Focus event list", "Move to the list of events", lambda: self.event_list.focus()),
            ("Focus tree", "Move to the payload tree", lambda: self.tree.focus()),
            ("Focus issues", "Move to the issues pane", lambda: self.issues_pane.focus()),
        ]
        for level in range(1, 10):
            commands.append((f"Expand to level {level}", f"Show nodes down to depth {level} ({level})", _bind(self.action_expand_level, level)))
        if self.listener is not None:
            commands.append(("Replay request", "Re-send the selected captured request, re-signed (r)", self.action_replay))
        for title, help_text, callback in commands:
            yield SystemCommand(title, help_text, callback)


def _delivery_id(entry: Entry, raw: RawDocument) -> Optional[str]:
    """``Analysis.delivery_id`` of an entry, from its analysis when there is one, else from
    parsing its text (form detection needs no schema)."""
    if entry.analysed:
        return entry.analysis.delivery_id
    doc = raw.parse()
    if not doc.ok:
        return None
    return delivery_id(detect_form(doc.value), doc.value)


def _where(raw: RawDocument, source: str, retry_source: str) -> str:
    """How a retry names its first delivery: ``L3`` in the same file, else the file's name."""
    name = os.path.basename(source) or source
    if raw.line is None:
        return name
    return f"L{raw.line}" if source == retry_source else f"{name} L{raw.line}"


def _bind(fn: Callable[[int], None], level: int) -> Callable[[], None]:
    return lambda: fn(level)


def _ancestors(node: Any) -> Iterable[Any]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def create_app(
    *,
    engine: Optional[Engine] = None,
    paths: Sequence[str] = (),
    event_type: Optional[str] = None,
    entries: Optional[Sequence[Entry]] = None,
    listener: Optional[LiveSource] = None,
    stdin: Optional[bytes] = None,
) -> InspectorApp:
    """The one way to build the app. ``paths`` load in a worker; ``entries`` (e.g. from the
    capture store) show at once; ``listener`` adds live capture; ``stdin`` holds the bytes read
    for a ``-`` path before the terminal was taken over."""
    return InspectorApp(
        engine=engine if engine is not None else make_engine(None),
        paths=paths,
        event_type=event_type,
        entries=entries,
        listener=listener,
        stdin=stdin,
    )
