"""``voucherify-inspect listen``: receive live webhooks, in the TUI or one line per request."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, Optional

from inspector.cli import options

if TYPE_CHECKING:
    from inspector.engine.analyze import Engine
    from inspector.listen.server import Listener


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser(
        "listen",
        help="receive live webhooks over HTTP, store, verify and show them",
        description="Receive webhooks on http://HOST:PORT/PATH. Every request is stored in SQLite "
        "before it is answered, verified against x-voucherify-signature and validated. POST to PATH "
        "answers 200 {\"ok\": true, \"id\": N} (also for a body that is not JSON: it is stored and "
        "shown); other methods 405; other paths 404; bodies over --max-body 413; a body not sent "
        "within 10 s 408. Without a terminal on stdout it prints one line per request.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port (default: 8765; 0 picks a free one)")
    p.add_argument("--path", default="/", help="URL path that accepts webhooks (default: /)")
    p.add_argument(
        "--secret",
        default=None,
        help="webhook secret for x-voucherify-signature (default: $VOUCHERIFY_WEBHOOK_SECRET)",
    )
    p.add_argument("--db", default=None, metavar="PATH", help="SQLite file (default: in the user data dir)")
    p.add_argument("--forward-to", default=None, metavar="URL", help="relay each request to your app")
    p.add_argument("--no-tui", action="store_true", help="print one line per request instead of the TUI (the default when stdout is not a terminal)")
    p.add_argument(
        "--max-body", type=int, default=5 * 1024 * 1024, metavar="BYTES", help="largest body accepted (default: 5 MiB)"
    )
    options.add_spec(p)


def run(args: argparse.Namespace) -> int:
    from inspector.engine.inputs import engine_or_report
    from inspector.listen.lines import serve_lines
    from inspector.listen.server import Listener, ListenError
    from inspector.listen.signature import secret_from
    from inspector.listen.store import default_path

    engine = engine_or_report(args.spec, fetched=args.fetched_spec)
    if engine is None:
        return 2
    db = args.db or str(default_path())
    try:
        listener = Listener(
            engine=engine,
            db=db,
            host=args.host,
            port=args.port,
            path=args.path,
            secret=secret_from(args.secret),
            forward_to=args.forward_to,
            max_body=args.max_body,
        )
    except ListenError as exc:
        print(f"voucherify-inspect: {exc}", file=sys.stderr)
        return 2
    if args.max_body <= 0:
        print("voucherify-inspect: --max-body must be a positive number of bytes", file=sys.stderr)
        return 2
    if args.no_tui or not sys.stdout.isatty():
        try:
            asyncio.run(serve_lines(listener, sys.stdout))
        except ListenError as exc:
            print(f"voucherify-inspect: {exc}", file=sys.stderr)
            return 2
        return 0
    return _run_tui(engine, listener)


def _run_tui(engine: Engine, listener: Listener) -> int:
    try:
        from inspector.tui.app import create_app
    except ImportError as exc:
        print(f"voucherify-inspect: the TUI is not available ({exc}); use --no-tui", file=sys.stderr)
        return 2
    app = create_app(engine=engine, listener=listener)
    result: Optional[object] = app.run()
    return int(result) if isinstance(result, int) else 0
