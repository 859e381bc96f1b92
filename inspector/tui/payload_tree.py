"""The payload as a tree: one node per key or array item, built lazily as nodes expand.

Labels are computed from ``NodeData`` at render time (never from markup), so search marks and
issue counts follow the expanded state without rebuilding nodes. A search filters: the tree is
rebuilt with only the matches and the path to each, and rebuilt whole when the search ends.
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar, Iterable, Iterator, Optional

from rich.style import Style
from rich.text import Text
from textual import on
from textual.binding import BindingType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from inspector.engine.analysis import Analysis
from inspector.engine.describe import describe
from inspector.engine.pointer import parse_pointer
from inspector.tui import _textual_private as private
from inspector.tui import tree_ops
from inspector.tui.nodes import (
    ABSENT,
    GHOST,
    MORE,
    NOTE,
    PLACEHOLDERS,
    VALUE,
    VALUE_LIMIT,
    IssueIndex,
    NodeData,
    NodeKind,
    child_pointer,
    needs_spelling,
    node_label,
    parent_pointer,
)
from inspector.tui.search import SearchState
from inspector.tui.search_index import SEARCH_LIMIT

PAGE = 1000
"""Children added per expansion of a huge container; a "more" node loads the next page."""

EXPAND_BUDGET = 20_000
"""Most nodes that one expand-all / expand-to-level may create, so a 5 MB payload stays responsive."""

OPEN_DEPTH = 2


class PayloadTree(Tree[NodeData]):
    """The tree of the payload being read, with issue marks and search marks."""

    BINDINGS: ClassVar[list[BindingType]] = tree_ops.TREE_BINDINGS

    DEFAULT_CSS = """
    PayloadTree {
        padding: 0 1;
    }
    """

    def __init__(self, *, id: Optional[str] = None) -> None:
        super().__init__(Text("payload"), None, id=id)
        self.guide_depth = 3
        self.analysis: Optional[Analysis] = None
        self.index = IssueIndex()
        self.by_pointer: dict[str, TreeNode[NodeData]] = {}
        self.matches: set[str] = set()
        self.current_match: Optional[str] = None
        self.budget_hit = False
        self.filtered = False
        """True while a search shows only its matches and their ancestors."""
        self._unfiltered_expanded: list[str] = []
        """Pointers of the nodes that were expanded when the search began, in tree order."""
        self.spell: Callable[[str], Optional[str]] = lambda pointer: None
        """How the value at a pointer was written in the payload's text (numbers show as written)."""
        self.placeholder = "loading…"
        """What the empty tree says before the first payload (the app sets it in listen mode)."""

    # ------------------------------------------------------------------ content

    def show(self, analysis: Analysis, index: IssueIndex) -> None:
        """Replace the tree with ``analysis``: open to depth 2 plus the path to the first error."""
        self.analysis = analysis
        self.index = index
        self.matches = set()
        self.current_match = None
        self.filtered = False
        self._unfiltered_expanded = []
        if not self._new_root():
            self.cursor_line = 0
            return
        self.expand_to_level(OPEN_DEPTH)
        first_error = next((i for i in index.issues if i.severity == "error"), None)
        if first_error is not None and first_error.pointer:
            self.reveal(first_error.pointer, move=False)
        self.cursor_line = 0

    def _new_root(self) -> bool:
        """Empty the tree and give it the payload's root node; False for unreadable input."""
        assert self.analysis is not None
        self.by_pointer = {}
        self.clear()
        root = self.root
        self.by_pointer[""] = root
        if not self.analysis.readable:
            root.data = NodeData(pointer="", key=None, value=None, kind=GHOST)
            root.set_label(Text("unreadable input"))
            root.allow_expand = False
            return False
        root.data = NodeData(pointer="", key=None, value=self.analysis.payload)
        root.allow_expand = self._expandable(root.data)
        return True

    def _expandable(self, data: NodeData) -> bool:
        """A container with children, or one that lacks keys the tree shows (an empty ``{}``)."""
        return data.is_container or (data.kind == VALUE and bool(self.index.missing.get(data.pointer)))

    def _placeholder(self, parent: NodeData, key: str, kind: NodeKind) -> NodeData:
        """The node of a key ``parent`` lacks; an absent one carries its documented type."""
        pointer = child_pointer(parent.pointer, key)
        label = ""
        if kind == ABSENT and self.analysis is not None:
            label = describe(self.analysis.schema, self.analysis.payload, pointer).type_label
        return NodeData(pointer=pointer, key=key, value=label or None, kind=kind, depth=parent.depth + 1)

    def load(self, node: TreeNode[NodeData]) -> int:
        """Add ``node``'s children if they are not there yet (or its next page). Returns how
        many nodes were added."""
        data = node.data
        if data is None or data.kind != VALUE or data.loaded:
            return 0
        value = data.value
        added = 0
        if isinstance(value, (dict, list)):
            keys: list[Any] = list(value.keys()) if isinstance(value, dict) else []
            total = len(value)
            stop = min(total, data.next_index + PAGE)
            for i in range(data.next_index, stop):
                key = keys[i] if isinstance(value, dict) else i
                child_value = value[key]
                child = NodeData(pointer=child_pointer(data.pointer, key), key=key, value=child_value, depth=data.depth + 1)
                tnode = node.add(Text(""), child, allow_expand=self._expandable(child))
                self.by_pointer[child.pointer] = tnode
                added += 1
            data.next_index = stop
            if stop < total:
                more = NodeData(pointer=data.pointer, key=None, value=total - stop, kind=MORE, depth=data.depth + 1)
                node.add_leaf(Text(""), more)
                added += 1
        for key, kind in self.index.placeholders(data.pointer):
            lacking = self._placeholder(data, key, kind)
            self.by_pointer[lacking.pointer] = node.add_leaf(Text(""), lacking)
            added += 1
        data.loaded = True
        return added

    def load_more(self, more: TreeNode[NodeData]) -> None:
        """Replace a "more" node with the next page of its container."""
        parent = more.parent
        if parent is None or parent.data is None:
            return
        more.remove()
        # Ghost and absent nodes were added after the first page; drop them so they stay last.
        for child in list(parent.children):
            if child.data is not None and child.data.kind in PLACEHOLDERS:
                child.remove()
        parent.data.loaded = False
        self.load(parent)

    # ------------------------------------------------------------------ expansion

    def expand_to_level(self, level: int) -> None:
        """Show every node down to ``level`` (1 = the top-level keys), nothing deeper."""
        self._collapse_quietly()
        self._expand_bfs(lambda depth: depth < level)

    def open_to_level(self, level: int) -> None:
        """``expand_to_level`` with the cursor kept on its node when that is still shown, else
        on its nearest shown ancestor."""
        data = self.cursor_data
        pointer = data.pointer if data is not None else ""
        self.expand_to_level(level)
        node = self.by_pointer.get(pointer)
        while node is not None and node.parent is not None and not all(a.is_expanded for a in _ancestors(node)):
            node = node.parent
        self.focus_node(node or self.root)

    def expand_everything(self) -> None:
        """Expand every node, within ``EXPAND_BUDGET`` new nodes."""
        self._expand_bfs(lambda depth: True)

    def collapse_everything(self) -> None:
        """Collapse to the top-level keys."""
        self._collapse_quietly()
        if self.root.allow_expand:
            private.set_expanded_quietly(self.root, True)
        private.invalidate(self)

    def _collapse_quietly(self) -> None:
        tree_ops.collapse_quietly(self)

    def _expand_bfs(self, wanted: Callable[[int], bool]) -> None:
        self.budget_hit = tree_ops.expand_bfs(
            self, load=self.load, wanted=lambda node: node.data is not None and wanted(node.data.depth), budget=EXPAND_BUDGET
        )

    def reveal(self, pointer: str, *, move: bool = True) -> Optional[TreeNode[NodeData]]:
        """Expand the path to ``pointer`` (loading pages as needed) and optionally move the cursor
        there. Returns the node, or None when the payload has no such node."""
        node = self.root
        current = ""
        try:
            tokens = parse_pointer(pointer)
        except ValueError:
            return None
        for token in tokens:
            self.load(node)
            if not node.is_expanded:
                node.expand()
            current = child_pointer(current, token)
            target = self.by_pointer.get(current)
            while target is None and node.data is not None and node.data.next_index < len(node.data.value or ()):
                more = next((c for c in node.children if c.data is not None and c.data.kind == MORE), None)
                if more is None:
                    break
                self.load_more(more)
                target = self.by_pointer.get(current)
            if target is None:
                return None
            node = target
        if move:
            self.focus_node(node)
        return node

    def focus_node(self, node: TreeNode[NodeData]) -> None:
        """Put the cursor on ``node`` and scroll it into view."""
        tree_ops.focus_node(self, node)

    @property
    def cursor_data(self) -> Optional[NodeData]:
        node = self.cursor_node
        return node.data if node is not None else None

    def set_matches(self, matches: Iterable[str], current: Optional[str]) -> None:
        self.matches = set(matches)
        self.current_match = current
        private.invalidate(self)

    # ------------------------------------------------------------------ search

    def show_search(self, search: SearchState) -> None:
        """Filter to ``search``'s matches, the cursor on its current one; with no search active,
        the whole tree again."""
        if not search.active:
            self.unfilter()
            self.set_matches((), None)
            return
        self.filter(list(search.matches), cut=search.cut)
        self.show_match(search)

    def show_match(self, search: SearchState) -> None:
        """Mark ``search``'s matches and move to its current one."""
        self.set_matches(search.matches, search.current)
        if search.current is not None:
            self.reveal(search.current)

    # ------------------------------------------------------------------ the filter a search shows

    def filter(self, matches: list[str], *, cut: bool = False) -> None:
        """Show only ``matches`` (in tree order) and the path from the root to each. Ancestors
        are expanded and hold only the children on the way to a match; a matching container
        stays collapsed and loads all its children when opened. ``cut``: the search stopped at
        its limit, which a last line says."""
        if self.analysis is None or not self.analysis.readable:
            return
        if not self.filtered:
            self._unfiltered_expanded = self._expanded_pointers()
            self.filtered = True
        self._new_root()
        root = self.root
        assert root.data is not None
        root.data.loaded = True
        for pointer in matches:
            self._add_path(pointer)
        if not matches:
            root.add_leaf(Text(""), NodeData(pointer="", key=None, value="no node matches the search", kind=NOTE, depth=1))
        elif cut:
            note = f"… the search stopped at {SEARCH_LIMIT:,} matches: type more to narrow it"
            root.add_leaf(Text(""), NodeData(pointer="", key=None, value=note, kind=NOTE, depth=1))
        root.allow_expand = True
        private.set_expanded_quietly(root, True)
        private.invalidate(self)
        self.cursor_line = 0

    def _add_path(self, pointer: str) -> Optional[TreeNode[NodeData]]:
        """Add the nodes from the root down to ``pointer`` that are not in the tree yet. Matches
        come in tree order, so appending each new node keeps siblings in payload order."""
        try:
            tokens = parse_pointer(pointer)
        except ValueError:
            return None
        node = self.root
        current = ""
        for n, token in enumerate(tokens):
            data = node.data
            if data is None or data.kind != VALUE:
                return None
            parent_value = data.value
            current = child_pointer(current, token)
            found = self.by_pointer.get(current)
            if found is None:
                key: str | int = token
                if isinstance(parent_value, dict) and token in parent_value:
                    child = NodeData(pointer=current, key=token, value=parent_value[token], depth=data.depth + 1)
                elif isinstance(parent_value, list) and token.isdigit() and int(token) < len(parent_value):
                    key = int(token)
                    child = NodeData(pointer=current, key=key, value=parent_value[key], depth=data.depth + 1)
                elif n == len(tokens) - 1 and (kind := self.index.kind_of_missing(data.pointer, token)) is not None:
                    child = self._placeholder(data, token, kind)
                else:
                    return None
                # The parent shows only the filtered children; opening it must not add the rest.
                data.loaded = True
                found = node.add(Text(""), child, allow_expand=self._expandable(child))
                self.by_pointer[current] = found
            private.set_expanded_quietly(node, True)
            node = found
        return node

    def unfilter(self) -> None:
        """Rebuild the whole tree with the nodes expanded as they were before the search, and
        the path to the node under the cursor opened."""
        if not self.filtered:
            return
        expanded, self._unfiltered_expanded = self._unfiltered_expanded, []
        self.filtered = False
        self.matches = set()
        self.current_match = None
        self._rebuild(expanded)

    def rebuild(self) -> None:
        """Build the tree again from the index (the absent fields shown or hidden), keeping the
        nodes expanded and the cursor where they were. A filtered tree is left to the search."""
        if self.filtered or self.analysis is None:
            return
        self._rebuild(self._expanded_pointers())

    def _rebuild(self, expanded: list[str]) -> None:
        """A new tree with the nodes at ``expanded`` open and the cursor on the node it was on,
        or on its nearest ancestor when that node is gone."""
        cursor = self.cursor_node
        pointer = cursor.data.pointer if cursor is not None and cursor.data is not None else ""
        if not self._new_root():
            return
        for p in expanded:
            node = self.by_pointer.get(p)
            if node is None:
                # Beyond the first page of a huge container: reveal loads the pages.
                node = self.reveal(p, move=False)
                if node is None:
                    continue
            self.load(node)
            private.set_expanded_quietly(node, True)
        private.invalidate(self)
        target = self.reveal(pointer, move=False)
        while target is None and pointer:
            pointer = parent_pointer(pointer) or ""
            target = self.reveal(pointer, move=False)
        self.focus_node(target or self.root)

    def _expanded_pointers(self) -> list[str]:
        """Pointers of the expanded nodes, parents before children."""
        found: list[str] = []
        stack = [self.root]
        while stack:
            node = stack.pop()
            if node.is_expanded and node.data is not None and node.data.kind == VALUE:
                found.append(node.data.pointer)
                stack.extend(reversed(node.children))
        return found

    # ------------------------------------------------------------------ rendering

    def render_label(self, node: TreeNode[NodeData], base_style: Style, style: Style) -> Text:
        data = node.data
        if self.analysis is None:
            label = Text(self.placeholder, style="dim")
        elif data is None or node is self.root and not self.analysis.readable:
            label = Text("unreadable input: no tree (see the issues)", style="bold red")
        else:
            label = node_label(
                data,
                self.index,
                expanded=node.is_expanded,
                match=data.pointer in self.matches,
                current_match=data.pointer == self.current_match and (data.kind == VALUE or data.kind in PLACEHOLDERS),
                shown=_payload_children(node) if self.filtered and data.loaded and node.is_expanded else None,
                spelling=self.spell(data.pointer) if needs_spelling(data.value) else None,
            )
        label.stylize(style)
        return tree_ops.with_icon(self, node, label, base_style)

    def get_label_width(self, node: TreeNode[NodeData]) -> int:
        # Tree measures every line's width on each rebuild; building each label's Text for that
        # made "expand all" on a big payload take seconds. An estimate is enough for scrolling.
        data = node.data
        if data is None or data.kind != VALUE:
            return 40
        key = data.key
        width = 4 + (len(str(key)) if key is not None else 7)
        value = data.value
        if isinstance(value, (dict, list)):
            return width + 30
        if isinstance(value, str):
            return width + min(len(value) + 2, VALUE_LIMIT) + 10
        return width + 20

    # ------------------------------------------------------------------ events and actions

    @on(Tree.NodeExpanded)
    def _load_on_expand(self, event: Tree.NodeExpanded[NodeData]) -> None:
        if self.load(event.node):
            private.invalidate(self)

    @on(Tree.NodeSelected)
    def _load_more_on_select(self, event: Tree.NodeSelected[NodeData]) -> None:
        data = event.node.data
        if data is not None and data.kind == MORE:
            event.stop()
            parent = event.node.parent
            if parent is None or parent.data is None:
                return
            start = parent.data.next_index
            self.load_more(event.node)
            private.invalidate(self)
            first = parent.children[start]
            self.focus_node(first)
            # The first new child takes the "more" line: the cursor's line number does not
            # change, so Tree says nothing and the details would still count what was loaded.
            self.post_message(Tree.NodeHighlighted(first))

    def action_collapse_or_parent(self) -> None:
        tree_ops.collapse_or_parent(self)

    def action_expand_or_child(self) -> None:
        tree_ops.expand_or_child(self, self.load)


def _payload_children(node: TreeNode[NodeData]) -> int:
    """Children of ``node`` that are nodes of the payload (not a note such as "no node matches")."""
    return sum(1 for child in node.children if child.data is not None and (child.data.kind == VALUE or child.data.kind in PLACEHOLDERS))


def _ancestors(node: TreeNode[NodeData]) -> Iterator[TreeNode[NodeData]]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent
