"""Seeded random mutations of a real payload: the engine never raises, and every issue's pointer
names a node of the payload (or, for a missing field, a place in an existing object)."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest

from inspector.engine.analyze import Engine
from inspector.engine.pointer import parse_pointer, resolve
from tests.engine.conftest import SAMPLES

HOSTILE = ["[/", "[@click=app.quit]x", "[bold]b", "\x1b[2J", "\x1b]52;c;aGk=\x07", "\u202eabc", "x" * 10_000, "", "~/", "0"]
VALUES: list[Any] = [None, True, 0, -1, 1.5, 2**64, float("1e300"), "", "900", [], {}, {"type": "UNIT"}, *HOSTILE]


def _containers(node: Any, path: list[Any]) -> list[tuple[list[Any], Any]]:
    found = []
    if isinstance(node, (dict, list)):
        found.append((path, node))
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for k, v in items:
            found.extend(_containers(v, path + [k]))
    return found


def _mutate(doc: Any, rng: random.Random) -> None:
    for _ in range(rng.randint(1, 6)):
        path, node = rng.choice(_containers(doc, []))
        if isinstance(node, dict):
            op = rng.random()
            if node and op < 0.4:
                del node[rng.choice(list(node))]
            elif node and op < 0.8:
                node[rng.choice(list(node))] = copy.deepcopy(rng.choice(VALUES))
            else:
                node[rng.choice(HOSTILE)] = copy.deepcopy(rng.choice(VALUES))
        elif node:
            node[rng.randrange(len(node))] = copy.deepcopy(rng.choice(VALUES))


@pytest.mark.parametrize("sample", ["holder-assignment-created.envelope.json", "holder-assignment-deleted.activity.json", "holder-assignment-created.data.json"])
def test_mutations(engine: Engine, sample: str) -> None:
    original = json.loads((SAMPLES / sample).read_text())
    rng = random.Random(sample)
    for _ in range(150):
        doc = copy.deepcopy(original)
        _mutate(doc, rng)
        result = engine.analyze(doc)
        assert result.errors == sum(1 for i in result.issues if i.severity == "error")
        for issue in result.issues:
            assert issue.message
            if issue.pointer == "":
                continue
            if issue.code == "required":
                parent = "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in parse_pointer(issue.pointer)[:-1])
                assert isinstance(resolve(doc, parent), dict)
            else:
                resolve(doc, issue.pointer)
        json.dumps(result.to_json())


def test_random_bytes_never_raise(engine: Engine) -> None:
    rng = random.Random(7)
    base = (SAMPLES / "holder-assignment-created.envelope.json").read_bytes()
    for _ in range(300):
        data = bytearray(base)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        for result in engine.analyze_bytes(bytes(data), source="fuzz"):
            assert result.readable or result.issues[0].line is not None
