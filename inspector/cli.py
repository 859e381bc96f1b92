"""Command line: ``voucherify-inspect [open] PATH...``, ``validate``, ``listen``, ``history``,
``send``, ``sign`` and ``spec list``.

This module imports only the standard library; each subcommand imports what it needs when it
runs, so ``validate`` and ``--help`` never load textual or an HTTP library.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Optional, Sequence

from inspector import __version__

SUBCOMMANDS = ("open", "validate", "listen", "history", "send", "sign", "spec")

DESCRIPTION = """\
Inspect Voucherify webhook payloads: see each field with the docs' description, and what is
wrong with it.

  voucherify-inspect FILE.json            open payloads in the inspector (TUI)
  voucherify-inspect validate FILE...     validate headless, for scripts and CI
  voucherify-inspect listen               receive live webhooks on http://127.0.0.1:8765/
  voucherify-inspect history              reopen captured webhooks
  voucherify-inspect send FILE --to URL   post a payload with a valid signature
  voucherify-inspect sign FILE            print a payload's x-voucherify-signature
  voucherify-inspect spec list            list the event types known
"""

EPILOG = """\
Payload forms: bare event data, the v2024-01-01 webhook envelope, its distribution variant, the
customer-activity object, and the legacy pre-2024 envelope (recognised, not validated).
Built-in events: customer.holder.assignment.created and .deleted; load Voucherify's OpenAPI
event specs with --spec (or VOUCHERIFY_INSPECT_SPEC) for every other event type.
"""


def _add_spec(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--spec",
        action="append",
        metavar="PATH",
        default=None,
        help="OpenAPI event spec file or folder (repeatable; default: $VOUCHERIFY_INSPECT_SPEC, "
        "paths separated by '%s')" % os.pathsep,
    )


def _add_type(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--type",
        metavar="TYPE",
        help="event type to validate against, e.g. customer.holder.assignment.created "
        "(needed for bare event data when several types share its fields)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voucherify-inspect",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("open", help="open payloads in the inspector (the default command)")
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help=".json or NDJSON (.jsonl/.ndjson) files, folders of them, or - for stdin; none shows a welcome screen",
    )
    _add_type(p)
    _add_spec(p)

    p = sub.add_parser(
        "validate",
        help="validate payloads headless (exit 0 clean, 1 errors, 2 unreadable input)",
        description="Validate payloads. Exit status: 0 when no payload has errors, 1 when any "
        "has, 2 when an input cannot be read or parsed.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help=".json or NDJSON files, folders of them, or - for stdin")
    p.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour the text report")
    p.add_argument("--quiet", "-q", action="store_true", help="text report: only payloads with errors or warnings")
    _add_type(p)
    _add_spec(p)

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
    _add_spec(p)

    p = sub.add_parser("history", help="reopen or export captured webhooks")
    p.add_argument("--db", default=None, metavar="PATH", help="SQLite file (default: in the user data dir)")
    p.add_argument("--format", choices=("tui", "ndjson"), default="tui", help="tui (default) or ndjson on stdout")
    p.add_argument("--clear", action="store_true", help="delete every captured request")
    _add_spec(p)

    p = sub.add_parser("send", help="post a payload file with a valid x-voucherify-signature")
    p.add_argument("file", metavar="FILE", help="payload file (or - for stdin)")
    p.add_argument("--to", required=True, metavar="URL", help="where to post it")
    p.add_argument("--secret", default=None, help="webhook secret (default: $VOUCHERIFY_WEBHOOK_SECRET)")

    p = sub.add_parser("sign", help="print the x-voucherify-signature of a payload file")
    p.add_argument("file", metavar="FILE", help="payload file (or - for stdin)")
    p.add_argument("--secret", default=None, help="webhook secret (default: $VOUCHERIFY_WEBHOOK_SECRET)")

    p = sub.add_parser("spec", help="event types and specs")
    spec_sub = p.add_subparsers(dest="spec_command", metavar="ACTION")
    sp = spec_sub.add_parser("list", help="list the event types known (built in and from specs)")
    _add_spec(sp)
    return parser


def _normalise_argv(argv: list[str]) -> list[str]:
    """``voucherify-inspect FILE`` means ``voucherify-inspect open FILE``."""
    if not argv:
        return ["open"]
    first = argv[0]
    if first in SUBCOMMANDS or first in ("-h", "--help", "--version"):
        return argv
    return ["open", *argv]


def main(argv: Optional[Sequence[str]] = None) -> int:
    args_list = _normalise_argv(list(sys.argv[1:] if argv is None else argv))
    parser = build_parser()
    args = parser.parse_args(args_list)
    if args.command == "spec" and not getattr(args, "spec_command", None):
        parser.parse_args(["spec", "--help"])
    module = importlib.import_module(f"inspector.commands.{args.command}")
    try:
        return int(module.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output went away (``| head``): not an error worth a traceback.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
