from __future__ import annotations

from pathlib import Path

import pytest

from inspector.engine.analyze import Engine
from inspector.engine.inputs import make_engine

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixture-openapi.json"
SHARED_OPENAPI = HERE.parents[1].parent / "shared" / "voucherify-openapi"


@pytest.fixture(autouse=True)
def _no_spec_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """A user's $VOUCHERIFY_INSPECT_SPEC must not leak into the tests."""
    monkeypatch.delenv("VOUCHERIFY_INSPECT_SPEC", raising=False)


@pytest.fixture(scope="session")
def fixture_engine() -> Engine:
    """The built-in events plus the hand-written fixture spec."""
    return make_engine([str(FIXTURE)])


@pytest.fixture(scope="session")
def voucherify_specs() -> Path:
    """Voucherify's published event specs, when this checkout sits beside them."""
    if not SHARED_OPENAPI.is_dir() or not any(SHARED_OPENAPI.glob("events-*.json")):
        pytest.skip(f"{SHARED_OPENAPI} is absent")
    return SHARED_OPENAPI
