"""JSON Pointer (RFC 6901) and jq-style paths: how every issue and node is addressed."""

from __future__ import annotations

import re
from typing import Any, Iterable, Union

Key = Union[str, int]
Path = tuple[Any, ...]  # a linked path: () for the root, else (parent_path, key)

_JQ_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def escape(token: Key) -> str:
    """One reference token: ``~`` becomes ``~0`` and ``/`` becomes ``~1``."""
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def to_pointer(keys: Iterable[Key]) -> str:
    return "".join("/" + escape(k) for k in keys)


def parse_pointer(pointer: str) -> list[str]:
    """Tokens of a pointer; ``""`` is the whole document."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"a JSON Pointer starts with '/': {pointer!r}")
    return [unescape(t) for t in pointer[1:].split("/")]


def path_keys(path: Path) -> list[Key]:
    """The keys of a linked path, root first."""
    keys: list[Key] = []
    while path:
        path, key = path
        keys.append(key)
    keys.reverse()
    return keys


def path_pointer(path: Path) -> str:
    return to_pointer(path_keys(path))


def to_jq(keys: Iterable[Key]) -> str:
    """A jq path such as ``.data.voucher["odd key"][0]``."""
    out = []
    for k in keys:
        if isinstance(k, int):
            out.append(f"[{k}]")
        elif _JQ_IDENT.match(k):
            out.append("." + k)
        else:
            out.append("[" + _json_str(k) + "]")
    return "".join(out) or "."


def pointer_to_jq(pointer: str, doc: Any = None) -> str:
    """jq path of a pointer; array indexes are numbers where ``doc`` shows an array there."""
    keys: list[Key] = []
    node = doc
    for tok in parse_pointer(pointer):
        if isinstance(node, list) and tok.isdigit():
            idx = int(tok)
            keys.append(idx)
            node = node[idx] if idx < len(node) else None
        else:
            keys.append(tok)
            node = node.get(tok) if isinstance(node, dict) else None
    return to_jq(keys)


def resolve(doc: Any, pointer: str) -> Any:
    """The value at ``pointer``; KeyError when there is none."""
    node = doc
    for tok in parse_pointer(pointer):
        if isinstance(node, dict):
            if tok not in node:
                raise KeyError(pointer)
            node = node[tok]
        elif isinstance(node, list):
            if not tok.isdigit() or int(tok) >= len(node):
                raise KeyError(pointer)
            node = node[int(tok)]
        else:
            raise KeyError(pointer)
    return node


def _json_str(s: str) -> str:
    import json

    return json.dumps(s, ensure_ascii=False)


def set_value(doc: Any, pointer: str, value: Any) -> Any:
    """``doc`` with the value at ``pointer`` set to ``value`` (changed in place; the new document
    is returned because ``""`` replaces the whole of it).

    An object member is replaced or added, and missing objects on the way are created (a test
    payload often needs a new ``metadata`` key two levels down); an array element is replaced,
    and ``-`` appends. ValueError, saying where, for anything else: an index past the end, a
    token that is not an index in an array, a scalar on the way.
    """
    tokens = parse_pointer(pointer)
    if not tokens:
        return value
    node = doc
    for depth, tok in enumerate(tokens):
        last = depth == len(tokens) - 1
        where = to_pointer(tokens[: depth + 1])
        if isinstance(node, dict):
            if last:
                node[tok] = value
            else:
                if tok not in node:
                    node[tok] = {}
                node = node[tok]
        elif isinstance(node, list):
            if tok == "-":
                if not last:
                    raise ValueError(f"{where}: '-' (append) can only be the last token")
                node.append(value)
            elif tok.isdigit() and (tok == "0" or not tok.startswith("0")):
                idx = int(tok)
                if idx >= len(node):
                    raise ValueError(
                        f"{where}: index {idx} is past the end of an array of {len(node)} (use '-' to append)"
                    )
                if last:
                    node[idx] = value
                else:
                    node = node[idx]
            else:
                raise ValueError(f"{where}: {tok!r} is not an array index (a number, or '-' to append)")
        else:
            parent = to_pointer(tokens[:depth]) or "the payload"
            raise ValueError(f"{where}: {parent} is not an object or array")
    return doc
