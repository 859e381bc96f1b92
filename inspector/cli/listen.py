"""``voucherify-inspect listen``: receive live webhooks, in the TUI or one line per request."""

from __future__ import annotations

import argparse
import functools
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from inspector.cli import options

if TYPE_CHECKING:
    from inspector.engine.analyze import Engine
    from inspector.listen.capture import Entry
    from inspector.listen.respond import Responder
    from inspector.listen.server import Listener
    from inspector.listen.store import Reader
    from inspector.listen.tunnel import PublicEndpoint


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser(
        "listen",
        help="receive live webhooks over HTTP, store, verify and show them",
        description="Receive webhooks on http://HOST:PORT/PATH. Every request is stored in SQLite "
        "before it is answered, verified against x-voucherify-signature and validated. POST to PATH "
        "answers 200 {\"ok\": true, \"id\": N} (also for a body that is not JSON: it is stored and "
        "shown); other methods 405; other paths 404; bodies over --max-body 413; a body not sent "
        "within 10 s 408; a body cut short or with broken gzip 400. The signature is verified and the "
        "payload validated right after the answer. --respond and --proxy choose other answers for "
        "webhooks; --tunnel makes the listener reachable by Voucherify. Without a terminal on stdout "
        "it prints one line per request. The secret comes from $VOUCHERIFY_WEBHOOK_SECRET, "
        "--secret-file or --secret.",
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1; any other address is reachable from other "
        "machines and needs a secret, or --allow-unsigned-public)",
    )
    p.add_argument("--port", type=int, default=8765, help="port (default: 8765; 0 picks a free one)")
    p.add_argument("--path", default="/", help="URL path that accepts webhooks (default: /)")
    options.add_secret(p, "webhook secret for x-voucherify-signature")
    options.add_secret_file(p)
    p.add_argument("--db", default=None, metavar="PATH", help="SQLite file (default: in the user data dir)")
    p.add_argument("--forward-to", default=None, metavar="URL", help="relay each request to your app")
    p.add_argument(
        "--proxy",
        action="store_true",
        help="with --forward-to: answer each webhook with your app's status and body (502 when it "
        "cannot be reached), so Voucherify retries what your handler fails",
    )
    public = p.add_argument_group("reachable by Voucherify")
    public.add_argument(
        "--tunnel",
        choices=("cloudflared", "ngrok"),
        default=None,
        help="start this tunnel program (installed by you) pointed at the listener and show its "
        "public URL; it stops with the listener",
    )
    public.add_argument(
        "--public-url",
        default=None,
        metavar="URL",
        help="the public URL of a tunnel or reverse proxy you run yourself, to show the same way",
    )
    options.add_allow_unsigned_public(p)
    answers = p.add_argument_group("answers you choose")
    answers.add_argument(
        "--respond",
        default=None,
        metavar="STATUS[:DELAY][:BODY]",
        help="answer every webhook this way after storing it, e.g. 503, 200:2.5s, timeout (no "
        "answer), 409::BODY; requests the listener rejects keep their own answer",
    )
    answers.add_argument(
        "--respond-for",
        action="append",
        default=[],
        metavar="TYPE=STATUS[:DELAY]",
        help="answer one event type this way (repeatable; * matches any part), e.g. "
        "customer.holder.assignment.created=500",
    )
    p.add_argument("--no-tui", action="store_true", help="print one line per request instead of the TUI (the default when stdout is not a terminal)")
    p.add_argument(
        "--max-body", type=int, default=5 * 1024 * 1024, metavar="BYTES", help="largest body accepted (default: 5 MiB)"
    )
    p.add_argument(
        "--max-connections",
        type=int,
        default=256,
        metavar="N",
        help="open connections at most; more are answered 503 (default: 256, kept below the open-file limit)",
    )
    options.add_spec(p)


def run(args: argparse.Namespace) -> int:
    import asyncio  # here, not at the top: every command's parser is built at start

    from inspector.engine.inputs import engine_or_report, make_engine
    from inspector.listen.lines import serve_lines
    from inspector.listen.server import Listener, ListenError, is_loopback
    from inspector.listen.signature import SecretError, secret_given
    from inspector.listen.store import default_path

    if args.max_body <= 0 or args.max_connections <= 0:
        print("voucherify-inspect: --max-body and --max-connections must be positive numbers", file=sys.stderr)
        return 2
    engine = engine_or_report(args.spec, fetched=args.fetched_spec)
    if engine is None:
        return 2
    db = args.db or str(default_path())
    try:
        secret = secret_given(args.secret, args.secret_file)
        options.secret_warnings(args)
        if not is_loopback(args.host):
            print(
                f"voucherify-inspect: warning: --host {args.host} accepts requests from other machines, not only this one"
                + ("" if secret else " (and there is no secret to check them with)"),
                file=sys.stderr,
            )
        public = _public_endpoint(args, secret)
        responder = _responder(args, engine)
        listener = Listener(
            engine=engine,
            db=db,
            host=args.host,
            port=args.port,
            path=args.path,
            secret=secret,
            forward_to=args.forward_to,
            max_body=args.max_body,
            public=public,
            responder=responder,
            proxy=args.proxy,
            max_connections=args.max_connections,
            allow_unsigned_public=args.allow_unsigned_public,
            # Big bodies are judged in a worker process, which builds the same engine.
            engine_factory=functools.partial(make_engine, args.spec, fetched=args.fetched_spec),
        )
    except (ListenError, SecretError, ValueError) as exc:
        print(f"voucherify-inspect: {exc}", file=sys.stderr)
        return 2
    _raise_open_file_limit()
    if args.no_tui or not sys.stdout.isatty():
        try:
            asyncio.run(serve_lines(listener, sys.stdout))
        except ListenError as exc:
            print(f"voucherify-inspect: {exc}", file=sys.stderr)
            return 2
        return 0
    return _run_tui(engine, listener)


def _public_endpoint(args: argparse.Namespace, secret: Optional[str]) -> Optional[PublicEndpoint]:
    """``--tunnel`` or ``--public-url``; a public endpoint needs a secret, or the user's word
    that an unsigned one is meant. Raises ValueError with the reason."""
    from inspector.listen.tunnel import PublicEndpoint, Tunnel, check_public_url

    if args.tunnel and args.public_url:
        raise ValueError("--tunnel starts a tunnel and --public-url names one you run: give one of them")
    if not (args.tunnel or args.public_url):
        return None
    if secret is None and not args.allow_unsigned_public:
        flag = "--tunnel" if args.tunnel else "--public-url"
        raise ValueError(
            f"{flag} makes the listener public: anyone with the URL can post to it. Set the webhook "
            "secret (Voucherify: Project settings → Webhooks) with --secret-file PATH or "
            "$VOUCHERIFY_WEBHOOK_SECRET so signatures are verified, or pass --allow-unsigned-public"
        )
    if args.tunnel:
        return Tunnel(args.tunnel)
    return PublicEndpoint(check_public_url(args.public_url))


def _responder(args: argparse.Namespace, engine: Engine) -> Optional[Responder]:
    """``--respond`` and ``--respond-for``; None keeps the listener's own answer. A rule for a
    type no schema knows is kept (Voucherify has more types than the schemas loaded) but named
    on stderr, as it may be a typo. Raises ValueError with the reason."""
    from inspector.engine.inputs import unknown_type
    from inspector.listen.respond import OK, Responder, parse_answer, parse_rule

    if not (args.respond or args.respond_for):
        return None
    if args.proxy:
        raise ValueError("--proxy answers with your app's answer; --respond and --respond-for choose one: use either")
    rules = [parse_rule(text) for text in args.respond_for]
    for rule in rules:
        unknown = None if "*" in rule.event_type else unknown_type(engine, rule.event_type)
        if unknown is not None:
            print(f"voucherify-inspect: warning: --respond-for {unknown}", file=sys.stderr)
    return Responder(default=parse_answer(args.respond) if args.respond else OK, rules=rules)


def _raise_open_file_limit() -> None:
    """Each connection is a file descriptor: take the hard limit (the soft one is often 1024)."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = hard if hard != resource.RLIM_INFINITY else 65536
        if soft != resource.RLIM_INFINITY and soft < wanted:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, 65536), hard))
    except (ImportError, OSError, ValueError):
        pass


def _run_tui(engine: Engine, listener: Listener) -> int:
    try:
        from inspector.tui.app import create_app
    except ImportError as exc:
        print(f"voucherify-inspect: the TUI is not available ({exc}); use --no-tui", file=sys.stderr)
        return 2
    earlier, reader = _earlier_captures(engine, listener.db)
    # The trigger key signs with the secret the listener checks against.
    app = create_app(engine=engine, listener=listener, secret=listener.secret, entries=earlier)
    import asyncio  # here, not at the top: every command's parser is built at start

    async def run_app() -> None:
        # SIGTERM, SIGHUP (the terminal closed) and a SIGINT from kill (a Ctrl-C typed in the
        # TUI is a key) end the app the way q does, so the listener stops and takes its tunnel
        # with it; by default they would end Python at once.
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            try:
                loop.add_signal_handler(sig, app.exit)
            except (NotImplementedError, RuntimeError, AttributeError):
                pass
        await app.run_async()

    try:
        asyncio.run(run_app())
    finally:
        if reader is not None:
            reader.close()
    result: Optional[object] = app.return_value
    return int(result) if isinstance(result, int) else 0


def _earlier_captures(engine: Engine, db: str) -> tuple[list[Entry], Optional[Reader]]:
    """What earlier runs stored in ``db``, newest first, as ``history`` lists them (light rows:
    a body is read when its row is opened, through the reader returned, kept open while the app
    runs). A database that cannot be read gives no rows: the listener says why when it starts."""
    from inspector.listen.history import rebuild_entries
    from inspector.listen.store import Reader, StoreError

    if not Path(db).exists():
        return [], None
    reader = Reader(db)
    try:
        entries = rebuild_entries(engine, reader.rows())
    except StoreError:
        reader.close()
        return [], None
    entries.reverse()
    return entries, reader
