"""Every test runs with its own user cache, data and config dirs: the suite never reads the
developer's fetched spec (``spec fetch``), captures or settings, and never writes beside them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

_XDG = ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME")


@pytest.fixture(scope="session", autouse=True)
def _isolated_user_dirs_for_the_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # Session-scoped fixtures (engines built once per run) are set up before any function-scoped
    # fixture, so the session needs private dirs too.
    root = tmp_path_factory.mktemp("xdg-session")
    saved = {name: os.environ.get(name) for name in _XDG}
    for name in _XDG:
        os.environ[name] = str(root / name.lower())
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
