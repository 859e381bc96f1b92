"""Every keyword Voucherify's specs use is checked: maps typed by ``additionalProperties``,
``pattern`` (ECMA-262), sizes of arrays, objects and text, and the ``time`` format."""

from __future__ import annotations

from typing import Any

import pytest

from inspector.engine.describe import describe
from inspector.engine.ecmaregex import compile_pattern, translate
from inspector.engine.schema import Schema, from_json_schema
from inspector.engine.validation import validate


def check(schema: dict[str, Any], value: Any) -> set[tuple[str, str, str]]:
    return {(i.severity, i.code, i.pointer) for i in validate(from_json_schema(schema), value)}


def errors(schema: dict[str, Any], value: Any) -> set[tuple[str, str]]:
    return {(i.code, i.pointer) for i in validate(from_json_schema(schema), value) if i.severity == "error"}


MAPPING = {
    "type": "object",
    "properties": {
        "earning_rules": {"type": "object", "additionalProperties": {"$ref": "#/$defs/MappingPoints"}},
    },
    "$defs": {
        "MappingPoints": {
            "title": "MappingPoints",
            "oneOf": [{"$ref": "#/$defs/MappingMultiply"}, {"$ref": "#/$defs/MappingFixed"}],
        },
        "MappingMultiply": {
            "title": "MappingMultiply",
            "type": "object",
            "properties": {"type": {"type": "string", "enum": ["MULTIPLY"]}, "multiplier": {"type": "number"}},
        },
        "MappingFixed": {
            "title": "MappingFixed",
            "type": "object",
            "properties": {"type": {"type": "string", "enum": ["CUSTOM"]}, "points": {"type": "integer"}},
        },
    },
}


def test_map_values_follow_their_schema() -> None:
    assert errors({"type": "object", "additionalProperties": {"type": "integer"}}, {"k": "str", "j": 1}) == {("type", "/k")}
    assert errors({"type": "object", "additionalProperties": {"type": "integer"}}, {"k": 1}) == set()


def test_map_values_under_one_of_are_validated_and_described() -> None:
    payload = {
        "earning_rules": {
            "ern_1": {"type": "MULTIPLY_BOGUS"},
            "ern_2": {"type": "CUSTOM", "points": 5},
            "ern_3": {"type": "MULTIPLY", "multiplier": "x"},
        }
    }
    assert errors(MAPPING, payload) == {("discriminator", "/earning_rules/ern_1/type"), ("type", "/earning_rules/ern_3/multiplier")}
    root = from_json_schema(MAPPING)
    doc = describe(root, payload, "/earning_rules/ern_2")
    assert doc.listed and doc.map_schema is not None and doc.map_schema.label == "MappingPoints"
    assert doc.map_note == "a value of the map earning_rules: every value there follows MappingPoints"
    assert (doc.variant, doc.variant_how) == ("MappingFixed", 'type="CUSTOM"')
    assert describe(root, payload, "/earning_rules/ern_2/points").listed


@pytest.mark.parametrize(
    "additional",
    [
        {"allOf": [{"type": "object", "properties": {"n": {"type": "integer"}}}, {"required": ["n"]}]},
        {"$ref": "#/$defs/N"},
    ],
)
def test_map_values_under_all_of_and_ref(additional: dict[str, Any]) -> None:
    schema = {
        "type": "object",
        "additionalProperties": additional,
        "$defs": {"N": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}}},
    }
    assert errors(schema, {"a": {"n": 1}, "b": {}, "c": {"n": "x"}}) == {("required", "/b/n"), ("type", "/c/n")}


def test_declared_fields_beside_a_map_keep_their_own_schema() -> None:
    schema = {"type": "object", "properties": {"name": {"type": "string"}}, "additionalProperties": {"type": "integer"}}
    assert errors(schema, {"name": "x", "k": 1}) == set()
    assert errors(schema, {"name": 1, "k": "x"}) == {("type", "/name"), ("type", "/k")}


def test_free_form_objects_stay_free() -> None:
    assert check({"type": "object"}, {"anything": {"goes": [1, "x"]}}) == set()
    assert check({"type": "object", "additionalProperties": True}, {"a": 1}) == set()


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ({"s": "balance"}, set()),
        ({"s": "a balance here"}, set()),  # JSON Schema patterns are not anchored
        ({"s": "credit"}, {("pattern", "/s")}),
    ],
)
def test_pattern(value: dict[str, Any], found: set[tuple[str, str]]) -> None:
    assert errors({"type": "object", "properties": {"s": {"type": "string", "pattern": "balance"}}}, value) == found


@pytest.mark.parametrize(
    ("pattern", "good", "bad"),
    [
        (r"^\d{3}$", "123", "123\n"),  # $ is the end of the input, not "before a final newline"
        (r"^\d+$", "42", "٤٢"),  # \d is ASCII only
        (r"^\w+$", "abc_1", "é"),
        (r"^\s$", "\u00a0", "x"),  # \s is Unicode white space
        (r"^a.b$", "a-b", "a\u2028b"),  # . stops at every line terminator
        (r"^(?<y>\d\d)-\k<y>$", "12-12", "12-13"),
        (r"^[^]$", "\n", ""),
        (r"^\u{1F600}$", "\U0001f600", "x"),
        (r"^\cJ$", "\n", "J"),
        (r"^[\d-]+$", "1-2", "a"),
        (r"^[[]$", "[", "]"),
        (r"^a\/b$", "a/b", "ab"),
    ],
)
def test_ecma_patterns_mean_what_javascript_makes_of_them(pattern: str, good: str, bad: str) -> None:
    compiled = compile_pattern(pattern)
    assert compiled.regex is not None, compiled.reason
    assert compiled.regex.search(good) and not compiled.regex.search(bad)


def test_empty_class_matches_nothing() -> None:
    compiled = compile_pattern("a[]")
    assert compiled.regex is not None and not compiled.regex.search("a") and not compiled.regex.search("a]")


@pytest.mark.parametrize("pattern", [r"(?<=a+)b", r"\p{L}", "[abc", "a\\", r"\u{110000}", r"(?<n>a)\k<n"])
def test_a_pattern_python_cannot_compile_is_an_info_never_a_crash(pattern: str) -> None:
    compiled = compile_pattern(pattern)
    assert compiled.regex is None and compiled.reason
    found = validate(from_json_schema({"type": "object", "properties": {"s": {"type": "string", "pattern": pattern}}}), {"s": "x"})
    assert [(i.severity, i.code, i.pointer) for i in found] == [("info", "pattern.unsupported", "/s")]


def test_translation_leaves_plain_text_alone() -> None:
    assert translate("loyalty_points_bucket") == "loyalty_points_bucket"


SIZES = {
    "type": "object",
    "properties": {
        "ids": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        "one": {"type": "array", "maxItems": 1},
        "rule": {"type": "object", "maxProperties": 1, "properties": {"name": {"type": "string"}, "other": {}}},
        "free": {"type": "object", "maxProperties": 1, "minProperties": 1},
        "code": {"type": "string", "minLength": 2, "maxLength": 4},
    },
}


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("ids", [], "min-items"),
        ("one", [1, 2], "max-items"),
        ("rule", {"name": "a", "other": 1}, "max-properties"),
        ("free", {"a": 1, "b": 2}, "max-properties"),
        ("free", {}, "min-properties"),
        ("code", "a", "min-length"),
        ("code", "abcde", "max-length"),
    ],
)
def test_sizes_out_of_bounds_are_errors_with_their_own_code(field: str, value: Any, code: str) -> None:
    assert errors(SIZES, {field: value}) == {(code, f"/{field}")}


@pytest.mark.parametrize(
    ("field", "value"),
    [("ids", ["a"]), ("ids", ["a", "b"]), ("one", []), ("one", [1]), ("rule", {"name": "a"}), ("free", {"a": 1}),
     ("code", "ab"), ("code", "abcd"), ("code", "\U0001f600\U0001f600")],
)
def test_sizes_in_bounds_pass(field: str, value: Any) -> None:
    assert errors(SIZES, {field: value}) == set()


def test_size_messages_say_expected_and_found() -> None:
    [issue] = validate(from_json_schema(SIZES), {"ids": []})
    assert issue.message == "expected at least 1 item, found 0"


@pytest.mark.parametrize("good", ["12:00", "00:00", "23:59", "12:00:00", "12:00:00.250", "12:00:00Z", "12:00+02:00", "23:59:60"])
def test_time_format_valid(good: str) -> None:
    assert errors({"type": "string", "format": "time"}, good) == set()


@pytest.mark.parametrize("bad", ["24:00", "12", "12:60", "noon", "12:00:00+2", "2024-01-01T12:00:00Z", "12:00 "])
def test_time_format_invalid(bad: str) -> None:
    assert errors({"type": "string", "format": "time"}, bad) == {("format.time", "")}


def test_keywords_behind_all_of_are_kept() -> None:
    schema = {"allOf": [{"type": "string", "pattern": "^a"}, {"maxLength": 2}]}
    assert errors(schema, "abc") == {("max-length", "")}
    assert errors(schema, "b") == {("pattern", "")}


def test_a_node_of_several_types_keeps_its_keywords() -> None:
    schema = {"type": ["string", "array"], "maxLength": 1, "maxItems": 1}
    assert errors(schema, "ab") == {("max-length", "")}
    assert errors(schema, [1, 2]) == {("max-items", "")}


def test_malformed_bounds_are_ignored() -> None:
    s: Schema = from_json_schema({"type": "array", "minItems": "1", "maxItems": -1})
    assert (s.min_items, s.max_items) == (None, None)
