"""What the docs say about any node of a payload, addressed by JSON Pointer.

The lookup follows the payload itself, so array items resolve to the item schema and a ``oneOf``
(the discount variants) resolves to the branch the validator picked for that value.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Optional

from inspector.engine.pointer import escape, parse_pointer
from inspector.engine.schema import MISSING, Schema
from inspector.engine.textsafe import visible
from inspector.engine.validation import choose_variant

_ABSENT = object()


@dataclass
class FieldDoc:
    """The docs' word on one node. ``listed`` is False when the docs do not list it; ``reason``
    then says why (an unknown field, a key inside free-form metadata, no schema at all).
    ``map_schema`` is set for a value under a key the docs leave open but type
    (``additionalProperties: {schema}``): every such value of the map ``map_name`` follows it."""

    pointer: str
    listed: bool
    schema: Optional[Schema] = None
    required: Optional[bool] = None
    parent: Optional[str] = None
    variant: Optional[str] = None
    variant_how: str = ""
    reason: str = ""
    map_schema: Optional[Schema] = None
    map_name: str = ""

    @property
    def map_note(self) -> str:
        """For a map value: which schema every value of its map follows, in words."""
        if self.map_schema is None:
            return ""
        return f"a value of the map {self.map_name or 'object'}: every value there follows {self.map_schema.label}"

    @property
    def description(self) -> Optional[str]:
        return self.schema.description if self.schema is not None else None

    @property
    def type_label(self) -> str:
        return self.schema.type_label if self.schema is not None else ""

    @property
    def nullable(self) -> bool:
        return bool(self.schema and self.schema.nullable)

    @property
    def enum(self) -> Optional[tuple[Any, ...]]:
        return self.schema.enum if self.schema is not None else None

    @property
    def example(self) -> Any:
        return self.schema.example if self.schema is not None else MISSING

    @property
    def format(self) -> Optional[str]:
        return self.schema.format if self.schema is not None else None

    @property
    def title(self) -> Optional[str]:
        return self.schema.title if self.schema is not None else None


def _step(value: Any, token: str) -> Any:
    if isinstance(value, dict):
        return value.get(token, _ABSENT)
    if isinstance(value, list) and token.isdigit() and int(token) < len(value):
        return value[int(token)]
    return _ABSENT


def _settle(schema: Schema, value: Any) -> tuple[Schema, Optional[str], str]:
    """The variant of a union that ``value`` reads as (the schema itself otherwise)."""
    if not schema.variants or value is _ABSENT or value is None:
        return schema, None, ""
    chosen, how, _bad = choose_variant(schema, value)
    if chosen is None:
        return schema, None, ""
    return chosen, chosen.label, how


def describe(root: Optional[Schema], payload: Any, pointer: str) -> FieldDoc:
    """The docs' description of the node at ``pointer`` in ``payload`` under schema ``root``.

    Works for missing fields too (a ghost node of a required field that is absent)."""
    if root is None:
        return FieldDoc(pointer, False, reason="no schema is known for this payload's event type")
    tokens = parse_pointer(pointer)
    schema: Schema = root
    value: Any = payload
    required: Optional[bool] = None
    parent: Optional[str] = None
    map_schema: Optional[Schema] = None
    map_name = ""
    for i, token in enumerate(tokens):
        container, _, _ = _settle(schema, value)
        parent = container.label
        child_value = _step(value, token)
        child: Optional[Schema] = None
        map_schema = None
        if token in container.properties and not isinstance(value, list):
            child = container.properties[token]
            required = token in container.required
        elif isinstance(container.additional, Schema) and not isinstance(value, list):
            child = map_schema = container.additional
            map_name = container.title or parent_name(tokens[:i]) or container.label
            required = False
        elif container.items is not None and (isinstance(value, list) or value is _ABSENT):
            child = container.items
            required = None
        elif container.variants and not isinstance(value, list):
            # A union no variant fits (a discount of an unknown type): the field is still
            # documented by the variants that declare it.
            declaring = [v for v in container.variants if token in v.properties]
            if declaring:
                child = _across_variants(token, declaring)
                required = len(declaring) == len(container.variants) and all(token in v.required for v in declaring)
        if child is None:
            if container.is_free_form and container.types is not None and "object" in container.types:
                reason = f"a custom key inside {parent_name(tokens[:i]) or 'a free-form object'}: the docs leave its keys open"
            elif container.types is None and not container.properties:
                reason = "inside a value the docs leave untyped"
            else:
                reason = f"the docs do not list {visible(token)!r} in {container.label}"
            return FieldDoc(pointer, False, parent=parent, reason=reason)
        schema = child
        value = child_value
    final, variant, how = _settle(schema, value)
    doc = FieldDoc(
        pointer, True, schema=schema, required=required, parent=parent, variant=variant, variant_how=how, map_schema=map_schema,
        map_name=map_name,
    )
    if variant is not None and final is not schema and not schema.description:
        doc.schema = final
    return doc


def _across_variants(token: str, declaring: list[Schema]) -> Schema:
    """The field ``token`` as the variants of a union document it: the first variant's
    schema, with every variant's values when each lists some (a discriminator such as a
    discount's ``type``: AMOUNT, PERCENT, UNIT, FIXED)."""
    fields = [v.properties[token] for v in declaring]
    first = fields[0]
    if len(fields) > 1 and all(f.enum for f in fields):
        values: list[Any] = []
        for f in fields:
            for option in f.enum or ():
                if not any(option == seen and type(option) is type(seen) for seen in values):
                    values.append(option)
        return replace(first, enum=tuple(values), validator_cache=None)
    return first


def parent_name(tokens: list[str]) -> str:
    return visible(tokens[-1]) if tokens else ""


def absent_fields(root: Optional[Schema], payload: Any) -> dict[str, list[str]]:
    """The documented optional fields each object of ``payload`` does not carry: pointer of the
    object to the keys, in the docs' order.

    The schema is followed the way ``describe`` follows it (array items, map values, the variant
    of a union the value reads as), so the lists hold for objects inside arrays and ``oneOf``
    branches too. Required keys are left out: a missing required field is an error issue, not
    an absence. One pass, no recursion: payloads can be deep and large.
    """
    out: dict[str, list[str]] = {}
    if root is None:
        return out
    stack: list[tuple[str, Any, Schema]] = [("", payload, root)]
    while stack:
        pointer, value, schema = stack.pop()
        settled, _, _ = _settle(schema, value)
        if isinstance(value, dict):
            missing = [k for k in settled.properties if k not in value and k not in settled.required]
            if missing:
                out[pointer] = missing
            extra = settled.additional if isinstance(settled.additional, Schema) else None
            for key, child in value.items():
                if isinstance(child, (dict, list)):
                    child_schema = settled.properties.get(key, extra)
                    if child_schema is not None:
                        stack.append((f"{pointer}/{escape(key)}", child, child_schema))
        elif isinstance(value, list) and settled.items is not None:
            for i, child in enumerate(value):
                if isinstance(child, (dict, list)):
                    stack.append((f"{pointer}/{i}", child, settled.items))
    return out
