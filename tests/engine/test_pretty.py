"""reindent: pretty-printed JSON text with every token as written."""

from __future__ import annotations

import json
from typing import Any

import pytest

from inspector.engine.pretty import reindent


@pytest.mark.parametrize(
    "value",
    [
        {"a": [1, 2, {"b": None, "c": [], "d": {}}], "e": "x, y: {z}", "f": True, "g": "\"q\\\""},
        [],
        {},
        "text",
        [[[]], [{}], {"deep": {"er": [1.5, -2e-3]}}],
    ],
)
def test_plain_json_comes_out_as_json_dumps_indent_2(value: Any) -> None:
    assert reindent(json.dumps(value)) == json.dumps(value, indent=2)
    assert reindent(json.dumps(value, indent=4)) == json.dumps(value, indent=2)


def test_spellings_a_reserialisation_changes_are_kept() -> None:
    text = '{"n": 1.10,"big":1e400 , "k":1,"k":2, "s":"\\u00e9\\/", "u": "日本"}'
    out = reindent(text)
    assert out == '{\n  "n": 1.10,\n  "big": 1e400,\n  "k": 1,\n  "k": 2,\n  "s": "\\u00e9\\/",\n  "u": "日本"\n}'
