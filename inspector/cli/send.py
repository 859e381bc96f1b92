"""``voucherify-inspect send FILE --to URL``: post a payload with a correct signature, the way
Voucherify would, to test a webhook endpoint."""

from __future__ import annotations

import argparse
import sys

from inspector.cli import options

SHOWN_BODY = 4096
TIMEOUT = 30.0


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("send", help="post a payload file with a valid x-voucherify-signature")
    p.add_argument("file", metavar="FILE", help="payload file (or - for stdin)")
    p.add_argument("--to", required=True, metavar="URL", help="where to post it")
    options.add_secret(p)
    options.add_secret_file(p)


def run(args: argparse.Namespace) -> int:
    import asyncio  # here, not at the top: every command's parser is built at start

    from inspector.engine.inputs import InputError, read_source
    from inspector.listen.forward import hint, post, webhook_headers
    from inspector.listen.server import ListenError, check_forward_url
    from inspector.listen.signature import SECRET_ENV, SecretError, is_json, secret_given

    try:
        url = check_forward_url(args.to)
        data = read_source(args.file)
        secret = secret_given(args.secret, args.secret_file)
    except (InputError, ListenError, SecretError) as exc:
        print(f"voucherify-inspect: {exc}", file=sys.stderr)
        return 2
    options.secret_warnings(args)
    if not is_json(data):
        print(f"voucherify-inspect: warning: {args.file} is not JSON; sending it as it is", file=sys.stderr)
    headers = webhook_headers(data, secret)
    if secret is None:
        print(
            f"voucherify-inspect: no secret ({SECRET_ENV}, --secret-file or --secret): sending without a signature",
            file=sys.stderr,
        )
    answer = asyncio.run(post(url, data, headers, timeout=TIMEOUT, keep=SHOWN_BODY))
    if not answer.sent:
        print(f"voucherify-inspect: {answer.status_line()}", file=sys.stderr)
        # No answer at all: the payload never reached a handler (2); one that hung or broke
        # off reached it (1).
        return 2 if answer.failure in ("connect", "invalid-url") else 1
    print(answer.status_line())
    if answer.body:
        print(answer.body_text(SHOWN_BODY))
    why = hint(answer, signed=secret is not None)
    if why and not answer.ok:
        print(f"hint: {why}", file=sys.stderr)
    return 0 if answer.ok else 1
