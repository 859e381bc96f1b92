"""Make the README screenshots from samples/: SVG through Textual, PNG through rsvg-convert.

Run from the repository root:  .venv/bin/python screenshots/make.py
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textual.pilot import Pilot  # noqa: E402

from inspector.tui.app import InspectorApp, create_app  # noqa: E402
from inspector.tui.screens.docs import DocsScreen, DocsStart  # noqa: E402

OUT = ROOT / "screenshots"
SAMPLES = ROOT / "samples"
SIZE = (160, 44)

Step = Callable[[Pilot[Any]], Awaitable[None]]


async def _ready(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, InspectorApp)
    screen = app.main_screen
    while screen.loading_files or screen.finding_retries or (screen.paths and screen.current is None):
        await pilot.pause(0.02)
    await pilot.pause()


def _keys(*keys: str) -> Step:
    async def step(pilot: Pilot[Any]) -> None:
        await pilot.press(*keys)

    return step


def _reveal(pointer: str) -> Step:
    async def step(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, InspectorApp)
        app.main_screen.payload_tree.reveal(pointer)
        app.main_screen.payload_tree.focus()

    return step


SHOTS: list[tuple[str, list[str], Optional[Step]]] = [
    ("welcome", [], None),
    ("valid-envelope", ["holder-assignment-created.envelope.json"], None),
    ("invalid-error-selected", ["invalid-enum-values.envelope.json"], _keys("n")),
    ("missing-required-ghosts", ["invalid-missing-required.envelope.json"], _keys("n")),
    ("described-field", ["holder-assignment-created.envelope.json"], _reveal("/data/voucher/discount/type")),
    ("search", ["holder-assignment-created.envelope.json"], _keys("slash", *"created_at", "enter", "n")),
    ("event-list", ["events.ndjson"], _keys("j", "j", "j")),
    ("parse-error", ["events.ndjson"], _keys("G")),
    ("raw-view", ["warnings-null-unknown-field-big-number.envelope.json"], _keys("n", "n", "n", "v")),
    ("hostile-strings", ["hostile-strings.data.json"], _reveal("/customer/email")),
]


def _absent(pointer: str) -> Step:
    async def step(pilot: Pilot[Any]) -> None:
        await pilot.press("a")
        await _reveal(pointer)(pilot)

    return step


SHOTS.append(("absent-fields", ["holder-assignment-created.envelope.json"], _absent("/data/voucher/loyalty_card")))


async def shoot_docs() -> Path:
    """``docs`` without TYPE on the built-in types: the list, the tree, a field's docs."""
    app = create_app(docs=DocsStart())
    async with app.run_test(size=SIZE) as pilot:
        while not isinstance(app.screen, DocsScreen) or not app.screen.query("#doc-tree") or app.screen.doc_tree.doc is None:
            await pilot.pause(0.02)
        await pilot.press("enter", "slash", *"holder_role", "enter")
        await pilot.pause()
        svg = OUT / "docs.svg"
        svg.write_text(app.export_screenshot(title="voucherify-inspect docs"), encoding="utf-8")
    return svg


NARROW: list[tuple[str, list[str], Optional[Step]]] = [
    ("narrow-80x24", ["events.ndjson"], _keys("j", "j", "j")),
]
"""Shots at 80×24, the smallest terminal the inspector is made for."""


async def shoot(name: str, files: list[str], step: Optional[Step], size: tuple[int, int] = SIZE) -> Path:
    # Relative to the repository (main() runs from there): the details show the path.
    app = create_app(paths=[str((SAMPLES / f).relative_to(ROOT)) for f in files])
    async with app.run_test(size=size) as pilot:
        await _ready(pilot)
        if step is not None:
            await step(pilot)
        await pilot.pause()
        svg = OUT / f"{name}.svg"
        svg.write_text(app.export_screenshot(title=f"voucherify-inspect {' '.join(files)}".strip()), encoding="utf-8")
    return svg


async def shoot_listen() -> Path:
    """Live mode: the real listener on a free port, three requests sent to it over HTTP (a valid
    delivery, its retry with a wrong signature, an invalid event), the first one selected."""
    import tempfile

    import aiohttp

    from inspector.engine.inputs import make_engine
    from inspector.listen.server import Listener
    from inspector.listen.signature import HEADER, sign

    secret = "whsec_screenshot"
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(None)
        listener = Listener(engine=engine, db=str(Path(tmp) / "captures.sqlite3"), port=0, secret=secret)
        app = create_app(engine=engine, listener=listener)
        async with app.run_test(size=SIZE) as pilot:
            while app.main_screen.listen_url is None:
                await pilot.pause(0.02)
            valid = (SAMPLES / "holder-assignment-created.envelope.json").read_bytes()
            invalid = (SAMPLES / "invalid-enum-values.envelope.json").read_bytes()
            async with aiohttp.ClientSession() as session:
                for body, key in ((valid, secret), (valid, "not-the-secret"), (invalid, secret)):
                    headers = {HEADER: sign(body, key), "Content-Type": "application/json"}
                    async with session.post(app.main_screen.listen_url, data=body, headers=headers) as response:
                        await response.read()
            entries = app.main_screen.event_list.entries
            while len(entries) < 3 or not all(e.capture is None or e.capture.analysed for e in entries):
                await pilot.pause(0.02)  # the verdicts follow the answers
            await pilot.pause(0.2)
            app.main_screen.event_list.focus()
            await pilot.press("k")
            await pilot.pause()
            svg = OUT / "listen.svg"
            svg.write_text(app.export_screenshot(title="voucherify-inspect listen"), encoding="utf-8")
    return svg


async def shoot_tunnel() -> Path:
    """Listen with a tunnel and ``--respond 503``: the real listener and TUI; the tunnel is a
    stand-in that announces a quick-tunnel URL (no cloudflared runs, nothing leaves the machine),
    and the two requests carry the headers cloudflared adds: a delivery, then Voucherify's retry
    of it (same envelope id), both answered 503. The retry is selected."""
    import tempfile

    import aiohttp

    from inspector.engine.inputs import make_engine
    from inspector.listen.respond import Responder, parse_answer
    from inspector.listen.server import Listener
    from inspector.listen.signature import HEADER, sign
    from inspector.listen.tunnel import PublicEndpoint

    class QuickTunnel(PublicEndpoint):
        program = "cloudflared"

    secret = "whsec_screenshot"
    public = "https://seasonal-deck-organisms-sf.trycloudflare.com"
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(None)
        listener = Listener(
            engine=engine,
            db=str(Path(tmp) / "captures.sqlite3"),
            port=0,
            path="/voucherify",
            secret=secret,
            public=QuickTunnel(public),
            responder=Responder(default=parse_answer("503")),
        )
        app = create_app(engine=engine, listener=listener)
        async with app.run_test(size=SIZE) as pilot:
            while app.main_screen.listen_url is None:
                await pilot.pause(0.02)
            body = (SAMPLES / "holder-assignment-created.envelope.json").read_bytes()
            headers = {
                HEADER: sign(body, secret),
                "Content-Type": "application/json",
                "Host": public.removeprefix("https://"),
                "CF-Connecting-IP": "203.0.113.9",
                "X-Forwarded-For": "203.0.113.9",
                "X-Forwarded-Proto": "https",
                "User-Agent": "Voucherify-Webhooks",
            }
            async with aiohttp.ClientSession() as session:
                for _ in range(2):
                    async with session.post(app.main_screen.listen_url, data=body, headers=headers) as response:
                        await response.read()
            entries = app.main_screen.event_list.entries
            while len(entries) < 2 or not all(e.capture is None or e.capture.analysed for e in entries):
                await pilot.pause(0.02)  # the verdicts follow the answers
            await pilot.pause(0.2)
            app.main_screen.event_list.focus()
            await pilot.press("k")
            app.clear_notifications()
            await pilot.pause()
            svg = OUT / "listen-tunnel.svg"
            svg.write_text(app.export_screenshot(title="voucherify-inspect listen --tunnel cloudflared --respond 503"), encoding="utf-8")
    return svg


async def main() -> int:
    os.chdir(ROOT)
    rsvg = shutil.which("rsvg-convert")
    shots = [shoot(name, files, step) for name, files, step in SHOTS]
    shots += [shoot(name, files, step, (80, 24)) for name, files, step in NARROW]
    for pending in [*shots, shoot_listen(), shoot_tunnel(), shoot_docs()]:
        svg = await pending
        if rsvg:
            # rsvg-convert drops leading no-break spaces in a <text> unless told to keep them.
            kept = svg.read_text().replace("<svg ", '<svg xml:space="preserve" ', 1)
            subprocess.run([rsvg, "-o", str(svg.with_suffix(".png"))], input=kept.encode(), check=True)
        print(svg.relative_to(ROOT), "+ png" if rsvg else "(no rsvg-convert: SVG only)")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
