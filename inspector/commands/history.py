"""``voucherify-inspect history``: reopen, export or clear the captured requests."""

from __future__ import annotations

import argparse
import base64
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from inspector.store import Store, StoreError, Stored, default_path


def to_json(row: Stored) -> dict[str, Any]:
    """One captured request as the ``--format ndjson`` object."""
    c, d = row.capture, row.derived
    try:
        text = c.body.decode("utf-8")
        binary = False
    except UnicodeDecodeError:
        text = c.body.decode("utf-8", "replace")
        binary = True
    obj: dict[str, Any] = {
        "id": c.id,
        "received_at": datetime.fromtimestamp(c.received_at, timezone.utc).isoformat(timespec="milliseconds"),
        "method": c.method,
        "path": c.path,
        "query": c.query,
        "remote": c.remote,
        "headers": [[k, v] for k, v in c.headers],
        "body": text,
        "size": d.size if d.size is not None else c.size,
        "http_status": c.http_status,
        "signature": c.signature,
        "signature_detail": c.signature_detail,
        "form": d.form,
        "event_type": d.event_type,
        "errors": d.errors,
        "warnings": d.warnings,
        "delivery_id": d.delivery_id,
    }
    if binary:
        # "body" is then lossy; this is the exact bytes.
        obj["body_base64"] = base64.b64encode(c.body).decode("ascii")
    if c.forward_url is not None:
        obj["forward"] = {
            "url": c.forward_url,
            "status": c.forward_status,
            "latency_ms": c.forward_latency_ms,
            "body": (c.forward_body or b"").decode("utf-8", "replace"),
            "error": c.forward_error,
        }
    return obj


def run(args: argparse.Namespace) -> int:
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
    from inspector.inputs import engine_or_report
    from inspector.server import rebuild_entries

    engine = engine_or_report(args.spec)
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
