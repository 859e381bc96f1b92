"""The engine is shared by threads (the TUI's loader and UI, the listener's writer): validators
built lazily on first use must come out right however the threads interleave."""

from __future__ import annotations

import sys
import threading

from inspector.engine.analyze import Engine
from tests.engine.conftest import SAMPLES


def test_concurrent_first_use_gives_the_same_results() -> None:
    samples = sorted(SAMPLES.glob("*.json"))
    expected = {p.name: [r.to_json() for r in Engine().analyze_bytes(p.read_bytes(), source=p.name)] for p in samples}
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        for _ in range(5):
            engine = Engine()  # fresh schemas: every validator is built during the race
            failures: list[BaseException] = []
            got: dict[str, list[dict]] = {}

            def work(path=None) -> None:  # type: ignore[no-untyped-def]
                try:
                    for p in samples:
                        got[p.name] = [r.to_json() for r in engine.analyze_bytes(p.read_bytes(), source=p.name)]
                except BaseException as exc:  # noqa: BLE001 - reported below
                    failures.append(exc)

            threads = [threading.Thread(target=work) for _ in range(6)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert failures == []
            assert got == expected
    finally:
        sys.setswitchinterval(old)
