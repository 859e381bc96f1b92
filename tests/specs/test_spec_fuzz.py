"""A malformed spec gives a SpecError, never a traceback; whatever loads validates without raising."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any, Iterator

import pytest

from inspector.engine.analyze import Engine
from inspector.engine.describe import describe
from inspector.engine.registry import builtin_registry
from inspector.engine.specs import SpecError, load_specs_into
from tests.specs.conftest import FIXTURE
from tests.specs.instances import instance, pointers

ODD_VALUES: list[Any] = [None, 5, "x", [], {}, [1, "a"], {"$ref": 3}, {"$ref": "#/components"}, True, {"type": 7}]


def _slots(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield path + (k,)
            yield from _slots(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield path + (i,)
            yield from _slots(v, path + (i,))


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    for token in path[:-1]:
        doc = doc[token]
    doc[path[-1]] = value


@pytest.mark.parametrize("seed", range(12))
def test_mutated_specs_load_or_fail_cleanly(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    base = json.loads(FIXTURE.read_text())
    slots = list(_slots(base))
    for round_ in range(25):
        doc = copy.deepcopy(base)
        for path in rng.sample(slots, 3):
            try:
                _set(doc, path, copy.deepcopy(rng.choice(ODD_VALUES)))
            except (KeyError, IndexError, TypeError):
                pass  # an earlier mutation removed this slot's parent
        spec = tmp_path / f"m{round_}.json"
        spec.write_text(json.dumps(doc))
        registry = builtin_registry()
        try:
            added = load_specs_into(registry, [str(spec)])
        except SpecError as exc:
            assert str(exc).startswith(str(spec))
            continue
        engine = Engine(registry)
        for event_type in added:
            schema = registry.get(event_type).schema  # type: ignore[union-attr]
            for payload in (instance(schema, full=True), {"order": [1], "discount": {"type": None}}, [1]):
                result = engine.analyze(payload, event_type=event_type)
                assert result.form in ("data", "unknown")
                for pointer in pointers(payload):
                    describe(result.schema, result.payload, pointer)
