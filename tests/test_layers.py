"""The layers hold: import contracts (pyproject's [tool.importlinter]) and a CLI that loads a
command's dependencies only when that command runs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("textual", "rich", "aiohttp", "pydantic", "inspector.engine", "inspector.listen", "inspector.tui")


def test_import_contracts_are_kept() -> None:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert exe, "import-linter is a test dependency"
    proc = subprocess.run([exe, "--no-cache"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "broken" in proc.stdout and " 0 broken" in proc.stdout


def _loaded_after(code: str) -> list[str]:
    probe = code + "\nimport sys, json\nprint(json.dumps(sorted(m for m in sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


def test_help_builds_every_parser_without_the_layers_below() -> None:
    loaded = _loaded_after("from inspector.cli.main import build_parser\nbuild_parser().format_help()")
    assert _heavy(loaded) == []


@pytest.mark.parametrize("argv", [["validate", "--help"], ["listen", "--help"], ["--help"]])
def test_help_of_a_command_loads_nothing_heavy(argv: list[str]) -> None:
    code = (
        "import contextlib, io\nfrom inspector.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()):\n    try: main({argv!r})\n    except SystemExit: pass"
    )
    assert _heavy(_loaded_after(code)) == []


def test_validate_loads_neither_ui_nor_http(tmp_path: Path) -> None:
    sample = ROOT / "samples" / "holder-assignment-created.envelope.json"
    code = (
        "import contextlib, io\nfrom inspector.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()):\n    main(['validate', {str(sample)!r}])"
    )
    loaded = _loaded_after(code)
    assert "inspector.engine.validation" in loaded  # it did validate
    assert "asyncio" not in loaded and "pydantic" not in loaded  # startup is most of a small run
    assert [m for m in _heavy(loaded) if not m.startswith(("inspector.engine", "pydantic"))] == []
