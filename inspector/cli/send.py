"""``voucherify-inspect send FILE --to URL``: post a payload with a correct signature, the way
Voucherify would, to test a webhook endpoint."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

SHOWN_BODY = 4096


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("send", help="post a payload file with a valid x-voucherify-signature")
    p.add_argument("file", metavar="FILE", help="payload file (or - for stdin)")
    p.add_argument("--to", required=True, metavar="URL", help="where to post it")
    p.add_argument("--secret", default=None, help="webhook secret (default: $VOUCHERIFY_WEBHOOK_SECRET)")


async def post(url: str, data: bytes, headers: dict[str, str], timeout: float = 30.0) -> tuple[int, str, bytes, float]:
    """(status, reason, first bytes of the body, milliseconds) of one POST."""
    import aiohttp

    started = time.perf_counter()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        async with session.post(url, data=data, headers=headers, allow_redirects=False) as resp:
            body = await resp.content.read(SHOWN_BODY + 1)
            return resp.status, resp.reason or "", body, (time.perf_counter() - started) * 1000


def run(args: argparse.Namespace) -> int:
    import aiohttp

    from inspector.engine.inputs import InputError, read_source
    from inspector.engine.textsafe import visible
    from inspector.listen.server import ListenError, check_forward_url
    from inspector.listen.signature import (
        HEADER,
        SECRET_ENV,
        is_json,
        secret_from,
        sign,
    )

    try:
        url = check_forward_url(args.to)
        data = read_source(args.file)
    except (InputError, ListenError) as exc:
        print(f"voucherify-inspect: {exc}", file=sys.stderr)
        return 2
    if not is_json(data):
        print(f"voucherify-inspect: warning: {args.file} is not JSON; sending it as it is", file=sys.stderr)
    headers = {"Content-Type": "application/json", "User-Agent": "voucherify-inspect"}
    secret = secret_from(args.secret)
    if secret is not None:
        headers[HEADER] = sign(data, secret)
    else:
        print(f"voucherify-inspect: no secret (--secret or {SECRET_ENV}): sending without a signature", file=sys.stderr)
    try:
        status, reason, body, ms = asyncio.run(post(url, data, headers))
    except aiohttp.ClientConnectorError as exc:
        print(f"voucherify-inspect: cannot connect to {url} ({exc.os_error.strerror or exc.os_error})", file=sys.stderr)
        return 2
    except asyncio.TimeoutError:
        print(f"voucherify-inspect: {url} did not answer within 30 s", file=sys.stderr)
        return 1
    except aiohttp.ClientError as exc:
        print(f"voucherify-inspect: {url}: {exc}", file=sys.stderr)
        return 1
    print(visible(f"HTTP {status} {reason} in {ms:.0f} ms"))
    if body:
        text = body[:SHOWN_BODY].decode("utf-8", "replace")
        # Keep the answer's own line breaks; every other control character is shown escaped.
        print("\n".join(visible(line) for line in text.split("\n")) + (" …" if len(body) > SHOWN_BODY else ""))
    return 0 if 200 <= status < 300 else 1
