"""Cost of validating one payload, against baselines measured in the same run.

    python benchmarks/validate.py [--number N] [--repeat R]

Rows (per payload, best of R repeats of N calls):
- json.loads of the payload bytes: the baseline;
- engine.analyze(parsed): validation alone (form, event type, schema walk, issues);
- engine.analyze_bytes(bytes): decode + parse (duplicate-key aware) + validation;
- jsonschema (Draft 2020-12, every error collected) on Voucherify's published schema for the same
  event data, when ../shared/voucherify-openapi exists;
- spec mode: the same payload validated against the schema loaded from that OpenAPI file at run
  time (no built-in model), against json.loads and against jsonschema;
- whole process (``--whole-process`` only, or ``--only-process``): ``voucherify-inspect validate
  --format json`` over an NDJSON of 6,000 copies of the docs' holder example (bare data, 12
  warnings each) and over 10,000 envelopes of all 72 spec event types (``--spec``), against a
  process running a plain ``json.loads`` loop over the same lines; peak RSS of each, and of the
  same run over a quarter of the lines (memory must not grow with the line count).
Targets (issue 2, 5 and 9): analyze at most 2x json.loads; at least 40x faster than jsonschema;
whole process at most 4x the json.loads loop.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inspector.engine.analyze import Engine  # noqa: E402
from inspector.engine.registry import Registry  # noqa: E402

SAMPLES = ROOT / "samples"
OPENAPI = ROOT.parent / "shared" / "voucherify-openapi"


def per_call(fn: Callable[[], Any], number: int, repeat: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def jsonschema_validator(component: str) -> Any:
    """A jsonschema validator over the published component schema, or None without it."""
    try:
        import jsonschema
    except ImportError:
        return None
    path = OPENAPI / "events-customer.json"
    if not path.exists():
        return None
    doc = json.loads(path.read_text())
    schema = {"$ref": f"#/components/schemas/{component}", "components": doc["components"]}
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


_LOADS_LOOP = (
    "import json, sys\n"
    "with open(sys.argv[1], 'rb') as f:\n"
    "    for line in f:\n"
    "        if line.strip():\n"
    "            json.loads(line)\n"
)


_CHILD_ENV: dict[str, str] = {}


def run_process(argv: list[str]) -> tuple[float, float, int]:
    """Wall time, CPU time (user + system) and peak RSS (KiB) of one child process, its stdout
    discarded. CPU time is the steadier figure on a shared machine."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_CHILD_ENV or None)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{argv[:4]} exited {proc.returncode}: {err[-500:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def write_ndjson(path: Path, lines: list[bytes], count: int) -> None:
    with path.open("wb") as f:
        for i in range(count):
            f.write(lines[i % len(lines)] + b"\n")


def spec_envelopes() -> list[bytes]:
    """One envelope per spec event type, its data a full instance of the type's schema."""
    sys.path.insert(0, str(ROOT))
    from inspector.engine.specs import load_specs_into
    from tests.specs.instances import instance, wrap

    registry = Registry()
    load_specs_into(registry, [str(OPENAPI)])
    return [
        json.dumps(wrap("envelope", instance(e.schema, full=True), e.event_type), separators=(",", ":")).encode()
        for e in registry
    ]


def whole_process(repeat: int) -> float:
    """The whole-process rows; returns the worst ratio."""
    holder = json.loads((SAMPLES / "holder-assignment-created.data.json").read_text())
    cli = [sys.executable, "-m", "inspector", "validate", "--format", "json"]
    workloads: list[tuple[str, list[bytes], int, list[str]]] = [
        ("holder example, bare data", [json.dumps(holder, separators=(",", ":")).encode()], 6000, []),
    ]
    if OPENAPI.is_dir():
        workloads.append(("72 spec types, envelopes", spec_envelopes(), 10000, ["--spec", str(OPENAPI)]))
    else:
        print(f"spec row skipped: {OPENAPI} is absent")
    print(
        f"\nwhole process, best of {repeat} runs, taken in turns (validate --format json vs a json.loads"
        " loop, both as processes; CPU = user + system seconds):"
    )
    print(f"{'input':<27}{'lines':>6}{'MB':>5}{'loads CPU':>10}{'validate':>9}{'ratio':>7}{'wall ratio':>11}{'RSS':>7}{'RSS/4':>7}")
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        # As installed: pip compiles bytecode, so the children may write and read theirs (in a
        # scratch prefix, whatever PYTHONDONTWRITEBYTECODE says); a first run writes it.
        _CHILD_ENV.update(os.environ)
        _CHILD_ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        _CHILD_ENV["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        run_process([*cli, "--spec", str(OPENAPI), str(SAMPLES / "holder-assignment-created.data.json")] if OPENAPI.is_dir() else [*cli, str(SAMPLES / "holder-assignment-created.data.json")])
        for name, lines, count, extra in workloads:
            full, quarter = Path(tmp) / "full.ndjson", Path(tmp) / "quarter.ndjson"
            write_ndjson(full, lines, count)
            write_ndjson(quarter, lines, count // 4)
            loads_runs, validate_runs = [], []
            for _ in range(repeat):  # in turns, so both see the same load on a shared machine
                loads_runs.append(run_process([sys.executable, "-c", _LOADS_LOOP, str(full)]))
                validate_runs.append(run_process([*cli, *extra, str(full)]))
            loads_wall, loads_cpu = min(r[0] for r in loads_runs), min(r[1] for r in loads_runs)
            wall, cpu = min(r[0] for r in validate_runs), min(r[1] for r in validate_runs)
            rss = max(r[2] for r in validate_runs)
            rss_quarter = run_process([*cli, *extra, str(quarter)])[2]
            ratio = cpu / loads_cpu
            worst = max(worst, ratio)
            print(
                f"{name:<27}{count:>6}{full.stat().st_size / 1e6:>5.0f}{loads_cpu:>9.2f}s{cpu:>8.2f}s{ratio:>6.2f}x"
                f"{wall / loads_wall:>10.2f}x{rss / 1024:>5.0f}MB{rss_quarter / 1024:>5.0f}MB"
            )
    print(f"target: whole process <= 4x the json.loads loop (CPU) -> worst {worst:.2f}x {'OK' if worst <= 4 else 'MISSED'}")
    return worst


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--number", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--whole-process", action="store_true", help="add the whole-process rows (slow: about a minute)")
    ap.add_argument("--only-process", action="store_true", help="only the whole-process rows")
    ap.add_argument("--process-repeat", type=int, default=3, help="runs of each process (best is kept)")
    args = ap.parse_args()
    n, r = args.number, args.repeat
    if args.only_process:
        whole_process(args.process_repeat)
        return 0

    engine = Engine()
    envelope = json.loads((SAMPLES / "holder-assignment-created.envelope.json").read_text())
    data = envelope["data"]
    cases = {
        "envelope, compact (as sent)": json.dumps(envelope, separators=(",", ":")).encode(),
        "envelope, pretty": json.dumps(envelope, indent=2).encode(),
        "bare data, compact": json.dumps(data, separators=(",", ":")).encode(),
    }
    print(f"{'payload':<30}{'bytes':>7}{'json.loads':>12}{'analyze':>10}{'ratio':>7}{'bytes->':>10}{'ratio':>7}")
    worst = 0.0
    for name, raw in cases.items():
        text = raw.decode()
        parsed = json.loads(text)
        result = engine.analyze(parsed)
        assert result.errors == 0, result.issues
        t_loads = per_call(lambda: json.loads(text), n, r)
        t_an = per_call(lambda: engine.analyze(parsed), n, r)
        t_full = per_call(lambda: engine.analyze_bytes(raw), n, r)
        worst = max(worst, t_an / t_loads)
        print(
            f"{name:<30}{len(raw):>7}{t_loads * 1e6:>10.1f}us{t_an * 1e6:>8.1f}us{t_an / t_loads:>6.2f}x"
            f"{t_full * 1e6:>8.1f}us{t_full / t_loads:>6.2f}x"
        )
    print(f"target: analyze <= 2x json.loads -> worst {worst:.2f}x {'OK' if worst <= 2 else 'MISSED'}")

    validator = jsonschema_validator("EventCustomerHolderAssignmentCreatedData")
    if validator is None:
        print("jsonschema row skipped: needs the jsonschema package and ../shared/voucherify-openapi")
        return 0
    t_js = per_call(lambda: list(validator.iter_errors(data)), max(1, n // 10), r)
    t_ours = per_call(lambda: engine.analyze(data), n, r)
    speedup = t_js / t_ours
    print(
        f"\njsonschema on the published schema: {t_js * 1e6:.1f}us per payload; engine (bare data) "
        f"{t_ours * 1e6:.1f}us -> {speedup:.0f}x faster (target >= 40x: {'OK' if speedup >= 40 else 'MISSED'})"
    )

    try:
        from inspector.engine.specs import load_specs_into
    except ImportError:
        print("spec-mode row skipped: inspector.engine.specs is not available")
        return 0
    registry = Registry()
    t0 = time.perf_counter()
    load_specs_into(registry, [str(OPENAPI)])
    t_load = time.perf_counter() - t0
    spec_engine = Engine(registry)
    event_type = "customer.holder.assignment.created"
    spec_result = spec_engine.analyze(envelope)
    assert spec_result.errors == 0, spec_result.issues
    compact = cases["envelope, compact (as sent)"].decode()
    t_loads = per_call(lambda: json.loads(compact), n, r)
    t_spec = per_call(lambda: spec_engine.analyze(envelope), n, r)
    t_spec_data = per_call(lambda: spec_engine.analyze(data, event_type=event_type), n, r)
    print(
        f"\nspec mode ({len(registry)} event types loaded from {OPENAPI.name} in {t_load * 1e3:.0f} ms):\n"
        f"  envelope {t_spec * 1e6:.1f}us = {t_spec / t_loads:.2f}x json.loads; bare data "
        f"{t_spec_data * 1e6:.1f}us, {t_js / t_spec_data:.0f}x faster than jsonschema on the same schema"
    )
    if args.whole_process:
        whole_process(args.process_repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
