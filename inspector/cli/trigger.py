"""``voucherify-inspect trigger TYPE --to URL``: make your handler receive a real, signed webhook
of any event type now, and show what it answered.

The payload is the docs' example of TYPE (inspector/engine/examples.py) in the v2024-01-01
envelope with fresh ids, changed by ``--set`` and ``--edit``, validated by the engine (errors
refuse the send unless ``--allow-invalid``), posted compact and signed as Voucherify signs.
Exit status: 0 when every delivery got a 2xx, 1 when one got another status, 2 when one could
not be sent (or nothing was sent: unknown type, invalid payload, bad option).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from inspector.cli import options

if TYPE_CHECKING:
    from inspector.engine.analyze import Engine
    from inspector.engine.examples import WrapForm
    from inspector.engine.issues import Issue
    from inspector.listen.forward import Answer

SHOWN_BODY = 2048
MAX_COUNT = 10_000

EPILOG = """\
examples:
  voucherify-inspect trigger customer.holder.assignment.created --to http://127.0.0.1:3000/webhooks
  voucherify-inspect trigger customer.holder.assignment.created --to URL \\
      --set /data/holder/holder_role=REFERRER --set /data/voucher/active=false \\
      --set /data/voucher/metadata/tier='"42"'    # a string that looks like JSON is quoted
  voucherify-inspect trigger voucher.published --spec events.json --form distribution --to URL
  voucherify-inspect trigger customer.holder.assignment.deleted --dry-run

The secret comes from --secret-file, $VOUCHERIFY_WEBHOOK_SECRET or --secret (seen by ps);
without one the webhook is sent unsigned, and the command says so. Other event types than the
two built in need Voucherify's specs: `voucherify-inspect spec fetch`, or --spec PATH.
Exit status: 0 every delivery answered 2xx, 1 another status, 2 not sent.
"""


def _count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= n <= MAX_COUNT:
        raise argparse.ArgumentTypeError(f"between 1 and {MAX_COUNT}")
    return n


def _seconds(text: str) -> float:
    try:
        s = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < s <= 3600:
        raise argparse.ArgumentTypeError("more than 0 and at most 3600 seconds")
    return s


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser(
        "trigger",
        help="send your handler a signed example webhook of an event type, and show its answer",
        description="Build the docs' example of an event type in a v2024-01-01 webhook envelope\n"
        "(fresh ids, created_at now), validate it, sign it and post it to your handler; print\n"
        "what the handler answered.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("type", metavar="TYPE", help="event type, e.g. customer.holder.assignment.created")
    p.add_argument("--to", metavar="URL", help="your handler's URL (needed unless --dry-run)")
    options.add_secret(p)
    options.add_secret_file(p)
    p.add_argument(
        "--form",
        choices=("envelope", "distribution", "data"),
        default="envelope",
        help="the webhook envelope (default), a distribution's envelope, or the bare event data",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        dest="overrides",
        metavar="POINTER=JSON",
        help="set the value at a JSON Pointer into the payload (repeatable); the value is JSON, "
        "a bare word is a string; '-' appends to an array: /data/voucher/categories/-={...}",
    )
    p.add_argument("--count", type=_count, default=1, metavar="N", help="send N deliveries, each with fresh ids")
    p.add_argument("--edit", action="store_true", help="edit the payload in $VISUAL/$EDITOR before it is sent")
    p.add_argument("--dry-run", action="store_true", help="print the request (headers and body) instead of sending it")
    p.add_argument(
        "--allow-invalid",
        action="store_true",
        help="send even when the payload has errors (to test your handler's rejection path)",
    )
    p.add_argument(
        "--timeout", type=_seconds, default=10.0, metavar="S", help="seconds to wait for an answer (default 10)"
    )
    options.add_spec(p)


def _fail(message: str) -> int:
    from inspector.engine.textsafe import visible

    first, *rest = message.split("\n")
    print("\n".join(visible(line) for line in [f"voucherify-inspect: {first}", *rest]), file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from inspector.engine.analysis import FORM_LABELS
    from inspector.engine.examples import (
        apply_overrides,
        example_of,
        parse_override,
        stamps_of,
        wrap,
    )
    from inspector.engine.inputs import InputError, make_engine
    from inspector.engine.report import text_block
    from inspector.listen.server import ListenError, check_forward_url
    from inspector.listen.signature import SECRET_ENV, SecretError, secret_given

    url: Optional[str] = args.to
    if url is None and not args.dry_run:
        return _fail("give --to URL (your handler), or --dry-run to see what would be sent")
    try:
        if url is not None:
            check_forward_url(url)
        secret = secret_given(args.secret, args.secret_file)
        overrides = [parse_override(text) for text in args.overrides]
        engine = make_engine(args.spec)
    except (ListenError, SecretError, InputError) as exc:
        return _fail(str(exc))
    except ValueError as exc:
        return _fail(f"--set {exc}")
    options.secret_warnings(args)

    entry = engine.registry.get(args.type)
    if entry is None:
        return _fail(_unknown_type(engine, args.type))
    form: WrapForm = args.form
    example = example_of(entry)
    payload = wrap(example.data, entry.event_type, form, target_url=url)
    stamps = stamps_of(payload)
    try:
        payload = apply_overrides(payload, overrides)
    except ValueError as exc:
        return _fail(f"--set {exc}")
    pre: list[Issue] = []
    if args.edit:
        edited = _edit(payload)
        if isinstance(edited, str):
            return _fail(edited)
        payload, pre = edited

    analysis = engine.analyze(
        payload,
        event_type=entry.event_type if form == "data" else None,
        source=f"trigger {entry.event_type}",
        pre_issues=pre,
    )
    if analysis.errors:
        print(text_block(analysis), file=sys.stderr)
        if not args.allow_invalid:
            return _fail(
                f"not sent: the payload has {_plural(analysis.errors, 'error')} "
                "(fix it with --set or --edit; --allow-invalid sends it anyway, to test your handler's rejection path)"
            )
    _note(
        f"{entry.event_type} · {FORM_LABELS[form]} · {example.origin_label} · "
        f"{_plural(analysis.errors, 'error')}, {_plural(analysis.warnings, 'warning')}"
    )
    if secret is None:
        _note(f"no secret (--secret-file, ${SECRET_ENV} or --secret): the webhook is not signed")

    if args.dry_run:
        for i in range(args.count):
            if i:
                print()
            _print_request(url, _delivery(payload, stamps, i), secret)
        return 0
    assert url is not None
    import asyncio  # here, not at the top: every command's parser is built at start

    return asyncio.run(_send_all(url, payload, stamps, secret, count=args.count, timeout=args.timeout))


# -- building each delivery -----------------------------------------------------------------------


def _delivery(payload: Any, stamps: dict[str, Any], index: int) -> Any:
    """The ``index``-th delivery: the first is the payload as built, each later one a fresh copy."""
    from inspector.engine.examples import restamp

    return payload if index == 0 else restamp(payload, stamps)


def _print_request(url: Optional[str], payload: Any, secret: Optional[str]) -> None:
    from inspector.engine.textsafe import visible
    from inspector.listen.forward import compact, webhook_headers

    body = compact(payload)
    print(visible(f"POST {url}" if url else "POST (no --to given)"))
    for name, value in webhook_headers(body, secret):
        print(visible(f"{name.lower()}: {value}"))
    print()
    print(visible(body.decode("utf-8", "replace")))


# -- sending ----------------------------------------------------------------------------------------


async def _send_all(
    url: str, payload: Any, stamps: dict[str, Any], secret: Optional[str], *, count: int, timeout: float
) -> int:
    import aiohttp

    from inspector.listen.forward import deliver, hint

    answers: list[Answer] = []
    async with aiohttp.ClientSession() as session:
        for i in range(count):
            sent = _delivery(payload, stamps, i)
            answer = await deliver(url, sent, secret=secret, timeout=timeout, keep=SHOWN_BODY, session=session)
            answers.append(answer)
            if count == 1:
                _print_answer(answer)
            else:
                _print_line(i, count, sent, answer)
            if not answer.sent:
                break  # the next ones would fail the same way, each after the same wait
    if count > 1:
        _print_totals(answers, count)
    shown: set[str] = set()
    for answer in answers:
        why = hint(answer, signed=secret is not None)
        if why and not answer.ok and why not in shown:
            shown.add(why)
            print(f"hint: {why}", file=sys.stderr)
    if any(not a.sent for a in answers):
        return 2
    return 0 if all(a.ok for a in answers) else 1


def _print_answer(answer: Answer) -> None:
    from inspector.engine.textsafe import visible

    if not answer.sent:
        print(f"voucherify-inspect: not sent: {answer.status_line()}", file=sys.stderr)
        return
    print(answer.status_line())
    from inspector.listen.forward import SHOWN_HEADERS

    for name in SHOWN_HEADERS:
        value = answer.header(name)
        if value is not None:
            print(visible(f"{name}: {value}"))
    if answer.body:
        print()
        print(answer.body_text(SHOWN_BODY))


def _print_line(index: int, count: int, sent: Any, answer: Answer) -> None:
    """One delivery of ``--count``: number, delivery id, answer, size of the answer."""
    from inspector.engine.textsafe import visible

    sent_id = sent.get("id") if isinstance(sent, dict) else None
    width = len(str(count))
    parts = [f"{index + 1:>{width}}/{count}"]
    if isinstance(sent_id, str):
        parts.append(visible(sent_id))
    parts.append(answer.status_line())
    if answer.sent:
        kind = answer.header("content-type")
        size = answer.header("content-length")
        if kind:
            parts.append(visible(kind.split(";")[0]))
        parts.append(f"{visible(size)} B" if size else f"{len(answer.body)}{'+' if answer.truncated else ''} B")
    print("  ".join(parts), flush=True)


def _print_totals(answers: list[Answer], count: int) -> None:
    ok = sum(1 for a in answers if a.ok)
    other = sum(1 for a in answers if a.sent and not a.ok)
    unsent = sum(1 for a in answers if not a.sent)
    line = (
        f"{_plural(len(answers), 'delivery', 'deliveries')}: {ok} answered 2xx, "
        f"{other} another status, {unsent} not sent"
    )
    times = sorted(a.latency_ms for a in answers if a.sent)
    if times:
        line += f"; latency min {times[0]:.0f} ms, median {times[len(times) // 2]:.0f} ms, max {times[-1]:.0f} ms"
    if len(answers) < count:
        line += f"; stopped: {count - len(answers)} not attempted"
    print(line)


# -- helpers ----------------------------------------------------------------------------------------


def _unknown_type(engine: "Engine", name: str) -> str:
    from inspector.engine.examples import is_voucherify_type

    registry = engine.registry
    close = registry.closest(name)
    text = f"no schema for event type {name!r}"
    if close:
        text += f"; did you mean {' or '.join(close)}?"
    if is_voucherify_type(name) and not registry.has_specs:
        text += (
            "\n  it is named like one of Voucherify's events, whose schemas and examples come from their "
            "specs: run `voucherify-inspect spec fetch` (or give --spec PATH)"
        )
    elif not close:
        text += "\n  the known types: voucherify-inspect spec list"
    return text


def _edit(payload: Any) -> "tuple[Any, list[Issue]] | str":
    """The payload after the user edited it in ``$VISUAL``/``$EDITOR`` (and the parse's warnings),
    or the reason to stop. The file is private (mkstemp: 0600) and removed afterwards."""
    from inspector.engine.jsonparse import parse_bytes

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        return "--edit needs an editor: set $EDITOR (for example EDITOR=nano)"
    fd, path = tempfile.mkstemp(prefix="voucherify-trigger-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as f:
            json.dump(payload, f, indent=2, ensure_ascii=False)
            f.write("\n")
        try:
            status = subprocess.call([*shlex.split(editor), path])
        except (OSError, ValueError) as exc:
            return f"cannot run the editor {editor!r}: {getattr(exc, 'strerror', None) or exc}"
        if status != 0:
            return f"the editor exited with status {status}: nothing sent"
        data = Path(path).read_bytes()
    finally:
        os.unlink(path)
    doc = parse_bytes(data)
    if not doc.ok:
        why = "; ".join(i.message for i in doc.issues) or "not JSON"
        return f"the edited payload is not JSON ({why}): nothing sent"
    return doc.value, list(doc.issues)


def _note(text: str) -> None:
    from inspector.engine.textsafe import visible

    print(visible(text), file=sys.stderr)


def _plural(n: int, word: str, plural: Optional[str] = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"
