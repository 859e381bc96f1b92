"""An event type's documentation as a tree (``engine.doctree``), for the docs screen: one line
per documented field with its type, required flag, nullability, enum values, range and example;
``oneOf`` variants as labelled branches, array items and map values as one child, a ``$ref``
cycle's repeat as a leaf naming what it repeats. Children are added as nodes open.

Search marks the nodes whose key, path or description holds the query and moves to them; the
tree itself is not filtered (a field reads best among its siblings).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar, Final, Optional

from rich.style import Style
from rich.text import Text
from textual import on
from textual.binding import BindingType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from inspector.engine.doctree import DocNode
from inspector.engine.schema import MISSING
from inspector.engine.textsafe import json_scalar, visible
from inspector.tui import _textual_private as private
from inspector.tui import tree_ops
from inspector.tui.payload_tree import EXPAND_BUDGET, OPEN_DEPTH
from inspector.tui.search import SearchState
from inspector.tui.search_index import SEARCH_LIMIT

ENUM_SHOWN: Final = 4
"""Enum values a tree line lists before "…" (the details pane lists them all)."""
EXAMPLE_LIMIT: Final = 30


@dataclass(kw_only=True)
class DocItem:
    """The documented node behind one tree line; ``at`` is its place in the tree (child
    indexes from the root, ``0/3/1``): a docs node's pointer is not unique (a union's variants
    sit at its path), its place is."""

    doc: DocNode
    at: str
    depth: int
    loaded: bool = False


def child_at(at: str, index: int) -> str:
    return f"{at}/{index}" if at else str(index)


def _number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() and abs(v) < 2**53 else repr(v)


def range_text(doc: DocNode) -> str:
    """``0…1000000``, ``≥ 1``, ``≤ 100`` or ""."""
    low, high = doc.minimum, doc.maximum
    if low is not None and high is not None:
        return f"{_number(low)}…{_number(high)}"
    if low is not None:
        return f"≥ {_number(low)}"
    if high is not None:
        return f"≤ {_number(high)}"
    return ""


def example_text(example: Any, limit: int) -> str:
    """The docs' example as JSON, cut at ``limit`` characters, control characters visible."""
    if isinstance(example, (dict, list)):
        try:
            dumped = json.dumps(example, ensure_ascii=False)
        except (TypeError, ValueError):
            dumped = repr(example)
        dumped = visible(dumped)
        return dumped if len(dumped) <= limit else dumped[: limit - 1] + "…"
    return json_scalar(example, limit)


def doc_label(doc: DocNode, *, match: bool = False, current_match: bool = False) -> Text:
    """One line of the docs tree (never markup: a spec's text is input like any other)."""
    label = Text()
    if doc.kind == "variant":
        label.append("◇ ", style="bold magenta")
        key = Text(visible(doc.key), style="bold magenta")
    elif doc.kind in ("items", "values"):
        key = Text(doc.key, style="bold cyan")
    elif doc.kind == "root":
        key = Text(visible(doc.key) or "payload", style="bold")
    else:
        key = Text(visible(doc.key), style="bold")
    if current_match:
        key.stylize("reverse")
    elif match:
        key.stylize("underline")
    label.append_text(key)
    if doc.kind == "items":
        label.append("  each item", style="dim")
    elif doc.kind == "values":
        label.append("  each value", style="dim")
    elif doc.kind == "variant":
        label.append("  variant", style="dim")
    if doc.kind != "variant":
        label.append("  ")
        label.append(visible(doc.type_label), style="cyan")
    if doc.kind == "field" and doc.required:
        label.append("  required", style="bold")
    if doc.nullable:
        label.append("  nullable", style="dim")
    if doc.enum:
        shown = " | ".join(json_scalar(v, 24) for v in doc.enum[:ENUM_SHOWN])
        more = " | …" if len(doc.enum) > ENUM_SHOWN else ""
        label.append(f"  {shown}{more}", style="magenta")
    bounds = range_text(doc)
    if bounds:
        label.append(f"  {bounds}", style="dim")
    example = doc.example
    scalar = doc.schema.types is not None and not ({"object", "array"} & doc.schema.types)
    if example is not MISSING and scalar and not doc.enum:
        label.append(f"  e.g. {example_text(example, EXAMPLE_LIMIT)}", style="green dim")
    if doc.repeats is not None:
        label.append(f"  ↻ same as {visible(doc.repeats.path) or 'the root'} (recursive)", style="yellow")
    return label


def search_docs(root: DocNode, query: str, limit: int = SEARCH_LIMIT) -> list[str]:
    """Places (``DocItem.at``) of the nodes whose key, description or title holds ``query``
    (case-insensitive), or whose path does where their parent's path does not (``order.id``
    finds that field, not every field under it), in tree order; at most ``limit``."""
    q = query.casefold()
    found: list[str] = []
    if not q:
        return found
    # (node, its place, whether its path matched)
    stack: list[tuple[DocNode, str, bool]] = [(root, "", False)]
    while stack:
        node, at, parent_hit = stack.pop()
        path_hit = q in node.path.casefold()
        if node.kind != "root":
            hit = (path_hit and not parent_hit) or q in node.key.casefold()
            if not hit:
                hit = any(q in text.casefold() for text in (node.description, node.title) if text)
            if hit:
                found.append(at)
                if len(found) >= limit:
                    break
        children = node.children
        stack.extend((children[i], child_at(at, i), path_hit) for i in range(len(children) - 1, -1, -1))
    return found


class DocTree(Tree[DocItem]):
    """The documentation tree of one event type."""

    BINDINGS: ClassVar[list[BindingType]] = tree_ops.TREE_BINDINGS

    DEFAULT_CSS = """
    DocTree {
        padding: 0 1;
    }
    """

    def __init__(self, *, id: Optional[str] = None) -> None:
        super().__init__(Text("docs"), None, id=id)
        self.guide_depth = 3
        self.doc: Optional[DocNode] = None
        self.matches: set[str] = set()
        self.current_match: Optional[str] = None
        self.budget_hit = False
        self.placeholder = "choose an event type"

    # ------------------------------------------------------------------ content

    def show(self, doc: Optional[DocNode]) -> None:
        """Replace the tree with ``doc``'s, open to depth 2, the cursor on the root."""
        self.doc = doc
        self.matches = set()
        self.current_match = None
        self.clear()
        if doc is None:
            self.root.data = None
            self.root.allow_expand = False
            return
        self.root.data = DocItem(doc=doc, at="", depth=0)
        self.root.allow_expand = doc.expandable
        self.expand_to_level(OPEN_DEPTH)
        self.cursor_line = 0

    def load(self, node: TreeNode[DocItem]) -> int:
        """Add ``node``'s children if they are not there yet; how many were added."""
        item = node.data
        if item is None or item.loaded:
            return 0
        item.loaded = True
        for i, child in enumerate(item.doc.children):
            node.add(Text(""), DocItem(doc=child, at=child_at(item.at, i), depth=item.depth + 1), allow_expand=child.expandable)
        return len(item.doc.children)

    def expand_to_level(self, level: int) -> None:
        """Show every node down to ``level`` (1 = the top-level fields), nothing deeper."""
        tree_ops.collapse_quietly(self)
        self.budget_hit = tree_ops.expand_bfs(
            self, load=self.load, wanted=lambda n: n.data is not None and n.data.depth < level, budget=EXPAND_BUDGET
        )

    def expand_everything(self) -> None:
        """Every node (a recursive schema's repeat stays a leaf), within ``EXPAND_BUDGET``."""
        self.budget_hit = tree_ops.expand_bfs(self, load=self.load, wanted=lambda n: True, budget=EXPAND_BUDGET)

    def collapse_everything(self) -> None:
        """Collapse to the top-level fields, the cursor on the root."""
        tree_ops.collapse_quietly(self)
        if self.root.allow_expand:
            private.set_expanded_quietly(self.root, True)
        private.invalidate(self)
        tree_ops.focus_node(self, self.root)

    def reveal(self, at: str, *, move: bool = True) -> Optional[TreeNode[DocItem]]:
        """Open the path to the node at ``at`` and (``move``) put the cursor on it."""
        node = self.root
        if at:
            for token in at.split("/"):
                self.load(node)
                if not node.is_expanded:
                    node.expand()
                index = int(token)
                if index >= len(node.children):
                    return None
                node = node.children[index]
        if move:
            tree_ops.focus_node(self, node)
        return node

    @property
    def cursor_item(self) -> Optional[DocItem]:
        node = self.cursor_node
        return node.data if node is not None else None

    def show_search(self, search: SearchState) -> None:
        """Mark ``search``'s matches and move to its current one."""
        self.matches = set(search.matches)
        self.current_match = search.current
        private.invalidate(self)
        if search.current is not None:
            self.reveal(search.current)

    # ------------------------------------------------------------------ rendering

    def render_label(self, node: TreeNode[DocItem], base_style: Style, style: Style) -> Text:
        item = node.data
        if item is None:
            label = Text(self.placeholder, style="dim")
        else:
            label = doc_label(item.doc, match=item.at in self.matches, current_match=item.at == self.current_match)
        label.stylize(style)
        return tree_ops.with_icon(self, node, label, base_style)

    def get_label_width(self, node: TreeNode[DocItem]) -> int:
        # An estimate, as the payload tree's: building every label's Text to measure it on each
        # rebuild costs more than the docs tree needs.
        item = node.data
        if item is None:
            return len(self.placeholder)
        return 4 + len(item.doc.key) + len(item.doc.type_label) + 40

    # ------------------------------------------------------------------ events and actions

    @on(Tree.NodeExpanded)
    def _load_on_expand(self, event: Tree.NodeExpanded[DocItem]) -> None:
        if self.load(event.node):
            private.invalidate(self)

    def action_collapse_or_parent(self) -> None:
        tree_ops.collapse_or_parent(self)

    def action_expand_or_child(self) -> None:
        tree_ops.expand_or_child(self, self.load)
