"""Listener speed and memory, each figure against a baseline measured in the same run.

    .venv/bin/python benchmarks/listen.py [-n 5000] [-c 50] [--big 30] [--history 20000]
                                          [--tui-rate 500 --tui-seconds 5]

1. Throughput: N signed envelope POSTs from C concurrent keep-alive connections against a bare
   aiohttp app that only reads the body and answers 200, then against
   ``voucherify-inspect listen --no-tui`` (stores every request before answering it, verifies and
   analyses it). The client is a small raw-socket HTTP/1.1 client, the same for both servers, so
   the servers are what is measured. Targets: ratio >= 0.5, listen p99 <= 20 ms at 50 clients.
   Also: whether every acknowledged id is in the database, and how long after the last answer
   every verdict was printed (analysis runs after the answer).
2. Answer first: ``--big`` signed 3.5 MB envelopes posted at once, and a small signed webhook every
   25 ms until every big one has its verdict; the small ones' answer latency while the big ones
   are analysed (target: every one within 50 ms), against the same small webhook on an idle
   listener.
3. History: ``--history`` captures written to a database, then ``history`` opened headless in a
   subprocess: time to first paint and memory, against the same subprocess that only imports the
   app (targets: first paint <= 1 s, <= 200 MB).
``--tui-rate`` also drives the TUI (headless, in-process) at that many requests/s and reports
how late its event loop ran (the TUI must stay responsive at 500 requests/s).
Everything runs on 127.0.0.1; servers are subprocesses, the clients run here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inspector.listen.signature import HEADER, sign  # noqa: E402

SECRET = "whsec_benchmark"
SAMPLE = ROOT / "samples" / "holder-assignment-created.envelope.json"


def bare_server() -> None:
    """The baseline: aiohttp reading the body and answering 200, nothing else."""
    from aiohttp import web

    async def handle(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response({"ok": True})

    async def main() -> None:
        app = web.Application()
        app.router.add_post("/", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        print(f"listening on http://127.0.0.1:{runner.addresses[0][1]}/", flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


class Server:
    """A server subprocess whose stdout lines are counted (``listen --no-tui`` prints one per
    verdict)."""

    def __init__(self, proc: asyncio.subprocess.Process, url: str) -> None:
        self.proc = proc
        self.url = url
        self.lines = 0
        self.changed = asyncio.Event()
        self.task = asyncio.create_task(self._drain())

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1].split("/")[0])

    async def _drain(self) -> None:  # the --no-tui line per request must not fill the pipe
        assert self.proc.stdout is not None
        while await self.proc.stdout.readline():
            self.lines += 1
            self.changed.set()

    async def wait_lines(self, n: int, timeout: float) -> bool:
        deadline = time.perf_counter() + timeout
        while self.lines < n:
            self.changed.clear()
            left = deadline - time.perf_counter()
            if left <= 0:
                return False
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except asyncio.TimeoutError:
                return False
        return True

    async def stop(self) -> None:
        self.proc.terminate()
        await self.proc.wait()
        self.task.cancel()


async def start(cmd: list[str]) -> Server:
    proc = await asyncio.create_subprocess_exec(
        *cmd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, env={**os.environ, "PYTHONUNBUFFERED": "1"}
    )
    assert proc.stdout is not None
    while True:
        first = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        if first.startswith("listening on "):
            break
        if not first:
            raise SystemExit("server did not start")
    return Server(proc, first.split()[2])


class Conn:
    """One keep-alive HTTP/1.1 connection: a request is written in one go and its answer read by
    Content-Length. Much cheaper than a client library, so the server is what is measured."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> Conn:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
        return cls(reader, writer)

    async def post(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


def request_bytes(port: int, body: bytes, secret: Optional[str] = SECRET) -> bytes:
    head = f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    if secret is not None:
        head += f"{HEADER}: {sign(body, secret)}\r\n"
    return head.encode() + b"\r\n" + body


async def drive(port: int, n: int, c: int, request: bytes) -> tuple[float, list[float], set[int]]:
    """(seconds, latencies in ms, ids acknowledged) for n POSTs from c concurrent connections."""
    latencies: list[float] = []
    ids: set[int] = set()
    remaining = n
    conns = [await Conn.open(port) for _ in range(c)]

    async def client(conn: Conn) -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            t0 = time.perf_counter()
            status, answer = await conn.post(request)
            latencies.append((time.perf_counter() - t0) * 1000)
            if status != 200:
                raise SystemExit(f"answered {status}: {answer[:200]!r}")
            value = json.loads(answer).get("id")
            if isinstance(value, int):
                ids.add(value)

    started = time.perf_counter()
    await asyncio.gather(*(client(conn) for conn in conns))
    elapsed = time.perf_counter() - started
    for conn in conns:
        conn.close()
    return elapsed, latencies, ids


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def listen_cmd(db: str) -> list[str]:
    return [sys.executable, "-m", "inspector", "listen", "--no-tui", "--port", "0", "--db", db, "--secret", SECRET]


async def throughput(args: argparse.Namespace, tmp: str) -> bool:
    body = SAMPLE.read_bytes()
    rows: list[tuple[str, float, list[float]]] = []
    stored_ok = False
    caught_up: Optional[float] = None
    db = str(Path(tmp) / "bench.sqlite3")
    for name, cmd in [("bare aiohttp", [sys.executable, __file__, "--bare-server"]), ("listen --no-tui", listen_cmd(db))]:
        server = await start(cmd)
        try:
            request = request_bytes(server.port, body)
            warm = min(500, args.n)
            await drive(server.port, warm, args.c, request)
            if name.startswith("listen"):
                await server.wait_lines(warm, 30)
            elapsed, latencies, ids = await drive(server.port, args.n, args.c, request)
            done = time.perf_counter()
            if name.startswith("listen"):
                if await server.wait_lines(warm + args.n, 60):
                    caught_up = time.perf_counter() - done
        finally:
            await server.stop()
        rows.append((name, args.n / elapsed, latencies))
        if name.startswith("listen"):
            from inspector.listen.store import Store

            store = Store(db)
            stored_ok = ids <= set(store.ids()) and len(ids) == args.n
            store.close()
    print(f"1. {args.n} signed POSTs of {len(body)} bytes from {args.c} concurrent connections (127.0.0.1, {os.cpu_count()} cores)")
    print(f"   {'server':<18}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for name, rps, lat in rows:
        print(f"   {name:<18}{rps:>10,.0f}{pct(lat, 50):>10.1f}{pct(lat, 99):>10.1f}")
    ratio = rows[1][1] / rows[0][1]
    p99 = pct(rows[1][2], 99)
    print(f"   throughput ratio listen/bare: {ratio:.2f} (target >= 0.5)  listen p99: {p99:.1f} ms (target <= 20 ms)")
    print(f"   every acknowledged request stored: {'yes' if stored_ok else 'NO'}")
    late = f"{caught_up * 1000:.0f} ms" if caught_up is not None else "not within 60 s"
    print(f"   every verdict printed {late} after the last answer")
    return stored_ok


def big_envelope(target: int = 3_500_000) -> bytes:
    """A signed-able 3.5 MB envelope: the sample with thousands of customers in campaign metadata."""
    base = json.loads(SAMPLE.read_text())
    customer = base["data"]["customer"]
    items = []
    size = 0
    while size < target:
        item = dict(customer, id=f"cust_{len(items):07d}", metadata={"n": len(items), "tags": ["a", "b"], "note": "x" * 40})
        items.append(item)
        size += len(json.dumps(item, separators=(",", ":")))
    base["data"]["campaign"]["metadata"] = {"customers": items}
    return json.dumps(base, separators=(",", ":")).encode()


def small_envelope() -> bytes:
    """The sample envelope without whitespace: about 2 KB."""
    return json.dumps(json.loads(SAMPLE.read_text()), separators=(",", ":")).encode()


async def answer_first(args: argparse.Namespace, tmp: str) -> None:
    big, small = big_envelope(), small_envelope()
    server = await start(listen_cmd(str(Path(tmp) / "big.sqlite3")))
    try:
        small_request = request_bytes(server.port, small)
        probe = await Conn.open(server.port)
        idle: list[float] = []
        for _ in range(20):
            t0 = time.perf_counter()
            await probe.post(small_request)
            idle.append((time.perf_counter() - t0) * 1000)
            await asyncio.sleep(0.01)
        await server.wait_lines(20, 30)
        big_request = request_bytes(server.port, big)
        conns = [await Conn.open(server.port) for _ in range(args.big)]
        acked: list[float] = []
        started = time.perf_counter()

        async def send_big(conn: Conn) -> None:
            status, _ = await conn.post(big_request)
            if status != 200:
                raise SystemExit(f"big payload answered {status}")
            acked.append(time.perf_counter() - started)

        bigs = asyncio.gather(*(send_big(c) for c in conns))
        busy: list[float] = []
        uploading: list[float] = []
        expected = 20 + args.big
        while server.lines < expected + len(busy) + len(uploading) and time.perf_counter() - started < 120:
            t0 = time.perf_counter()
            receiving = len(acked) < args.big
            status, _ = await probe.post(small_request)
            (uploading if receiving else busy).append((time.perf_counter() - t0) * 1000)
            await asyncio.sleep(0.025)
        await bigs
        window = time.perf_counter() - started
        for conn in conns:
            conn.close()
        probe.close()
    finally:
        await server.stop()
    print(f"2. {args.big} signed envelopes of {len(big) / 1e6:.1f} MB posted at once; a {len(small):,}-byte webhook every 25 ms meanwhile")
    print(f"   big ones all answered after {max(acked) * 1000:.0f} ms; every verdict printed after {window * 1000:.0f} ms")
    print(f"   small webhook on an idle listener: p50 {pct(idle, 50):.1f} ms, max {max(idle):.1f} ms")
    both = uploading + busy
    print(
        f"   from the first big POST until every verdict ({len(both)} sent): p50 {pct(both, 50):.1f} ms, "
        f"p99 {pct(both, 99):.1f} ms, max {max(both):.1f} ms"
    )
    if uploading:
        print(f"     while big ones were still unanswered ({len(uploading)}): p50 {pct(uploading, 50):.1f} ms, max {max(uploading):.1f} ms")
    if busy:
        print(
            f"     after every big one was answered, while they are analysed ({len(busy)}): p50 {pct(busy, 50):.1f} ms, "
            f"p99 {pct(busy, 99):.1f} ms, max {max(busy):.1f} ms (target: max <= 50 ms)"
        )


HISTORY_CHILD = r"""
import json, os, sys, time
t0 = time.perf_counter()
import inspector.tui.app as tui
from inspector.cli.main import main

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6

result = {"imported": time.perf_counter() - t0}
if sys.argv[1] == "history":
    try:  # the TUI split: the inspector is the main screen
        from inspector.tui.screens.main import MainScreen as Painter
    except ImportError:
        Painter = tui.InspectorApp
    painted = Painter._first_painted
    def first_painted(self):
        painted(self)
        result["first_paint"] = time.perf_counter() - started
        result["rss_at_paint"] = rss_mb()
        result["rows"] = len(self.event_list.entries)
        self.app.exit()
    Painter._first_painted = first_painted
    run = tui.InspectorApp.run
    tui.InspectorApp.run = lambda self, **kw: run(self, headless=True, size=(120, 40))
    started = time.perf_counter()
    main(["history", "--db", sys.argv[2]])
import resource
result["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
result["rss"] = rss_mb()
print(json.dumps(result))
"""


def fill_history(db: str, n: int) -> None:
    """``n`` stored captures, as a listener would have written them: signed sample envelopes
    (a tenth of them invalid ones), analysed once per distinct body."""
    from inspector.engine.inputs import make_engine
    from inspector.listen.capture import Capture
    from inspector.listen.store import Derived, Store

    engine = make_engine(None)
    bodies = [p.read_bytes() for p in sorted((ROOT / "samples").glob("*.envelope.json"))]
    derived = []
    for body in bodies:
        analyses = engine.analyze_bytes(body)
        if hasattr(Derived, "of"):  # what a listener stores since rows are drawn without their payload
            derived.append(Derived.of(analyses, len(body)))
        else:
            (a,) = analyses
            derived.append(Derived(form=a.form, event_type=a.event_type, errors=a.errors, warnings=a.warnings, delivery_id=a.delivery_id, size=len(body)))
    store = Store(db)
    store.begin()
    now = time.time() - n
    for i in range(n):
        k = i % len(bodies)
        body = bodies[k].replace(b"wh_evt_", f"wh_{i:07d}_".encode(), 1)
        headers = [("Host", "127.0.0.1:8765"), ("Content-Type", "application/json"), ("User-Agent", "Voucherify"), (HEADER, sign(body, SECRET))]
        capture = Capture(received_at=now + i, method="POST", path="/", headers=headers, body=body, remote="127.0.0.1", signature="valid", signature_detail="signature matches")
        store.insert(capture, derived[k])
    store.commit()
    store.close()


def history_child(*argv: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", HISTORY_CHILD, *argv], capture_output=True, text=True, cwd=ROOT, timeout=300)
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        raise SystemExit(f"history child failed: {out.stderr[-2000:]}")
    result: dict[str, float] = json.loads(lines[-1])
    return result


def history(args: argparse.Namespace, tmp: str) -> None:
    db = str(Path(tmp) / "history.sqlite3")
    t = time.perf_counter()
    fill_history(db, args.history)
    filled = time.perf_counter() - t
    base = history_child("imports-only")
    r = history_child("history", db)
    size = sum(os.path.getsize(p) for p in Path(tmp).glob("history.sqlite3*")) / 1e6
    print(f"3. history of {args.history:,} captures ({size:.0f} MB database, written in {filled:.1f} s), headless in a subprocess")
    print(f"   baseline (python + imports of the app, no app): {base['rss']:.0f} MB, imports {base['imported'] * 1000:.0f} ms")
    print(
        f"   history: first paint {r['first_paint'] * 1000:.0f} ms after main() (target <= 1 s; imports before it {r['imported'] * 1000:.0f} ms), "
        f"{r['rows']:,.0f} rows; memory at first paint {r['rss_at_paint']:.0f} MB, peak {r['peak_rss']:.0f} MB (target <= 200 MB)"
    )


async def drive_rate(url: str, rate: int, seconds: float) -> None:
    """Send signed POSTs at a fixed rate (the load for the TUI measurement, run in a subprocess
    so the client does not compete with the TUI for its GIL)."""
    import aiohttp

    body = SAMPLE.read_bytes()
    headers = {HEADER: sign(body, SECRET), "Content-Type": "application/json"}
    total = int(rate * seconds)
    connector = aiohttp.TCPConnector(limit=100)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def one() -> None:
            async with http.post(url, data=body, headers=headers) as resp:
                await resp.read()

        tasks = []
        started = time.perf_counter()
        for sent in range(total):
            delay = started + sent / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one()))
        await asyncio.gather(*tasks)
        print(f"{total / (time.perf_counter() - started):.0f}", flush=True)


async def tui_lag(rate: int, seconds: float, db: str) -> None:
    """Run the TUI headless with a live listener, load it at ``rate`` requests/s from a
    subprocess, and measure how late the TUI's event loop runs a 10 ms timer."""
    from inspector.engine.inputs import make_engine
    from inspector.listen.server import Listener
    from inspector.tui.app import create_app

    engine = make_engine(None)
    listener = Listener(engine=engine, db=db, port=0, secret=SECRET)
    app = create_app(engine=engine, listener=listener)
    lags: list[float] = []
    total = int(rate * seconds)
    async with app.run_test(size=(120, 40)) as pilot:
        while app.main_screen.listen_url is None:
            await pilot.pause(0.01)
        import gc

        gc.collect()
        rss_before = rss_mb()
        stop_probe = False

        async def probe() -> None:
            while not stop_probe:
                t0 = time.perf_counter()
                await asyncio.sleep(0.01)
                lags.append((time.perf_counter() - t0) * 1000 - 10)

        probe_task = asyncio.create_task(probe())
        client = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--drive-rate", app.main_screen.listen_url, str(rate), str(seconds),
            stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, _ = await client.communicate()
        achieved = out.decode().strip()
        for _ in range(200):
            if len(app.main_screen.event_list.entries) >= total:
                break
            await pilot.pause(0.05)
        shown = len(app.main_screen.event_list.entries)
        stop_probe = True
        await probe_task
        gc.collect()
        grown = rss_mb() - rss_before
    print(
        f"TUI at {rate} req/s for {seconds:g} s: client achieved {achieved} req/s, {shown}/{total} events shown; "
        f"TUI event-loop lateness p50 {pct(lags, 50):.1f} ms, p99 {pct(lags, 99):.1f} ms, max {max(lags):.1f} ms; "
        f"memory grew {grown:.0f} MB ({grown * 1e3 / max(1, shown):.1f} KB per request) to {rss_mb():.0f} MB"
    )


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


async def main(args: argparse.Namespace) -> int:
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        if args.n:
            ok = await throughput(args, tmp)
        if args.big:
            await answer_first(args, tmp)
        if args.history:
            history(args, tmp)
        if args.tui_rate:
            await tui_lag(args.tui_rate, args.tui_seconds, str(Path(tmp) / "tui.sqlite3"))
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1:] == ["--bare-server"]:
        bare_server()
        raise SystemExit(0)
    if sys.argv[1:2] == ["--drive-rate"]:
        asyncio.run(drive_rate(sys.argv[2], int(sys.argv[3]), float(sys.argv[4])))
        raise SystemExit(0)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=5000, help="requests per server (default 5000; 0 skips part 1)")
    parser.add_argument("-c", type=int, default=50, help="concurrent connections (default 50)")
    parser.add_argument("--big", type=int, default=30, help="3.5 MB payloads posted at once in part 2 (default 30; 0 skips)")
    parser.add_argument("--history", type=int, default=20000, help="captures reopened in part 3 (default 20000; 0 skips)")
    parser.add_argument("--tui-rate", type=int, default=0, help="also drive the headless TUI at this many requests/s")
    parser.add_argument("--tui-seconds", type=float, default=5.0, help="how long to drive the TUI (default 5)")
    raise SystemExit(asyncio.run(main(parser.parse_args())))
