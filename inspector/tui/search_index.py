"""What a search of the tree compares, made once per payload so each query is a scan of two
long strings (``str.find``, C speed) instead of a walk of every node in Python.

A node matches a query (case-insensitive) when its key or its scalar value contains it, or when
its path does where its parent's path does not (``holder/id`` finds that node; the nodes below
a node found by path are found by opening it, not listed one by one). A query that starts with
``.`` is also read as a jq path (``.data.holder.id``, ``.items[0]``), as the details show them.
Missing required fields (ghosts) match by key or path and come after their parent's children,
where the tree shows them. Matches come in tree order, at most ``limit``.

On a 5 MB payload (≈ 150,000 nodes) the index takes a few hundred milliseconds to build, on a
worker thread, and a query a few milliseconds.
"""

from __future__ import annotations

import bisect
import re
from typing import Any, Callable, Final, Iterator, Mapping, Optional, Sequence

from inspector.engine.pointer import escape, parse_pointer, to_pointer
from inspector.engine.textsafe import json_scalar
from inspector.tui.nodes import needs_spelling, scalar_text

SEARCH_LIMIT = 5000

SEP: Final = "\x00"
"""Ends each node's text in the haystacks (and parts it from its value), so no match spans
two; a query holding it finds nothing."""

Spell = Callable[[str], Optional[str]]

_JQ_STEP = re.compile(r'\.?\[(\d+)\]|\.?\["((?:[^"\\]|\\.)*)"\]|\.([A-Za-z_][A-Za-z0-9_]*)')


def jq_path_query(query: str) -> Optional[str]:
    """The pointer-form path a jq-style query names, for path matching: ``.data.holder.id`` is
    ``/data/holder/id``, ``.items[0]`` ``/items/0``, ``.["odd key"]`` ``/odd key`` (escaped);
    what is still being typed is kept as the last segment (``.data.hol`` is ``/data/hol``).
    None for a query that is not a jq path."""
    if not query.startswith(".") or query == ".":
        return None
    keys: list[str | int] = []
    pos = 0
    while pos < len(query):
        m = _JQ_STEP.match(query, pos)
        if m is None:
            break
        index, quoted, name = m.groups()
        if index is not None:
            keys.append(int(index))
        elif quoted is not None:
            keys.append(quoted.replace('\\"', '"').replace("\\\\", "\\"))
        else:
            keys.append(name)
        pos = m.end()
    path = to_pointer(keys)
    rest = query[pos:]
    if rest:
        partial = rest.lstrip(".").lstrip("[").lstrip('"').rstrip("]").rstrip('"')
        path += "/" + escape(partial)
    return path


class SearchIndex:
    """The nodes of one payload in tree order: for each, its parent, its path segment, where
    its subtree ends, and the casefolded text of its key and value. Pointers are made for the
    nodes a query finds (and all of them on the first path query)."""

    def __init__(self, payload: Any, spell: Optional[Spell] = None) -> None:
        self.segments: list[str] = []
        self.parent: list[int] = []
        """Index of each node's parent (-1: the payload itself)."""
        self.end: list[int] = []
        """One past the index of each node's last descendant."""
        texts: list[str] = []
        if isinstance(payload, (dict, list)):
            self._walk(payload, texts, spell)
        self.count = len(self.segments)
        joined = SEP.join(texts) + SEP
        if joined.isascii():
            # One pass in C; ASCII lowercases to the same length, so offsets hold.
            self.haystack = joined.lower()
        else:
            texts = [t.casefold() for t in texts]
            self.haystack = SEP.join(texts) + SEP
        # Node i's text (its key, and its value for a scalar, parted by SEP) is
        # haystack[starts[i]:starts[i + 1] - 1], followed by SEP.
        self.starts = _starts(texts)
        self._pointers: dict[int, str] = {}
        self._paths: Optional[tuple[str, list[int], list[int]]] = None

    def _walk(self, payload: Any, texts: list[str], spell: Optional[Spell]) -> None:
        segments, parents, ends = self.segments, self.parent, self.end
        add_text, add_segment, add_parent, add_end = texts.append, segments.append, parents.append, ends.append
        # One frame per open container: (its index, its items); iterators, so the leaves (most
        # of a payload) are never pushed.
        frames: list[tuple[int, Iterator[tuple[Any, Any]]]] = [(-1, _items(payload))]
        while frames:
            owner, items = frames[-1]
            for key, value in items:
                segment = key if type(key) is str else str(key)
                text = segment
                if "~" in segment or "/" in segment:
                    segment = escape(segment)
                    text += SEP + segment  # the key as its path writes it (a~1b) matches too
                index = len(segments)
                add_segment(segment)
                add_parent(owner)
                add_end(index + 1)
                kind = type(value)
                if kind is dict or kind is list:
                    add_text(text)
                    if value:
                        frames.append((index, _items(value)))
                        break
                    continue
                if kind is str:
                    add_text(text + SEP + value)
                elif spell is not None and needs_spelling(value):
                    add_text(text + SEP + scalar_text(value, 0, spell(self.pointer(index))))
                else:
                    add_text(text + SEP + json_scalar(value))
            else:
                frames.pop()
                if owner >= 0:
                    ends[owner] = len(segments)

    def pointer(self, index: int) -> str:
        """The JSON Pointer of node ``index``."""
        known = self._pointers.get(index)
        if known is None:
            path: list[str] = []
            at = index
            while at >= 0:  # no recursion: payloads can be deep
                path.append(self.segments[at])
                at = self.parent[at]
            known = "/" + "/".join(reversed(path))
            self._pointers[index] = known
        return known

    def _path_haystack(self) -> tuple[str, list[int], list[int]]:
        """Every pointer, casefolded, one after another; where each starts; how long its
        parent's pointer is (a path match must end past it). Made on the first path query."""
        if self._paths is None:
            folded: list[str] = []
            for index, segment in enumerate(self.segments):
                parent = self.parent[index]
                folded.append((folded[parent] if parent >= 0 else "") + "/" + segment.casefold())
            starts = _starts(folded)
            parent_len = [len(folded[p]) if p >= 0 else 0 for p in self.parent]
            self._paths = (SEP.join(folded) + SEP, starts, parent_len)
        return self._paths

    def find(self, query: str, limit: int = SEARCH_LIMIT, ghosts: Optional[Mapping[str, Sequence[str]]] = None) -> list[str]:
        """Pointers of the nodes matching ``query``, in tree order, at most ``limit``; ``ghosts``
        (parent pointer to keys the payload lacks and the tree shows: missing required fields,
        absent documented ones) match too."""
        q = query.casefold()
        if not q or SEP in q:
            return []
        path = jq_path_query(query)
        path_q = path.casefold() if path is not None else q
        hits = self._text_hits(q, limit)
        if "/" in path_q:
            # A path match that is not also a key or value match needs a "/" in the query: a
            # query without one matches a path only inside one key, which the key match finds.
            hits = sorted(set(hits) | set(self._path_hits(path_q, limit)))[:limit]
        found = [self.pointer(i) for i in hits]
        if ghosts:
            found = self._with_ghosts(found, hits, q, path_q, limit, ghosts)
        return found

    def _text_hits(self, q: str, limit: int) -> list[int]:
        hay, starts = self.haystack, self.starts
        hits: list[int] = []
        pos = hay.find(q)
        while pos >= 0 and len(hits) < limit:
            i = bisect.bisect_right(starts, pos) - 1
            hits.append(i)
            pos = hay.find(q, starts[i + 1])
        return hits

    def _path_hits(self, q: str, limit: int) -> list[int]:
        hay, starts, parent_len = self._path_haystack()
        hits: list[int] = []
        pos = hay.find(q)
        while pos >= 0 and len(hits) < limit:
            i = bisect.bisect_right(starts, pos) - 1
            if pos + len(q) > starts[i] + parent_len[i]:
                hits.append(i)
                nxt = self.end[i]  # below a match, paths match through it: not listed
            else:
                # The parent's path holds the query: so do all its descendants'.
                parent = self.parent[i]
                nxt = self.end[parent] if parent >= 0 else self.count
            if nxt >= self.count:
                break
            pos = hay.find(q, starts[nxt])
        return hits

    def _with_ghosts(
        self, found: list[str], hits: list[int], q: str, path_q: str, limit: int, ghosts: Mapping[str, Sequence[str]]
    ) -> list[str]:
        """``found`` with the matching ghosts put after their parent's last descendant."""
        extra: list[tuple[int, str]] = []
        tail = len(path_q)
        for parent, keys in ghosts.items():
            if parent == "":
                after = self.count
            else:
                at = self._index_of(parent)
                if at is None:
                    continue
                after = self.end[at]
            parent_hit = path_q in parent.casefold()
            for key in keys:
                segment = escape(key)
                if q in key.casefold() or (not parent_hit and path_q in (parent[-tail:] + "/" + segment).casefold()):
                    extra.append((after, parent + "/" + segment))
        if not extra:
            return found
        # Node i sorts at 2i; a ghost after node i's subtree at 2 * end - 1, and where several
        # subtrees end together, the deepest one's ghosts first.
        ordered = sorted(
            [(2 * i, 0, p) for i, p in zip(hits, found)] + [(2 * after - 1, -p.count("/"), p) for after, p in extra]
        )
        return [p for _, _, p in ordered][:limit]

    def _index_of(self, pointer: str) -> Optional[int]:
        """The node at ``pointer`` (a ghost's parent), found down its path."""
        index = -1
        try:
            tokens = parse_pointer(pointer)
        except ValueError:
            return None
        for token in tokens:
            segment = escape(token)
            child = index + 1
            stop = self.end[index] if index >= 0 else self.count
            while child < stop and self.segments[child] != segment:
                child = self.end[child]
            if child >= stop:
                return None
            index = child
        return index if index >= 0 else None


def search(
    payload: Any,
    query: str,
    limit: int = SEARCH_LIMIT,
    ghosts: Optional[Mapping[str, Sequence[str]]] = None,
) -> list[str]:
    """``SearchIndex(payload).find(query, limit, ghosts)``, for a single query."""
    return SearchIndex(payload).find(query, limit, ghosts)


def _items(value: dict[str, Any] | list[Any]) -> Iterator[tuple[Any, Any]]:
    return iter(value.items()) if isinstance(value, dict) else enumerate(value)


def _starts(texts: list[str]) -> list[int]:
    """Where each text starts once joined with SEP, and one past the end."""
    starts = [0] * (len(texts) + 1)
    at = 0
    for i, text in enumerate(texts):
        starts[i] = at
        at += len(text) + 1
    starts[-1] = at
    return starts

