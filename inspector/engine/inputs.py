"""Reading payload inputs (files, NDJSON, stdin) and building the engine a command uses."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional, Sequence

from inspector.engine import issues as codes
from inspector.engine.analysis import Analysis
from inspector.engine.analyze import Engine
from inspector.engine.issues import Issue
from inspector.engine.jsonparse import iter_documents, iter_ndjson_lines
from inspector.engine.registry import Registry, builtin_registry
from inspector.engine.textsafe import visible

NDJSON_SUFFIXES = (".jsonl", ".ndjson")
PAYLOAD_SUFFIXES = (".json", *NDJSON_SUFFIXES)
SPEC_ENV = "VOUCHERIFY_INSPECT_SPEC"


class InputError(Exception):
    """An input or spec that cannot be used; the message is for the user."""


def spec_paths(given: Optional[Sequence[str]]) -> list[str]:
    if given:
        return list(given)
    env = os.environ.get(SPEC_ENV, "")
    return [p for p in env.split(os.pathsep) if p]


def make_engine(
    spec_args: Optional[Sequence[str]] = None,
    *,
    fetched: bool = True,
    warn: Optional[Callable[[str], None]] = None,
) -> Engine:
    """The engine with the built-in events, the specs named on the command line or in
    ``$VOUCHERIFY_INSPECT_SPEC``, and (unless ``fetched`` is False, ``--no-fetched-spec``) the
    spec ``spec fetch`` cached. Raises InputError for a named spec that cannot be read; a cached
    spec that cannot be used is left out, and ``warn`` is told why.

    Which wins for a type several define: the built-in models, then the named specs in the order
    given, then the fetched spec (a spec the user names is meant to apply)."""
    registry = builtin_registry()
    paths = spec_paths(spec_args)
    if paths:
        from inspector.engine.specs import SpecError, load_specs_into

        try:
            load_specs_into(registry, paths)
        except SpecError as exc:
            raise InputError(str(exc)) from exc
    if fetched:
        _add_fetched(registry, warn)
    else:
        from inspector.engine.fetched import spec_path

        if spec_path().exists():
            registry.no_schema_hint = "the fetched spec is off: --no-fetched-spec"
    return Engine(registry)


def _add_fetched(registry: Registry, warn: Optional[Callable[[str], None]]) -> None:
    from inspector.engine.fetched import load_fetched
    from inspector.engine.specs import SpecError

    try:
        loaded = load_fetched(registry)
    except SpecError as exc:
        if warn is not None:
            warn(f"{exc} (continuing without it)")
        return
    if loaded is not None:
        registry.no_schema_hint = (
            f"the spec fetched on {loaded.source.date} does not define it; "
            "`voucherify-inspect spec fetch` gets the latest, --spec adds others"
        )


def _warn(message: str) -> None:
    print(f"voucherify-inspect: warning: {message}", file=sys.stderr)


def engine_or_report(
    spec_args: Optional[Sequence[str]],
    event_type: Optional[str] = None,
    *,
    fetched: bool = True,
    named_by: str = "--type",
) -> Optional[Engine]:
    """``make_engine`` for a command: on a spec it cannot use, or an event type no schema has (a
    ``--type`` typo would otherwise validate nothing and pass; ``named_by`` says where the type
    was given), says why on stderr and returns None (the command then exits 2). A fetched spec
    that cannot be used is a warning on stderr."""
    try:
        engine = make_engine(spec_args, fetched=fetched, warn=_warn)
    except InputError as exc:
        print(f"voucherify-inspect: {exc}", file=sys.stderr)
        return None
    if event_type:
        unknown = unknown_type(engine, event_type)
        if unknown is not None:
            print(f"voucherify-inspect: no schema for {named_by} {unknown}", file=sys.stderr)
            return None
    return engine


def unknown_type(engine: Engine, event_type: str) -> Optional[str]:
    """None when ``engine`` has a schema for ``event_type``; else the type (made visible), the
    closest known types and how to get more, for a message."""
    if engine.registry.get(event_type) is not None:
        return None
    close = engine.registry.closest(event_type)
    hint = f"; did you mean {' or '.join(close)}?" if close else "; known types: voucherify-inspect spec list"
    return f"{visible(event_type)!r}{hint} ({engine.registry.no_schema_hint})"


def _os_error(path: str, exc: OSError) -> InputError:
    if isinstance(exc, FileNotFoundError):
        return InputError(f"{path}: no such file")
    if isinstance(exc, IsADirectoryError):
        return InputError(f"{path}: is a directory")
    if isinstance(exc, PermissionError):
        return InputError(f"{path}: permission denied")
    return InputError(f"{path}: {exc.strerror or exc}")


def read_source(path: str) -> bytes:
    """The bytes of a file, or of stdin for ``-``. Raises InputError with a readable reason."""
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise _os_error(path, exc) from None


def is_ndjson_name(path: str) -> Optional[bool]:
    """True for .jsonl/.ndjson names; None lets the content decide."""
    return True if path.lower().endswith(NDJSON_SUFFIXES) else None


def expand_paths(paths: Sequence[str]) -> list[str]:
    """The inputs to read: a folder stands for its .json/.jsonl/.ndjson files (sorted, not
    recursive); anything else is kept as given, so a missing file is reported where it was named."""
    out: list[str] = []
    for path in paths:
        p = Path(path)
        if path != "-" and p.is_dir():
            found = sorted(str(q) for q in p.iterdir() if q.is_file() and q.suffix.lower() in PAYLOAD_SUFFIXES)
            out.extend(found or [path])
        else:
            out.append(path)
    return out


@dataclass(frozen=True, kw_only=True)
class Input:
    """One named input, read: its bytes, or why it could not be read."""

    source: str
    data: bytes = b""
    error: Optional[str] = None
    ndjson: Optional[bool] = None

    def failure(self) -> Analysis:
        """The result shown for an input that could not be read."""
        return Analysis.unreadable(self.source, [Issue("", "error", codes.IO, self.error or "unreadable")])


def read_inputs(paths: Sequence[str], *, stdin: Optional[bytes] = None) -> Iterator[Input]:
    """Every input named (folders expanded), read one at a time. ``stdin`` stands for ``-`` when
    the caller read it already (the TUI must, before it takes the terminal over)."""
    for path in expand_paths(paths):
        source = "<stdin>" if path == "-" else path
        try:
            data = stdin if path == "-" and stdin is not None else read_source(path)
        except InputError as exc:
            yield Input(source=source, error=str(exc))
            continue
        yield Input(source=source, data=data, ndjson=is_ndjson_name(path))


def iter_analyses(engine: Engine, paths: Sequence[str], *, event_type: Optional[str] = None) -> Iterator[Analysis]:
    """Every payload of every input, one at a time: a 20,000-line NDJSON file is never held as
    20,000 analyses, nor (named .ndjson or .jsonl) read into memory at once. An input that
    cannot be read becomes an unreadable result."""
    for path in expand_paths(paths):
        if path != "-" and is_ndjson_name(path):
            yield from _stream(engine, path, event_type)
            continue
        for item in read_inputs([path]):
            if item.error is not None:
                yield item.failure()
                continue
            for doc in iter_documents(item.data, ndjson=item.ndjson):
                yield engine.analyze_document(doc, source=item.source, event_type=event_type)


def _stream(engine: Engine, path: str, event_type: Optional[str]) -> Iterator[Analysis]:
    """The payloads of an NDJSON file, read a line at a time."""
    try:
        with open(path, "rb") as f:
            for doc in iter_ndjson_lines(f):
                yield engine.analyze_document(doc, source=path, event_type=event_type)
    except OSError as exc:  # opening it, or a read failing midway
        yield Input(source=path, error=str(_os_error(path, exc))).failure()


def analyze_paths(engine: Engine, paths: Sequence[str], *, event_type: Optional[str] = None) -> list[Analysis]:
    """``iter_analyses`` as a list."""
    return list(iter_analyses(engine, paths, event_type=event_type))
