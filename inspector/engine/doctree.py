"""An event type's documentation as a tree, without a payload: every documented field with its
type, required flag, nullability, enum values, format, range, example and description.

``oneOf`` variants are labelled branches, an array has one child for its items, a map (typed
``additionalProperties``) one child for its values, and a ``$ref`` cycle (an order whose
``parent`` is an order) is shown once: the repeat is a leaf that names the node it repeats.
Children are built when first read, so a UI can open the largest event at once and expand as the
user goes; ``walk`` reads the whole tree for the headless renderers (``to_json``,
``to_markdown``) that ``voucherify-inspect docs TYPE --format`` prints.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, Literal, Optional, Union

from inspector.engine.pointer import escape, to_jq
from inspector.engine.schema import MISSING, JSON_TYPES, Schema
from inspector.engine.textsafe import visible

if TYPE_CHECKING:
    from inspector.engine.analyze import Engine

NodeKind = Literal["root", "field", "items", "values", "variant"]
DocForm = Literal["envelope", "data"]


class _Any:
    """A path step that stands for any array index (``ANY_INDEX``) or any map key (``ANY_KEY``)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


ANY_INDEX: Any = _Any("ANY_INDEX")
ANY_KEY: Any = _Any("ANY_KEY")
Step = Union[str, _Any]


@dataclass(frozen=True, kw_only=True)
class _Context:
    """What a node needs from its ancestors: the schemas on the way (cycles) and the variants
    it sits in."""

    ancestors: dict[Any, "DocNode"]
    variants: tuple[str, ...]


def _identity(s: Schema) -> Any:
    """What makes two schema nodes the same structure. A ``$ref`` with sibling keywords
    (``{"$ref": Order, "nullable": true}``) compiles to a node of its own that holds the
    component's very children, so structure is told by its children, not by the node."""
    if s.properties:
        return ("properties", tuple(id(c) for c in s.properties.values()))
    if s.variants:
        return ("variants", tuple(id(v) for v in s.variants))
    return id(s)


class DocNode:
    """One documented node.

    ``keys`` is the path from the root (``ANY_INDEX`` for array items, ``ANY_KEY`` for map
    values); ``pointer`` writes it as an RFC 6901 JSON Pointer with ``*`` for either, ``jq`` as a
    jq path (``.data.order.items[].sku``), ``path`` as people write it in notes. A ``variant`` node sits at its union's path; ``variants``
    names the branches a node is inside. ``repeats`` is set on a ``$ref`` cycle's repeat: the
    node it repeats, whose subtree is not expanded again.
    """

    __slots__ = ("kind", "key", "keys", "schema", "required", "variants", "repeats", "_context", "_children")

    def __init__(
        self,
        *,
        kind: NodeKind,
        key: str,
        keys: tuple[Step, ...],
        schema: Schema,
        required: bool,
        variants: tuple[str, ...] = (),
        repeats: Optional["DocNode"] = None,
        context: Optional[_Context] = None,
    ) -> None:
        self.kind = kind
        self.key = key
        self.keys = keys
        self.schema = schema
        self.required = required
        self.variants = variants
        self.repeats = repeats
        self._context = context
        self._children: Optional[tuple[DocNode, ...]] = None

    # -- what the docs say --------------------------------------------------------------------

    @property
    def pointer(self) -> str:
        return "".join("/" + ("*" if isinstance(k, _Any) else escape(k)) for k in self.keys)

    @property
    def jq(self) -> str:
        return "".join("[]" if isinstance(k, _Any) else to_jq([k]) for k in self.keys) or "."

    @property
    def path(self) -> str:
        """The dotted path: ``data.order.items[].sku``, ``data.metadata.*``; "" for the root."""
        out = ""
        for k in self.keys:
            if k is ANY_INDEX:
                out += "[]"
            else:
                out += ("." if out else "") + (k if isinstance(k, str) else "*")
        return out

    @property
    def type_label(self) -> str:
        return type_label(self.schema)

    @property
    def nullable(self) -> bool:
        return self.schema.nullable

    @property
    def enum(self) -> Optional[tuple[Any, ...]]:
        return self.schema.enum

    @property
    def format(self) -> Optional[str]:
        return self.schema.format

    @property
    def minimum(self) -> Optional[float]:
        return self.schema.minimum

    @property
    def maximum(self) -> Optional[float]:
        return self.schema.maximum

    @property
    def example(self) -> Any:
        """The docs' example of this field, or ``MISSING``."""
        return self.schema.example

    @property
    def description(self) -> Optional[str]:
        return self.schema.description

    @property
    def title(self) -> Optional[str]:
        return self.schema.title

    # -- the tree --------------------------------------------------------------------------------

    @property
    def children(self) -> tuple["DocNode", ...]:
        if self._children is None:
            self._children = self._expand()
        return self._children

    @property
    def expandable(self) -> bool:
        """Whether the node has children, without building them."""
        if self.repeats is not None:
            return False
        s = self.schema
        return bool(s.properties or s.variants or s.items is not None or isinstance(s.additional, Schema))

    def _expand(self) -> tuple["DocNode", ...]:
        if self.repeats is not None or self._context is None:
            return ()
        s = self.schema
        ancestors = {**self._context.ancestors, _identity(s): self}
        variants = self._context.variants
        out: list[DocNode] = []
        for name, child in s.properties.items():
            out.append(self._child("field", name, (*self.keys, name), child, name in s.required, ancestors, variants))
        if s.items is not None:
            out.append(self._child("items", "[]", (*self.keys, ANY_INDEX), s.items, False, ancestors, variants))
        if isinstance(s.additional, Schema):
            out.append(self._child("values", "*", (*self.keys, ANY_KEY), s.additional, False, ancestors, variants))
        labels = _variant_labels(s.variants)
        for label, branch in zip(labels, s.variants):
            out.append(self._child("variant", label, self.keys, branch, False, ancestors, (*variants, label)))
        return tuple(out)

    def _child(
        self,
        kind: NodeKind,
        key: str,
        keys: tuple[Step, ...],
        schema: Schema,
        required: bool,
        ancestors: dict[Any, "DocNode"],
        variants: tuple[str, ...],
    ) -> "DocNode":
        return DocNode(
            kind=kind,
            key=key,
            keys=keys,
            schema=schema,
            required=required,
            variants=variants,
            repeats=ancestors.get(_identity(schema)) if schema.properties or schema.variants else None,
            context=_Context(ancestors=ancestors, variants=variants),
        )

    def __repr__(self) -> str:
        return f"DocNode({self.kind}, {self.pointer!r}, {self.type_label!r})"


def _variant_labels(variants: tuple[Schema, ...]) -> list[str]:
    """A label per branch: its title or component name; repeats are numbered."""
    labels = [v.label for v in variants]
    out: list[str] = []
    for i, label in enumerate(labels):
        out.append(f"{label} #{labels[: i + 1].count(label)}" if labels.count(label) > 1 else label)
    return out


def type_label(s: Schema) -> str:
    """What a reader calls the type: ``string (date-time)``, ``array of Item``, ``object (Order)``,
    ``map of string``, ``one of Card payment | Transfer payment``."""
    if s.variants:
        return "one of " + " | ".join(_variant_labels(s.variants))
    if s.types is None:
        return "any"
    if s.types == frozenset({"array"}):
        return "array" if s.items is None else f"array of {_short(s.items)}"
    if s.types == frozenset({"object"}):
        if isinstance(s.additional, Schema) and not s.properties:
            return f"map of {_short(s.additional)}"
        name = s.title or s.name
        return f"object ({name})" if name else "object"
    return s.type_label


def _short(s: Schema) -> str:
    if s.variants:
        return " | ".join(_variant_labels(s.variants))
    if s.types == frozenset({"object"}) and (s.title or s.name):
        return str(s.title or s.name)
    if s.types == frozenset({"array"}):
        return type_label(s)
    if s.types is None:
        return "any"
    return " | ".join(t for t in JSON_TYPES if t in s.types)


def doc_tree(schema: Schema, *, label: str = "") -> DocNode:
    """The documentation tree of ``schema`` (the root node; children built as they are read)."""
    return DocNode(
        kind="root", key=label, keys=(), schema=schema, required=True, context=_Context(ancestors={}, variants=())
    )


def event_doc_tree(engine: Engine, event_type: str, *, form: DocForm = "envelope") -> Optional[DocNode]:
    """The tree of an event type as it arrives: the v2024-01-01 envelope with the event data in
    ``data`` (``form="envelope"``), or the event data alone. None for a type no schema has."""
    entry = engine.registry.get(event_type)
    if entry is None:
        return None
    root = engine.root_schema(form, entry.schema)
    assert root is not None
    return doc_tree(root, label=entry.event_type)


def walk(node: DocNode) -> Iterator[DocNode]:
    """Every node, depth first in document order (the root first)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children))


# -- headless renderings ----------------------------------------------------------------------------


def _fields_json(node: DocNode) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": node.kind,
        "key": node.key,
        "pointer": node.pointer,
        "path": node.path,
        "type": node.type_label,
        "required": node.required,
        "nullable": node.nullable,
    }
    if node.variants:
        out["variants"] = list(node.variants)
    for name, value in (
        ("enum", list(node.enum) if node.enum else None),
        ("format", node.format),
        ("minimum", node.minimum),
        ("maximum", node.maximum),
        ("title", node.title),
        ("description", node.description),
    ):
        if value is not None:
            out[name] = value
    if node.example is not MISSING:
        out["example"] = node.example
    if node.repeats is not None:
        out["repeats"] = node.repeats.pointer
    return out


def node_json(node: DocNode) -> dict[str, Any]:
    """One node and its subtree as JSON (what ``docs TYPE --format json`` prints): each node's
    fields, ``children`` for an expanded node, ``repeats`` (a pointer) for a recursion's repeat.
    Built without recursion: a deeply nested spec cannot overflow the stack here."""
    top = _fields_json(node)
    stack = [(node, top)]
    while stack:
        n, out = stack.pop()
        if n.repeats is not None:
            continue
        kids = []
        for child in n.children:
            doc = _fields_json(child)
            kids.append(doc)
            stack.append((child, doc))
        out["children"] = kids
    return top


def md_cell(text: str) -> str:
    """Text for a markdown table cell: one line, pipes escaped, controls made visible."""
    return visible(" ".join(text.split())).replace("|", "\\|")


def md_code(text: str) -> str:
    text = md_cell(text)
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _value(v: Any, limit: int = 80) -> str:
    text = json.dumps(v, ensure_ascii=False)
    return md_code(text if len(text) <= limit else text[: limit - 1] + "…")


def _number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() and abs(v) < 2**53 else repr(v)


def _notes(node: DocNode) -> str:
    """The description cell: the docs' text, then enum values, range, example, recursion."""
    parts: list[str] = []
    if node.description:
        parts.append(md_cell(node.description))
    if node.enum:
        parts.append("One of: " + ", ".join(_value(v) for v in node.enum) + ".")
    if node.minimum is not None or node.maximum is not None:
        low = "" if node.minimum is None else _number(node.minimum)
        high = "" if node.maximum is None else _number(node.maximum)
        parts.append(f"Range: {low}…{high}.")
    if node.example is not MISSING and node.schema.types is not None and not ({"object", "array"} & node.schema.types):
        parts.append(f"Example: {_value(node.example)}.")
    if node.repeats is not None:
        parts.append(f"Same as {md_code(node.repeats.path or '(root)')} above (a recursive schema).")
    return " ".join(parts)


def to_markdown(root: DocNode, *, heading: str, intro: str = "") -> str:
    """The tree as a markdown table: field path, type, required, description (with enum values,
    range, example). Fields inside a ``oneOf`` branch name it after their path."""
    lines = [f"# {md_cell(heading)}", ""]
    if intro:
        lines += [md_cell(intro), ""]
    lines += ["| Field | Type | Required | Description |", "| --- | --- | --- | --- |"]
    for node in walk(root):
        if node.kind == "root":
            continue
        where = md_code(node.path)
        if node.variants:
            where += " (in " + " › ".join(md_cell(v) for v in node.variants) + ")"
        kind = md_cell(node.type_label + (" \u00b7 nullable" if node.nullable else ""))
        if node.kind == "variant":
            kind = "variant: " + kind
        required = "yes" if node.required and node.kind == "field" else ""
        lines.append(f"| {where} | {kind} | {required} | {_notes(node)} |")
    return "\n".join(lines) + "\n"
