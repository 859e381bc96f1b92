"""``voucherify-inspect docs [TYPE]``: an event type's documentation without a payload.

``--format markdown|json`` prints the tree (``inspector.engine.doctree``) headless. Without
``--format`` it prints markdown too: the interactive docs view (a TUI screen on the same tree) is
not built yet, and on a terminal a note on stderr says so. Without TYPE it lists the event types.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, TextIO

from inspector.cli import options

if TYPE_CHECKING:
    from inspector.engine.analyze import Engine


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser(
        "docs",
        help="an event type's documented fields (every field, type, required, description)",
        description="Print the documentation of an event type as a tree of its fields: path, type, "
        "required, nullable, enum values, format, range, example and description; oneOf variants as "
        "labelled branches, maps as their value schema, recursive schemas shown once. Without TYPE, "
        "list the event types known.",
    )
    p.add_argument("event_type", nargs="?", metavar="TYPE", help="event type, e.g. voucher.published (or EVENTS.VOUCHER.PUBLISHED)")
    p.add_argument(
        "--format",
        choices=("markdown", "json"),
        default=None,
        help="markdown (a table, the default) or json (the tree)",
    )
    p.add_argument(
        "--form",
        choices=("envelope", "data"),
        default="envelope",
        help="envelope: the v2024-01-01 webhook body with the event data in `data` (default); data: the event data alone",
    )
    options.add_spec(p)


def run(args: argparse.Namespace) -> int:
    from inspector.engine.inputs import engine_or_report

    engine = engine_or_report(args.spec, args.event_type, fetched=args.fetched_spec, named_by="TYPE")
    if engine is None:
        return 2
    out = sys.stdout
    fmt = args.format
    if fmt is None:
        fmt = "markdown"
        if out.isatty():
            print(
                "voucherify-inspect: the interactive docs view is not available yet; printing markdown "
                "(--format markdown|json chooses)",
                file=sys.stderr,
            )
    if args.event_type is None:
        return list_types(engine, fmt, out)
    return print_tree(engine, args.event_type, fmt, args.form, out)


def list_types(engine: Engine, fmt: str, out: TextIO) -> int:
    from inspector.engine.doctree import md_cell, md_code

    rows = [(e.event_type, e.schema.title or "", e.origin) for e in engine.registry]
    if fmt == "json":
        out.write(json.dumps({"event_types": [{"event_type": t, "title": ti, "origin": o} for t, ti, o in rows]}, indent=2) + "\n")
        return 0
    out.write("# Event types\n\n")
    for event_type, title, origin in rows:
        out.write(f"- {md_code(event_type)}" + (f" — {md_cell(title)}" if title else "") + f" ({md_cell(origin)})\n")
    if len(rows) <= 2:
        out.write("\nOnly the built-in types: `voucherify-inspect spec fetch` gets every event type Voucherify publishes.\n")
    return 0


def print_tree(engine: Engine, event_type: str, fmt: str, form: str, out: TextIO) -> int:
    from inspector.engine.doctree import event_doc_tree, node_json, to_markdown

    entry = engine.registry.get(event_type)
    assert entry is not None  # engine_or_report refused unknown types
    root = event_doc_tree(engine, entry.event_type, form="data" if form == "data" else "envelope")
    assert root is not None
    if fmt == "json":
        doc = {"event_type": entry.event_type, "origin": entry.origin, "form": form, "tree": node_json(root)}
        out.write(json.dumps(doc, indent=2) + "\n")
        return 0
    title = entry.schema.title
    heading = entry.event_type + (f" — {title}" if title else "")
    where = "the v2024-01-01 webhook envelope, event data in `data`" if form == "envelope" else "the event data alone"
    intro = f"Fields of {where}. Source: {entry.origin}."
    out.write(to_markdown(root, heading=heading, intro=intro))
    return 0
