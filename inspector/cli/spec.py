"""``voucherify-inspect spec list``: the event types this run knows, and where each comes from."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TextIO

from inspector.cli import options


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("spec", help="event types and specs")
    spec_sub = p.add_subparsers(dest="spec_command", metavar="ACTION")
    sp = spec_sub.add_parser("list", help="list the event types known (built in and from specs)")
    options.add_spec(sp)


def run(args: argparse.Namespace) -> int:
    if getattr(args, "spec_command", None) == "list":
        return list_types(args.spec, sys.stdout)
    print("voucherify-inspect: spec: choose an action (list)", file=sys.stderr)
    return 2


def list_types(given: list[str] | None, out: TextIO) -> int:
    """One line per event type (type, origin, title) and a count; exit 2 for an unusable spec."""
    from inspector.engine.inputs import spec_paths
    from inspector.engine.registry import builtin_registry
    from inspector.engine.specs import SpecError, add_documents, load_specs
    from inspector.engine.textsafe import visible

    registry = builtin_registry()
    paths = spec_paths(given)
    start = time.perf_counter()
    try:
        docs = load_specs(paths) if paths else []
    except SpecError as exc:
        print(f"voucherify-inspect: {exc}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - start
    _added, shadowed = add_documents(registry, docs)

    rows = [(e.event_type, e.origin, e.schema.title or "") for e in registry]
    width_type = max(len(r[0]) for r in rows)
    width_origin = max(len(r[1]) for r in rows)
    for event_type, origin, title in rows:
        out.write(f"{visible(event_type):<{width_type}}  {visible(origin):<{width_origin}}  {visible(title)}\n")

    builtin = sum(1 for e in registry if e.origin == "built-in")
    summary = f"{len(rows)} event types: {builtin} built in"
    if docs:
        events = sum(len(d.events) for d in docs)
        files = f"{len(docs)} spec file{'s' if len(docs) != 1 else ''}"
        summary += f", {len(rows) - builtin} from specs ({events} events in {files}, loaded in {seconds * 1000:.0f} ms)"
    else:
        summary += "; load Voucherify's OpenAPI event specs with --spec PATH or $VOUCHERIFY_INSPECT_SPEC"
    out.write(summary + "\n")
    if shadowed:
        # The built-in models are the reviewed reading of the docs, so they win; say so, since a
        # user who loaded a newer spec may expect it to apply.
        out.write(f"{len(shadowed)} spec event{'s' if len(shadowed) != 1 else ''} not used (the type is already known):\n")
        for ev, winner in shadowed:
            out.write(f"  {visible(ev.event_type)}  from {visible(ev.origin)}  (kept: {visible(winner)})\n")
    return 0
