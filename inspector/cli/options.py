"""Options that several commands share, spelt once."""

from __future__ import annotations

import argparse
import os


def add_spec(p: argparse.ArgumentParser) -> None:
    """``--spec`` and ``--no-fetched-spec``: every command that validates takes both."""
    p.add_argument(
        "--spec",
        action="append",
        metavar="PATH",
        default=None,
        help="OpenAPI event spec file or folder, added to the fetched spec (repeatable; default: "
        "$VOUCHERIFY_INSPECT_SPEC, paths separated by '%s')" % os.pathsep,
    )
    p.add_argument(
        "--no-fetched-spec",
        dest="fetched_spec",
        action="store_false",
        help="do not load the spec `spec fetch` cached (loaded by default when there is one)",
    )


def add_type(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--type",
        metavar="TYPE",
        help="event type to validate against, e.g. customer.holder.assignment.created "
        "(needed for bare event data when several types share its fields)",
    )


def add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=None, metavar="PATH", help="SQLite file (default: in the user data dir)")


def add_secret(p: argparse.ArgumentParser, what: str = "webhook secret") -> None:
    p.add_argument("--secret", default=None, help=f"{what} (default: $VOUCHERIFY_WEBHOOK_SECRET)")


def add_secret_file(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--secret-file",
        default=None,
        metavar="PATH",
        help="read the webhook secret from this file (kept out of ps and shell history)",
    )


def add_allow_unsigned_public(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--allow-unsigned-public",
        action="store_true",
        help="accept a listener reachable from outside this machine without a webhook secret "
        "(anyone who finds the URL can then post to it)",
    )
