"""``listen --no-tui``: one line per request, safe to print to any terminal."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from typing import Optional, TextIO

from inspector.engine.textsafe import visible
from inspector.listen.capture import Entry
from inspector.listen.server import Listener
from inspector.listen.tunnel import PublicEndpoint, Tunnel, dashboard_steps


def format_line(entry: Entry) -> str:
    """One request as a line: time, method, HTTP status, event type, signature, findings.
    Every part that came from the sender is made visible, so a payload cannot drive the terminal."""
    c = entry.capture
    a = entry.analysis
    assert c is not None
    stamp = time.strftime("%H:%M:%S", time.localtime(c.received_at)) + f".{int(c.received_at * 1000) % 1000:03d}"
    if not c.accepted:
        what = a.issues[0].message if a.issues else "rejected"
    elif not a.readable:
        what = "not JSON" if a.issues and a.issues[0].code.startswith("json") else "unreadable"
    else:
        what = a.event_type or f"({a.form})"
    parts = [
        stamp,
        f"#{c.id}",
        c.method,
        c.answer_text,
        what,
        f"signature {c.signature}",
    ]
    if c.accepted:
        parts.append(f"{a.errors} error{'s' if a.errors != 1 else ''}, {a.warnings} warning{'s' if a.warnings != 1 else ''}")
        if a.readable and not a.validated:
            parts[-1] += ", not validated"
    if a.line is not None:
        parts.insert(2, f"line {a.line}")
    if entry.retry_of is not None:
        parts.append(f"retry of #{entry.retry_of}")
    if c.answer_rule:
        parts.append(f"answered by {c.answer_rule}")
    return visible("  ".join(parts))


def format_forward(entry: Entry) -> str:
    c = entry.capture
    assert c is not None
    if c.forward_error:
        result = f"FAILED: {c.forward_error}"
    else:
        result = f"{c.forward_status} in {c.forward_latency_ms or 0:.0f} ms"
    return visible(f"           #{c.id} forwarded to {c.forward_url}: {result}")


class LinePrinter:
    """The ``--no-tui`` output: one flushed line per request and per forward result."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def entry(self, entry: Entry) -> None:
        self.out.write(format_line(entry) + "\n")
        self.out.flush()

    def update(self, entry: Entry) -> None:
        if entry.analysis.line is None or entry.analysis.line <= 1:
            self.out.write(format_forward(entry) + "\n")
            self.out.flush()


def public_lines(endpoint: PublicEndpoint, path: str, local: str) -> list[str]:
    """What to print when the public endpoint changes: its URL and the dashboard steps, or why
    it failed (the listener goes on locally)."""
    if endpoint.state == "up":
        url = endpoint.webhook_url(path) or ""
        via = f"{endpoint.program} → {local}" if endpoint.program else f"→ {local}"
        return [f"public URL {url}  ({via})", *("  " + step for step in dashboard_steps(url))]
    if endpoint.state == "starting" and isinstance(endpoint, Tunnel) and endpoint.command:
        return [f"starting {endpoint.program}: {' '.join(endpoint.command)}"]
    if endpoint.state in ("failed", "stopped") and endpoint.error:
        return [*endpoint.failure_text().splitlines(), f"still listening on {local} (reachable from this machine only)"]
    return []


async def serve_lines(listener: Listener, out: TextIO, err: Optional[TextIO] = None) -> None:
    """Run the listener until SIGINT/SIGTERM/SIGHUP, printing one line per request."""
    printer = LinePrinter(out)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # Before the URL is printed: whoever reads it may signal us at once.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
    url = await listener.start(printer.entry, printer.update)
    secret = "set" if listener.secret_set else "not set: signatures are not checked"
    out.write(f"listening on {url}  (database {listener.db}; secret {secret})\n")
    if listener.forward_to:
        proxy = " (--proxy: Voucherify gets your app's answers)" if listener.proxy else ""
        out.write(visible(f"forwarding to {listener.forward_to}{proxy}") + "\n")
    responder = listener.responder
    if responder is not None and (responder.rules or not responder.current.plain):
        out.write(responder.describe() + "\n")
    out.flush()
    public = listener.public
    if public is not None:

        def show(endpoint: PublicEndpoint) -> None:
            lines = public_lines(endpoint, listener.path, url)
            stream = (err or sys.stderr) if endpoint.state in ("failed", "stopped") else out
            for line in lines:
                stream.write(visible(line) + "\n")
            stream.flush()

        public.watch(show)
        show(public)
    try:
        await stop.wait()
    finally:
        await listener.stop()
        out.write(f"stopped after {listener.received} request{'s' if listener.received != 1 else ''}\n")
        out.flush()
