"""The command palette's entries (ctrl+p): each is an action of the screen it belongs to, so the
palette and the keys run the same code. A screen offers its commands by having a
``system_commands()`` method (``CommandSource``); the app adds them to Textual's own."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Final, Iterable, Iterator, Protocol, runtime_checkable

from textual.actions import parse
from textual.app import SystemCommand
from textual.widget import Widget


@dataclass(frozen=True, kw_only=True)
class PaletteCommand:
    """A palette entry: ``action`` is a Textual action string run on the screen (``app.`` for
    the app's)."""

    title: str
    help: str
    action: str


@runtime_checkable
class CommandSource(Protocol):
    """A screen with palette commands of its own."""

    def system_commands(self) -> Iterable[SystemCommand]: ...


INSPECTOR: Final[tuple[PaletteCommand, ...]] = (
    PaletteCommand(title="Search", help="Filter the tree by key, value or path (/)", action="search"),
    PaletteCommand(title="Next issue or match", help="Jump to the next issue, or the next search match (n)", action="next"),
    PaletteCommand(title="Previous issue or match", help="Jump to the previous issue or search match (N)", action="previous"),
    PaletteCommand(title="Expand all", help="Expand every node (e)", action="expand_all"),
    PaletteCommand(title="Collapse all", help="Collapse to the top-level keys (E)", action="collapse_all"),
    PaletteCommand(
        title="Show or hide absent fields",
        help="Show the documented fields this payload does not carry, dim, where they would be (a)",
        action="toggle_absent",
    ),
    PaletteCommand(
        title="Trigger webhook",
        help="Send this payload, signed and with fresh ids, to your handler and show its answer (t)",
        action="trigger",
    ),
    PaletteCommand(title="Copy value", help="Copy the selected node's value (y)", action="copy_value"),
    PaletteCommand(title="Copy JSON Pointer", help="Copy the selected node's JSON Pointer (p)", action="copy_pointer"),
    PaletteCommand(title="Copy jq path", help="Copy the selected node's jq path (P)", action="copy_jq"),
    PaletteCommand(title="Copy payload", help="Copy the whole payload exactly as received (Y)", action="copy_payload"),
    PaletteCommand(
        title="Copy payload pretty-printed",
        help="Copy the whole payload laid out one member per line, every value as written (J)",
        action="copy_pretty",
    ),
    PaletteCommand(title="Save payload as…", help="Write the payload as received to a file (S)", action="save_payload"),
    PaletteCommand(title="Raw text", help="Show the payload's text as received, or the tree again (v)", action="raw"),
    PaletteCommand(title="Zoom", help="Give the focused pane the whole screen, or give it back (z)", action="zoom"),
    PaletteCommand(title="Hide or show the event list", help="More room for the tree (L)", action="toggle_list"),
    PaletteCommand(title="Hide or show details and issues", help="More room for the tree (d)", action="toggle_side"),
    PaletteCommand(title="Copy issue report", help="Copy the validation report of this payload (R)", action="copy_report"),
    PaletteCommand(title="Copy as curl", help="Copy the captured request as a curl command that replays it (c)", action="copy_curl"),
    PaletteCommand(
        title="Filter events",
        help="Show only events of a type, with errors (errors), a signature problem (sig), retries (retry) or a status (4xx) (F)",
        action="filter",
    ),
    PaletteCommand(title="Focus event list", help="Move to the list of events", action="app.focus('events')"),
    PaletteCommand(title="Focus tree", help="Move to the payload tree", action="app.focus('tree')"),
    PaletteCommand(title="Focus issues", help="Move to the issues pane", action="app.focus('issues')"),
    *(
        PaletteCommand(title=f"Expand to level {n}", help=f"Show nodes down to depth {n} ({n})", action=f"expand_level({n})")
        for n in range(1, 10)
    ),
)
"""The main screen's commands, in palette order."""

LIVE: Final[tuple[PaletteCommand, ...]] = (
    PaletteCommand(title="Replay request", help="Re-send the selected captured request, re-signed (r)", action="replay"),
    PaletteCommand(title="Cycle answer", help="Answer webhooks 200, 500, 503 or not at all (s)", action="cycle_answer"),
    PaletteCommand(title="Copy URL", help="Copy the URL to paste into Voucherify (u)", action="copy_url"),
)
"""Added to the main screen's commands when a listener runs."""


def system_commands(node: Widget, commands: Iterable[PaletteCommand]) -> Iterator[SystemCommand]:
    """``commands`` as Textual's palette entries, each running its action on ``node``; those
    ``node.check_action`` turns off now (no payload on screen) are left out."""
    for command in commands:
        namespace, name, parameters = parse(command.action)
        if not namespace and node.check_action(name, parameters) is False:
            continue
        yield SystemCommand(command.title, command.help, partial(node.run_action, command.action))

DOCS: Final[tuple[PaletteCommand, ...]] = (
    PaletteCommand(title="Search the docs", help="Find fields by key, path or description (/)", action="search"),
    PaletteCommand(title="Next match", help="Jump to the next field the search found (n)", action="next"),
    PaletteCommand(title="Previous match", help="Jump to the previous field the search found (N)", action="previous"),
    PaletteCommand(title="Expand all", help="Expand every documented field (e)", action="expand_all"),
    PaletteCommand(title="Collapse all", help="Collapse to the top-level fields (E)", action="collapse_all"),
    PaletteCommand(title="Copy JSON Pointer", help="Copy the field's pointer, * for any index or key (p)", action="copy_pointer"),
    PaletteCommand(title="Copy jq path", help="Copy the field's jq path (P)", action="copy_jq"),
    PaletteCommand(
        title="Open the example",
        help="Open the docs' example of this event in the payload view; escape comes back (x)",
        action="example",
    ),
    PaletteCommand(
        title="Trigger webhook",
        help="Send the docs' example, signed and with fresh ids, to your handler and show its answer (t)",
        action="trigger",
    ),
    PaletteCommand(title="Focus event types", help="Move to the list of event types", action="app.focus('type-options')"),
    PaletteCommand(title="Focus docs tree", help="Move to the documentation tree", action="app.focus('doc-tree')"),
    *(
        PaletteCommand(title=f"Expand to level {n}", help=f"Show fields down to depth {n} ({n})", action=f"expand_level({n})")
        for n in range(1, 10)
    ),
)
"""The docs screen's commands, in palette order."""
