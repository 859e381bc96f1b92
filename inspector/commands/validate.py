"""``voucherify-inspect validate``: the engine headless, for scripts and CI."""

from __future__ import annotations

import argparse
import os
import sys

from inspector.inputs import analyze_paths, engine_or_report
from inspector.report import exit_code, json_report, text_report


def run(args: argparse.Namespace) -> int:
    engine = engine_or_report(args.spec, args.type)
    if engine is None:
        return 2
    results = analyze_paths(engine, args.paths, event_type=args.type)
    if args.format == "json":
        out = json_report(results)
    else:
        color = args.color == "always" or (
            args.color == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        )
        out = text_report(results, color=color, quiet=args.quiet)
    sys.stdout.write(out + "\n")
    sys.stdout.flush()
    return exit_code(results)
