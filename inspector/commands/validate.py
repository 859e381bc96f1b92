"""``voucherify-inspect validate``: the engine headless, for scripts and CI.

Results are written as they are made, so memory stays flat however many payloads an NDJSON file
holds; the JSON report is the same document as ever, written piece by piece.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from inspector.inputs import engine_or_report, iter_analyses
from inspector.report import Tally, text_block


def run(args: argparse.Namespace) -> int:
    engine = engine_or_report(args.spec, args.type)
    if engine is None:
        return 2
    out = sys.stdout
    tally = Tally()
    results = iter_analyses(engine, args.paths, event_type=args.type)
    if args.format == "json":
        out.write('{\n  "results": [')
        for i, r in enumerate(results):
            tally.add(r)
            out.write(("," if i else "") + "\n    " + json.dumps(r.to_json()))
        out.write("\n  ]\n}\n")
    else:
        color = args.color == "always" or (
            args.color == "auto" and out.isatty() and not os.environ.get("NO_COLOR")
        )
        for r in results:
            tally.add(r)
            if not (args.quiet and r.readable and not r.errors and not r.warnings):
                out.write(text_block(r, color=color) + "\n")
        out.write(tally.summary() + "\n")
    out.flush()
    return tally.exit_code
