"""``listen --no-tui``: one line per request, safe to print to any terminal.

A request's line is printed when its verdict is in (the listener answers first and verifies
after, usually within milliseconds); a request that was refused or not stored is printed at
once. A forward result follows its request's line. Requests still without a verdict when the
listener stops are printed then, as ``signature pending``.
"""

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
    """One request as a line: time, method, HTTP status, event type, signature, findings, and
    for an invalid signature why. Every part that came from the sender is made visible, so a
    payload cannot drive the terminal."""
    c = entry.capture
    assert c is not None
    s = entry.summary
    stamp = time.strftime("%H:%M:%S", time.localtime(c.received_at)) + f".{int(c.received_at * 1000) % 1000:03d}"
    if not c.accepted:
        what = s.problem or c.note or "rejected"
    elif not c.analysed:
        what = "(not analysed: the listener stopped first)"
    elif not s.readable:
        code = s.problem_code or ""
        what = "not JSON" if code.startswith("json") else (s.problem or "unreadable")
    else:
        what = s.event_type or f"({s.form})"
    parts = [
        stamp,
        f"#{c.id}" if c.id is not None else "#-",
        c.method,
        c.answer_text,
        what,
        f"signature {c.signature}",
    ]
    if c.accepted and c.analysed:
        parts.append(f"{s.errors} error{'s' if s.errors != 1 else ''}, {s.warnings} warning{'s' if s.warnings != 1 else ''}")
        if s.readable and not s.validated:
            parts[-1] += ", not validated"
    if s.line is not None:
        parts.insert(2, f"line {s.line}")
    if entry.retry_of is not None:
        parts.append(f"retry of #{entry.retry_of}")
    if c.answer_rule:
        parts.append(f"answered by {c.answer_rule}")
    # Why a signature is invalid, or which recipe matched when it is not the documented one.
    if c.signature == "invalid" or (c.signature == "valid" and "documented" not in c.signature_detail):
        parts.append(f"({c.signature_detail})")
    return visible("  ".join(parts))


def format_forward(entry: Entry) -> str:
    c = entry.capture
    assert c is not None
    if c.forward_error:
        result = f"FAILED: {c.forward_error}" if c.forward_latency_ms is not None else c.forward_error
    else:
        result = f"{c.forward_status} in {c.forward_latency_ms or 0:.0f} ms"
    return visible(f"           #{c.id} forwarded to {c.forward_url}: {result}")


class LinePrinter:
    """The ``--no-tui`` output: one flushed line per request and per forward result."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._waiting: dict[int, Entry] = {}
        """Rows handed over before their verdict, by id of the Entry."""
        self._lines: list[str] = []

    def _write(self, line: str) -> None:
        # One write per turn of the event loop, not one per line: a burst of requests costs one
        # write to the pipe or terminal (stdout may be unbuffered).
        self._lines.append(line + "\n")
        if len(self._lines) == 1:
            try:
                asyncio.get_running_loop().call_soon(self._flush)
            except RuntimeError:  # no loop (a direct call): write now
                self._flush()

    def _flush(self) -> None:
        lines, self._lines = self._lines, []
        if lines:
            self.out.write("".join(lines))
            self.out.flush()

    def entry(self, entry: Entry) -> None:
        c = entry.capture
        if c is not None and not c.analysed:
            self._waiting[id(entry)] = entry
            return
        self._write(format_line(entry))

    def update(self, entry: Entry) -> None:
        c = entry.capture
        if c is None:
            return
        if id(entry) in self._waiting:
            if not c.analysed:
                return  # a forward result before the verdict: printed after the line
            del self._waiting[id(entry)]
            self._write(format_line(entry))
            if c.forward_url is not None:
                self._write(format_forward(entry))
            return
        if c.forward_url is not None and (entry.summary.line is None or entry.summary.line <= 1):
            self._write(format_forward(entry))

    def notice(self, text: str) -> None:
        self._write(visible(f"           note: {text}"))

    def flush_waiting(self) -> None:
        """At stop: the rows whose verdict never came, as they are."""
        for entry in list(self._waiting.values()):
            self._write(format_line(entry))
            c = entry.capture
            if c is not None and c.forward_url is not None:
                self._write(format_forward(entry))
        self._waiting.clear()
        self._flush()


def stop_summary(listener: Listener) -> str:
    s = listener.stats
    text = f"stopped after {s.received} request{'s' if s.received != 1 else ''}"
    more = []
    if s.not_stored:
        more.append(f"{s.not_stored} not stored (answered 500)")
    if s.malformed:
        more.append(f"{s.malformed} malformed")
    forwards = listener.forwards
    if forwards is not None:
        if forwards.skipped:
            more.append(f"{forwards.skipped} forward{'s' if forwards.skipped != 1 else ''} skipped (over the budget)")
        if forwards.not_sent:
            more.append(f"{forwards.not_sent} forward{'s' if forwards.not_sent != 1 else ''} not sent")
    if s.unverified_at_stop:
        more.append(f"{s.unverified_at_stop} left unverified (checked when a listener next opens the database)")
    if s.refused_connections:
        more.append(f"{s.refused_connections} connections refused over the cap")
    if s.header_timeouts:
        more.append(f"{s.header_timeouts} connections closed for slow headers")
    return text + (f" ({'; '.join(more)})" if more else "")


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
    early: list[str] = []
    listener.on_notice = early.append  # printed after the first line, which says where we listen
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
    for text in early:
        printer.notice(text)
    listener.on_notice = printer.notice
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
        printer.flush_waiting()
        out.write(stop_summary(listener) + "\n")
        out.flush()
