"""``voucherify-inspect sign FILE``: print the ``x-voucherify-signature`` of a payload file."""

from __future__ import annotations

import argparse
import sys

from inspector.inputs import InputError, read_source
from inspector.signature import SECRET_ENV, is_json, secret_from, sign


def run(args: argparse.Namespace) -> int:
    secret = secret_from(args.secret)
    if secret is None:
        print(f"voucherify-inspect: no secret: give --secret or set {SECRET_ENV}", file=sys.stderr)
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
