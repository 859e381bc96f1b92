"""``voucherify-inspect sign FILE``: print the ``x-voucherify-signature`` of a payload file."""

from __future__ import annotations

import argparse
import sys

from inspector.cli import options


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("sign", help="print the x-voucherify-signature of a payload file")
    p.add_argument("file", metavar="FILE", help="payload file (or - for stdin)")
    options.add_secret(p)
    options.add_secret_file(p)


def run(args: argparse.Namespace) -> int:
    from inspector.engine.inputs import InputError, read_source
    from inspector.listen.signature import SecretError, is_json, secret_given, sign

    try:
        secret = secret_given(args.secret, args.secret_file)
    except SecretError as exc:
        print(f"voucherify-inspect: {exc}", file=sys.stderr)
        return 2
    options.secret_warnings(args)
    if secret is None:
        print(f"voucherify-inspect: no secret: set {options.SECRET_ENV}, or give --secret-file or --secret", file=sys.stderr)
        return 2
    try:
        data = read_source(args.file)
    except InputError as exc:
        print(f"voucherify-inspect: {exc}", file=sys.stderr)
        return 2
    if not is_json(data):
        # Still a signature: Voucherify's rule for a body that is not JSON is the raw bytes.
        print(f"voucherify-inspect: {args.file} is not JSON: signed its raw bytes", file=sys.stderr)
    print(sign(data, secret))
    return 0
