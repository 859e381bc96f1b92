"""What the tree shows for a payload, computed once per payload: issues by node, counts of
issues beneath each node, ghost nodes for missing required fields, node labels (search is in
``search_index``).

Plain Python plus ``rich.text`` (no widgets), so it is cheap to test and to reuse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Iterator, Literal, Mapping, Optional, Sequence

from rich.text import Text

from inspector.engine.analysis import Analysis
from inspector.engine.describe import absent_fields
from inspector.engine.issues import SEVERITY_RANK, Issue, Severity
from inspector.engine.pointer import escape, parse_pointer
from inspector.engine.schema import json_type
from inspector.engine.textsafe import json_scalar, visible

KEY_LIMIT = 60
VALUE_LIMIT = 80
ERROR_ICON = "✖"
WARNING_ICON = "▲"
NOT_VALIDATED_ICON = "?"
"""A payload not checked against an event schema (legacy, unknown type, ambiguous bare data):
never shown with the pass mark."""

NodeKind = Literal["value", "ghost", "absent", "more", "note"]
"""What a tree line stands for: ``value`` (a node of the payload), ``ghost`` (a required field
that is missing), ``absent`` (a documented optional field the payload does not carry, shown on
request), ``more`` (a placeholder for the next page of a huge container) or ``note`` (a line
about the tree itself, such as a search that stopped at its limit)."""

VALUE: Final = "value"
GHOST: Final = "ghost"
ABSENT: Final = "absent"
PLACEHOLDERS: Final[frozenset[NodeKind]] = frozenset({GHOST, ABSENT})
"""The kinds of node that stand for a key the payload lacks."""
MORE: Final = "more"
NOTE: Final = "note"


@dataclass(kw_only=True)
class NodeData:
    """The payload node behind one tree line (see ``NodeKind``; for a ``note``, ``value`` is
    its text, for ``more`` how many children are not loaded yet, for ``absent`` the documented
    type or None)."""

    pointer: str
    key: Optional[str | int]
    value: Any
    kind: NodeKind = VALUE
    depth: int = 0
    loaded: bool = False
    next_index: int = 0
    """For a container: how many of its children have been added (huge ones load in pages)."""

    @property
    def is_container(self) -> bool:
        return self.kind == VALUE and isinstance(self.value, (dict, list)) and len(self.value) > 0


def child_pointer(pointer: str, key: str | int) -> str:
    return f"{pointer}/{escape(key)}"


def parent_pointer(pointer: str) -> Optional[str]:
    if not pointer:
        return None
    return pointer[: pointer.rfind("/")]


@dataclass
class IssueIndex:
    """The issues of one analysis arranged for the tree: shown issues in payload order, issues by
    pointer, (errors, warnings) beneath each pointer, and the keys the payload lacks by parent
    pointer: ghost keys (missing required fields) and, when asked for, absent documented ones."""

    issues: list[Issue] = field(default_factory=list)
    at: dict[str, list[Issue]] = field(default_factory=dict)
    beneath: dict[str, list[int]] = field(default_factory=dict)
    ghosts: dict[str, list[str]] = field(default_factory=dict)
    absent: dict[str, list[str]] = field(default_factory=dict)
    """Documented optional keys the payload does not carry (``describe.absent_fields``); empty
    unless the user shows them."""
    missing: dict[str, list[str]] = field(default_factory=dict)
    """``ghosts`` then ``absent`` under each parent: every placeholder node the tree shows, and
    what search matches besides the payload."""

    @classmethod
    def build(cls, analysis: Analysis, *, absent: bool = False, delivery: Sequence[Issue] = ()) -> "IssueIndex":
        """The index of ``analysis``; ``absent``: with the absent documented fields;
        ``delivery``: the issues of the request that carried it (a bad signature, a failed
        forward), listed first like any error of the whole payload."""
        index = cls()
        # The form is already on the summary line; repeating it in the issue list is noise.
        shown = [*delivery, *(i for i in analysis.issues if i.code != "form")]
        index.issues = sorted(shown, key=lambda i: SEVERITY_RANK.get(i.severity, 3))
        index.issues = _payload_order(index.issues, analysis.payload)
        for issue in index.issues:
            pointer = issue.pointer
            index.at.setdefault(pointer, []).append(issue)
            if issue.severity not in ("error", "warning"):
                continue
            slot = 0 if issue.severity == "error" else 1
            # Counted on ancestors only: a node's own issues show as its icon.
            p: Optional[str] = parent_pointer(pointer)
            while p is not None:
                counts = index.beneath.setdefault(p, [0, 0])
                counts[slot] += 1
                p = parent_pointer(p)
            if issue.code == "required" and pointer:
                parent = parent_pointer(pointer) or ""
                key = parse_pointer(pointer)[-1]
                keys = index.ghosts.setdefault(parent, [])
                if key not in keys:
                    keys.append(key)
        index.missing = index.ghosts
        if absent:
            index.show_absent(absent_fields(analysis.schema, analysis.payload) if analysis.readable else {})
        return index

    def show_absent(self, absent: dict[str, list[str]]) -> None:
        """Show ``absent`` (parent pointer to keys) as absent nodes; ``{}`` hides them again."""
        self.absent = absent
        if not absent:
            self.missing = self.ghosts
            return
        missing = {parent: list(keys) for parent, keys in self.ghosts.items()}
        for parent, keys in absent.items():
            shown = missing.setdefault(parent, [])
            shown.extend(k for k in keys if k not in shown)
        self.missing = missing

    def placeholders(self, parent: str) -> Iterator[tuple[str, NodeKind]]:
        """The keys ``parent`` lacks that the tree shows, each with its kind: ghosts first."""
        ghosts = self.ghosts.get(parent, ())
        for key in ghosts:
            yield key, GHOST
        for key in self.absent.get(parent, ()):
            if key not in ghosts:
                yield key, ABSENT

    def kind_of_missing(self, parent: str, key: str) -> Optional[NodeKind]:
        """``ghost`` or ``absent`` for a key ``parent`` lacks that the tree shows, else None."""
        if key in self.ghosts.get(parent, ()):
            return GHOST
        if key in self.absent.get(parent, ()):
            return ABSENT
        return None

    def worst(self, pointer: str) -> Optional[Severity]:
        """``error``/``warning`` for a node with such an issue on the node itself."""
        found = self.at.get(pointer, ())
        if any(i.severity == "error" for i in found):
            return "error"
        if any(i.severity == "warning" for i in found):
            return "warning"
        return None

    def counts(self, pointer: str) -> tuple[int, int]:
        c = self.beneath.get(pointer)
        return (c[0], c[1]) if c else (0, 0)


def _payload_order(issues: list[Issue], payload: Any) -> list[Issue]:
    """Issues in the order their nodes appear in the payload (then by severity), so ``n`` walks
    down the tree instead of jumping around."""
    order: dict[str, int] = {}
    if isinstance(payload, (dict, list)):
        wanted: set[str] = set()
        for issue in issues:
            p: Optional[str] = issue.pointer
            while p is not None:
                wanted.add(p)
                p = parent_pointer(p)
        for n, (pointer, _value) in enumerate(_walk_wanted(payload, wanted)):
            order[pointer] = n

    def key(issue: Issue) -> tuple[int, int, int]:
        p = issue.pointer
        if p in order:
            return (order[p], 0, SEVERITY_RANK.get(issue.severity, 3))
        # A ghost node: it sits after its parent's existing children.
        parent = parent_pointer(p)
        base = order.get(parent, -1) if parent is not None else -1
        return (base, 1, SEVERITY_RANK.get(issue.severity, 3))

    return sorted(issues, key=key)


def _walk_wanted(value: Any, wanted: set[str], pointer: str = "") -> Iterator[tuple[str, Any]]:
    """Pre-order walk that only descends into nodes on the way to an issue."""
    stack: list[tuple[str, Any]] = [(pointer, value)]
    while stack:
        p, v = stack.pop()
        yield p, v
        if p not in wanted:
            continue
        if isinstance(v, dict):
            items = [(child_pointer(p, k), c) for k, c in v.items()]
        elif isinstance(v, list):
            items = [(child_pointer(p, i), c) for i, c in enumerate(v)]
        else:
            continue
        stack.extend(reversed([(cp, c) for cp, c in items if cp in wanted]))


def walk(value: Any, pointer: str = "", key: Optional[str | int] = None) -> Iterator[tuple[str, Optional[str | int], Any]]:
    """Every node of a payload, pre-order, without recursion (payloads can be deep)."""
    stack: list[tuple[str, Optional[str | int], Any]] = [(pointer, key, value)]
    while stack:
        p, k, v = stack.pop()
        yield p, k, v
        if isinstance(v, dict):
            stack.extend(reversed([(child_pointer(p, ck), ck, cv) for ck, cv in v.items()]))
        elif isinstance(v, list):
            stack.extend(reversed([(child_pointer(p, i), i, cv) for i, cv in enumerate(v)]))


def key_text(key: Optional[str | int]) -> Text:
    """A key as the tree shows it: array indexes as ``[3]``, strings made visible and cut."""
    if key is None:
        return Text("payload", style="bold")
    if isinstance(key, int):
        return Text(f"[{key}]", style="bold cyan")
    shown = visible(key)
    if len(shown) > KEY_LIMIT:
        shown = shown[: KEY_LIMIT - 1] + "…"
    return Text(shown, style="bold")


VALUE_STYLES: Final[dict[str, str]] = {
    "string": "green",
    "integer": "magenta",
    "number": "magenta",
    "boolean": "yellow",
    "null": "bold",
}
"""Colours of JSON scalars by type, in the tree and the raw view alike."""


def scalar_text(value: Any, limit: int = 0, spelling: Optional[str] = None) -> str:
    """A scalar in JSON: a number as it was written when its ``spelling`` is known (``1.10``,
    ``1e400``), never Python's ``inf``."""
    if spelling is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        text = visible(spelling)
        return text if not limit or len(text) <= limit else text[: max(1, limit - 1)] + "…"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return json_scalar(value, limit)


def needs_spelling(value: Any) -> bool:
    """Whether the parsed ``value`` may read differently from how it was written: a float
    (``1.10`` is 1.1, ``1e400`` is inf; integers print as written)."""
    return isinstance(value, float)


def value_text(value: Any, limit: int = VALUE_LIMIT, spelling: Optional[str] = None) -> Text:
    """A scalar as the tree shows it (strings quoted, long ones cut with an ellipsis)."""
    return Text(scalar_text(value, limit, spelling), style=VALUE_STYLES[json_type(value)])


def node_label(
    data: NodeData,
    index: IssueIndex,
    *,
    expanded: bool,
    match: bool = False,
    current_match: bool = False,
    shown: Optional[int] = None,
    spelling: Optional[str] = None,
) -> Text:
    """The whole line of one node: icon, key, value or child count, muted type tag, and the
    issues on or beneath it. ``shown``: how many children a search left visible; ``spelling``:
    a number as written."""
    label = Text()
    if data.kind in PLACEHOLDERS:
        key = key_text(data.key)
        if current_match:
            key.stylize("reverse")
        elif match:
            key.stylize("underline")
        if data.kind == GHOST:
            label.append(f"{ERROR_ICON} ", style="bold red")
            label.append_text(key)
            label.append(" — missing, required", style="red")
        else:
            label.append("○ ", style="dim")
            key.stylize("dim")
            label.append_text(key)
            label.append(" — absent, optional", style="dim italic")
            if data.value:
                label.append(f"  {data.value}", style="dim")
        return label
    if data.kind == MORE:
        label.append(f"… {data.value:,} more — press enter to load them", style="italic dim")
        return label
    if data.kind == NOTE:
        label.append(str(data.value), style="italic yellow")
        return label
    worst = index.worst(data.pointer)
    if worst == "error":
        label.append(f"{ERROR_ICON} ", style="bold red")
    elif worst == "warning":
        label.append(f"{WARNING_ICON} ", style="bold yellow")
    key = key_text(data.key)
    if worst == "error":
        key.stylize("red")
    elif worst == "warning":
        key.stylize("yellow")
    if current_match:
        key.stylize("reverse")
    elif match:
        key.stylize("underline")
    label.append_text(key)
    value = data.value
    if isinstance(value, (dict, list)):
        size = len(value)
        noun = ("key" if isinstance(value, dict) else "item") + ("s" if size != 1 else "")
        if expanded and shown is not None and shown < size:
            label.append(f"  {json_type(value)} · {shown} of {size} {noun} shown", style="dim")
        elif expanded or not size:
            label.append(f"  {json_type(value)} · {size} {noun}", style="dim")
        else:
            label.append(": ")
            label.append("{…}" if isinstance(value, dict) else "[…]", style="dim")
            label.append(f" {size} {noun}  {json_type(value)}", style="dim")
    else:
        label.append(": ")
        text = value_text(value, spelling=spelling)
        if worst == "error":
            text.stylize("red")
        elif worst == "warning":
            text.stylize("yellow")
        label.append_text(text)
        label.append(f"  {json_type(value)}", style="dim")
    if not expanded and isinstance(value, (dict, list)):
        errors, warnings = index.counts(data.pointer)
        if errors:
            label.append(f"  {ERROR_ICON} {errors}", style="bold red")
        if warnings:
            label.append(f"  {WARNING_ICON} {warnings}", style="yellow")
    return label
