"""The spec ``spec fetch`` downloaded: where it is cached, what is recorded beside it, the check a
download passes before it replaces the cached copy, and loading it when a command starts.

No HTTP here (the engine imports none): the CLI downloads (``inspector/cli/specfetch.py``) and
hands the bytes to ``install``. The cache is the user cache dir (platformdirs, so
``$XDG_CACHE_HOME`` moves it): ``OpenAPIWebhooks.json`` and, beside it,
``OpenAPIWebhooks.source.json`` with the source URL, ref, time, size, event count and checksum.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from inspector.engine.registry import Registry
from inspector.engine.specs import SpecDocument, SpecError, SpecEvent, add_documents, load_spec, parse_spec
from inspector.engine.textsafe import visible

APP_NAME = "voucherify-inspect"
SPEC_NAME = "OpenAPIWebhooks.json"
SOURCE_NAME = "OpenAPIWebhooks.source.json"
# Bumped when the loader reads a spec differently: a copy checked by an older loader is fetched again.
FORMAT = 1


def cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME)


def spec_path() -> Path:
    return cache_dir() / SPEC_NAME


def source_path() -> Path:
    return cache_dir() / SOURCE_NAME


@dataclass(frozen=True, kw_only=True)
class FetchedSource:
    """What is recorded beside the cached spec. ``ref`` is None for ``--from``."""

    url: str
    ref: Optional[str]
    fetched_at: str
    size: int
    events: int
    sha256: str
    skipped: dict[str, str] = field(default_factory=dict)
    format: int = FORMAT

    @property
    def date(self) -> str:
        """The day it was fetched (UTC), as ``spec list`` shows it."""
        return self.fetched_at[:10]

    @property
    def origin(self) -> str:
        """What its events say they come from."""
        return f"fetched {self.date}"

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "ref": self.ref,
            "fetched_at": self.fetched_at,
            "size": self.size,
            "events": self.events,
            "sha256": self.sha256,
            "skipped": self.skipped,
            "format": self.format,
        }

    @classmethod
    def from_json(cls, data: Any) -> "FetchedSource":
        """Raises ValueError for a record this version cannot read."""
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        try:
            skipped = data.get("skipped") or {}
            out = cls(
                url=str(data["url"]),
                ref=None if data.get("ref") is None else str(data["ref"]),
                fetched_at=str(data["fetched_at"]),
                size=int(data["size"]),
                events=int(data["events"]),
                sha256=str(data["sha256"]),
                skipped={str(k): str(v) for k, v in skipped.items()} if isinstance(skipped, dict) else {},
                format=int(data.get("format", 0)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"missing or malformed field ({exc})") from None
        return out


def check_download(data: bytes, *, name: str) -> SpecDocument:
    """The events of a downloaded spec, every schema compiled once to prove it usable; raises
    SpecError saying why the download cannot replace the cached copy. Events whose schema cannot
    be compiled are set aside (``SpecDocument.skipped``) as long as some are usable: one broken
    event in Voucherify's file should not keep the other 71 from the user."""
    label = visible(name)
    doc = parse_spec(data, label)
    result = load_spec(name, doc, lenient=True)
    if not result.events:
        reasons = "; ".join(f"{visible(k)}: {r}" for k, r in list(result.skipped.items())[:3])
        raise SpecError(f"{label}: none of its {len(result.skipped)} webhook events can be used ({reasons})")
    return result


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def install(data: bytes, *, url: str, ref: Optional[str], name: str, now: Optional[_dt.datetime] = None) -> tuple[FetchedSource, SpecDocument]:
    """Check ``data`` (``check_download``), then make it the cached spec with its source record.
    On SpecError (or OSError writing) the cached copy is left as it was."""
    checked = check_download(data, name=name)
    when = (now or _dt.datetime.now(_dt.timezone.utc)).astimezone(_dt.timezone.utc)
    source = FetchedSource(
        url=url,
        ref=ref,
        fetched_at=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        size=len(data),
        events=len(checked.events),
        sha256=hashlib.sha256(data).hexdigest(),
        skipped=dict(checked.skipped),
    )
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    # The record goes last: a crash between the two writes leaves a checksum that does not match,
    # which the loader reports, rather than a new spec under an old record.
    _write_atomically(spec_path(), data)
    _write_atomically(source_path(), (json.dumps(source.to_json(), indent=2) + "\n").encode())
    return source, checked


def read_source() -> Optional[FetchedSource]:
    """The record of the cached spec; None when nothing was fetched. Raises SpecError for a
    record that cannot be read."""
    path = source_path()
    if not spec_path().exists():
        return None
    again = "run `voucherify-inspect spec fetch` again, or pass --no-fetched-spec"
    try:
        record = FetchedSource.from_json(json.loads(path.read_bytes()))
    except FileNotFoundError:
        raise SpecError(f"the fetched spec {visible(str(spec_path()))} has no source record ({visible(str(path))}); {again}") from None
    except (OSError, ValueError) as exc:
        raise SpecError(f"the source record {visible(str(path))} of the fetched spec cannot be read ({visible(str(exc))}); {again}") from None
    if record.format != FORMAT:
        raise SpecError(f"the fetched spec was checked by another version of voucherify-inspect; {again}")
    return record


@dataclass(frozen=True, kw_only=True)
class FetchedLoad:
    """The cached spec as loaded into a registry: its record and document, the event types it
    added, and its events set aside because the type was known already (with who kept it)."""

    source: FetchedSource
    document: SpecDocument
    added: list[str]
    shadowed: list[tuple[SpecEvent, str]]


def load_fetched(registry: Registry) -> Optional[FetchedLoad]:
    """Add the cached spec's events to ``registry`` (types it already has keep their entry);
    None when nothing was fetched. Its schemas compile on first use: the file was checked
    whole when it was fetched, and the checksum proves it is that file. Raises SpecError when the
    cached copy cannot be used."""
    record = read_source()
    if record is None:
        return None
    path = spec_path()
    again = "run `voucherify-inspect spec fetch` again, or pass --no-fetched-spec"
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SpecError(f"the fetched spec {visible(str(path))} cannot be read ({exc.strerror or exc}); {again}") from None
    if hashlib.sha256(data).hexdigest() != record.sha256:
        raise SpecError(f"the fetched spec {visible(str(path))} was changed since it was fetched; {again}")
    doc = load_spec(path, parse_spec(data, visible(str(path))), origin=record.origin, lazy=True, skip=record.skipped)
    added, shadowed = add_documents(registry, [doc])
    return FetchedLoad(source=record, document=doc, added=added, shadowed=shadowed)
