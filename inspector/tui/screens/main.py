"""The main screen: the event list, the payload tree and its search bar, the details and issues
panes, the summary line, and the listener's status bar.

It holds what the user is reading (the entry shown, the search, the load and listener state)
in reactives the widgets follow, and wires the widgets' messages to each other. The work is in
the modules it calls: ``loader`` (files), ``live`` (the listener), ``search``, ``clipboard``
(copy keys), ``replay``, ``commands`` (the palette).
"""

from __future__ import annotations

import time
import threading
from functools import partial
from pathlib import Path
from typing import ClassVar, Final, Iterator, Literal, Optional, Sequence

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Tree
from textual.worker import Worker, WorkerState, get_current_worker

from inspector.engine import issues as codes
from inspector.engine.analyze import Engine
from inspector.engine.issues import Issue
from inspector.listen.capture import Capture, Entry
from inspector.listen.export import to_curl
from inspector.listen.history import delivery_issues
from inspector.listen.signature import secret_from
from inspector.tui import clipboard, commands
from inspector.tui.details import DetailsPane, capture_details, node_details, public_details, retry_details
from inspector.tui.event_filter import EntryFilter, has_errors
from inspector.tui.event_list import EventList
from inspector.tui.filter_bar import FilterBar
from inspector.tui.issues_pane import IssuesPane
from inspector.tui.live import LiveFeed
from inspector.tui.loader import FileLoader, HandOffs
from inspector.tui.messages import (
    EntriesAdded,
    EntriesUpdated,
    EntryHighlighted,
    EntryOpened,
    FilterChecked,
    FilterCleared,
    FirstTreePainted,
    IssueChosen,
    ListChanged,
    PayloadsLoaded,
    PublicChanged,
    RetriesFound,
    SearchCleared,
    SearchDone,
)
from inspector.tui.nodes import VALUE, IssueIndex, NodeData, needs_spelling
from inspector.tui.payload_tree import PayloadTree
from inspector.tui.raw_view import RawView, raw_first, raw_text, raw_title
from inspector.tui.rawtext import RawText
from inspector.tui.screens.save import SaveScreen, save, suggested_name
from inspector.tui.replay import ReplayRequest, ReplayScreen, announce, replay_entries
from inspector.tui.search import BIG_TEXT, NO_SEARCH, SLOW_SEARCH_SECONDS, SearchState, Typing, find
from inspector.tui.search_index import SearchIndex
from inspector.tui.search_bar import SearchBar
from inspector.tui.status_bar import ForwardHealth, StatusBar
from inspector.tui.summary import SummaryLine
from inspector.tui.trigger import Trigger
from inspector.tui.welcome import Welcome

Towards = Literal["issue", "match"]

FILTER_SLICE_SECONDS: Final = 0.05
"""The filter worker hands its matches over this often, then lets the event loop have the GIL."""

FAILED: Final[dict[str, str]] = {
    "replay": "Replay failed",
    "load": "Loading failed",
    "trigger": "Trigger failed",
    "filter": "Filtering failed",
}

NARROW_BELOW: Final = 130
COMPACT_FOOTER_BELOW: Final = 100

PAYLOAD_ACTIONS: Final = frozenset(
    {
        "search", "clear_search", "next", "previous", "raw", "zoom", "toggle_list", "toggle_side", "expand_all",
        "collapse_all", "expand_level", "copy_value", "copy_pointer", "copy_jq", "copy_payload", "copy_pretty",
        "copy_report", "save_payload", "replay", "toggle_absent", "trigger", "filter",
    }
)  # fmt: skip
"""Actions that need a payload on screen: the welcome screen neither runs nor lists them."""

"""Toast titles for this screen's workers that raised, by worker group (a listener that cannot
start says so in the status bar instead)."""


class MainScreen(Screen[None]):
    """Reads payloads: a tree with the docs' word on every node and what is wrong with it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # The footer shows the few keys that fit 80 columns in every mode (q / n v z, w when
        # listening, f1); f1 and the palette list them all.
        Binding("q", "app.quit", "Quit"),
        Binding("slash", "search", "Search"),
        Binding("escape", "clear_search", "Clear search"),
        Binding("escape", "clear_filter", "Clear filter"),
        Binding("F", "filter", "Filter list", show=False),
        # One key, two meanings: check_action lets through the binding that fits the moment, so
        # the footer says "match" while a search is active and "issue" otherwise.
        Binding("n", "next('issue')", "Next issue"),
        Binding("N", "previous('issue')", "Prev issue", show=False),
        Binding("n", "next('match')", "Next match"),
        Binding("N", "previous('match')", "Prev match", show=False),
        Binding("v", "raw", "Raw"),
        Binding("z", "zoom", "Zoom"),
        Binding("L", "toggle_list", "Hide/show the event list", show=False),
        Binding("d", "toggle_side", "Hide/show details and issues", show=False),
        Binding("e", "expand_all", "Expand all", show=False),
        Binding("E", "collapse_all", "Collapse", show=False),
        *[Binding(str(n), f"expand_level({n})", f"Expand to level {n}", show=False) for n in range(1, 10)],
        Binding("y", "copy_value", "Copy value", show=False),
        Binding("p", "copy_pointer", "Copy pointer", show=False),
        Binding("P", "copy_jq", "Copy jq path", show=False),
        Binding("Y", "copy_payload", "Copy payload as received", show=False),
        Binding("J", "copy_pretty", "Copy payload pretty-printed", show=False),
        Binding("S", "save_payload", "Save payload as…", show=False),
        Binding("R", "copy_report", "Copy issue report", show=False),
        Binding("c", "copy_curl", "Copy as curl", show=False),
        Binding("r", "replay", "Replay", show=False),
        Binding("s", "cycle_answer", "Answer status", show=False),
        Binding("u", "copy_url", "Copy URL", show=False),
        Binding("w", "toggle_follow", "Follow newest"),
        Binding("a", "toggle_absent", "Absent fields", show=False),
        Binding("t", "trigger", "Trigger", show=False),
        Binding("f1,question_mark", "app.toggle_keys", "Keys"),
    ]

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_BELOW, "-wide")]
    """Below ``NARROW_BELOW`` columns details and issues go under the tree (see app.tcss)."""

    ALLOW_IN_MAXIMIZED_VIEW = "SummaryLine, StatusBar, Footer"
    """What stays on screen around a zoomed pane (z)."""

    current: var[Optional[Entry]] = var(None, init=False, bindings=True)
    """The entry shown in the tree, details, issues and summary."""
    search_state: var[SearchState] = var(NO_SEARCH, init=False, bindings=True)
    loading_files: var[bool] = var(False, init=False)
    """True until the file loader has listed every entry."""
    finding_retries: var[bool] = var(False, init=False)
    """True until the file loader has checked every entry for retries."""
    listen_url: var[Optional[str]] = var(None, init=False)
    show_absent: var[bool] = var(False, init=False)
    """Whether the tree shows the documented fields the payload does not carry (``a``)."""
    listen_error: var[str] = var("", init=False)

    def __init__(
        self,
        *,
        engine: Engine,
        paths: Sequence[str] = (),
        event_type: Optional[str] = None,
        entries: Sequence[Entry] = (),
        stdin: Optional[bytes] = None,
        live: Optional[LiveFeed] = None,
        trigger: Optional[Trigger] = None,
    ) -> None:
        super().__init__()
        self.engine = engine
        self.trigger = trigger if trigger is not None else Trigger(secret=secret_from(None))
        self.paths = list(paths)
        self.event_type = event_type
        self.initial_entries = list(entries)
        self.stdin = stdin
        self.live = live
        self.index = IssueIndex()
        self.typing = Typing(set_timer=self.set_timer, run=self._run_search)
        self._search_index: Optional[tuple[Entry, SearchIndex]] = None
        """The search index of the entry last searched."""
        self._index_lock = threading.Lock()
        self._search_wanted = ""
        """The query typed last: answers from a worker to any other are dropped."""
        self.hand_offs = HandOffs(self.call_after_refresh)
        self._first_paint_pending = True
        self.delivery: list[Issue] = []
        """The delivery issues of the entry shown (``listen.history.delivery_issues``)."""
        self._showing_pending = False
        self._filter_run = 0
        """Counts filter changes: a filter worker's messages name the run they belong to."""
        """The entry shown is a live one whose verdict had not come in: show it again when it does."""
        self.raw_wanted = False
        """The user asked for the raw view (v) and has not closed it."""
        self.raw_dismissed: Optional[Entry] = None
        """The entry whose raw view, opened by itself, the user closed."""
        self.raw_shown = False
        self._text: Optional[tuple[Entry, Optional[RawText], str]] = None
        self.set_reactive(MainScreen.loading_files, bool(self.paths))
        self.set_reactive(MainScreen.finding_retries, bool(self.paths))

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Welcome(id="welcome")
        yield SummaryLine(id="summary")
        yield FilterBar(id="filter")
        with Horizontal(id="main"):
            yield EventList(id="events")
            # Layouts of #work and #side change with the width (app.tcss).
            with Container(id="work"):
                with Vertical(id="center"):
                    yield PayloadTree(id="tree")
                    yield RawView(id="raw")
                    yield SearchBar(id="search")
                with Container(id="side"):
                    yield DetailsPane(id="details")
                    yield IssuesPane(id="issues")
        live = self.live
        status = StatusBar(
            secret_set=live is not None and live.secret_set,
            public=live.public if live is not None else None,
            path=live.source.path if live is not None else "/",
            id="status",
        )
        yield status.data_bind(url=MainScreen.listen_url, error=MainScreen.listen_error)
        yield Footer()

    def on_resize(self) -> None:
        # Less space between the footer's keys on a narrow terminal, so they all fit.
        self.query_one(Footer).compact = self.size.width < COMPACT_FOOTER_BELOW

    @property
    def payload_tree(self) -> PayloadTree:
        return self.query_one("#tree", PayloadTree)

    @property
    def raw_view(self) -> RawView:
        return self.query_one("#raw", RawView)

    @property
    def event_list(self) -> EventList:
        return self.query_one("#events", EventList)

    @property
    def issues_pane(self) -> IssuesPane:
        return self.query_one("#issues", IssuesPane)

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one("#search", SearchBar)

    def on_mount(self) -> None:
        self.payload_tree.border_title = "payload"
        self.raw_view.border_title = "raw"
        self.payload_tree.spell = self._spell
        self.query_one("#details").border_title = "details"
        self.issues_pane.border_title = "issues"
        self.event_list.border_title = "events"
        self._set_empty(True)
        if self.live is not None:
            self.query_one(StatusBar).add_class("-listening")
            self.add_class("-multi")  # the event list is where requests will appear
            self.payload_tree.placeholder = "starting the listener…"
            self._show_answer()
            if self.live.forward_url:
                self.query_one(StatusBar).forward = ForwardHealth(url=self.live.forward_url)
            self._start_listener()
        if self.initial_entries:
            if self.live is not None:
                # With a listener, the entries given are what earlier runs stored in its database.
                self.event_list.earlier = {e.key for e in self.initial_entries}
            self.add_entries(self.initial_entries, top=False)
        if self.paths:
            loader = FileLoader(engine=self.engine, paths=self.paths, event_type=self.event_type, stdin=self.stdin, post=self.post_message)
            self.run_worker(loader.run, thread=True, exclusive=True, group="load", exit_on_error=False)

    def _set_empty(self, empty: bool) -> None:
        waiting = empty and (self.loading_files or self.live is not None)
        self.set_class(empty and not waiting, "-empty")
        self.set_class(waiting, "-waiting")

    # ------------------------------------------------------------------ entries

    @on(PayloadsLoaded)
    def _payloads_loaded(self, message: PayloadsLoaded) -> None:
        self.add_entries(message.entries, top=False)
        if message.done:
            self.loading_files = False
        # The first batch holds the loader until the first tree has been painted.
        self.hand_offs.taken(message.taken, hold=self.current is None and bool(self.event_list.entries))

    @on(RetriesFound)
    def _retries_found(self, message: RetriesFound) -> None:
        self.hand_offs.taken(message.taken)
        if message.done:
            self.finding_retries = False
        if not self.query(EventList):
            return  # the app is closing
        self.event_list.mark_retries(message.retries)
        self._update_list_title()
        if self.current is not None and self.current.key in message.retries:
            self._show_details(self.payload_tree.cursor_data)

    @on(EntriesAdded)
    def _entries_added(self, message: EntriesAdded) -> None:
        self.add_entries(message.entries, top=True)

    @on(EntriesUpdated)
    def _entries_updated(self, message: EntriesUpdated) -> None:
        self.event_list.entries_changed(message.entries)
        self._forward_results(message.entries)
        current = self.current
        if current is not None and any(e is current for e in message.entries):
            if self._showing_pending:
                # Its text, search index and raw view were made from the pending analysis.
                self._text = None
                self._search_index = None
                self.raw_view.entry = None
                self.watch_current(current)
            else:
                self._delivery_changed(current)
        self.post_message(ListChanged())

    def _forward_results(self, entries: Sequence[Entry]) -> None:
        """The status bar follows the last relay to the user's app; the first failure after a
        success (or the start) is a toast, the ones after it in a flood are not."""
        bar = self.query_one(StatusBar)
        health = bar.forward
        latest = max(
            (e.capture for e in entries if e.capture is not None and e.capture.accepted and e.capture.forward_url is not None),
            key=lambda c: c.id or 0,
            default=None,
        )
        if health is None or latest is None:
            return
        if latest.forward_status is None and not latest.forward_error:
            return  # the verdict of a request whose relay is still under way
        problems = [i for i in delivery_issues(latest) if i.code in (codes.FORWARD_FAILED, codes.FORWARD_SKIPPED)]
        bar.forward = ForwardHealth(url=health.url, last_status=latest.forward_status, failing=bool(problems))
        if problems and not health.failing:
            problem = problems[0]
            self.notify(
                f"{problem.message}\nFurther failures show in the status bar and as ✖fwd on their rows",
                title="Forward failed",
                severity="error",
                timeout=10,
                markup=False,
            )

    def add_entries(self, entries: Sequence[Entry], *, top: bool, follow: bool = True) -> None:
        """Add entries to the event list: on top (live, newest first) or at the bottom (files);
        ``follow`` False keeps the cursor where it is (a replay)."""
        events = self.event_list
        before = len(events.all)
        if entries:
            if top:
                # Reading a payload (focus in the tree or a pane) is moving off the newest too.
                reading = self.focused is not None and self.focused is not events
                events.prepend(entries, follow=follow and not reading)
            else:
                events.append(entries)
        count = len(events.all)
        if events.unchecked:
            self._filter_rest()
        multi = count > 1 or self.live is not None
        self.set_class(multi, "-multi")
        if not before and count:
            self._set_empty(False)
            if multi:
                events.focus()
            else:
                self.payload_tree.focus()
        elif not top and self.loading_files and before == 1 and count > 1:
            # The first payload of a file showed alone; now that it is a list, start on the list.
            events.focus()
        elif not count:
            self._set_empty(True)
        self.post_message(ListChanged())

    @on(ListChanged)
    def _list_changed(self) -> None:
        self._update_list_title()
        if self.live is not None:
            captured = [e for e in self.event_list.all if e.capture is not None]
            # Summaries only: a list of captures holds no payloads (and pending rows have no verdict yet).
            with_errors = sum(1 for e in captured if has_errors(e))
            not_stored = sum(1 for e in captured if e.capture is not None and e.capture.http_status == 500 and e.capture.id is None)
            self.query_one(StatusBar).counts = (len(captured), with_errors, not_stored)

    def watch_loading_files(self) -> None:
        self._update_list_title()

    def _update_list_title(self) -> None:
        events = self.event_list
        n = len(events.all)
        title = f"events {len(events.entries):,} of {n:,}" if events.filter.active else f"events {n:,}"
        title += " (loading…)" if self.loading_files else ""
        if events.unchecked:
            title += f" (filtering, {events.unchecked:,} to go…)"
        if self.live is not None:
            title += " · following" if events.follow else " · paused (w)"
        events.border_title = title
        if events.earlier:
            events.border_subtitle = f"{len(events.earlier):,} from earlier runs (dim)"

    def action_toggle_follow(self) -> None:
        """Follow the newest request, or keep the cursor where it is while requests come in."""
        events = self.event_list
        events.follow = not events.follow
        if events.follow and events.entries:
            events.cursor = 0
        self._update_list_title()

    # ------------------------------------------------------------------ filter

    def action_filter(self) -> None:
        self.query_one(FilterBar).open()

    def action_clear_filter(self) -> None:
        """Escape from anywhere while the list is filtered: every entry again."""
        self._filter_cleared()

    @on(FilterBar.Changed, "FilterBar")
    def _filter_typed(self, message: FilterBar.Changed) -> None:
        self._apply_filter(EntryFilter.parse(message.value))

    @on(FilterBar.Submitted, "FilterBar")
    def _filter_submitted(self, message: FilterBar.Submitted) -> None:
        if not EntryFilter.parse(message.value).active:
            self.query_one(FilterBar).close()
        self.event_list.focus()

    @on(FilterCleared)
    def _filter_cleared(self) -> None:
        self.query_one(FilterBar).close()
        self._apply_filter(EntryFilter())
        self.event_list.focus()

    def _apply_filter(self, wanted: EntryFilter) -> None:
        events = self.event_list
        if wanted == events.filter:
            return
        self.workers.cancel_group(self, "filter")
        self._filter_run += 1  # what a cancelled worker still posts is dropped
        if not events.set_filter(wanted):
            self._filter_rest()
        self.refresh_bindings()
        self._update_list_title()

    def _filter_rest(self) -> None:
        """Entries the filter can only check by analysing them (NDJSON lines no one opened): a
        worker thread does it in slices, so the list and keys stay live meanwhile."""
        events = self.event_list
        if events.check_now():
            return
        if any(w.group == "filter" and w.is_running for w in self.workers):
            return  # the running worker goes on to the end of the list
        wanted, start, run = events.filter, events.checked, self._filter_run

        def check() -> None:
            worker = get_current_worker()
            at = start
            while not worker.is_cancelled:
                begin, stop = at, len(events.all)
                matches: list[Entry] = []
                began = time.monotonic()
                while at < stop and time.monotonic() - began < FILTER_SLICE_SECONDS:
                    entry = events.all[at]
                    if wanted.matches(entry, retry=entry.key in events.retries):
                        matches.append(entry)
                    at += 1
                done = at >= stop
                self.post_message(FilterChecked(run=run, wanted=wanted, start=begin, upto=at, matches=matches, done=done))
                if done:
                    return
                time.sleep(0.005)  # the event loop takes the GIL between slices

        self.run_worker(check, thread=True, group="filter", exit_on_error=False)

    @on(FilterChecked)
    def _filter_checked(self, message: FilterChecked) -> None:
        events = self.event_list
        if message.run != self._filter_run:
            return
        events.checked_by_worker(message.wanted, message.start, message.upto, message.matches)
        if message.done and events.unchecked and message.wanted == events.filter:
            self._filter_rest()  # more came in as it finished
        self._update_list_title()

    # ------------------------------------------------------------------ listener

    @work(exclusive=True, group="listener", exit_on_error=False)
    async def _start_listener(self) -> None:
        """Start the live feed; if it fails, ``_worker_failed`` sets ``listen_error``."""
        assert self.live is not None
        self.listen_url = await self.live.start(self)

    def watch_listen_url(self) -> None:
        self._waiting_at()

    def _waiting_at(self) -> None:
        """Where to send webhooks, in the empty tree: the public URL once there is one."""
        public = self.live.public_url() if self.live is not None else None
        if public:
            self.payload_tree.placeholder = f"waiting for webhooks at {public}  (u copies it)"
        else:
            self.payload_tree.placeholder = f"waiting for webhooks at {self.listen_url}  (try: voucherify-inspect send FILE --to URL)"
        self.payload_tree.refresh()

    def _show_answer(self) -> None:
        """The status bar names the answer when it is not the listener's own."""
        responder = self.live.responder if self.live is not None else None
        chosen = responder is not None and (responder.rules or not responder.current.plain)
        self.query_one(StatusBar).answer = responder.describe() if responder is not None and chosen else ""

    def watch_listen_error(self, error: str) -> None:
        self.payload_tree.placeholder = f"the listener could not start: {error}"
        self.payload_tree.refresh()

    @on(PublicChanged)
    def _public_changed(self, message: PublicChanged) -> None:
        """The tunnel came up, failed or went down: status bar, where to paste the URL, a toast."""
        assert self.live is not None
        self.query_one(StatusBar).public_changed()
        endpoint = message.endpoint
        url = self.live.public_url()
        if endpoint.state == "up" and url:
            self._waiting_at()
            if self.current is None:  # the details pane is free until the first request
                self.query_one(DetailsPane).show(public_details(endpoint.name, url))
            self.notify(f"{url}\nu copies it", title=f"Public URL ({endpoint.name})", timeout=8, markup=False)
        elif endpoint.error:
            self.notify(
                f"{endpoint.failure_text()}\nStill listening on {self.listen_url} (this machine only)",
                title=f"{endpoint.name} failed" if endpoint.state == "failed" else f"{endpoint.name} stopped",
                severity="error",
                timeout=30,
                markup=False,
            )

    def action_cycle_answer(self) -> None:
        """The next of 200, 500, 503 and timeout as the answer to every webhook."""
        responder = self.live.responder if self.live is not None else None
        if responder is None:
            self.notify("With --proxy your app answers each webhook", timeout=3)
            return
        answer = responder.cycle()
        self.notify(f"Webhooks are now answered {answer.label}", title="Answer", timeout=3, markup=False)
        self._show_answer()

    def action_copy_url(self) -> None:
        """Copy the URL to paste into Voucherify (the public one when there is one)."""
        if self.live is None:
            return
        url = self.live.public_url()
        if url:
            clipboard.copy(self.app, url, "public URL")
        elif self.listen_url:
            clipboard.copy(self.app, self.listen_url, "listen URL (this machine only)")

    # ------------------------------------------------------------------ showing an entry

    @on(EntryHighlighted)
    def _entry_highlighted(self, message: EntryHighlighted) -> None:
        self.current = message.entry
        if self.live is not None:
            self._update_list_title()  # the cursor may have left the top (or come back)

    @on(EntryOpened)
    def _entry_opened(self) -> None:
        self.payload_tree.focus()

    def watch_current(self, entry: Optional[Entry]) -> None:
        if entry is None:
            return
        self._showing_pending = entry.summary.pending
        self.delivery = _delivery(entry)
        self.index = IssueIndex.build(entry.analysis, absent=self.show_absent, delivery=self.delivery)
        self.typing.slow = self._big(entry)
        tree = self.payload_tree
        tree.show(entry.analysis, self.index)
        self._show_issues()
        if self.search_state.active:
            self._run_search(self.search_state.query)
        self._refresh_summary()
        self._show_details(tree.cursor_data if tree.cursor_node is not None else tree.root.data)
        self._update_raw()
        if self._first_paint_pending:
            self._first_paint_pending = False
            self.call_after_refresh(self._first_painted)

    def _show_issues(self) -> None:
        self.issues_pane.show(self.index.issues)
        self.issues_pane.border_title = f"issues {len(self.index.issues)}"

    def _delivery_changed(self, entry: Entry) -> None:
        """A forward result (or a later verdict) came for the entry shown: its delivery issues
        join the issues pane, the summary and ``n``, with the tree kept where it was."""
        delivery = _delivery(entry)
        if [i.to_json() for i in delivery] == [i.to_json() for i in self.delivery]:
            self._show_details(self.payload_tree.cursor_data)
            return
        self.delivery = delivery
        self.index = IssueIndex.build(entry.analysis, absent=self.show_absent, delivery=delivery)
        self.payload_tree.index = self.index
        self.payload_tree.rebuild()
        self._show_issues()
        self._refresh_summary()
        self._show_details(self.payload_tree.cursor_data)

    def _first_painted(self) -> None:
        self.hand_offs.release_held()
        self.post_message(FirstTreePainted())

    def watch_search_state(self) -> None:
        self._refresh_summary()

    def _refresh_summary(self) -> None:
        note = self.search_state.note()
        self.query_one(SummaryLine).show(self.current.analysis if self.current else None, note, self.delivery)
        # Only digits and fixed words: border titles are markup.
        self.payload_tree.border_subtitle = " · ".join(p for p in (note.strip(), "absent fields shown" * self.show_absent) if p)

    def _show_details(self, data: Optional[NodeData]) -> None:
        entry = self.current
        if entry is None:
            return
        spelling = self._spell(data.pointer) if data is not None and data.kind == VALUE and needs_spelling(data.value) else None
        text = node_details(entry.analysis, self.index, data, spelling=spelling)
        if entry.capture is not None:
            text.append_text(capture_details(entry.capture, entry.retry_of))
        elif entry.key in self.event_list.retries:
            text.append_text(retry_details(self.event_list.retries[entry.key]))
        self.query_one(DetailsPane).show(text)

    @on(Tree.NodeHighlighted)
    def _node_highlighted(self, message: Tree.NodeHighlighted[NodeData]) -> None:
        self._show_details(message.node.data)
        if self.raw_shown:
            self.raw_view.highlight(self._cursor_pointer())

    def text_of(self, entry: Entry) -> tuple[Optional[RawText], str]:
        """The text ``entry`` was read from (made once for the entry shown), or why there is none."""
        cached = self._text
        if cached is not None and cached[0] is entry:
            return cached[1], cached[2]
        raw, note = raw_text(entry)
        self._text = (entry, raw, note)
        return raw, note

    def _spell(self, pointer: str) -> Optional[str]:
        """How the value at ``pointer`` of the entry shown is written in its text."""
        entry = self.current
        return self._spelling(entry, pointer) if entry is not None else None

    def _spelling(self, entry: Entry, pointer: str) -> Optional[str]:
        raw, _note = self.text_of(entry)
        return raw.spelling(pointer) if raw is not None else None

    def _cursor_pointer(self) -> Optional[str]:
        data = self.payload_tree.cursor_data
        return data.pointer if data is not None and data.kind == VALUE else None

    # ------------------------------------------------------------------ the raw view

    def action_raw(self) -> None:
        """Show the payload's text as received instead of the tree, or the tree again."""
        entry = self.current
        if self.raw_shown:
            self.raw_wanted = False
            self.raw_dismissed = entry if entry is not None and raw_first(entry) else None
        else:
            self.raw_wanted = True
            self.raw_dismissed = None
        self._update_raw()

    def _update_raw(self) -> None:
        """Show the raw view when the user asked for it, or by itself for an entry the tree
        cannot show (unreadable input, a body that is not JSON) unless dismissed for it."""
        entry = self.current
        shown = entry is not None and (self.raw_wanted or (raw_first(entry) and entry is not self.raw_dismissed))
        view = self.raw_view
        tree_focused = self.focused is self.payload_tree
        raw_focused = self.focused is view
        self.raw_shown = shown
        self.set_class(shown, "-raw")
        if shown and entry is not None:
            if view.entry is not entry:
                raw, note = self.text_of(entry)
                view.show(raw, note, entry=entry)
                view.border_title = raw_title(raw)
            # Once the view has its size (it was hidden): scrolling to the node needs it.
            self.call_after_refresh(view.highlight, self._cursor_pointer())
        if shown and tree_focused:
            view.focus()
        elif not shown and raw_focused:
            self.payload_tree.focus()

    # ------------------------------------------------------------------ issues and matches

    @on(IssueChosen)
    def _issue_chosen(self, message: IssueChosen) -> None:
        self._go_to_issue(self.issues_pane.go_to(message.index))
        self.payload_tree.focus()

    def _go_to_issue(self, issue: Optional[Issue]) -> None:
        if issue is None:
            return
        tree = self.payload_tree
        if tree.filtered and issue.pointer not in tree.by_pointer:
            # The search hides that node: going to an issue ends the search.
            self._end_search()
        if tree.reveal(issue.pointer) is None:
            tree.focus_node(tree.root)
        self._show_details(tree.cursor_data)

    def action_next(self, towards: Towards = "issue") -> None:
        """Next search match while a search is active, else the next issue."""
        self._step(1)

    def action_previous(self, towards: Towards = "issue") -> None:
        self._step(-1)

    def _step(self, step: int) -> None:
        search = self.search_state
        if search.matches:
            self.search_state = search.step(step)
            self.payload_tree.show_match(self.search_state)
        elif search.active:
            self.notify("No node matches the search", timeout=2)
        elif self.index.issues:
            self._go_to_issue(self.issues_pane.step(step))
        else:
            self.notify("No issues in this payload", timeout=2)

    # ------------------------------------------------------------------ expand

    def action_expand_all(self) -> None:
        tree = self.payload_tree
        tree.expand_everything()
        if tree.budget_hit:
            self.notify("Expanded the first 20,000 nodes; expand the rest node by node", timeout=4)

    def action_collapse_all(self) -> None:
        tree = self.payload_tree
        tree.collapse_everything()
        tree.focus_node(tree.root)

    def action_expand_level(self, level: int) -> None:
        self.payload_tree.open_to_level(level)

    # ------------------------------------------------------------------ search

    def action_search(self) -> None:
        self.search_bar.open()
        entry = self.current
        if entry is not None and self._big(entry) and self._index_of(entry) is None:
            # Index a big payload while the query is being typed.
            self._search_off_thread(entry, self.index.missing, None)

    def action_clear_search(self) -> None:
        """Escape from anywhere ends an active search (the search bar has its own escape)."""
        self.search_bar.action_clear_search()

    @on(SearchBar.Changed, "SearchBar")  # not the messages of any other Input on this screen
    def _search_typed(self, message: SearchBar.Changed) -> None:
        self.typing.typed(message.value)

    @on(SearchBar.Submitted, "SearchBar")
    def _search_submitted(self) -> None:
        self.typing.flush()
        self.payload_tree.focus()

    @on(SearchCleared)
    def _search_cleared(self) -> None:
        self._end_search()
        self.payload_tree.focus()

    def _big(self, entry: Entry) -> bool:
        """Whether ``entry`` is searched off the UI thread."""
        body = entry.body
        return body is not None and len(body) >= BIG_TEXT and entry.analysis.readable

    def _index_of(self, entry: Entry) -> Optional[SearchIndex]:
        held = self._search_index
        return held[1] if held is not None and held[0] is entry else None

    def _make_index(self, entry: Entry) -> SearchIndex:
        """The search index of ``entry`` (made once; a worker and the UI may both ask)."""
        with self._index_lock:
            index = self._index_of(entry)
            if index is None:
                index = SearchIndex(entry.analysis.payload, partial(self._spelling, entry))
                self._search_index = (entry, index)
            return index

    def _run_search(self, query: str) -> None:
        """Filter the tree to the nodes matching ``query`` and put the cursor on the first; an
        empty query shows the whole tree again. A big payload is searched on a worker thread;
        its answer comes back as ``SearchDone``."""
        self.typing.cancel()
        self._search_wanted = query
        entry = self.current
        if query and entry is not None and entry.analysis.readable:
            index = self._index_of(entry)
            if index is None and self._big(entry):
                self.search_state = SearchState(query=query, searching=True)
                self._search_off_thread(entry, self.index.missing, query)
                return
            state, took = find(index or self._make_index(entry), query, self.index.missing)
        else:
            state, took = find(None, query)
        self.typing.slow = self.typing.slow or took > SLOW_SEARCH_SECONDS
        self._show_search(state)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search_off_thread(self, entry: Entry, missing: dict[str, list[str]], query: Optional[str]) -> None:
        """Index ``entry`` if it is not yet, then answer ``query`` (None: only index);
        ``missing``: the keys the tree shows as ghost or absent nodes."""
        index = self._make_index(entry)
        if query is not None and not get_current_worker().is_cancelled:
            state, _took = find(index, query, missing)
            self.post_message(SearchDone(entry=entry, state=state))

    @on(SearchDone)
    def _search_done(self, message: SearchDone) -> None:
        # Only the answer to the last query typed, for the entry still shown.
        if message.entry is self.current and message.state.query == self._search_wanted:
            self._show_search(message.state)

    def _show_search(self, state: SearchState) -> None:
        self.search_state = state
        self.payload_tree.show_search(state)
        if state.active:
            self._show_details(self.payload_tree.cursor_data)

    def _end_search(self) -> None:
        """Close the search bar and give the whole tree back, cursor on the node it was on."""
        self.typing.cancel()
        self.search_bar.close()
        self.search_state = NO_SEARCH
        self.payload_tree.show_search(NO_SEARCH)
        self._show_details(self.payload_tree.cursor_data)

    # ------------------------------------------------------------------ absent fields

    def action_toggle_absent(self) -> None:
        self.show_absent = not self.show_absent

    def watch_show_absent(self, show: bool) -> None:
        entry = self.current
        if entry is not None:
            if show and entry.analysis.schema is None:
                self.notify("No schema is known for this payload: no documented fields to compare", timeout=3)
            self.index = IssueIndex.build(entry.analysis, absent=show, delivery=self.delivery)
            self.payload_tree.index = self.index
            self.payload_tree.rebuild()
            if self.search_state.active:
                self._run_search(self.search_state.query)
            self._show_details(self.payload_tree.cursor_data)
        self._refresh_summary()

    # ------------------------------------------------------------------ copy

    def action_copy_value(self) -> None:
        data = self.payload_tree.cursor_data
        spelling = self._spell(data.pointer) if data is not None and needs_spelling(data.value) else None
        clipboard.copy_value(self.app, self.current, data, spelling)

    def action_copy_pointer(self) -> None:
        clipboard.copy_pointer(self.app, self.payload_tree.cursor_data)

    def action_copy_jq(self) -> None:
        clipboard.copy_jq(self.app, self.current, self.payload_tree.cursor_data)

    def action_copy_payload(self) -> None:
        clipboard.copy_payload(self.app, self.current)

    def action_copy_pretty(self) -> None:
        clipboard.copy_pretty(self.app, self.current)

    def action_save_payload(self) -> None:
        """Save payload as…: the bytes as received, to a new file readable by the user only."""
        entry = self.current
        body = entry.body if entry is not None else None
        if entry is None or body is None:
            self.notify("No text as received is kept for this payload", timeout=3)
            return

        def chosen(path: Optional[Path]) -> None:
            if path is None:
                return
            saved, message = save(entry, path)
            self.notify(message, title="Saved" if saved else "Not saved", severity="information" if saved else "error", markup=False)

        self.app.push_screen(SaveScreen(name=suggested_name(entry), size=len(body)), chosen)

    def action_copy_report(self) -> None:
        clipboard.copy_report(self.app, self.current)

    def action_copy_curl(self) -> None:
        """The selected captured request as a curl command that sends it again as received."""
        capture = self.current.capture if self.current is not None else None
        if capture is None or capture.is_replay:
            self.notify("Only a captured request can be copied as curl", timeout=2)
            return
        clipboard.copy(self.app, to_curl(capture), "curl command")

    # ------------------------------------------------------------------ replay

    def action_replay(self) -> None:
        live = self.live
        if live is None:
            return
        entry = self.current
        if entry is None or entry.capture is None:
            self.notify("Only a captured request can be replayed", timeout=3)
            return
        capture = entry.capture

        def chosen(request: Optional[ReplayRequest]) -> None:
            if request is not None:
                self._replay(capture, request)

        self.app.push_screen(ReplayScreen(capture, live.forward_url), chosen)

    @work(group="replay", exit_on_error=False)
    async def _replay(self, capture: Capture, request: ReplayRequest) -> None:
        """Send the replay; a failure to send is a toast from ``_worker_failed``."""
        assert self.live is not None
        result = await self.live.replay(capture, url=request.url, body=request.body)
        self.add_entries(replay_entries(self.engine, capture, result), top=True, follow=False)
        announce(self.app, result, request)

    # ------------------------------------------------------------------ trigger

    def action_trigger(self) -> None:
        """Send the payload shown to a handler (``tui/trigger.py``): by default the listener's
        forward target, else the listener itself."""
        entry = self.current
        if entry is None:
            self.notify("No payload to trigger", timeout=2)
            return
        default = (self.live.forward_url or self.listen_url) if self.live is not None else None
        self.trigger.ask(self, entry.analysis, default_url=default)

    # ------------------------------------------------------------------ layout keys

    def action_zoom(self) -> None:
        """The focused pane takes the whole screen, or gives it back."""
        if self.maximized is not None:
            self.minimize()
            return
        focused = self.focused
        if focused is None:
            return
        if focused is self.payload_tree or focused is self.search_bar or focused is self.raw_view:
            # The tree zooms with its search bar.
            self.maximized = self.query_one("#center")
        else:
            self.maximize(focused, container=False)

    def action_toggle_list(self) -> None:
        """Hide the event list (more room for the tree), or show it again."""
        hidden = not self.has_class("-list-hidden")
        self.set_class(hidden, "-list-hidden")
        if hidden and self.event_list.has_focus:
            self.payload_tree.focus()

    def action_toggle_side(self) -> None:
        """Hide details and issues, or show them again."""
        hidden = not self.has_class("-side-hidden")
        self.set_class(hidden, "-side-hidden")
        focused = self.focused
        if hidden and focused is not None and any(node.id == "side" for node in focused.ancestors):
            self.payload_tree.focus()

    # ------------------------------------------------------------------ workers

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """The one place this screen's workers (loader, listener, replay, trigger) end up when they
        raise: never a traceback, never markup."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        text = (str(error) or type(error).__name__) if error is not None else "unknown error"
        if event.worker.group == "listener":
            self.listen_error = text
        else:
            self.notify(text, title=FAILED.get(event.worker.group, "Failed"), severity="error", markup=False)

    # ------------------------------------------------------------------ keys and palette

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in PAYLOAD_ACTIONS and self.current is None:
            return False
        if action in ("replay", "cycle_answer", "copy_url", "toggle_follow"):
            return self.live is not None
        if action == "clear_search":
            return self.search_state.active
        if action == "clear_filter":
            return self.event_list.filter.active and not self.search_state.active
        if action == "filter":
            return self.has_class("-multi")
        if action in ("next", "previous") and parameters:
            return parameters[0] == ("match" if self.search_state.active else "issue")
        return True

    def system_commands(self) -> Iterator[SystemCommand]:
        """This screen's palette entries (``commands.CommandSource``)."""
        extra = commands.LIVE if self.live is not None else ()
        yield from commands.system_commands(self, (*commands.INSPECTOR, *extra))


def _delivery(entry: Entry) -> list[Issue]:
    return delivery_issues(entry.capture) if entry.capture is not None else []
