"""The engine's schema tree, compiled once from JSON Schema or OpenAPI 3.x text.

Both sources of truth land here: the built-in pydantic models (through ``model_json_schema``) and
the OpenAPI event specs a user loads at run time. Validation (``inspector.engine.validation``) and the
description lookup (``describe``) work on this tree only, so a built-in event and a spec event
behave the same.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields, replace
from typing import Any, Callable, Iterator, Optional

from inspector.engine.pointer import parse_pointer


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()

JSON_TYPES = ("object", "array", "string", "integer", "number", "boolean", "null")


class SchemaError(Exception):
    """A schema that cannot be compiled (bad ``$ref``, wrong shape)."""


@dataclass(eq=False)
class Schema:
    """One node of a compiled schema.

    ``types`` is ``None`` for "any JSON value"; ``nullable`` says whether the docs admit ``null``.
    ``additional`` is ``False`` for ``additionalProperties: false``, a Schema for typed extra keys
    (a map: every value not declared in ``properties`` follows it), and ``None`` otherwise.
    ``variants`` holds the branches of a ``oneOf``/``anyOf``. The size and text constraints
    (``min_items``... ``pattern``) are None when the schema sets none.
    """

    types: Optional[frozenset[str]] = None
    nullable: bool = False
    name: Optional[str] = None
    title: Optional[str] = None
    description: Optional[str] = None
    example: Any = MISSING
    default: Any = MISSING
    enum: Optional[tuple[Any, ...]] = None
    format: Optional[str] = None
    minimum: Optional[float] = None
    maximum: Optional[float] = None
    pattern: Optional[str] = None
    min_length: Optional[int] = None
    max_length: Optional[int] = None
    min_items: Optional[int] = None
    max_items: Optional[int] = None
    min_properties: Optional[int] = None
    max_properties: Optional[int] = None
    properties: dict[str, "Schema"] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    additional: Any = None
    items: Optional["Schema"] = None
    variants: tuple["Schema", ...] = ()
    validator_cache: Optional[Callable[..., None]] = field(default=None, repr=False)
    """The compiled validator of this node: written only by ``engine.validation``."""
    _disc: Any = field(default=None, repr=False)
    _owners: Any = field(default=None, repr=False)

    def with_property(self, key: str, child: "Schema") -> "Schema":
        """A copy with ``key`` typed as ``child`` (an envelope with its event inside); the copy
        compiles its own validator."""
        return replace(self, properties={**self.properties, key: child}, validator_cache=None)

    @property
    def label(self) -> str:
        """A short human name: the title, else the component name."""
        return self.title or self.name or self.type_label

    @property
    def type_label(self) -> str:
        if self.variants:
            return " | ".join(v.label for v in self.variants)
        if self.types is None:
            return "any"
        order = [t for t in JSON_TYPES if t in self.types]
        text = " | ".join(order)
        if self.format:
            text += f" ({self.format})"
        return text

    @property
    def is_free_form(self) -> bool:
        """An object whose keys and values the docs leave open (``metadata``); a map whose
        values follow a schema (``additionalProperties: {...}``) is not."""
        return (
            not self.properties
            and not self.variants
            and self.additional is None
            and (self.types is None or "object" in self.types)
        )

    @property
    def is_map(self) -> bool:
        """An object whose undeclared keys all hold values of one schema (``additional``)."""
        return isinstance(self.additional, Schema)

    def walk(self) -> Iterator[tuple[str, "Schema"]]:
        """Every (relative pointer, node) reachable, each node once (schemas may be recursive)."""
        seen: set[int] = set()
        stack: list[tuple[str, Schema]] = [("", self)]
        while stack:
            ptr, node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            yield ptr, node
            for k, child in node.properties.items():
                stack.append((f"{ptr}/{k}", child))
            if node.items is not None:
                stack.append((f"{ptr}/*", node.items))
            if isinstance(node.additional, Schema):
                stack.append((f"{ptr}/*", node.additional))
            for i, v in enumerate(node.variants):
                stack.append((f"{ptr}", v))


_BOUNDS = ("min_length", "max_length", "min_items", "max_items", "min_properties", "max_properties")
_BOUND_KEYWORDS = dict(zip(_BOUNDS, ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties")))
_SHAPE_FIELDS = ("types", "nullable", "enum", "format", "minimum", "maximum", "pattern", "required")


def same_shape(a: Schema, b: Schema) -> bool:
    """Whether two schemas accept and reject the same payloads with the same issues (the words
    of titles and descriptions aside): event types whose schemas have the same shape cannot be told apart by
    their data, and need not be. Recursive schemas compare coinductively."""
    assumed: set[tuple[int, int]] = set()
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if x is y or (id(x), id(y)) in assumed:
            continue
        assumed.add((id(x), id(y)))
        if any(getattr(x, f) != getattr(y, f) for f in (*_SHAPE_FIELDS, *_BOUNDS)):
            return False
        if x.properties.keys() != y.properties.keys() or len(x.variants) != len(y.variants):
            return False
        stack.extend((x.properties[k], y.properties[k]) for k in x.properties)
        stack.extend(zip(x.variants, y.variants))
        xa, ya = x.additional, y.additional
        if isinstance(xa, Schema) and isinstance(ya, Schema):
            stack.append((xa, ya))
        elif isinstance(xa, Schema) or isinstance(ya, Schema) or xa != ya:
            return False
        if (x.items is None) != (y.items is None):
            return False
        if x.items is not None and y.items is not None:
            stack.append((x.items, y.items))
    return True


# -- compiling -------------------------------------------------------------------------------------



class Compiler:
    """Compiles schemas of one document (its ``$ref``s resolve against ``document``)."""

    def __init__(self, document: dict[str, Any], *, source: str = "<schema>") -> None:
        self.document = document
        self.source = source
        self._refs: dict[str, Schema] = {}
        self._in_progress: set[str] = set()
        self._fixups: list[tuple[Schema, Schema]] = []

    def compile(self, node: Any, *, name: Optional[str] = None) -> Schema:
        schema = self._compile(node, name=name)
        self._finish()
        return schema

    def compile_ref(self, ref: str) -> Schema:
        schema = self._ref(ref)
        self._finish()
        return schema

    # The recursion below meets each $ref once; a ref seen again while it is still being compiled
    # (a recursive schema) returns the placeholder node that is being filled in.
    def _ref(self, ref: str) -> Schema:
        if ref in self._refs:
            return self._refs[ref]
        target = self._resolve(ref)
        placeholder = Schema(name=ref.rsplit("/", 1)[-1])
        self._refs[ref] = placeholder
        self._in_progress.add(ref)
        try:
            built = self._compile(target, name=placeholder.name)
        finally:
            self._in_progress.discard(ref)
        for f in fields(Schema):
            if not f.name.startswith("_"):
                setattr(placeholder, f.name, getattr(built, f.name))
        return placeholder

    def resolve(self, ref: str) -> Any:
        """The raw node a local ``$ref`` points at (specs also reference request bodies)."""
        return self._resolve(ref)

    def _resolve(self, ref: str) -> Any:
        if not ref.startswith("#"):
            raise SchemaError(f"{self.source}: only local $ref are supported, got {ref!r}")
        node: Any = self.document
        try:
            for tok in parse_pointer(ref[1:]):
                node = node[tok] if isinstance(node, dict) else node[int(tok)]
        except (KeyError, IndexError, ValueError) as exc:
            raise SchemaError(f"{self.source}: $ref {ref!r} points at nothing") from exc
        return node

    def _compile(self, node: Any, *, name: Optional[str] = None) -> Schema:
        if node is True or node == {}:
            return Schema(name=name)
        if node is False:
            return Schema(types=frozenset(), name=name)
        if not isinstance(node, dict):
            raise SchemaError(f"{self.source}: a schema must be an object, got {type(node).__name__}")

        if "$ref" in node and not isinstance(node["$ref"], str):
            raise SchemaError(f"{self.source}: $ref must be a string, got {type(node['$ref']).__name__}")
        for key in ("allOf", "oneOf", "anyOf"):
            if key in node and not isinstance(node[key], list):
                raise SchemaError(f"{self.source}: {key} must be a list, got {type(node[key]).__name__}")
        if len(node) == 1 and isinstance(node.get("$ref"), str) and name is None:
            # A bare $ref shares the component's node, so every use of a component (OpenAPI specs
            # reuse Customer, Voucher... many times) shares one generated validator.
            return self._ref(node["$ref"])
        own = self._own(node, name)
        parts: list[Schema] = []
        if "$ref" in node:
            parts.append(self._ref(node["$ref"]))
        for sub in node.get("allOf", ()):
            parts.append(self._compile(sub))
        union_key = "oneOf" if "oneOf" in node else "anyOf" if "anyOf" in node else None
        if union_key:
            branches = [self._compile(b) for b in node[union_key]]
            nulls = [b for b in branches if b.types == frozenset({"null"})]
            rest = [b for b in branches if b not in nulls]
            if nulls:
                own.nullable = True
            rest = self._flatten(rest)
            if len(rest) == 1:
                parts.append(rest[0])
            elif rest:
                own.variants = tuple(rest)
        if not parts:
            return own
        return self._merge(own, parts)

    def _flatten(self, branches: list[Schema]) -> list[Schema]:
        """A branch that is itself a bare union (OpenAPI specs nest ``oneOf`` three deep for
        loyalty earning rules) contributes its branches, so a discriminator sees every leaf."""
        out: list[Schema] = []
        for b in branches:
            nested = b.variants if b.variants and not b.properties and not self._is_pending(b) else (b,)
            for v in nested:
                if not any(v is o for o in out):
                    out.append(v)
        return out

    def _own(self, node: dict[str, Any], name: Optional[str]) -> Schema:
        """The keywords written on this node itself (not behind $ref/allOf/oneOf)."""
        s = Schema(name=name)
        t = node.get("type")
        types: Optional[set[str]] = None
        if isinstance(t, str):
            types = {t}
        elif isinstance(t, list):
            types = {x for x in t if isinstance(x, str)}
        if types is not None and not types <= set(JSON_TYPES):
            unknown = sorted(types - set(JSON_TYPES))
            raise SchemaError(f"{self.source}: unknown type {unknown[0]!r} (JSON types: {', '.join(JSON_TYPES)})")
        if types is not None and "null" in types:
            s.nullable = True
            if types != {"null"}:
                types.discard("null")
        if node.get("nullable") is True:
            s.nullable = True
        enum = node.get("enum")
        if "const" in node:
            enum = [node["const"]]
        if isinstance(enum, list) and any(isinstance(v, (dict, list)) for v in enum):
            enum = None  # object/array enum values are not checked
        if isinstance(enum, list):
            if None in enum:
                s.nullable = True
            values = tuple(v for v in enum if v is not None)
            s.enum = values or None
            if types is None and values:
                types = {json_type(v) for v in values}
        if types is None:
            if "properties" in node or "required" in node or "additionalProperties" in node:
                types = {"object"}
            elif "items" in node:
                types = {"array"}
        s.types = frozenset(types) if types is not None else None
        s.title = _text(node.get("title"))
        s.description = _text(node.get("description"))
        if "example" in node:
            s.example = node["example"]
        elif isinstance(node.get("examples"), list) and node["examples"]:
            s.example = node["examples"][0]
        if "default" in node:
            s.default = node["default"]
        s.format = _text(node.get("format"))
        if isinstance(node.get("minimum"), (int, float)):
            s.minimum = node["minimum"]
        if isinstance(node.get("maximum"), (int, float)):
            s.maximum = node["maximum"]
        if isinstance(node.get("pattern"), str):
            s.pattern = node["pattern"]
        for attr, keyword in _BOUND_KEYWORDS.items():
            bound = node.get(keyword)
            # A count: a non-negative integer (3.0 too); anything else in a malformed spec is ignored.
            if isinstance(bound, (int, float)) and not isinstance(bound, bool) and bound >= 0 and bound == int(bound):
                setattr(s, attr, int(bound))
        props = node.get("properties")
        if isinstance(props, dict):
            s.properties = {k: self._compile(v) for k, v in props.items()}
        req = node.get("required")
        if isinstance(req, list):
            s.required = frozenset(r for r in req if isinstance(r, str))
        ap = node.get("additionalProperties")
        if ap is False:
            s.additional = False
        elif isinstance(ap, dict) and ap:
            s.additional = self._compile(ap)
        if "items" in node and isinstance(node["items"], dict):
            s.items = self._compile(node["items"])
        if s.types == frozenset({"array"}) and s.enum and s.items is None:
            if not any(isinstance(v, list) for v in s.enum):
                # ``type: array`` with ``enum: [scalars]`` (a spec quirk) lists what the items may be.
                s.items = Schema(types=frozenset(json_type(v) for v in s.enum), enum=s.enum)
                s.enum = None
        return s

    def _merge(self, own: Schema, parts: list[Schema]) -> Schema:
        """allOf / $ref with sibling keywords: the node's own words win over the referenced ones."""
        out = Schema(name=own.name)
        pending = any(self._is_pending(p) for p in parts)
        for p in parts:
            if self._is_pending(p):
                continue
            _absorb(out, p)
        _absorb(out, own, override=True)
        out.nullable = own.nullable or any(p.nullable for p in parts if not self._is_pending(p))
        if pending:
            # A recursive reference: copy its structure once it is complete.
            for p in parts:
                if self._is_pending(p):
                    self._fixups.append((out, p))
        return out

    def _is_pending(self, s: Schema) -> bool:
        return any(self._refs.get(r) is s for r in self._in_progress)

    def _finish(self) -> None:
        fixups, self._fixups = self._fixups, []
        for out, target in fixups:
            keep = {k: getattr(out, k) for k in ("description", "title", "example", "nullable")}
            _absorb(out, target)
            for k, v in keep.items():
                if v is not None and v is not MISSING and v is not False:
                    setattr(out, k, v)


def _absorb(out: Schema, src: Schema, *, override: bool = False) -> None:
    """Fold ``src`` into ``out``: intersect types, union properties and required keys."""
    if src.types is not None:
        out.types = src.types if out.types is None else (out.types & src.types) or src.types
    for attr in ("enum", "format", "minimum", "maximum", "items", "pattern", *_BOUNDS):
        val = getattr(src, attr)
        if val is not None and (override or getattr(out, attr) is None):
            setattr(out, attr, val)
    if src.properties:
        merged = dict(out.properties)
        merged.update(src.properties)
        out.properties = merged
    out.required = out.required | src.required
    if src.additional is not None and (override or out.additional is None):
        out.additional = src.additional
    if src.variants and (override or not out.variants):
        out.variants = src.variants
    for attr in ("description", "title"):
        val = getattr(src, attr)
        if val and (override or not getattr(out, attr)):
            setattr(out, attr, val)
    for attr in ("example", "default"):
        val = getattr(src, attr)
        if val is not MISSING and (override or getattr(out, attr) is MISSING):
            setattr(out, attr, copy.deepcopy(val))
    if not out.name and src.name and not override:
        out.name = src.name


def _text(v: Any) -> Optional[str]:
    """An annotation keyword's value when it is text (a malformed spec may hold anything)."""
    return v if isinstance(v, str) else None


def json_type(v: Any) -> str:
    """The JSON type name of a parsed value."""
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return "null"


def from_json_schema(doc: dict[str, Any], *, source: str = "<schema>") -> Schema:
    """Compile a self-contained JSON Schema (``$defs``/``definitions`` refs inside it)."""
    return Compiler(doc, source=source).compile(doc)


def model_document(model: type) -> dict[str, Any]:
    """The JSON Schema of a pydantic model, as the docs would write it (no per-field titles)."""
    from pydantic.json_schema import GenerateJsonSchema

    class _NoFieldTitles(GenerateJsonSchema):
        # pydantic titles every field after its name ("Created At"); the docs do not.
        def field_title_should_be_set(self, schema: Any) -> bool:
            return False

    doc: dict[str, Any] = model.model_json_schema(schema_generator=_NoFieldTitles)  # type: ignore[attr-defined]
    return doc


def from_model(model: type) -> Schema:
    """Compile a pydantic model through its JSON schema: the same path as a loaded spec."""
    return from_json_schema(model_document(model), source=getattr(model, "__name__", "model"))
