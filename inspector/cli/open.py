"""``voucherify-inspect [open] [PATH ...]``: the inspector TUI over files, NDJSON or stdin."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Optional

from inspector.cli import options


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("open", help="open payloads in the inspector (the default command)")
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help=".json or NDJSON (.jsonl/.ndjson) files, folders of them, or - for stdin; none shows a welcome screen",
    )
    options.add_type(p)
    options.add_spec(p)


def _take_stdin() -> tuple[Optional[bytes], Optional[str]]:
    """Read a piped payload, then point fd 0 at the terminal so keys still reach the app.

    Returns (bytes, error message)."""
    data = sys.stdin.buffer.read()
    if sys.stdin.isatty():
        return data, None
    try:
        tty = os.open("/dev/tty", os.O_RDONLY)
    except OSError:
        return data, "stdin is a pipe and there is no terminal to read keys from (use `validate -` instead)"
    os.dup2(tty, 0)
    os.close(tty)
    sys.stdin = open(0, "r", closefd=False)  # noqa: SIM115 - fd 0 outlives this function
    return data, None


def run(args: argparse.Namespace) -> int:
    from inspector.engine.inputs import engine_or_report
    from inspector.engine.textsafe import visible

    missing = [p for p in args.paths if p != "-" and not os.path.exists(p)]
    if missing:
        # Before the terminal is taken over: a typo is one line on the command line, not a screen.
        names = ", ".join(visible(p) for p in missing)
        print(f"voucherify-inspect: no such file: {names}", file=sys.stderr)
        return 2
    engine = engine_or_report(args.spec, args.type, fetched=args.fetched_spec)
    if engine is None:
        return 2
    stdin: Optional[bytes] = None
    if "-" in args.paths:
        stdin, problem = _take_stdin()
        if problem:
            print(f"voucherify-inspect: {problem}", file=sys.stderr)
            return 2
    if not sys.stdout.isatty():
        print("voucherify-inspect: the inspector needs a terminal; use `voucherify-inspect validate` in scripts", file=sys.stderr)
        return 2

    from inspector.tui.app import create_app

    app = create_app(engine=engine, paths=args.paths, event_type=args.type, stdin=stdin)
    app.run()
    return 0
