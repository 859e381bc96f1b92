"""The whole package type-checks under ``mypy --strict`` (the settings in pyproject's [tool.mypy])."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mypy import api  # a test dependency: missing, this test fails rather than skips

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_strict_passes_on_the_whole_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # mypy reads its settings and file list from pyproject.toml here
    stdout, stderr, status = api.run(["--no-incremental", "--cache-dir", os.devnull])
    assert status == 0, stdout[-4000:] + stderr[-2000:]
    assert "Success: no issues found" in stdout
