"""``voucherify-inspect history``: reopen, export or clear the captured requests."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from inspector.cli import options

if TYPE_CHECKING:
    from inspector.listen.store import Stored


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("history", help="reopen or export captured webhooks")
    p.add_argument("--db", default=None, metavar="PATH", help="SQLite file (default: in the user data dir)")
    p.add_argument("--format", choices=("tui", "ndjson"), default="tui", help="tui (default) or ndjson on stdout")
    p.add_argument("--clear", action="store_true", help="delete every captured request")
    options.add_spec(p)


def run(args: argparse.Namespace) -> int:
    from inspector.listen.export import to_json
    from inspector.listen.store import Store, StoreError, default_path

    path = Path(args.db) if args.db else default_path()
    if not path.exists():
        print(f"voucherify-inspect: no captured requests yet ({path} does not exist; run listen first)", file=sys.stderr)
        return 0
    try:
        store = Store(path)
    except StoreError as exc:
        print(f"voucherify-inspect: {exc}", file=sys.stderr)
        return 2
    try:
        if args.clear:
            n = store.clear()
            print(f"deleted {n} captured request{'s' if n != 1 else ''} from {path}")
            return 0
        if args.format == "ndjson":
            out = sys.stdout
            for row in store.all():
                # ensure_ascii: payload text may hold C1 controls that a terminal would obey.
                out.write(json.dumps(to_json(row)) + "\n")
            out.flush()
            return 0
        return _open_tui(args, list(store.all()))
    finally:
        store.close()


def _open_tui(args: argparse.Namespace, stored: list[Stored]) -> int:
    from inspector.engine.inputs import engine_or_report
    from inspector.listen.history import rebuild_entries

    engine = engine_or_report(args.spec, fetched=args.fetched_spec)
    if engine is None:
        return 2
    if not stored:
        print("voucherify-inspect: the capture database is empty", file=sys.stderr)
        return 0
    entries = rebuild_entries(engine, stored)
    try:
        from inspector.tui.app import create_app
    except ImportError as exc:
        print(f"voucherify-inspect: the TUI is not available ({exc}); use --format ndjson", file=sys.stderr)
        return 2
    app = create_app(engine=engine, entries=entries)
    app.run()
    return 0
