"""``voucherify-inspect history``: reopen, export or clear the captured requests."""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from inspector.cli import options

if TYPE_CHECKING:
    from inspector.listen.store import Filter

FORMATS = ("tui", "ndjson", "har", "curl")


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser(
        "history",
        help="reopen or export captured webhooks",
        description="Reopen the captured requests in the TUI, or export them: ndjson (one object per "
        "request), har (HAR 1.2, for HTTP tools), curl (one replayable command per request, body as "
        "received and signature header kept). The filters apply to every format.",
    )
    options.add_db(p)
    p.add_argument("--format", choices=FORMATS, default="tui", help="tui (default), ndjson, har or curl on stdout")
    p.add_argument(
        "--type",
        action="append",
        default=None,
        metavar="TYPE",
        help="only captures of this event type (repeatable)",
    )
    p.add_argument(
        "--since",
        default=None,
        metavar="WHEN",
        help="only captures received since WHEN: an ISO date or date-time (local time unless it has an "
        "offset), or an age such as 30m, 2h, 7d",
    )
    p.add_argument(
        "--errors-only",
        action="store_true",
        help="only requests that were refused, unreadable, invalid, or whose signature is invalid or missing",
    )
    p.add_argument("--to", default=None, metavar="URL", help="--format curl: send to URL instead of where each was sent")
    p.add_argument(
        "--clear",
        action="store_true",
        help="delete every captured request (refused while a listener uses the database)",
    )
    options.add_spec(p)


_AGE = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_since(text: str, now: Optional[float] = None) -> float:
    """Unix time from ``30m``/``2h``/``7d`` (ago) or an ISO date or date-time; ValueError otherwise."""
    text = text.strip()
    age = _AGE.fullmatch(text)
    if age:
        return (time.time() if now is None else now) - float(age.group(1)) * _UNITS[age.group(2)]
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value.timestamp()  # naive: local time


def make_filter(args: argparse.Namespace) -> Filter:
    from inspector.listen.store import Filter

    since = parse_since(args.since) if args.since else None
    return Filter(event_types=tuple(args.type or ()), since=since, errors_only=args.errors_only)


def run(args: argparse.Namespace) -> int:
    from inspector.listen.store import StoreError, default_path

    path = Path(args.db) if args.db else default_path()
    try:
        where = make_filter(args)
    except ValueError:
        print(f"voucherify-inspect: --since {args.since!r}: expected an ISO date or date-time, or an age like 30m, 2h, 7d", file=sys.stderr)
        return 2
    if not path.exists():
        print(f"voucherify-inspect: no captured requests yet ({path} does not exist; run listen first)", file=sys.stderr)
        return 0
    try:
        if args.clear:
            return _clear(path)
        if args.format == "tui":
            return _open_tui(args, path, where)
        return _export(args, path, where)
    except StoreError as exc:
        print(f"voucherify-inspect: {exc}", file=sys.stderr)
        return 2


def _clear(path: Path) -> int:
    from inspector.listen.store import Store

    store = Store(path, create=False)
    try:
        n = store.clear()
    finally:
        store.close()
    print(f"deleted {n} captured request{'s' if n != 1 else ''} from {path} (and emptied its write-ahead log)")
    return 0


def _export(args: argparse.Namespace, path: Path, where: Filter) -> int:
    from inspector import __version__
    from inspector.listen.export import har_document, to_curl, to_json
    from inspector.listen.store import Store

    store = Store(path, create=False)
    out = sys.stdout
    if args.format != "ndjson":
        # HAR and curl say what was received; replays are in NDJSON, marked "replay": true.
        where = dataclasses.replace(where, received_only=True)
    try:
        if args.format == "ndjson":
            for row in store.all(where):
                # ensure_ascii: payload text may hold C1 controls that a terminal would obey.
                out.write(json.dumps(to_json(row)) + "\n")
        elif args.format == "har":
            json.dump(har_document(store.all(where), __version__), out, indent=1)
            out.write("\n")
        else:
            for row in store.all(where):
                out.write(to_curl(row.capture, url=args.to) + "\n\n")
        out.flush()
    finally:
        store.close()
    return 0


def _open_tui(args: argparse.Namespace, path: Path, where: Filter) -> int:
    from inspector.engine.inputs import engine_or_report
    from inspector.listen.history import rebuild_entries
    from inspector.listen.store import Reader

    engine = engine_or_report(args.spec, fetched=args.fetched_spec)
    if engine is None:
        return 2
    reader = Reader(path)
    try:
        # Light rows: headers and bodies stay in the database until a row is opened.
        entries = rebuild_entries(engine, reader.rows(where))
        if not entries:
            what = "no capture matches the filters" if where.sql()[0] else "the capture database is empty"
            print(f"voucherify-inspect: {what}", file=sys.stderr)
            return 0
        try:
            from inspector.tui.app import create_app
        except ImportError as exc:
            print(f"voucherify-inspect: the TUI is not available ({exc}); use --format ndjson", file=sys.stderr)
            return 2
        app = create_app(engine=engine, entries=entries)
        app.run()
    finally:
        reader.close()
    return 0
