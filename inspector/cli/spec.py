"""``voucherify-inspect spec list`` and ``spec fetch``: the event types this run knows and where
each comes from; downloading Voucherify's published webhook spec into the user cache."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING, Optional, TextIO

from inspector.cli import options

if TYPE_CHECKING:
    from inspector.engine.fetched import FetchedSource


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("spec", help="event types and specs: list, fetch")
    spec_sub = p.add_subparsers(dest="spec_command", metavar="ACTION")
    sp = spec_sub.add_parser("list", help="list the event types known and where each comes from")
    options.add_spec(sp)
    fp = spec_sub.add_parser(
        "fetch",
        help="download Voucherify's published webhook spec (every event type) into the user cache",
        description="Download Voucherify's webhook spec (reference/OpenAPIWebhooks.json of "
        "github.com/voucherifyio/voucherify-openapi, branch master, unless told otherwise) into the "
        "user cache dir. Every command then loads it (--no-fetched-spec turns that off). The download "
        "is checked before it replaces the cached copy: on any failure the old copy stays and the "
        "exit status is 2. This is the only command that uses the network.",
    )
    fp.add_argument("--from", dest="from_", metavar="URL_OR_PATH", default=None, help="another source: an http(s) URL (a mirror) or a local file")
    fp.add_argument("--ref", default=None, metavar="REF", help="branch, tag or commit of voucherifyio/voucherify-openapi (default: master)")
    fp.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="give up after this long without a complete answer (default: 30)")


def run(args: argparse.Namespace) -> int:
    action = getattr(args, "spec_command", None)
    if action == "list":
        return list_types(args.spec, sys.stdout, fetched=args.fetched_spec)
    if action == "fetch":
        return fetch(args.from_, args.ref, timeout=args.timeout, out=sys.stdout, err=sys.stderr)
    print("voucherify-inspect: spec: choose an action (list, fetch)", file=sys.stderr)
    return 2


def _kb(n: int) -> str:
    return f"{n / 1024:,.0f} KB" if n >= 1024 else f"{n} bytes"


def _kept(previous: Optional[FetchedSource], unreadable: bool = False) -> str:
    if previous is not None:
        return f"the copy fetched on {previous.date} is kept"
    return "the cached copy is left as it was" if unreadable else "nothing was cached"


def fetch(from_: Optional[str], ref: Optional[str], *, timeout: float, out: TextIO, err: TextIO) -> int:
    """Download, check, then replace the cached spec; exit 2 (old copy kept) on any failure."""
    from inspector.cli.specfetch import FetchError, download, read_file, resolve
    from inspector.engine.fetched import install, read_source, spec_path
    from inspector.engine.specs import SpecError
    from inspector.engine.textsafe import visible

    unreadable = False
    try:
        previous = read_source()
    except SpecError:
        previous, unreadable = None, True  # a good fetch replaces the unreadable record
    if timeout <= 0:
        print("voucherify-inspect: --timeout must be a positive number of seconds", file=err)
        return 2
    try:
        source = resolve(from_, ref)
    except FetchError as exc:
        print(f"voucherify-inspect: {visible(str(exc))}", file=err)
        return 2
    where = visible(source.location)
    live = err.isatty()

    def progress(got: int, total: Optional[int]) -> None:
        of = f" of {_kb(total)}" if total else ""
        err.write(f"\r\x1b[Kdownloading {where}: {_kb(got)}{of}")
        err.flush()

    try:
        if source.is_file:
            data = read_file(source.location)
        else:
            if live:
                err.write(f"downloading {where}…")
                err.flush()
            data = download(source.location, timeout=timeout, progress=progress if live else None)
    except FetchError as exc:
        if live:
            err.write("\r\x1b[K")
        print(f"voucherify-inspect: spec fetch from {where} failed: {visible(str(exc))}; {_kept(previous, unreadable)}", file=err)
        return 2
    if live:
        err.write("\r\x1b[K")
        err.flush()
    try:
        record, checked = install(data, url=source.location, ref=source.ref, name=source.location)
    except SpecError as exc:
        print(f"voucherify-inspect: spec fetch: the download cannot be used: {exc}; {_kept(previous, unreadable)}", file=err)
        return 2
    except OSError as exc:
        print(f"voucherify-inspect: spec fetch: cannot write the cache ({exc.strerror or exc}); {_kept(previous, unreadable)}", file=err)
        return 2
    ref_text = f" (ref {visible(record.ref)})" if record.ref else ""
    out.write(f"fetched {_kb(record.size)} from {where}{ref_text}: {record.events} event types\n")
    if checked.skipped:
        out.write(f"{len(checked.skipped)} event{'s' if len(checked.skipped) != 1 else ''} set aside (the schema cannot be compiled):\n")
        for key, reason in checked.skipped.items():
            out.write(f"  {visible(key)}: {reason}\n")
    out.write(f"cached in {visible(str(spec_path()))}; every command loads it (--no-fetched-spec turns it off)\n")
    return 0


def list_types(given: list[str] | None, out: TextIO, *, fetched: bool = True) -> int:
    """One line per event type (type, origin, title) and a count; exit 2 for an unusable spec."""
    from inspector.engine.fetched import FetchedLoad, load_fetched, spec_path
    from inspector.engine.inputs import spec_paths
    from inspector.engine.registry import builtin_registry
    from inspector.engine.specs import SpecError, add_documents, load_specs
    from inspector.engine.textsafe import visible

    registry = builtin_registry()
    paths = spec_paths(given)
    start = time.perf_counter()
    try:
        docs = load_specs(paths) if paths else []
    except SpecError as exc:
        print(f"voucherify-inspect: {exc}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - start
    _added, shadowed = add_documents(registry, docs)
    loaded: Optional[FetchedLoad] = None
    if fetched:
        try:
            loaded = load_fetched(registry)
        except SpecError as exc:
            print(f"voucherify-inspect: warning: {exc}", file=sys.stderr)
        if loaded is not None:
            shadowed.extend(loaded.shadowed)

    rows = [(e.event_type, e.origin, e.schema.title or "") for e in registry]
    width_type = max(len(r[0]) for r in rows)
    width_origin = max(len(r[1]) for r in rows)
    for event_type, origin, title in rows:
        out.write(f"{visible(event_type):<{width_type}}  {visible(origin):<{width_origin}}  {visible(title)}\n")

    builtin = sum(1 for e in registry if e.origin == "built-in")
    parts = [f"{builtin} built in"]
    if docs:
        events = sum(len(d.events) for d in docs)
        files = f"{len(docs)} spec file{'s' if len(docs) != 1 else ''}"
        from_specs = sum(1 for e in registry if e.origin in {d.path for d in docs})
        parts.append(f"{from_specs} from --spec ({events} events in {files}, loaded in {seconds * 1000:.0f} ms)")
    if loaded is not None:
        src = loaded.source
        ref = f", ref {visible(src.ref)}" if src.ref else ""
        parts.append(
            f"{len(loaded.added)} from the spec fetched on {src.fetched_at[:16].replace('T', ' ')} UTC "
            f"from {visible(src.url)}{ref}"
        )
    summary = f"{len(rows)} event types: " + ", ".join(parts)
    if loaded is None:
        if not fetched and spec_path().exists():
            summary += " (the fetched spec is off: --no-fetched-spec)"
        elif not docs:
            summary += "; get every event type with `voucherify-inspect spec fetch` (or name specs with --spec PATH)"
    out.write(summary + "\n")
    if shadowed:
        # The built-in models are the reviewed reading of the docs, so they win; say so, since a
        # user who loaded a newer spec may expect it to apply.
        out.write(f"{len(shadowed)} spec event{'s' if len(shadowed) != 1 else ''} not used (the type is already known):\n")
        for ev, winner in shadowed:
            out.write(f"  {visible(ev.event_type)}  from {visible(ev.origin)}  (kept: {visible(winner)})\n")
    return 0
