"""Pretty-printing JSON text without re-serialising it.

``json.dumps(json.loads(text))`` is not the same document: ``1.10`` becomes ``1.1``, ``1e400``
becomes ``Infinity`` (not JSON), the first of two duplicate keys is dropped, ``\\u00e9`` turns
into ``é``. ``reindent`` only changes the white space between tokens, so every key and value is
written exactly as it was received.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+')


def reindent(text: str, indent: int = 2) -> str:
    """``text`` (one JSON document, already known to parse) laid out one member per line,
    indented by ``indent`` spaces; tokens are copied as written."""
    out: list[str] = []
    depth = 0
    tokens = [m.group() for m in _TOKEN.finditer(text)]
    n = len(tokens)
    i = 0
    while i < n:
        token = tokens[i]
        if token in ("{", "["):
            closer = "}" if token == "{" else "]"
            if i + 1 < n and tokens[i + 1] == closer:
                out.append(token + closer)  # an empty object or array stays on its line
                i += 2
                continue
            depth += 1
            out.append(token + "\n" + " " * (indent * depth))
        elif token in ("}", "]"):
            depth = max(0, depth - 1)
            out.append("\n" + " " * (indent * depth) + token)
        elif token == ",":
            out.append(",\n" + " " * (indent * depth))
        elif token == ":":
            out.append(": ")
        else:
            out.append(token)
        i += 1
    return "".join(out)
