"""Make hostile text visible: payload keys and values never reach a terminal raw."""

from __future__ import annotations

import json
import re
from typing import Any

# C0/C1 controls, DEL, and the format characters that reorder or hide text (bidi overrides,
# zero-width joiners, BOM), and lone surrogates (a JSON "\ud800", or a header byte that is not
# UTF-8, kept as U+DC80-U+DCFF): no terminal can be sent those. Each is shown as an escape.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]"
)

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e"}


def _escape_char(m: re.Match[str]) -> str:
    ch = m.group(0)
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, kept by surrogateescape: show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control or invisible formatting character replaced by an escape."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escape_char, text)


def json_scalar(value: Any, limit: int = 0) -> str:
    """A JSON rendering of a scalar (strings quoted), made visible and optionally cut to
    ``limit`` characters with an ellipsis."""
    if isinstance(value, str):
        text = '"' + visible(value.replace("\\", "\\\\").replace('"', '\\"')) + '"'
    elif value is None:
        text = "null"
    elif value is True:
        text = "true"
    elif value is False:
        text = "false"
    elif isinstance(value, float):
        text = json.dumps(value) if value == value and value not in (float("inf"), float("-inf")) else repr(value)
    else:
        text = str(value)
    if limit and len(text) > limit:
        text = text[: max(1, limit - 1)] + "…"
    return text


def short(value: Any, limit: int = 60) -> str:
    """A short, safe description of any JSON value for messages."""
    if isinstance(value, dict):
        return f"object with {len(value)} key{'s' if len(value) != 1 else ''}"
    if isinstance(value, list):
        return f"array of {len(value)} item{'s' if len(value) != 1 else ''}"
    return json_scalar(value, limit)



def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes (wide East Asian characters two, combining marks none):
    enough to put a caret under a column of text already made ``visible``."""
    if text.isascii():
        return len(text)
    import unicodedata

    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width
