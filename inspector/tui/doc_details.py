"""The details pane of the docs screen: everything the docs say about the selected field, its
description first in mind, and for the root where the schema comes from."""

from __future__ import annotations

from typing import Optional

from rich.text import Text

from inspector.engine.doctree import DocNode
from inspector.engine.registry import EventSchema
from inspector.engine.schema import MISSING
from inspector.engine.textsafe import json_scalar, visible
from inspector.tui.doc_tree import example_text, range_text

EXAMPLE_PREVIEW = 600

KIND_NOTES = {
    "items": "each item of the array above",
    "values": "the value of each key of the map above (its keys are free)",
    "variant": "one of the shapes the field above takes (oneOf)",
}


def _row(out: Text, name: str, value: str | Text, style: str = "") -> None:
    out.append(f"{name:<9}", style="dim")
    if isinstance(value, Text):
        out.append_text(value)
    else:
        out.append(value, style=style)
    out.append("\n")


def doc_details(doc: Optional[DocNode], *, event: Optional[EventSchema] = None, form_label: str = "") -> Text:
    """The details of one documented node as a single Text (never markup)."""
    out = Text()
    if doc is None:
        out.append("Choose an event type to read its documentation.", style="dim")
        return out
    if doc.title:
        out.append(visible(doc.title) + "\n", style="bold")
    if doc.kind == "root" and event is not None:
        _row(out, "Event", visible(event.event_type), "bold")
        _row(out, "Form", form_label)
        _row(out, "Source", visible(event.origin))
    else:
        _row(out, "Path", visible(doc.path), "bold")
        _row(out, "Pointer", visible(doc.pointer), "bold")
        _row(out, "jq", visible(doc.jq), "bold")
    if doc.kind in KIND_NOTES:
        _row(out, "Node", KIND_NOTES[doc.kind], "italic")
    _row(out, "Type", visible(doc.type_label))
    if doc.kind == "field":
        _row(out, "Required", "required" if doc.required else "optional", "bold" if doc.required else "")
    _row(out, "Nullable", "yes" if doc.nullable else "no")
    if doc.format:
        _row(out, "Format", visible(doc.format))
    if doc.enum:
        _row(out, "Enum", "  ".join(json_scalar(v, 60) for v in doc.enum))
    bounds = range_text(doc)
    if bounds:
        _row(out, "Range", bounds)
    if doc.example is not MISSING:
        _row(out, "Example", example_text(doc.example, EXAMPLE_PREVIEW))
    if doc.variants:
        _row(out, "Variant", " › ".join(visible(v) for v in doc.variants))
    if doc.repeats is not None:
        where = visible(doc.repeats.path) or "the root"
        _row(out, "Repeats", Text(f"the same schema as {where} above: a recursive schema, shown once", style="yellow"))
    out.append("\n")
    out.append("Description", style="bold underline")
    out.append("\n")
    if doc.description:
        # The spec's own line breaks kept (descriptions are often markdown); every other
        # control character made visible.
        out.append("\n".join(visible(line) for line in doc.description.strip().split("\n")))
        out.append("\n")
    else:
        out.append("(the docs give no description)\n", style="dim")
    return out

