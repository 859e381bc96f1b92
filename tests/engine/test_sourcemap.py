"""Pointer → source span: what the raw view highlights and how numbers were written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspector.engine.sourcemap import SourceMap

ROOT = Path(__file__).resolve().parents[2]


def test_scalars_keep_their_spelling() -> None:
    text = '{"a": 1.10, "b": [1e400, -0.0, "x\\"y"], "c": {"d/e": null, "f~g": true}}'
    sm = SourceMap(text)
    assert sm.source_of("/a") == "1.10"
    assert sm.source_of("/b/0") == "1e400"
    assert sm.source_of("/b/1") == "-0.0"
    assert sm.source_of("/b/2") == '"x\\"y"'
    assert sm.source_of("/c/d~1e") == "null"
    assert sm.source_of("/c/f~0g") == "true"
    assert sm.source_of("/b") == '[1e400, -0.0, "x\\"y"]'
    assert sm.source_of("") == text


def test_member_spans_start_at_the_key() -> None:
    text = '{\n  "holder": {\n    "id": "hold_1"\n  }\n}'
    sm = SourceMap(text)
    span = sm.span("/holder/id")
    assert span is not None and span.key_start is not None
    assert text[span.key_start : span.end] == '"id": "hold_1"'
    assert sm.line_col(span.start) == (3, 11)
    assert sm.span("/nope") is None and sm.span("/holder/id/x") is None


def test_duplicate_key_maps_to_the_one_kept() -> None:
    sm = SourceMap('{"id": "a", "id": "b"}')
    assert sm.source_of("/id") == '"b"'


def test_empty_containers_and_nesting() -> None:
    sm = SourceMap('[[], {}, [[1]], {"a": []}]')
    assert sm.source_of("/0") == "[]"
    assert sm.source_of("/1") == "{}"
    assert sm.source_of("/2/0/0") == "1"
    assert sm.source_of("/3/a") == "[]"


@pytest.mark.parametrize("text", ['{"a": ', '{"a" 1}', "]]]", '{"a": [1, }', ""])
def test_broken_text_never_raises(text: str) -> None:
    SourceMap(text)


def test_every_pointer_of_a_sample_maps_to_its_value() -> None:
    text = (ROOT / "samples" / "holder-assignment-created.envelope.json").read_text()
    sm = SourceMap(text)

    def walk(value: object, ptr: str) -> None:
        assert json.loads(sm.source_of(ptr) or "null") == value, ptr
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{ptr}/{k.replace('~', '~0').replace('/', '~1')}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{ptr}/{i}")

    walk(json.loads(text), "")
