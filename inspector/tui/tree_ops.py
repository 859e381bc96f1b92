"""Expanding and collapsing a Textual ``Tree`` in bulk without a message per node, and moving
its cursor to a node just revealed: shared by the payload tree and the docs tree.

``TreeNode.expand()``/``collapse()`` post one message per node; "expand all" on thousands of
nodes made of that takes seconds. The state is flipped quietly and the tree invalidated once
(``_textual_private``)."""

from __future__ import annotations

from typing import Callable, Final, TypeVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from inspector.tui import _textual_private as private

T = TypeVar("T")


def collapse_quietly(tree: Tree[T]) -> None:
    """Collapse every node (the caller invalidates the tree)."""
    stack = [tree.root]
    while stack:
        node = stack.pop()
        if private.set_expanded_quietly(node, False):
            stack.extend(node.children)


def expand_bfs(
    tree: Tree[T],
    *,
    load: Callable[[TreeNode[T]], int],
    wanted: Callable[[TreeNode[T]], bool],
    budget: int,
) -> bool:
    """Expand, level by level from the root, every expandable node ``wanted`` says yes to,
    loading its children with ``load`` (which returns how many it added), until ``budget``
    nodes have been created. Returns True when the budget stopped it."""
    created = 0
    frontier = [tree.root]
    hit = False
    while frontier:
        following: list[TreeNode[T]] = []
        for node in frontier:
            if node.data is None or not node.allow_expand or not wanted(node):
                continue
            if created >= budget:
                hit = True
                frontier = []
                break
            created += load(node)
            private.set_expanded_quietly(node, True)
            following.extend(node.children)
        else:
            frontier = following
    private.invalidate(tree)
    return hit


def focus_node(tree: Tree[T], node: TreeNode[T]) -> None:
    """Put the cursor on ``node`` and scroll it into view."""
    private.build_lines(tree)  # so node.line is current
    tree.move_cursor(node, animate=False)
    tree.scroll_to_node(node, animate=False)


TREE_BINDINGS: Final[list[BindingType]] = [
    Binding("j", "cursor_down", "Down", show=False),
    Binding("k", "cursor_up", "Up", show=False),
    Binding("h,left", "collapse_or_parent", "Collapse / parent", show=False),
    Binding("l,right", "expand_or_child", "Expand / child", show=False),
    Binding("g,home", "scroll_home", "First node", show=False),
    Binding("G,end", "scroll_end", "Last node", show=False),
]
"""The keys of both trees: vim and arrows; ``h``/``l`` collapse or go up, expand or go down."""


def collapse_or_parent(tree: Tree[T]) -> None:
    """``h``: collapse the node under the cursor, or move to its parent."""
    node = tree.cursor_node
    if node is None:
        return
    if node.is_expanded and node.allow_expand:
        node.collapse()
    elif node.parent is not None:
        focus_node(tree, node.parent)


def expand_or_child(tree: Tree[T], load: Callable[[TreeNode[T]], int]) -> None:
    """``l``: expand the node under the cursor (loading its children), or move to its first child."""
    node = tree.cursor_node
    if node is None or not node.allow_expand:
        return
    if not node.is_expanded:
        load(node)
        node.expand()
    elif node.children:
        focus_node(tree, node.children[0])


def with_icon(tree: Tree[T], node: TreeNode[T], label: Text, base_style: Style) -> Text:
    """``label`` after the node's expand/collapse icon, as ``Tree.render_label`` draws it."""
    if node.allow_expand:
        prefix = (tree.ICON_NODE_EXPANDED if node.is_expanded else tree.ICON_NODE, base_style + Style(dim=True))
    else:
        prefix = ("", base_style)
    return Text.assemble(prefix, label)
