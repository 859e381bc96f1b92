"""The built-in models' JSON Schemas, as generated from the pydantic models and kept beside them
in ``schemas.json``, so that ``validate`` starts without importing pydantic or building model
schemas (about a tenth of a second on every run).

``tests/engine/test_models.py`` fails when the file and the models disagree; after changing a
model, regenerate it: ``python -m inspector.engine.models.schemas``.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Optional

from inspector.engine.schema import Schema, from_json_schema, model_document

SCHEMA_FILE = Path(__file__).with_name("schemas.json")

_LOCK = threading.Lock()
_DOCUMENT: Optional[dict[str, Any]] = None


def generate() -> dict[str, Any]:
    """The content ``schemas.json`` must have: every built-in event and payload form model's
    schema, by event type and by form."""
    from inspector.engine.models.envelope import FORM_MODELS
    from inspector.engine.models.holder_assignment import EVENT_MODELS

    return {
        "events": {name: model_document(model) for name, model in EVENT_MODELS.items()},
        "forms": {name: model_document(model) for name, model in FORM_MODELS.items()},
    }


def _document() -> dict[str, Any]:
    global _DOCUMENT
    with _LOCK:
        if _DOCUMENT is None:
            _DOCUMENT = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
        return _DOCUMENT


def event_schema(event_type: str) -> Schema:
    """The compiled schema of a built-in event type."""
    return from_json_schema(_document()["events"][event_type], source=f"{SCHEMA_FILE.name}: {event_type}")


def form_schema(form: str) -> Schema:
    """The compiled schema of a payload form's wrapper (envelope, distribution, activity)."""
    return from_json_schema(_document()["forms"][form], source=f"{SCHEMA_FILE.name}: {form}")


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


if __name__ == "__main__":
    SCHEMA_FILE.write_text(render(generate()), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
