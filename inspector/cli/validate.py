"""``voucherify-inspect validate``: the engine headless, for scripts and CI.

Results are written as they are made, so memory stays flat however many payloads an NDJSON file
holds; the JSON report is the same document as ever, written piece by piece.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Callable, Optional

from inspector.cli import options

if TYPE_CHECKING:
    from inspector.engine.analysis import Analysis


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser(
        "validate",
        help="validate payloads headless (exit 0 clean, 1 errors, 2 unreadable input)",
        description="Validate payloads. Exit status: 0 when no payload has errors, 1 when any "
        "has (with --strict: also any warning or payload not validated), 2 when an input cannot "
        "be read or parsed.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help=".json or NDJSON files, folders of them, or - for stdin")
    p.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="report format (default: text; github: GitHub Actions ::error/::warning annotations)",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="fail (exit 1) on warnings and on payloads not validated (unknown or ambiguous event type, legacy envelope) too",
    )
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour the text report")
    p.add_argument("--quiet", "-q", action="store_true", help="text report: only payloads with errors or warnings, or not validated")
    options.add_type(p)
    options.add_spec(p)


def run(args: argparse.Namespace) -> int:
    from inspector.engine.inputs import engine_or_report, iter_analyses
    from inspector.engine.report import Tally, github_lines, text_block

    engine = engine_or_report(args.spec, args.type, fetched=args.fetched_spec)
    if engine is None:
        return 2
    out = sys.stdout
    tally = Tally()
    results = iter_analyses(engine, args.paths, event_type=args.type)
    if args.format == "json":
        out.write('{\n  "results": [')
        for i, r in enumerate(results):
            tally.add(r)
            out.write(("," if i else "") + "\n    " + r.json_text())
        out.write("\n  ]\n}\n")
    elif args.format == "github":
        for r in results:
            tally.add(r)
            for line in github_lines(r, _locator(r)):
                out.write(line + "\n")
        out.write(tally.summary() + "\n")
    else:
        color = args.color == "always" or (
            args.color == "auto" and out.isatty() and not os.environ.get("NO_COLOR")
        )
        for r in results:
            tally.add(r)
            if not (args.quiet and r.clean):
                out.write(text_block(r, color=color) + "\n")
        out.write(tally.summary() + "\n")
    out.flush()
    return tally.status(strict=args.strict)


LOCATE_LIMIT = 20_000_000
"""Bytes of a single-document file read again to give each annotation its line."""


def _locator(r: "Analysis") -> "Optional[Callable[[str], Optional[int]]]":
    """Lines of pointers in the file a single-document payload came from (NDJSON payloads have
    their line already; stdin is not kept)."""
    from inspector.engine.report import pointer_lines

    if r.line is not None or not r.readable or not r.issues or r.source == "<stdin>":
        return None
    try:
        with open(r.source, "rb") as f:
            data = f.read(LOCATE_LIMIT + 1)
    except OSError:
        return None
    if len(data) > LOCATE_LIMIT:
        return None
    return pointer_lines(data.decode("utf-8-sig", "replace"))
