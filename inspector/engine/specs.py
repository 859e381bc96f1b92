"""Voucherify's OpenAPI event specs, loaded at run time.

Voucherify publishes its webhook events in two layouts, both read here:
- the per-topic documents (``events-customer.json``...) whose ``webhooks`` section has one entry
  per event (``EVENTS.CUSTOMER.CREATED``) with the event data as the request-body schema;
- the single file ``reference/OpenAPIWebhooks.json`` (what ``spec fetch`` downloads), whose
  ``paths`` are named after the events (``/EVENTS.REDEMPTION.SUCCEEDED``) with the event data as
  the schema of the 200 response, beside the docs' examples.

Each webhook key maps to the ``type`` payloads carry, and each event's schema is compiled with the
same compiler as the built-in models, so a spec event gets the same tree, descriptions and
validation. One ``Compiler`` serves a whole document: components that several events share
(``Customer``, ``Voucher``...) are compiled once and the events hold the same nodes, so the
validators generated for them are shared too.

A ``--spec`` file is compiled whole at load, so a broken one stops the command with a message. The
fetched spec was checked whole when it was fetched, so it loads lazily: each event's schema is
compiled on first use (a command's start pays only for reading the JSON).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from inspector.engine.registry import EventSchema, Registry, normalize_event_type
from inspector.engine.schema import Compiler, Schema, SchemaError
from inspector.engine.textsafe import visible

_METHODS = ("post", "put", "patch", "get", "delete")
_YAML_SUFFIXES = (".yaml", ".yml")
_EVENT_PREFIX = "EVENTS."


class SpecError(Exception):
    """A spec that cannot be used; the message names the file and says what is wrong."""


class _SharedCompiler:
    """A document's compiler shared by its events. Events compile on first use, possibly from two
    threads at once (the TUI's loader and its UI): the lock keeps them from filling the shared
    component cache at the same time."""

    def __init__(self, compiler: Compiler) -> None:
        self._compiler = compiler
        self._lock = threading.Lock()

    def compile(self, node: Any) -> Schema:
        with self._lock:
            return self._compiler.compile(node)


@dataclass(kw_only=True, eq=False)
class SpecEvent:
    """One event defined by a spec: its payload type, webhook key, the operation's summary, the
    docs' example payloads, and its schema (compiled on first use when loaded lazily)."""

    event_type: str
    key: str
    origin: str
    summary: Optional[str]
    examples: tuple[Any, ...] = ()
    node: Any = field(default=None, repr=False)
    compiler: Optional[_SharedCompiler] = field(default=None, repr=False)
    _schema: Optional[Schema] = field(default=None, repr=False)

    def compiled(self) -> Schema:
        """The event's schema, compiled now if it was not yet."""
        if self._schema is None:
            assert self.compiler is not None
            self._schema = self.compiler.compile(self.node)
        return self._schema

    @property
    def schema(self) -> Schema:
        return self.compiled()

    @property
    def title(self) -> Optional[str]:
        return self.schema.title or self.summary


@dataclass
class SpecDocument:
    """One loaded spec file and the events it defines, in document order. ``skipped`` names the
    events a lenient load set aside, with why (``load_spec(..., lenient=True)``)."""

    path: str
    title: Optional[str]
    events: list[SpecEvent] = field(default_factory=list)
    seconds: float = 0.0
    skipped: dict[str, str] = field(default_factory=dict)


def spec_files(paths: Iterable[str]) -> list[Path]:
    """The files behind the given paths: a folder stands for its ``*.json`` files, sorted."""
    files: list[Path] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.suffix.lower() == ".json" and q.is_file())
            if not found:
                raise SpecError(f"{raw}: the folder holds no .json spec files")
            files.extend(found)
        elif p.exists():
            files.append(p)
        else:
            raise SpecError(f"{raw}: no such spec file or folder")
    return files


def read_spec(path: Path) -> dict[str, Any]:
    """The parsed document, or SpecError saying why it cannot be one."""
    name = visible(str(path))
    if path.suffix.lower() in _YAML_SUFFIXES:
        raise SpecError(f"{name}: YAML specs are not supported; point at the JSON version of the spec")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    return parse_spec(raw, name)


def parse_spec(raw: bytes, name: str) -> dict[str, Any]:
    """``raw`` parsed as a JSON object, or SpecError naming ``name`` (already made visible)."""
    try:
        doc = json.loads(raw)
    except UnicodeDecodeError:
        raise SpecError(f"{name}: not a UTF-8 text file") from None
    except json.JSONDecodeError as exc:
        raise SpecError(f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise SpecError(f"{name}: JSON nested too deeply to read") from None
    if not isinstance(doc, dict):
        raise SpecError(f"{name}: not an OpenAPI document (the top level is not a JSON object)")
    return doc


def event_items(doc: dict[str, Any]) -> list[tuple[str, Any]]:
    """(webhook key, path item) of every event ``doc`` defines: its ``webhooks`` (or 3.0-style
    ``x-webhooks``) section, then its ``paths`` named after an event (``/EVENTS.X.Y``)."""
    items: list[tuple[str, Any]] = []
    hooks = doc.get("webhooks", doc.get("x-webhooks"))
    if isinstance(hooks, dict):
        items.extend(hooks.items())
    paths = doc.get("paths")
    if isinstance(paths, dict):
        for key, item in paths.items():
            name = key.lstrip("/")
            if name.upper().startswith(_EVENT_PREFIX):
                items.append((name, item))
    return items


def is_event_spec(doc: dict[str, Any]) -> bool:
    """An OpenAPI 3.x document that defines at least one webhook event."""
    return str(doc.get("openapi", "")).startswith("3.") and bool(event_items(doc))


def _deref(node: Any, compiler: Compiler) -> Any:
    # Path items, request bodies, responses and examples may themselves be $refs (to
    # components/requestBodies...); the bound stops a cycle of refs.
    for _ in range(16):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            break
        node = compiler.resolve(node["$ref"])
    return node


def _json_media(holder: Any) -> Optional[dict[str, Any]]:
    """The JSON media type object (with a schema) of a request body or response."""
    content = holder.get("content") if isinstance(holder, dict) else None
    if not isinstance(content, dict):
        return None
    media = content.get("application/json")
    if media is None:
        media = next((m for t, m in content.items() if "json" in t.lower()), None)
    return media if isinstance(media, dict) and "schema" in media else None


def _response_media(op: dict[str, Any], compiler: Compiler) -> Optional[dict[str, Any]]:
    # OpenAPIWebhooks.json documents an event as the 200 response of a path named after it.
    responses = op.get("responses")
    if not isinstance(responses, dict):
        return None
    for code in sorted((c for c in responses if str(c).upper().startswith("2")), key=str):
        media = _json_media(_deref(responses[code], compiler))
        if media is not None:
            return media
    return None


def _examples(media: dict[str, Any], compiler: Compiler) -> tuple[Any, ...]:
    """The docs' example payloads of a media type object: each of ``examples`` (Example objects,
    possibly behind a $ref), then ``example``. An example that cannot be resolved is left out:
    it is illustration, not something to validate against."""
    out: list[Any] = []
    named = media.get("examples")
    if isinstance(named, dict):
        for ex in named.values():
            try:
                ex = _deref(ex, compiler)
            except SchemaError:
                continue
            if isinstance(ex, dict) and "value" in ex:
                out.append(ex["value"])
    if "example" in media:
        out.append(media["example"])
    return tuple(out)


def _event_media(key: str, item: Any, compiler: Compiler) -> tuple[Any, Optional[str], tuple[Any, ...]]:
    """The JSON schema node of one webhook (its request body, else its 2xx response), the
    operation's summary and the docs' examples."""
    item = _deref(item, compiler)
    if not isinstance(item, dict):
        raise SchemaError(f"webhook {key!r} is not an object")
    for method in _METHODS:
        op = _deref(item.get(method), compiler)
        if not isinstance(op, dict):
            continue
        media = _json_media(_deref(op.get("requestBody"), compiler)) or _response_media(op, compiler)
        if media is not None:
            summary = op.get("summary") if isinstance(op.get("summary"), str) else None
            return media["schema"], summary, _examples(media, compiler)
    raise SchemaError(f"webhook {key!r} has no JSON request body schema")


def _strip_source(text: str, path: str) -> str:
    return text[len(path) + 2 :] if text.startswith(path + ": ") else text


def load_spec(
    path: Path | str,
    doc: Optional[dict[str, Any]] = None,
    *,
    origin: Optional[str] = None,
    lazy: bool = False,
    lenient: bool = False,
    skip: Iterable[str] = (),
) -> SpecDocument:
    """Read one spec file (unless ``doc`` is its content already) and its events.

    By default every event's schema is compiled now and the first that cannot be raises
    SpecError. ``lenient`` sets such events aside in ``skipped`` instead (each is compiled with
    its own compiler, so one broken component cannot half-fill another event's schema);
    ``lazy`` compiles nothing until an event is used (for a spec checked before, naming the
    events it set aside in ``skip``). ``origin`` is what the events say they come from (the path
    by default).
    """
    start = time.perf_counter()
    name = visible(str(path))
    if doc is None:
        doc = read_spec(Path(path))
    if not str(doc.get("openapi", "")).startswith("3."):
        found = doc.get("openapi") or doc.get("swagger")
        what = f"OpenAPI/Swagger {visible(str(found))}" if found else "no 'openapi' version field"
        raise SpecError(f"{name}: not an OpenAPI 3.x document ({what})")
    items = event_items(doc)
    if not items:
        raise SpecError(f"{name}: defines no webhook events (the document has no 'webhooks' section)")
    info = doc.get("info")
    title = info.get("title") if isinstance(info, dict) and isinstance(info.get("title"), str) else None
    result = SpecDocument(str(path), title)
    compiler = Compiler(doc, source=str(path))
    shared = _SharedCompiler(compiler)
    skipped = set(skip)
    for key, item in items:
        if key in skipped:
            continue
        try:
            node, summary, examples = _event_media(key, item, compiler)
            ev = SpecEvent(
                event_type=normalize_event_type(key),
                key=key,
                origin=origin or str(path),
                summary=summary,
                examples=examples,
                node=node,
                compiler=shared,
            )
            if lenient:
                _check_alone(doc, path, node)
            if not lazy:
                ev.compiled()
        except SchemaError as exc:
            reason = visible(_strip_source(str(exc), str(path)))
            if lenient:
                result.skipped[key] = reason
                continue
            raise SpecError(f"{name}: {reason} (in webhook {visible(key)})") from None
        except RecursionError:
            reason = "the schema nests too deeply to compile"
            if lenient:
                result.skipped[key] = reason
                continue
            raise SpecError(f"{name}: the schema of webhook {visible(key)} nests too deeply to compile") from None
        result.events.append(ev)
    result.seconds = time.perf_counter() - start
    return result


def _check_alone(doc: dict[str, Any], path: Path | str, node: Any) -> None:
    """Compile one event's schema with a compiler of its own; raises SchemaError if it cannot be."""
    Compiler(doc, source=str(path)).compile(node)


def load_specs(paths: Iterable[str]) -> list[SpecDocument]:
    """Every spec behind ``paths``. A named file must be an event spec; inside a folder, JSON
    documents without webhooks (other OpenAPI files, package.json) are skipped."""
    docs: list[SpecDocument] = []
    for raw in paths:
        p = Path(raw).expanduser()
        files = spec_files([raw])
        if p.is_dir():
            found = []
            for f in files:
                doc = read_spec(f)
                if is_event_spec(doc):
                    found.append(load_spec(f, doc))
            if not found:
                raise SpecError(f"{visible(raw)}: no OpenAPI document in this folder defines webhook events")
            docs.extend(found)
        else:
            docs.extend(load_spec(f) for f in files)
    return docs


def add_documents(registry: Registry, docs: list[SpecDocument]) -> tuple[list[str], list[tuple[SpecEvent, str]]]:
    """Add the events of ``docs`` to ``registry``. Returns the event types added, and the spec
    events set aside because the registry already had their type, with the origin that won.

    A type the registry already has keeps its entry: the built-in models are the reviewed reading
    of the docs, and among specs the first path given wins.
    """
    added: list[str] = []
    shadowed: list[tuple[SpecEvent, str]] = []
    for doc in docs:
        for ev in doc.events:
            entry = EventSchema(ev.event_type, ev.origin, _schema=ev._schema, _build=ev.compiled, examples=ev.examples)
            if registry.add(entry):
                added.append(ev.event_type)
            else:
                winner = registry.get(ev.event_type)
                shadowed.append((ev, winner.origin if winner is not None else "?"))
    return added, shadowed


def load_specs_into(registry: Registry, paths: list[str]) -> list[str]:
    """Add the events of the specs behind ``paths`` to ``registry``; return the event types added.
    Raises SpecError, with a message for the user, for a spec that cannot be used."""
    added, _shadowed = add_documents(registry, load_specs(paths))
    return added
