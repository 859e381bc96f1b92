"""``voucherify-inspect docs [TYPE]``: an event type's documentation without a payload.

On a terminal it opens the docs screen of the TUI (``inspector/tui/screens/docs.py``): the tree
of TYPE's fields, or without TYPE the list of event types to choose from. ``--format
markdown|json`` prints the same tree (``inspector.engine.doctree``) headless; so does a run whose
output is not a terminal (markdown).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Optional, TextIO

from inspector.cli import options

if TYPE_CHECKING:
    from inspector.engine.analyze import Engine


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser(
        "docs",
        help="an event type's documented fields (every field, type, required, description)",
        description="Show the documentation of an event type as a tree of its fields: path, type, "
        "required, nullable, enum values, format, range, example and description; oneOf variants as "
        "labelled branches, maps as their value schema, recursive schemas shown once. On a terminal "
        "it opens in the inspector (search with /, x opens the docs' example, t sends it to your "
        "handler); with --format, or when the output is not a terminal, it is printed. Without TYPE: "
        "the event types known.",
    )
    p.add_argument("event_type", nargs="?", metavar="TYPE", help="event type, e.g. voucher.published (or EVENTS.VOUCHER.PUBLISHED)")
    p.add_argument(
        "--format",
        choices=("markdown", "json"),
        default=None,
        help="print it: markdown (a table; the default when the output is not a terminal) or json (the tree)",
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
        if out.isatty():
            return _run_tui(engine, args.event_type, args.form)
        fmt = "markdown"
    if args.event_type is None:
        return list_types(engine, fmt, out)
    return print_tree(engine, args.event_type, fmt, args.form, out)


def _run_tui(engine: Engine, event_type: Optional[str], form: str) -> int:
    from inspector.tui.app import create_app
    from inspector.tui.screens.docs import DocsStart

    entry = engine.registry.get(event_type) if event_type else None
    start = DocsStart(event_type=entry.event_type if entry is not None else None, form="data" if form == "data" else "envelope")
    create_app(engine=engine, docs=start).run()
    return 0


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
