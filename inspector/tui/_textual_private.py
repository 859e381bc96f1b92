"""Every use of Textual's private API, in one place.

Checked against Textual 8.2.0 and 8.2.8 (``tests/tui`` and the snapshots pass on both), hence the
``textual>=8.2,<9`` pin in ``pyproject.toml``. Before widening it, read these functions against the
new ``textual/widgets/_tree.py`` and ``textual/app.py``, then run ``tests/tui`` (the snapshots and
the tree tests exercise all of them). Nothing else in the package may touch an underscore
attribute of a Textual object.

Why each is needed:

- ``set_expanded_quietly``: ``TreeNode.expand()``/``collapse()`` post one ``NodeExpanded`` /
  ``NodeCollapsed`` message per node, and ``expand_all()`` recurses through every node. "Expand
  all", "expand to level N", leaving a search and building a filtered tree change thousands of
  nodes of a big payload at once; a message each made them take seconds. The state is flipped
  (``TreeNode._expanded``) and the node's change counter bumped (``TreeNode._updates``, which the
  line cache keys on) instead, and the tree is invalidated once.
- ``invalidate``: after quiet changes the tree must drop its line cache and rebuild its lines
  once; ``Tree._invalidate()`` is what ``Tree`` itself calls after ``add``/``remove``, and there
  is no public equivalent.
- ``build_lines``: ``TreeNode.line`` is only current once the tree has rebuilt its lines, which
  it does lazily on idle; ``Tree._tree_lines`` builds them now so ``move_cursor`` lands on the
  node just revealed rather than on a stale line number.
- ``node_count``: how many nodes exist (``Tree._tree_nodes``), for ``benchmarks/tui.py``.
- ``notifications``: the toasts raised so far (``App._notifications``), for tests; ``notify``
  has no public read side.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.notifications import Notification
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

TESTED_WITH = ("8.2.0", "8.2.8")
"""Textual versions these functions were checked against."""


def set_expanded_quietly(node: TreeNode[Any], expanded: bool) -> bool:
    """Set ``node``'s expanded state without the per-node message; False when it already was.
    Call ``invalidate`` on the tree after a batch of these."""
    if node._expanded == expanded:
        return False
    node._expanded = expanded
    node._updates += 1
    return True


def invalidate(tree: Tree[Any]) -> None:
    """Drop the tree's line cache and re-render it once (after quiet changes)."""
    tree._invalidate()


def build_lines(tree: Tree[Any]) -> None:
    """Rebuild the tree's line index now, so every ``TreeNode.line`` is current."""
    tree._tree_lines  # noqa: B018 - the property builds the lines


def node_count(tree: Tree[Any]) -> int:
    """How many nodes the tree holds (shown or not)."""
    return len(tree._tree_nodes)


def notifications(app: App[Any]) -> list[Notification]:
    """The notifications the app has raised and not yet expired."""
    return list(app._notifications)
