"""The user's settings, kept between runs: a JSON object in the user config dir
(``platformdirs.user_config_path("voucherify-inspect")/settings.json``), written 0600 in a 0700
dir like the other files this tool keeps.

Today it holds the theme chosen in the command palette. A file that cannot be read or does not
parse is ignored (the defaults apply) and replaced on the next change; keys this version does
not know are kept when it writes.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

FILE_NAME = "settings.json"


def settings_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path("voucherify-inspect") / FILE_NAME


@dataclass(kw_only=True)
class Settings:
    """What is remembered; ``other`` holds keys written by another version."""

    theme: Optional[str] = None
    other: dict[str, Any] = field(default_factory=dict)


def load_settings(path: Optional[Path] = None) -> Settings:
    """The settings saved, or the defaults when there are none or they cannot be read."""
    path = path or settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    theme = data.pop("theme", None)
    return Settings(theme=theme if isinstance(theme, str) else None, other=data)


def save_settings(settings: Settings, path: Optional[Path] = None) -> None:
    """Write ``settings`` (atomically: a crash leaves the old file). Raises OSError."""
    path = path or settings_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    data = {**settings.other}
    if settings.theme is not None:
        data["theme"] = settings.theme
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2, ensure_ascii=False)
            out.write("\n")
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
