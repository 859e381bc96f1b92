"""The core never imports the UI: parsing, schema, validation, signatures and storage stay plain."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = sorted(
    p.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")
    for p in (ROOT / "inspector").rglob("*.py")
    if not {"tui", "commands"} & set(p.relative_to(ROOT / "inspector").parts) and p.name not in ("__main__.py", "cli.py")
)


def test_there_is_a_core() -> None:
    assert {"inspector.engine", "inspector.schema", "inspector.validation", "inspector.jsonparse"} <= set(CORE)


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_import_textual(module: str) -> None:
    code = f"import sys, {module}; sys.stderr.write(str('textual' in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=ROOT, timeout=60)
    assert proc.stderr.endswith(b"False"), proc.stderr[-400:]
