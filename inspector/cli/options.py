"""Options that several commands share, spelt once."""

from __future__ import annotations

import argparse
import os
import stat
import sys
from typing import Optional, TextIO

SECRET_ENV = "VOUCHERIFY_WEBHOOK_SECRET"  # the same name as inspector.listen.signature.SECRET_ENV


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
    p.add_argument(
        "--secret",
        default=None,
        metavar="S",
        help=f"the {what} itself (default: ${SECRET_ENV}); other users see it in `ps`: prefer "
        f"${SECRET_ENV} or --secret-file",
    )


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


def secret_warnings(args: argparse.Namespace, err: Optional[TextIO] = None) -> None:
    """Warn (on stderr) about a secret other local users can read: given on the command line,
    or in a file that is readable by others."""
    err = err or sys.stderr
    if getattr(args, "secret", None):
        err.write(
            f"voucherify-inspect: warning: a secret given with --secret is visible to other users in the process "
            f"list; prefer ${SECRET_ENV} or --secret-file\n"
        )
    path = getattr(args, "secret_file", None)
    if path and os.name == "posix":
        try:
            mode = os.stat(os.path.expanduser(path)).st_mode
        except OSError:
            return  # reading it will say what is wrong
        if stat.S_IMODE(mode) & 0o077:
            err.write(f"voucherify-inspect: warning: {path} can be read by other users (chmod 600 {path})\n")
