"""What loading the fetched spec adds to a command's start, against the same command without it,
measured in the same run.

    python benchmarks/specload.py [--spec-file OpenAPIWebhooks.json] [--runs N]

The spec: the file given (e.g. a real download of Voucherify's OpenAPIWebhooks.json), or a stand-in
of the same layout and size built from ../shared/voucherify-openapi: the seven files as one
document with ``/EVENTS.*`` paths, each event given a full example payload (the published file
carries the docs' examples, which make up half its size).

Rows:
- in process: ``make_engine()`` with the cached spec vs ``--no-fetched-spec`` (best of N);
- whole command, in a fresh interpreter: ``validate`` of a built-in sample and of a payload of a
  spec event type (its schema compiled on first use), with and without the fetched spec (median
  of N runs each, interleaved).
Target (issue 10): loading the fetched spec adds at most 50 ms to a command's start.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OPENAPI = ROOT.parent / "shared" / "voucherify-openapi"
SAMPLE = ROOT / "samples" / "holder-assignment-created.envelope.json"
TARGET_MS = 50.0


def stand_in() -> bytes:
    """The seven per-topic files in the single-file layout, with a full example per event."""
    from inspector.engine.specs import load_spec
    from tests.specs.instances import instance

    out: dict[str, Any] = {"openapi": "3.1.0", "info": {"title": "Events (stand-in)"}, "paths": {}, "components": {}}
    for f in sorted(OPENAPI.glob("events-*.json")):
        doc = json.loads(f.read_text())
        for section, entries in doc.get("components", {}).items():
            out["components"].setdefault(section, {}).update(entries)
        for key, item in doc["webhooks"].items():
            op = item["post"]
            media = dict(op["requestBody"]["content"]["application/json"])
            out["paths"]["/" + key] = {"post": {"summary": op.get("summary"), "responses": {"200": {"description": "", "content": {"application/json": media}}}}}
    compiled = load_spec("stand-in", out)
    for ev in compiled.events:
        media = out["paths"]["/" + ev.key]["post"]["responses"]["200"]["content"]["application/json"]
        media["examples"] = {ev.event_type: {"value": instance(ev.schema, full=True)}}
    return json.dumps(out, indent=2).encode()


def spec_payload(event_type: str) -> dict[str, Any]:
    from inspector.engine.inputs import make_engine
    from tests.specs.instances import instance, wrap

    entry = make_engine().registry.get(event_type)
    assert entry is not None and entry.origin.startswith("fetched"), event_type
    return wrap("envelope", instance(entry.schema, full=True), event_type)


def command_ms(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "inspector", *argv], env=env, capture_output=True, cwd=ROOT)
    elapsed = (time.perf_counter() - start) * 1000
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{argv}: exit {proc.returncode}\n{proc.stderr.decode()[-2000:]}")
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spec-file", type=Path, default=None)
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
        os.environ["XDG_DATA_HOME"] = str(Path(tmp) / "data")
        os.environ.pop("VOUCHERIFY_INSPECT_SPEC", None)
        if args.spec_file is not None:
            data, what = args.spec_file.read_bytes(), str(args.spec_file)
        elif OPENAPI.is_dir():
            data, what = stand_in(), f"stand-in from {OPENAPI}"
        else:
            raise SystemExit(f"no spec: pass --spec-file, or put Voucherify's files in {OPENAPI}")

        from inspector.engine.fetched import install
        from inspector.engine.inputs import make_engine

        started = time.perf_counter()
        record, checked = install(data, url=what, ref=None, name=what)
        fetch_check_ms = (time.perf_counter() - started) * 1000
        print(f"spec: {what}, {record.size / 1024:,.0f} KB, {record.events} events (check at fetch time: {fetch_check_ms:.0f} ms)")

        make_engine(fetched=True)  # imports, warm file cache
        off = min(_timed(lambda: make_engine(fetched=False)) for _ in range(args.runs))
        on = min(_timed(lambda: make_engine(fetched=True)) for _ in range(args.runs))
        print(f"in process, make_engine: without {off:.1f} ms, with the fetched spec {on:.1f} ms: adds {on - off:.1f} ms")

        typed = Path(tmp) / "spec-event.json"
        typed.write_text(json.dumps(spec_payload("customer.created")))
        env = dict(os.environ)
        worst = on - off
        print(f"{'command (fresh interpreter, median of ' + str(args.runs) + ')':<58}{'without':>9}{'with':>9}{'adds':>9}")
        for label, path in (("validate, built-in sample", SAMPLE), ("validate, customer.created (compiled on first use)", typed)):
            without: list[float] = []
            with_spec: list[float] = []
            for _ in range(args.runs):  # interleaved, so drift in machine load hits both alike
                without.append(command_ms(["validate", "--no-fetched-spec", str(path)], env))
                with_spec.append(command_ms(["validate", str(path)], env))
            a, b = statistics.median(without), statistics.median(with_spec)
            worst = max(worst, b - a) if path == SAMPLE else worst
            print(f"{label:<58}{a:>7.0f}ms{b:>7.0f}ms{b - a:>7.0f}ms")
        print(f"target: loading adds <= {TARGET_MS:.0f} ms to a command's start: {'met' if worst <= TARGET_MS else 'MISSED'} ({worst:.0f} ms)")
    return 0


def _timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


if __name__ == "__main__":
    raise SystemExit(main())
