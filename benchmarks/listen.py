"""Listener speed: N signed webhook POSTs from C concurrent clients against a bare aiohttp app
that only answers 200, and against ``voucherify-inspect listen --no-tui`` (which stores,
verifies and analyses every request before answering), in one run.

    .venv/bin/python benchmarks/listen.py [-n 5000] [-c 50] [--tui-rate 500 --tui-seconds 5]

Prints requests/s, p50/p99 acknowledgement latency, the throughput ratio, and whether every
acknowledged request is in the database. Targets: ratio >= 0.5, p99 <= 50 ms at 50 clients.
``--tui-rate`` also drives the TUI (headless, in-process) at that many requests/s and reports
how late its event loop ran (the TUI must stay responsive at 500 requests/s).
Everything runs on 127.0.0.1; both servers are subprocesses, the clients run here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

import aiohttp

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


async def start(cmd: list[str]) -> tuple[asyncio.subprocess.Process, str, asyncio.Task[None]]:
    proc = await asyncio.create_subprocess_exec(
        *cmd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, env={**os.environ, "PYTHONUNBUFFERED": "1"}
    )
    assert proc.stdout is not None
    first = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
    if not first.startswith("listening on "):
        raise SystemExit(f"server did not start: {first!r}")

    async def drain() -> None:  # the --no-tui line per request must not fill the pipe
        assert proc.stdout is not None
        while await proc.stdout.read(65536):
            pass

    return proc, first.split()[2], asyncio.create_task(drain())


async def stop(proc: asyncio.subprocess.Process, drain: asyncio.Task[None]) -> None:
    proc.terminate()
    await proc.wait()
    drain.cancel()


async def drive(url: str, n: int, c: int, body: bytes, headers: dict[str, str]) -> tuple[float, list[float], set[int]]:
    """(seconds, latencies in ms, ids acknowledged) for n POSTs from c concurrent clients."""
    latencies: list[float] = []
    ids: set[int] = set()
    remaining = n

    async def client(http: aiohttp.ClientSession) -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            t0 = time.perf_counter()
            async with http.post(url, data=body, headers=headers) as resp:
                answer = await resp.read()
                if resp.status != 200:
                    raise SystemExit(f"{url} answered {resp.status}")
            latencies.append((time.perf_counter() - t0) * 1000)
            value = json.loads(answer).get("id")
            if isinstance(value, int):
                ids.add(value)

    connector = aiohttp.TCPConnector(limit=c)
    async with aiohttp.ClientSession(connector=connector) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(c)))
        elapsed = time.perf_counter() - started
    return elapsed, latencies, ids


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def drive_rate(url: str, rate: int, seconds: float) -> None:
    """Send signed POSTs at a fixed rate (the load for the TUI measurement, run in a subprocess
    so the client does not compete with the TUI for its GIL)."""
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
    print(
        f"TUI at {rate} req/s for {seconds:g} s: client achieved {achieved} req/s, {shown}/{total} events shown; "
        f"TUI event-loop lateness p50 {pct(lags, 50):.1f} ms, p99 {pct(lags, 99):.1f} ms, max {max(lags):.1f} ms"
    )


async def main(args: argparse.Namespace) -> int:
    body = SAMPLE.read_bytes()
    headers = {HEADER: sign(body, SECRET), "Content-Type": "application/json"}
    rows: list[tuple[str, float, list[float]]] = []
    stored_ok: Optional[bool] = None
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.sqlite3")
        servers = [
            ("bare aiohttp", [sys.executable, __file__, "--bare-server"]),
            ("listen --no-tui", [sys.executable, "-m", "inspector", "listen", "--no-tui", "--port", "0", "--db", db, "--secret", SECRET]),
        ]
        for name, cmd in servers:
            proc, url, drain = await start(cmd)
            try:
                await drive(url, min(500, args.n), args.c, body, headers)  # warm up
                elapsed, latencies, ids = await drive(url, args.n, args.c, body, headers)
            finally:
                await stop(proc, drain)
            rows.append((name, args.n / elapsed, latencies))
            if name.startswith("listen"):
                from inspector.listen.store import Store

                store = Store(db)
                stored_ok = ids <= set(store.ids()) and len(ids) == args.n
                store.close()
        print(f"{args.n} signed POSTs of {len(body)} bytes from {args.c} concurrent clients (127.0.0.1, {os.cpu_count()} cores)")
        print(f"{'server':<18}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
        for name, rps, lat in rows:
            print(f"{name:<18}{rps:>10,.0f}{pct(lat, 50):>10.1f}{pct(lat, 99):>10.1f}")
        ratio = rows[1][1] / rows[0][1]
        p99 = pct(rows[1][2], 99)
        print(f"throughput ratio listen/bare: {ratio:.2f} (target >= 0.5)  listen p99: {p99:.1f} ms (target <= 50 ms at 50 clients)")
        print(f"every acknowledged request stored: {'yes' if stored_ok else 'NO'}")
        if args.tui_rate:
            await tui_lag(args.tui_rate, args.tui_seconds, str(Path(tmp) / "tui.sqlite3"))
    return 0 if stored_ok else 1


if __name__ == "__main__":
    if sys.argv[1:] == ["--bare-server"]:
        bare_server()
        raise SystemExit(0)
    if sys.argv[1:2] == ["--drive-rate"]:
        asyncio.run(drive_rate(sys.argv[2], int(sys.argv[3]), float(sys.argv[4])))
        raise SystemExit(0)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=5000, help="requests per server (default 5000)")
    parser.add_argument("-c", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--tui-rate", type=int, default=0, help="also drive the headless TUI at this many requests/s")
    parser.add_argument("--tui-seconds", type=float, default=5.0, help="how long to drive the TUI (default 5)")
    raise SystemExit(asyncio.run(main(parser.parse_args())))
