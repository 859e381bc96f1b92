"""Time to first paint of the inspector, headless, against ``json.loads`` of the same file.

    .venv/bin/python benchmarks/tui.py              # builds the inputs in a temp dir
    .venv/bin/python benchmarks/tui.py FILE ...     # or measure your own files
    .venv/bin/python benchmarks/tui.py --spec /work/shared/voucherify-openapi   # docs only

For each input it prints: json.loads time; time from app start until the event list and the
first tree are on screen (first paint); and, for NDJSON, until every event is listed (NDJSON
lines are analysed when their row is first drawn or opened), then until every line has been
checked for retries (a repeated envelope id; parsed in the background after listing). Also: a 5 MB single payload's first paint and the cost of "expand all" on it, and a search
of it for a rare value typed key by key: how long the keys took to be handled, the slowest key,
and how long after the last key the answer was on screen.

The docs row (``docs TYPE``, on the event type with the largest documentation tree of the specs
given, else of the built-in types): time from app start until its tree is painted, against two
baselines of the same run: the inspector's first paint of the built-in sample envelope (the
app's own start; both after a first, cold app in the process), and printing the same whole tree headless (``docs TYPE --format markdown``'s
work); then "expand all" on it. Target: under 1 s.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textual.message import Message  # noqa: E402

from inspector.engine.inputs import make_engine  # noqa: E402
from inspector.tui import _textual_private as private  # noqa: E402
from inspector.tui.app import create_app  # noqa: E402
from inspector.tui.messages import FirstTreePainted, PayloadsLoaded, RetriesFound  # noqa: E402

SAMPLES = ROOT / "samples"


def build_ndjson(path: Path, target_bytes: int = 25_000_000) -> int:
    """About 25 MB of NDJSON made of the sample events (10,000 lines of ~2.5 KB)."""
    lines = [ln for ln in (SAMPLES / "events.ndjson").read_text().splitlines() if ln.strip()]
    good = []
    for ln in lines:
        try:
            json.loads(ln)
            good.append(ln)
        except ValueError:
            pass
    out: list[str] = []
    size = 0
    while size < target_bytes:
        ln = good[len(out) % len(good)]
        out.append(ln)
        size += len(ln) + 1
    path.write_text("\n".join(out) + "\n")
    return len(out)


def build_big_payload(path: Path, target_bytes: int = 5_000_000) -> None:
    """One 5 MB envelope: the sample with thousands of customers' worth of metadata."""
    base = json.loads((SAMPLES / "holder-assignment-created.envelope.json").read_text())
    customer = base["data"]["customer"]
    items = []
    size = 0
    i = 0
    while size < target_bytes:
        item = dict(customer, id=f"cust_{i:07d}", metadata={"n": i, "tags": ["a", "b", "c"], "note": "x" * 40})
        items.append(item)
        size += len(json.dumps(item))
        i += 1
    base["data"]["campaign"]["metadata"] = {"customers": items}
    path.write_text(json.dumps(base))


def time_loads(path: Path) -> float:
    data = path.read_bytes()
    start = time.perf_counter()
    if path.suffix in (".ndjson", ".jsonl"):
        for line in data.decode("utf-8").split("\n"):
            if line.strip():
                json.loads(line)
    else:
        json.loads(data)
    return time.perf_counter() - start


async def time_app(path: Path, expand_all: bool = False) -> dict[str, float]:
    engine = make_engine(None)  # built before the clock starts, as the CLI does before the app
    app = create_app(engine=engine, paths=[str(path)])
    screen = app.main_screen
    result: dict[str, float] = {}
    stamps: dict[str, float] = {}

    def on_message(message: Message) -> None:
        # Stamped when the UI dispatches the message (polling from here would add the loader's
        # competition for the GIL to the figures).
        if isinstance(message, FirstTreePainted):
            stamp = "first_paint"
            stamps.setdefault("listed_at_first_paint", len(screen.event_list.entries))
        elif isinstance(message, PayloadsLoaded) and message.done:
            stamp = "all_listed"
        elif isinstance(message, RetriesFound) and message.done:
            stamp = "retries_found"
        else:
            return
        stamps.setdefault(stamp, time.perf_counter())

    start = time.perf_counter()
    async with app.run_test(size=(160, 48), message_hook=on_message) as pilot:
        while "first_paint" not in stamps:
            await pilot.pause(0.005)
        result["first_paint"] = stamps["first_paint"] - start
        result["listed_at_first_paint"] = stamps["listed_at_first_paint"]
        while screen.loading_files:
            await pilot.pause(0.02)
        result["all_listed"] = stamps.get("all_listed", time.perf_counter()) - start
        result["events"] = len(screen.event_list.entries)
        while screen.finding_retries:
            await pilot.pause(0.02)
        result["retries_found"] = stamps.get("retries_found", time.perf_counter()) - start
        result["retries"] = len(screen.event_list.retries)
        if expand_all:
            await pilot.pause()
            t = time.perf_counter()
            await pilot.press("e")
            await pilot.pause()
            result["expand_all"] = time.perf_counter() - t
            result["tree_nodes"] = private.node_count(screen.payload_tree)
            t = time.perf_counter()
            await pilot.press("G")
            await pilot.pause()
            result["jump_to_end"] = time.perf_counter() - t
    return result


RARE = "cust_0004321"
"""A value the 5 MB payload holds once."""


async def time_search(path: Path, query: str = RARE) -> dict[str, float]:
    """Open ``path``, let it settle as a reader would (half a second), then press / and type
    ``query`` one key at a time, as fast as the app takes them."""
    engine = make_engine(None)
    app = create_app(engine=engine, paths=[str(path)])
    screen = app.main_screen
    result: dict[str, float] = {}
    async with app.run_test(size=(160, 48)) as pilot:
        while screen.current is None:
            await pilot.pause(0.01)
        await pilot.pause(0.5)
        start = time.perf_counter()
        slowest = 0.0
        for key in ("slash", *query):
            t = time.perf_counter()
            await pilot.press(key)
            slowest = max(slowest, time.perf_counter() - t)
        typed = time.perf_counter()
        # getattr: the same script measures versions without the "searching" state.
        while screen.search_state.query != query or getattr(screen.search_state, "searching", False):
            await pilot.pause(0.005)
        await pilot.pause()
        done = time.perf_counter()
        result["typing"] = typed - start
        result["slowest_key"] = slowest
        result["settle"] = done - typed
        result["total"] = done - start
        result["matches"] = len(screen.search_state.matches)
    return result


def report(label: str, path: Path, loads: float, r: dict[str, Any]) -> None:
    mb = path.stat().st_size / 1e6
    print(f"{label}: {path.name} ({mb:.1f} MB, {r['events']:,} event{'s' if r['events'] != 1 else ''})")
    print(f"  json.loads                   {loads * 1000:8.0f} ms")
    print(f"  first paint (list + tree)    {r['first_paint'] * 1000:8.0f} ms   ({r['listed_at_first_paint']:,} listed)")
    print(f"  every event listed            {r['all_listed'] * 1000:8.0f} ms")
    if r["events"] > 1:
        print(f"  retries marked (background)  {r['retries_found'] * 1000:8.0f} ms   ({r['retries']:,} retries)")
    if "expand_all" in r:
        print(f"  expand all                   {r['expand_all'] * 1000:8.0f} ms   ({r['tree_nodes']:,} tree nodes)")
        print(f"  G (last node) after that     {r['jump_to_end'] * 1000:8.0f} ms")


def largest_type(engine: Any) -> tuple[str, int]:
    """The event type whose documentation tree has the most nodes, and how many."""
    from inspector.engine.doctree import event_doc_tree, walk

    sizes = []
    for entry in engine.registry:
        root = event_doc_tree(engine, entry.event_type)
        sizes.append((sum(1 for _ in walk(root)) if root is not None else 0, entry.event_type))
    count, event_type = max(sizes)
    return event_type, count


def time_markdown(engine: Any, event_type: str) -> float:
    """The headless baseline: build the whole tree and render it as ``docs --format markdown``."""
    from inspector.engine.doctree import event_doc_tree, to_markdown

    start = time.perf_counter()
    root = event_doc_tree(engine, event_type)
    assert root is not None
    to_markdown(root, heading=event_type)
    return time.perf_counter() - start


async def time_docs(engine: Any, event_type: str) -> dict[str, float]:
    from inspector.tui.screens.docs import DocsScreen, DocsStart

    app = create_app(engine=engine, docs=DocsStart(event_type=event_type))
    painted: list[float] = []

    def on_message(message: Message) -> None:
        if isinstance(message, FirstTreePainted) and not painted:
            painted.append(time.perf_counter())

    result: dict[str, float] = {}
    start = time.perf_counter()
    async with app.run_test(size=(160, 48), message_hook=on_message) as pilot:
        while not painted:
            await pilot.pause(0.005)
        result["first_paint"] = painted[0] - start
        screen = app.screen
        assert isinstance(screen, DocsScreen)
        await pilot.pause()
        t = time.perf_counter()
        await pilot.press("e")
        await pilot.pause()
        result["expand_all"] = time.perf_counter() - t
        result["tree_nodes"] = private.node_count(screen.doc_tree)
    return result


async def docs_row(specs: list[str]) -> None:
    engine = make_engine(specs or None, fetched=False)  # built before the clock starts, as the CLI does
    event_type, count = largest_type(engine)
    markdown = time_markdown(engine, event_type)
    envelope = SAMPLES / "holder-assignment-created.envelope.json"
    cold = (await time_app(envelope))["first_paint"]  # the first app of a process also loads Textual's CSS
    r = await time_docs(engine, event_type)
    sample = (await time_app(envelope))["first_paint"]
    where = ", ".join(specs) if specs else "built-in types"
    print(f"docs: {event_type} ({count:,} documented nodes; {len(list(engine.registry))} types from {where})")
    print(f"  whole tree as markdown (baseline) {markdown * 1000:8.0f} ms")
    print(f"  sample payload first paint (base) {sample * 1000:8.0f} ms   (the process's first app: {cold * 1000:.0f} ms)")
    print(
        f"  docs TYPE first paint            {r['first_paint'] * 1000:8.0f} ms   "
        f"({r['first_paint'] / sample:.2f}x the sample's first paint; target < 1000 ms)"
    )
    print(f"  expand all                       {r['expand_all'] * 1000:8.0f} ms   ({r['tree_nodes']:,} tree nodes)")


async def main(argv: list[str]) -> int:
    specs: list[str] = []
    while "--spec" in argv:
        i = argv.index("--spec")
        specs.append(argv[i + 1])
        del argv[i : i + 2]
    if specs:
        await docs_row(specs)
    if argv:
        for name in argv:
            path = Path(name)
            report("input", path, time_loads(path), await time_app(path))
    if specs or argv:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        ndjson = Path(tmp) / "10k-events.ndjson"
        build_ndjson(ndjson)
        report("NDJSON", ndjson, time_loads(ndjson), await time_app(ndjson))
        big = Path(tmp) / "5mb-payload.json"
        build_big_payload(big)
        report("single payload", big, time_loads(big), await time_app(big, expand_all=True))
        s = await time_search(big)
        print(f"  search {RARE!r} ({s['matches']:.0f} match{'es' if s['matches'] != 1 else ''}), typed key by key after / :")
        print(f"    keys handled in             {s['typing'] * 1000:8.0f} ms   (slowest key {s['slowest_key'] * 1000:.0f} ms)")
        print(f"    answer on screen after the last key {s['settle'] * 1000:5.0f} ms   (/ to answer: {s['total'] * 1000:.0f} ms)")
    await docs_row([])
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(sys.argv[1:])))
