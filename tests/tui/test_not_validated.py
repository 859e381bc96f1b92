"""A payload the engine did not validate never shows the pass mark: the event list marks it ``?``
and the summary line says "not validated"."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Static

from inspector.engine.analyze import Engine
from inspector.listen.capture import Entry
from inspector.tui.app import create_app
from inspector.tui.event_list import entry_row
from inspector.tui.summary import summary_text
from tests.tui.conftest import SAMPLES, loaded


def test_rows_and_summary_of_payloads_not_validated(engine: Engine) -> None:
    legacy = json.loads((SAMPLES / "legacy-envelope.json").read_text())
    for payload in ({"foo": 1}, legacy):
        entry = Entry(engine.analyze(payload, source="p.json"))
        assert "✔" not in entry_row(entry, 60).plain and entry_row(entry, 60).plain.rstrip().endswith("?")
        assert "? not validated" in summary_text(entry.analysis).plain
    clean = Entry(engine.analyze({"holder": {}}, source="p.json", event_type="customer.holder.assignment.created"))
    assert "?" not in entry_row(clean, 60).plain and "not validated" not in summary_text(clean.analysis).plain


async def test_an_ambiguous_payload_is_not_shown_as_clean(tmp_path: Path, engine: Engine) -> None:
    docs = json.loads((SAMPLES / "holder-assignment-created.data.json").read_text())
    lines = [
        json.dumps({"id": "x", "type": "customer.holder.assignment.created", "project_id": "p", "data": docs,
                    "source": {"object": "webhook"}, "event": {"type": "customer.holder.assignment.created"}}),
        json.dumps({"foo": 1}),
    ]
    path = tmp_path / "two.ndjson"
    path.write_text("\n".join(lines) + "\n")
    app = create_app(engine=engine, paths=[str(path)])
    async with app.run_test(size=(140, 40)) as pilot:
        await loaded(pilot)
        first, second = app.main_screen.event_list.entries
        assert not first.analysis.clean and "?" not in entry_row(first, 60).plain  # validated, with warnings
        assert second.analysis.errors == second.analysis.warnings == 0
        assert "✔" not in entry_row(second, 60).plain and "?" in entry_row(second, 60).plain
        app.main_screen.event_list.cursor = 1
        await pilot.pause()
        assert "not validated" in str(app.query_one("#summary", Static).content)
