from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Callable

import pytest

from inspector.engine.analyze import Engine

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
SHARED_OPENAPI = ROOT.parent / "shared" / "voucherify-openapi"


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()


@pytest.fixture(scope="session")
def docs_created() -> dict[str, Any]:
    """The docs' example of customer.holder.assignment.created, as bare data."""
    return json.loads((SAMPLES / "holder-assignment-created.data.json").read_text())


@pytest.fixture
def envelope(docs_created: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    """A fresh v2024-01-01 envelope around a copy of the docs example."""

    def make(event_type: str = "customer.holder.assignment.created", **overrides: Any) -> dict[str, Any]:
        env = json.loads((SAMPLES / "holder-assignment-created.envelope.json").read_text())
        env["type"] = event_type
        env["event"]["type"] = event_type
        env["data"] = copy.deepcopy(docs_created)
        env.update(overrides)
        return env

    return make


def codes_at(result: Any) -> set[tuple[str, str, str]]:
    return {(i.severity, i.code, i.pointer) for i in result.issues}
