"""JSON Schema ``pattern`` values (ECMA-262 regular expressions) as Python ``re`` patterns.

A spec's pattern means what JavaScript makes of it. Where Python's ``re`` reads the same text
differently, the text is rewritten: ``\\d`` and ``\\w`` are ASCII only, ``\\s`` is Unicode white
space, ``.`` stops at every line terminator, ``$`` is the end of the input (never "before a final
newline"), ``(?<name>`` and ``\\k<name>`` are named groups, ``\\u{...}`` and ``\\cX`` escapes,
``[^]`` matches anything and ``[]`` nothing. A pattern that ``re`` still cannot compile (a
lookbehind of varying length, an escape Python does not know) is reported, not guessed at.
"""

from __future__ import annotations

import functools
import re
import warnings
from dataclasses import dataclass
from typing import Optional

# ECMA-262 WhiteSpace and LineTerminator code points (what \s matches there).
_SPACE = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
_OUTSIDE = {
    "d": "[0-9]",
    "D": "[^0-9]",
    "w": "[A-Za-z0-9_]",
    "W": "[^A-Za-z0-9_]",
    "s": f"[{_SPACE}]",
    "S": f"[^{_SPACE}]",
}
_INSIDE = {"d": "0-9", "w": "A-Za-z0-9_", "s": _SPACE}
_DOT = "[^\\n\\r\\u2028\\u2029]"


class Unsupported(ValueError):
    """An ECMA-262 construct this translation does not carry over."""


@dataclass(frozen=True)
class CompiledPattern:
    """A spec pattern and its Python form; ``regex`` is None when it cannot be used, and
    ``reason`` then says why."""

    source: str
    regex: Optional[re.Pattern[str]]
    reason: str = ""


def translate(pattern: str) -> str:
    """The Python ``re`` text that matches what ``pattern`` matches in JavaScript."""
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            if i + 1 >= n:
                raise Unsupported("the pattern ends with a lone backslash")
            nxt = pattern[i + 1]
            i += 2
            if nxt in _OUTSIDE:
                if in_class:
                    out.append(_INSIDE.get(nxt, "\\" + nxt))
                else:
                    out.append(_OUTSIDE[nxt])
            elif nxt == "u" and i < n and pattern[i] == "{":
                end = pattern.find("}", i)
                digits = pattern[i + 1 : end] if end > 0 else ""
                if not digits or any(c not in "0123456789abcdefABCDEF" for c in digits) or int(digits, 16) > 0x10FFFF:
                    raise Unsupported(f"bad code point escape \\u{{{digits}}}")
                out.append(f"\\U{int(digits, 16):08x}")
                i = end + 1
            elif nxt == "c" and i < n and pattern[i].isascii() and pattern[i].isalpha():
                out.append(f"\\x{ord(pattern[i]) % 32:02x}")
                i += 1
            elif nxt == "k" and i < n and pattern[i] == "<":
                end = pattern.find(">", i)
                if end < 0:
                    raise Unsupported("unterminated \\k<name>")
                out.append(f"(?P={pattern[i + 1 : end]})")
                i = end + 1
            elif nxt == "/":
                out.append("/")
            else:
                out.append("\\" + nxt)
            continue
        if in_class:
            if ch == "]":
                in_class = False
                out.append(ch)
            elif ch in "[&~|":
                out.append("\\" + ch)  # literal in ECMA; set operators (or warnings) in Python
            else:
                out.append(ch)
            i += 1
            continue
        if ch == "[":
            if pattern.startswith("[^]", i):
                out.append("[\\s\\S]")
                i += 3
                continue
            if pattern.startswith("[]", i):
                out.append("(?!)")
                i += 2
                continue
            in_class = True
            out.append("[")
            i += 1
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            continue
        if ch == "(" and pattern.startswith("(?<", i) and not pattern.startswith(("(?<=", "(?<!"), i):
            out.append("(?P<")
            i += 3
            continue
        if ch == "$":
            out.append("\\Z")
        elif ch == ".":
            out.append(_DOT)
        else:
            out.append(ch)
        i += 1
    if in_class:
        raise Unsupported("a character class is not closed")
    return "".join(out)


@functools.lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> CompiledPattern:
    """The compiled form of a spec pattern (cached: specs repeat theirs across components)."""
    try:
        text = translate(pattern)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return CompiledPattern(pattern, re.compile(text, re.ASCII))
    except Unsupported as exc:
        return CompiledPattern(pattern, None, str(exc))
    except (re.error, OverflowError, RecursionError, ValueError) as exc:
        return CompiledPattern(pattern, None, f"Python's re cannot compile it ({exc})")
