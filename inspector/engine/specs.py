"""Voucherify's OpenAPI event specs, loaded at run time.

Voucherify publishes its webhook events as OpenAPI 3.x documents whose ``webhooks`` section has one
entry per event (``EVENTS.CUSTOMER.CREATED``) with the event data as the request-body schema. This
module reads such documents, maps each webhook key to the ``type`` payloads carry, and compiles each
event's schema with the same compiler as the built-in models, so a spec event gets the same tree,
descriptions and validation.

Every schema is compiled at load, with one ``Compiler`` per document: components that several events
share (``Customer``, ``Voucher``...) are compiled once and the events hold the same nodes, so the
validators generated for them are shared too.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

from inspector.engine.registry import EventSchema, Registry, normalize_event_type
from inspector.engine.schema import Compiler, Schema, SchemaError
from inspector.engine.textsafe import visible

_METHODS = ("post", "put", "patch", "get", "delete")
_YAML_SUFFIXES = (".yaml", ".yml")


class SpecError(Exception):
    """A spec that cannot be used; the message names the file and says what is wrong."""


@dataclass
class SpecEvent:
    """One event defined by a spec: its payload type, webhook key, title and compiled schema."""

    event_type: str
    key: str
    origin: str
    title: Optional[str]
    schema: Schema
    examples: tuple[Any, ...] = ()


@dataclass
class SpecDocument:
    """One loaded spec file and the events it defines, in document order."""

    path: str
    title: Optional[str]
    events: list[SpecEvent] = field(default_factory=list)
    seconds: float = 0.0


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


def is_event_spec(doc: dict[str, Any]) -> bool:
    """An OpenAPI 3.x document with a non-empty ``webhooks`` (or 3.0-style ``x-webhooks``) section."""
    hooks = doc.get("webhooks", doc.get("x-webhooks"))
    return str(doc.get("openapi", "")).startswith("3.") and isinstance(hooks, dict) and bool(hooks)


def _deref(node: Any, compiler: Compiler) -> Any:
    # Path items and request bodies may themselves be $refs (to components/requestBodies...);
    # the bound stops a cycle of refs.
    for _ in range(16):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            break
        node = compiler.resolve(node["$ref"])
    return node


def _examples(media: dict[str, Any], compiler: Compiler) -> tuple[Any, ...]:
    """The example payloads of a media type: ``examples`` (each ``{value: ...}``, possibly a
    ``$ref`` to components/examples) in document order, else ``example``."""
    found: list[Any] = []
    named = media.get("examples")
    if isinstance(named, dict):
        for entry in named.values():
            try:
                entry = _deref(entry, compiler)
            except SchemaError:
                continue  # a broken example ref costs the example, not the event
            if isinstance(entry, dict) and "value" in entry:
                found.append(entry["value"])
    if not found and "example" in media:
        found.append(media["example"])
    return tuple(found)


def _body_schema(key: str, item: Any, compiler: Compiler) -> tuple[Any, Optional[str], tuple[Any, ...]]:
    """The JSON request-body schema node of one webhook, the operation's summary and the
    body's examples."""
    item = _deref(item, compiler)
    if not isinstance(item, dict):
        raise SchemaError(f"webhook {key!r} is not an object")
    for method in _METHODS:
        op = _deref(item.get(method), compiler)
        if not isinstance(op, dict):
            continue
        body = _deref(op.get("requestBody"), compiler)
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, dict):
            continue
        media = content.get("application/json")
        if media is None:
            media = next((m for t, m in content.items() if "json" in t.lower()), None)
        if isinstance(media, dict) and "schema" in media:
            summary = op.get("summary") if isinstance(op.get("summary"), str) else None
            return media["schema"], summary, _examples(media, compiler)
    raise SchemaError(f"webhook {key!r} has no JSON request body schema")


def load_spec(path: Path, doc: Optional[dict[str, Any]] = None) -> SpecDocument:
    """Read one spec file (unless ``doc`` is its content already) and compile the schema of
    every event it defines."""
    start = time.perf_counter()
    name = visible(str(path))
    if doc is None:
        doc = read_spec(path)
    if not str(doc.get("openapi", "")).startswith("3."):
        found = doc.get("openapi") or doc.get("swagger")
        what = f"OpenAPI/Swagger {visible(str(found))}" if found else "no 'openapi' version field"
        raise SpecError(f"{name}: not an OpenAPI 3.x document ({what})")
    hooks = doc.get("webhooks", doc.get("x-webhooks"))
    if not isinstance(hooks, dict) or not hooks:
        raise SpecError(f"{name}: defines no webhook events (the document has no 'webhooks' section)")
    info = doc.get("info")
    title = info.get("title") if isinstance(info, dict) and isinstance(info.get("title"), str) else None
    result = SpecDocument(str(path), title)
    compiler = Compiler(doc, source=str(path))
    for key, item in hooks.items():
        try:
            node, summary, examples = _body_schema(key, item, compiler)
            schema = compiler.compile(node)
        except SchemaError as exc:
            text = str(exc)
            if text.startswith(str(path) + ": "):
                text = text[len(str(path)) + 2 :]
            raise SpecError(f"{name}: {visible(text)} (in webhook {visible(key)})") from None
        except RecursionError:
            raise SpecError(f"{name}: the schema of webhook {visible(key)} nests too deeply to compile") from None
        result.events.append(
            SpecEvent(normalize_event_type(key), key, str(path), schema.title or summary, schema, examples)
        )
    result.seconds = time.perf_counter() - start
    return result


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
            if registry.add(EventSchema(ev.event_type, ev.origin, _schema=ev.schema, examples=ev.examples)):
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
