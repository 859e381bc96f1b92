"""Cost of validating one payload, against baselines measured in the same run.

    python benchmarks/validate.py [--number N] [--repeat R]

Rows (per payload, best of R repeats of N calls):
- json.loads of the payload bytes: the baseline;
- engine.analyze(parsed): validation alone (form, event type, schema walk, issues);
- engine.analyze_bytes(bytes): decode + parse (duplicate-key aware) + validation;
- jsonschema (Draft 2020-12, every error collected) on Voucherify's published schema for the same
  event data, when ../shared/voucherify-openapi exists;
- spec mode: the same payload validated against the schema loaded from that OpenAPI file at run
  time (no built-in model), against json.loads and against jsonschema.
Targets (issue 2 and 5): analyze at most 2x json.loads; at least 40x faster than jsonschema.
"""

from __future__ import annotations

import argparse
import json
import sys
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--number", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    n, r = args.number, args.repeat

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
    import time

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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
