"""Command line: ``voucherify-inspect [open] PATH...``, ``validate``, ``listen``, ``history``,
``send``, ``trigger``, ``sign``, ``spec list``/``spec fetch`` and ``docs``.

The parser is built from each command module's ``add_parser``. Those modules import only the
standard library at their top; a command imports the engine, the listener or the TUI inside
``run``, so ``validate`` and ``--help`` never load textual or an HTTP library
(tests/test_layers.py holds this).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Any, Optional, Sequence

from inspector import __version__

SUBCOMMANDS = ("open", "validate", "listen", "history", "send", "trigger", "sign", "spec", "docs")

DESCRIPTION = """\
Inspect Voucherify webhook payloads: see each field with the docs' description, and what is
wrong with it.

  voucherify-inspect FILE.json            open payloads in the inspector (TUI)
  voucherify-inspect validate FILE...     validate headless, for scripts and CI
  voucherify-inspect listen               receive live webhooks on http://127.0.0.1:8765/
  voucherify-inspect history              reopen captured webhooks
  voucherify-inspect send FILE --to URL   post a payload with a valid signature
  voucherify-inspect trigger TYPE --to URL  send your handler a signed example webhook of TYPE
  voucherify-inspect sign FILE            print a payload's x-voucherify-signature
  voucherify-inspect spec fetch           download Voucherify's spec: every event type
  voucherify-inspect spec list            list the event types known and where each comes from
  voucherify-inspect docs [TYPE]          an event type's documented fields, in the inspector (--format: print)
"""

EPILOG = """\
Payload forms: bare event data, the v2024-01-01 webhook envelope, its distribution variant, the
customer-activity object, and the legacy pre-2024 envelope (recognised, not validated).
Built-in events: customer.holder.assignment.created and .deleted. `spec fetch` caches
Voucherify's published webhook spec once, and every command then knows all its event types
(--no-fetched-spec turns it off); --spec PATH (or VOUCHERIFY_INSPECT_SPEC) adds other specs.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voucherify-inspect",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        _command(name).add_parser(sub)
    return parser


def _command(name: str) -> Any:
    """A command's module: its top level imports only the standard library."""
    return importlib.import_module(f"inspector.cli.{name}")


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
    module = _command(args.command)
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
