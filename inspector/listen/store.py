"""The SQLite file of captured requests: nothing the listener acknowledged is lost.

Durability: WAL with ``synchronous=NORMAL``. A commit has reached the WAL file (the OS page
cache) when ``commit()`` returns, so it survives the process being killed (SIGKILL, a crash);
only a power loss or kernel crash can drop the last commits, and ``FULL`` would cost an fsync
per group commit for that.

Privacy: captures hold payloads and signatures, so the data dir is created 0700 and the
database, its ``-wal`` and ``-shm`` 0600 (SQLite gives the last two the database's mode);
existing files we own that are wider are narrowed. Deleting is done with ``secure_delete`` and
a truncating checkpoint, so cleared payloads stay neither in the database nor in the WAL.

Plain Python: no UI, no HTTP library.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import sqlite3
import stat
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Iterator, Optional, Sequence, TypeVar

from inspector.engine.analysis import Analysis, Form
from inspector.listen.capture import Capture, Heavy, Recent, Summary, gc_paused

T = TypeVar("T")

APP_NAME = "voucherify-inspect"
SCHEMA_VERSION = 4

_SCHEMA = """
CREATE TABLE IF NOT EXISTS captures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at REAL NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    query TEXT NOT NULL DEFAULT '',
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    remote TEXT,
    size INTEGER NOT NULL,
    http_status INTEGER NOT NULL,
    signature TEXT NOT NULL,
    signature_detail TEXT NOT NULL DEFAULT '',
    form TEXT,
    event_type TEXT,
    errors INTEGER NOT NULL DEFAULT 0,
    warnings INTEGER NOT NULL DEFAULT 0,
    delivery_id TEXT,
    forward_url TEXT,
    forward_status INTEGER,
    forward_latency_ms REAL,
    forward_body BLOB,
    forward_error TEXT
);
CREATE INDEX IF NOT EXISTS captures_delivery ON captures(delivery_id) WHERE delivery_id IS NOT NULL;
"""

# Added since version 1: what chose the answer (version 2: ``--respond``, ``--proxy``); why a
# request was not a delivery, and enough of the analysis to draw a row without the payload
# (version 3). Rows written before version 3 have readable NULL: their rows are drawn from a
# fresh analysis instead. Version 4: replays this tool sent (``is_replay``); their answer is in
# ``forward_status``, and ``http_status`` (NOT NULL in tables made before) holds 0 for them and
# reads back as None.
_ADDED_COLUMNS = (
    ("answer_rule", "TEXT"),
    ("note", "TEXT NOT NULL DEFAULT ''"),
    ("readable", "INTEGER"),
    ("parts", "INTEGER NOT NULL DEFAULT 1"),
    ("issue_line", "INTEGER"),
    ("issue_column", "INTEGER"),
    ("validated", "INTEGER"),
    ("is_replay", "INTEGER NOT NULL DEFAULT 0"),
)

_FIELDS = (
    "received_at", "method", "path", "query", "headers", "body", "remote", "size", "http_status", "signature",
    "signature_detail", "form", "event_type", "errors", "warnings", "delivery_id", "forward_url", "forward_status",
    "forward_latency_ms", "forward_body", "forward_error", "note", "readable", "parts", "issue_line", "issue_column",
    "answer_rule", "validated", "is_replay",
)  # fmt: skip
_COLUMNS = ", ".join(_FIELDS)
# A row without its headers and bodies: what a list of captures needs.
_LIGHT = (
    "id, received_at, method, path, query, remote, size, http_status, signature, signature_detail, form, event_type, "
    "errors, warnings, delivery_id, forward_url, forward_status, forward_latency_ms, forward_error, note, readable, "
    "parts, issue_line, issue_column, answer_rule, validated, is_replay"
)


_INSERT = f"INSERT INTO captures ({_COLUMNS}) VALUES ({', '.join('?' * len(_FIELDS))})"


def _row(c: Capture, d: Derived) -> tuple[Any, ...]:
    return (
        c.received_at,
        c.method,
        c.path,
        c.query,
        # ensure_ascii: a header byte that is not UTF-8 (a lone surrogate) is stored as its
        # \\udcXX escape, which reads back as the same string.
        json.dumps(c.headers),
        c.body,
        c.remote,
        d.size if d.size is not None else c.size,
        0 if c.http_status is None else c.http_status,
        c.signature,
        c.signature_detail,
        d.form,
        d.event_type,
        d.errors,
        d.warnings,
        d.delivery_id,
        c.forward_url,
        c.forward_status,
        c.forward_latency_ms,
        c.forward_body,
        c.forward_error,
        c.note,
        None if d.readable is None else int(d.readable),
        d.parts,
        d.issue_line,
        d.issue_column,
        c.answer_rule,
        None if d.validated is None else int(d.validated),
        int(c.is_replay),
    )


class StoreError(Exception):
    """The database cannot be opened or used; the message is for the user."""


class StoreBusy(StoreError):
    """A listener holds the database (``history --clear`` refuses then)."""


def default_path() -> Path:
    """``captures.sqlite3`` in the platform's user data dir (XDG on Linux)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "captures.sqlite3"


@dataclass(kw_only=True)
class Derived:
    """What the engine made of a captured body, stored next to it so exports and listings need
    no re-analysis."""

    form: Optional[Form] = None
    event_type: Optional[str] = None
    errors: int = 0
    warnings: int = 0
    delivery_id: Optional[str] = None
    size: Optional[int] = None
    """Bytes received, when more than the stored body (a 413 keeps only the start)."""
    readable: Optional[bool] = None
    """None: not known (a version 1 row, or a row not analysed yet)."""
    parts: int = 1
    """Payloads in the body (an NDJSON body holds several)."""
    issue_line: Optional[int] = None
    issue_column: Optional[int] = None
    validated: Optional[bool] = None
    """Every payload of the body was checked against an event schema (None: not known, a row
    written before this was stored)."""

    @classmethod
    def of(cls, analyses: Sequence[Analysis], size: Optional[int] = None) -> Derived:
        if not analyses:
            return cls(size=size)
        first = analyses[0]
        summary = Summary.of(first)
        return cls(
            form=first.form,
            event_type=first.event_type,
            errors=sum(a.errors for a in analyses),
            warnings=sum(a.warnings for a in analyses),
            delivery_id=next((a.delivery_id for a in analyses if a.delivery_id), None),
            size=size,
            readable=first.readable,
            parts=len(analyses),
            issue_line=summary.issue_line,
            issue_column=summary.issue_column,
            validated=all(a.validated for a in analyses),
        )

    def summary(self) -> Optional[Summary]:
        """The row of a single-payload capture, or None when it must be analysed to be drawn."""
        if self.readable is None or self.validated is None or self.parts != 1:
            return None
        return Summary(
            readable=self.readable,
            form=self.form or "unknown",
            event_type=self.event_type,
            errors=self.errors,
            warnings=self.warnings,
            issue_line=self.issue_line,
            issue_column=self.issue_column,
            validated=self.validated,
        )


@dataclass
class Stored:
    """One row of the store."""

    capture: Capture
    derived: Derived


@dataclass(frozen=True, kw_only=True)
class Filter:
    """Which captures an export or a listing takes (``history --type/--since/--errors-only``)."""

    event_types: tuple[str, ...] = ()
    since: Optional[float] = None
    """Unix time; captures received at or after it."""
    errors_only: bool = False
    """Requests not answered 200, not readable, with validation errors, or an invalid or
    missing signature (never a replay: it was sent, not received)."""
    received_only: bool = False
    """Requests received, not the replays this tool sent (HAR and curl exports)."""
    pending_only: bool = False
    """Requests stored and answered whose verdict is not in (a listener stopped first)."""

    def sql(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        if self.event_types:
            clauses.append(f"event_type IN ({', '.join('?' * len(self.event_types))})")
            args.extend(self.event_types)
        if self.since is not None:
            clauses.append("received_at >= ?")
            args.append(self.since)
        if self.received_only:
            clauses.append("is_replay = 0")
        if self.pending_only:
            clauses.append("signature = 'pending'")
        if self.errors_only:
            clauses.append(
                "is_replay = 0 AND ((http_status != 200 AND answer_rule IS NULL) OR errors > 0 OR readable = 0 OR form = 'unknown' "
                "OR signature IN ('invalid', 'missing'))"
            )
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), args


# ------------------------------------------------------------------ files and permissions


def _private_dir(path: Path) -> None:
    """Create the folder of the database 0700; the default data dir, when it exists wider and
    is ours, is narrowed (a folder the user chose with --db is theirs to set)."""
    if not path.exists():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return
    if path == default_path().parent:
        _narrow(path, 0o700)


def _narrow(path: Path, mode: int) -> None:
    """chmod ``path`` to ``mode`` when it is ours and allows more (captures are private)."""
    try:
        st = path.stat()
    except OSError:
        return
    if stat.S_IMODE(st.st_mode) & ~mode and (not hasattr(os, "getuid") or st.st_uid == os.getuid()):
        try:
            path.chmod(mode)
        except OSError:
            pass


def _private_files(path: Path) -> None:
    """The database created 0600 before SQLite opens it (SQLite would create it 0644 and give its
    ``-wal`` and ``-shm`` the same mode); existing files narrowed to 0600."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        pass
    else:
        os.close(fd)
    for suffix in ("", "-wal", "-shm", "-journal", ".lock"):
        _narrow(Path(str(path) + suffix), 0o600)


def _database_error(path: Path, exc: sqlite3.Error) -> StoreError:
    text = str(exc)
    damaged = not isinstance(exc, sqlite3.OperationalError) or "malformed" in text or "not a database" in text
    if isinstance(exc, sqlite3.DatabaseError) and damaged:
        return StoreError(f"{path}: cannot use as a capture database ({text}); move it away to start a new one")
    return StoreError(f"{path}: {text}")


class Store:
    """One connection to the capture database. Not shared between threads unless ``shared``:
    the listener's writer thread owns one, readers (``history``, the TUI's rows) open their own."""

    def __init__(self, path: Path | str, *, shared: bool = False, create: bool = True) -> None:
        self.path = Path(path)
        try:
            if create:
                _private_dir(self.path.parent)
                _private_files(self.path)
            elif not self.path.exists():
                raise StoreError(f"{self.path}: does not exist")
            self.conn = sqlite3.connect(str(self.path), timeout=10.0, isolation_level=None, check_same_thread=not shared)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.Error as exc:
            raise _database_error(self.path, exc) from None
        except OSError as exc:
            raise StoreError(f"{self.path}: {exc.strerror or exc}") from None

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: written by a newer voucherify-inspect (schema {version})")
        if version == SCHEMA_VERSION:
            return
        # In one write transaction: two listeners opening a new database at once must not both
        # add the columns.
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            if self.conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                have = {row[1] for row in self.conn.execute("PRAGMA table_info(captures)")}
                for name, decl in _ADDED_COLUMNS:
                    if name not in have:
                        self.conn.execute(f"ALTER TABLE captures ADD COLUMN {name} {decl}")
                self.conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            self.conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise

    def close(self) -> None:
        self.conn.close()

    def begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def insert(self, capture: Capture, derived: Optional[Derived] = None) -> int:
        """Add one request; sets and returns ``capture.id``. The caller commits."""
        cur = self.conn.execute(_INSERT, _row(capture, derived or Derived()))
        capture.id = int(cur.lastrowid or 0)
        return capture.id

    def insert_many(self, captures: Sequence[Capture]) -> None:
        """Add requests in one statement run (sets each ``capture.id``): under load a group of
        inserts costs one call instead of one each. Ids are consecutive: AUTOINCREMENT only grows
        and the caller's write transaction keeps other writers out. The caller commits."""
        if not captures:
            return
        self.conn.executemany(_INSERT, [_row(c, Derived()) for c in captures])
        (last,) = self.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'captures'").fetchone()
        for offset, capture in enumerate(captures):
            capture.id = int(last) - len(captures) + 1 + offset

    def settle(self, id_: int, signature: str, detail: str, derived: Derived) -> None:
        """Record the verdict of stored request ``id_`` (signature and analysis come after the
        answer)."""
        d = derived
        self.conn.execute(
            "UPDATE captures SET signature=?, signature_detail=?, form=?, event_type=?, errors=?, warnings=?, "
            "delivery_id=?, readable=?, parts=?, issue_line=?, issue_column=?, validated=? WHERE id=?",
            (
                signature,
                detail,
                d.form,
                d.event_type,
                d.errors,
                d.warnings,
                d.delivery_id,
                None if d.readable is None else int(d.readable),
                d.parts,
                d.issue_line,
                d.issue_column,
                None if d.validated is None else int(d.validated),
                id_,
            ),
        )

    def settle_many(self, verdicts: Sequence[tuple[int, str, str, Derived]]) -> None:
        """``settle`` for a group of verdicts, in one statement run."""
        self.conn.executemany(
            "UPDATE captures SET signature=?, signature_detail=?, form=?, event_type=?, errors=?, warnings=?, "
            "delivery_id=?, readable=?, parts=?, issue_line=?, issue_column=?, validated=? WHERE id=?",
            [
                (
                    signature, detail, d.form, d.event_type, d.errors, d.warnings, d.delivery_id,
                    None if d.readable is None else int(d.readable), d.parts, d.issue_line, d.issue_column,
                    None if d.validated is None else int(d.validated), id_,
                )  # fmt: skip
                for id_, signature, detail, d in verdicts
            ],
        )

    def first_deliveries(self) -> Iterator[tuple[str, int]]:
        """(envelope id, first capture id) of every delivery stored: seeds the retry marker of a
        listener that opens an existing database."""
        for delivery_id, first in self._query(
            "SELECT delivery_id, min(id) FROM captures WHERE delivery_id IS NOT NULL AND is_replay = 0 GROUP BY delivery_id"
        ):
            yield str(delivery_id), int(first)

    def update_forward(self, capture: Capture) -> None:
        """Record what the user's app answered to the relayed request (or why it was not sent)."""
        self.conn.execute(
            "UPDATE captures SET forward_url=?, forward_status=?, forward_latency_ms=?, forward_body=?, "
            "forward_error=? WHERE id=?",
            (
                capture.forward_url,
                capture.forward_status,
                capture.forward_latency_ms,
                capture.forward_body,
                capture.forward_error,
                capture.id,
            ),
        )

    def update_answer(self, capture: Capture) -> None:
        """Record the answer sent once it is known (``--proxy``: after the app answered)."""
        self.conn.execute(
            "UPDATE captures SET http_status=?, answer_rule=? WHERE id=?",
            (capture.http_status, capture.answer_rule, capture.id),
        )

    def _query(self, sql: str, args: Sequence[Any] = ()) -> Iterator[Any]:
        """Rows of ``sql``; a damaged database is a StoreError with the path, not a traceback."""
        try:
            yield from self.conn.execute(sql, args)
        except sqlite3.Error as exc:
            raise _database_error(self.path, exc) from None

    def count(self, where: Optional[Filter] = None) -> int:
        clause, args = (where or Filter()).sql()
        return int(next(self._query(f"SELECT count(*) FROM captures{clause}", args))[0])

    def ids(self) -> list[int]:
        return [int(r[0]) for r in self._query("SELECT id FROM captures ORDER BY id")]

    def pending(self) -> list[int]:
        """Requests stored and answered whose verdict never came (the listener was stopped or
        killed first): a listener that opens the database verifies and analyses them."""
        return [int(r[0]) for r in self._query("SELECT id FROM captures WHERE signature = 'pending' ORDER BY id")]

    def get(self, id_: int) -> Optional[Stored]:
        for row in self._query(f"SELECT id, {_COLUMNS} FROM captures WHERE id = ?", (id_,)):
            return _from_row(row)
        return None

    def all(self, where: Optional[Filter] = None) -> Iterator[Stored]:
        """Every stored request (or those ``where`` takes), oldest first."""
        clause, args = (where or Filter()).sql()
        for row in self._query(f"SELECT id, {_COLUMNS} FROM captures{clause} ORDER BY id", args):
            yield _from_row(row)

    def light(self, loader: Callable[[int], Heavy], where: Optional[Filter] = None) -> Iterator[Stored]:
        """Every stored request without its headers and bodies, which ``loader`` reads when a
        row is opened: the list of 20,000 captures holds no payload."""
        clause, args = (where or Filter()).sql()
        try:
            cur = self.conn.execute(f"SELECT {_LIGHT} FROM captures{clause} ORDER BY id", args)
            while True:
                rows = cur.fetchmany(2048)
                if not rows:
                    return
                for row in rows:
                    yield _light_row(row, loader)
        except sqlite3.Error as exc:
            raise _database_error(self.path, exc) from None

    def heavy(self, id_: int) -> Heavy:
        for headers, body, forward_body in self._query(
            "SELECT headers, body, forward_body FROM captures WHERE id = ?", (id_,)
        ):
            return Heavy(_headers(headers), bytes(body), bytes(forward_body) if forward_body is not None else None)
        raise StoreError(f"{self.path}: capture #{id_} is no longer stored (cleared?)")

    def clear(self) -> int:
        """Delete every captured request so that nothing of them stays on disk: freed pages are
        zeroed, the file rewritten, and the WAL checkpointed and truncated. Returns how many
        there were. Raises StoreBusy while a listener holds the database."""
        with ListenerLock(self.path).exclusive():
            try:
                n = self.count()
                self.conn.execute("PRAGMA secure_delete=ON")
                self.conn.execute("DELETE FROM captures")
                self.conn.execute("VACUUM")
                busy, _log, _done = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except sqlite3.Error as exc:
                raise _database_error(self.path, exc) from None
            if busy:
                raise StoreBusy(
                    f"{self.path}: the captures are deleted, but another process holds the database, so its "
                    "write-ahead log could not be emptied; close it and run --clear again"
                )
        return n


def _headers(text: str) -> list[tuple[str, str]]:
    try:
        value = json.loads(text)
    except ValueError:
        return []
    return [(str(k), str(v)) for k, v in value] if isinstance(value, list) else []


def _derived(form: Any, event_type: Any, errors: Any, warnings: Any, delivery_id: Any, size: Any, readable: Any, parts: Any, issue_line: Any, issue_column: Any, validated: Any = None) -> Derived:  # fmt: skip
    return Derived(
        form=form,
        event_type=event_type,
        errors=errors,
        warnings=warnings,
        delivery_id=delivery_id,
        size=size,
        readable=None if readable is None else bool(readable),
        parts=parts or 1,
        issue_line=issue_line,
        issue_column=issue_column,
        validated=None if validated is None else bool(validated),
    )


def _from_row(row: tuple[Any, ...]) -> Stored:
    (
        id_, received_at, method, path, query, headers, body, remote, size, http_status, signature,
        signature_detail, form, event_type, errors, warnings, delivery_id, forward_url, forward_status,
        forward_latency_ms, forward_body, forward_error, note, readable, parts, issue_line, issue_column,
        answer_rule, validated, is_replay,
    ) = row  # fmt: skip
    capture = Capture(
        received_at=received_at,
        method=method,
        path=path,
        query=query,
        headers=_headers(headers),
        body=bytes(body),
        remote=remote,
        http_status=None if is_replay else http_status,
        is_replay=bool(is_replay),
        signature=signature,
        signature_detail=signature_detail,
        id=id_,
        forward_url=forward_url,
        forward_status=forward_status,
        forward_latency_ms=forward_latency_ms,
        forward_body=bytes(forward_body) if forward_body is not None else None,
        forward_error=forward_error,
        note=note or "",
        size=size,
        answer_rule=answer_rule,
    )
    return Stored(capture, _derived(form, event_type, errors, warnings, delivery_id, size, readable, parts, issue_line, issue_column, validated))


def _light_row(row: tuple[Any, ...], loader: Callable[[int], Heavy]) -> Stored:
    (
        id_, received_at, method, path, query, remote, size, http_status, signature, signature_detail, form,
        event_type, errors, warnings, delivery_id, forward_url, forward_status, forward_latency_ms, forward_error,
        note, readable, parts, issue_line, issue_column, answer_rule, validated, is_replay,
    ) = row  # fmt: skip
    capture = Capture.light(
        loader,
        received_at=received_at,
        method=method,
        path=path,
        query=query,
        remote=remote,
        http_status=None if is_replay else http_status,
        is_replay=bool(is_replay),
        signature=signature,
        signature_detail=signature_detail,
        id=id_,
        forward_url=forward_url,
        forward_status=forward_status,
        forward_latency_ms=forward_latency_ms,
        forward_error=forward_error,
        note=note or "",
        size=size,
        answer_rule=answer_rule,
    )
    return Stored(capture, _derived(form, event_type, errors, warnings, delivery_id, size, readable, parts, issue_line, issue_column, validated))


class Reader:
    """A read connection any thread may use (the TUI opening a row, the listener's analyser),
    with the heavy parts of the last rows read kept in a small LRU."""

    def __init__(self, path: Path | str, *, recent: int = 16) -> None:
        self.path = Path(path)
        self._store: Optional[Store] = None
        self._lock = threading.Lock()
        self._recent: Recent[int, Heavy] = Recent(recent)

    def heavy(self, id_: int) -> Heavy:
        """Never raises: a capture that cannot be read comes back with ``Heavy.error`` set (and
        is not remembered, so a later look tries again)."""
        heavy = self._recent.get(id_, lambda: self._read(id_))
        if heavy.error:
            self._recent.drop(id_)
        return heavy

    def forget(self, id_: int) -> None:
        """Capture ``id_``'s row changed (its forward result was written): read it again."""
        self._recent.drop(id_)

    def get(self, id_: int) -> Optional[Stored]:
        with self._lock:
            return self._open().get(id_)

    def rows(self, where: Optional[Filter] = None) -> list[Stored]:
        """Light rows (``Store.light``) whose heavy parts this reader loads when asked."""
        with self._lock, gc_paused():
            return list(self._open().light(self.heavy, where))

    def first_deliveries(self) -> list[tuple[str, int]]:
        with self._lock:
            return list(self._open().first_deliveries())

    def pending(self) -> list[int]:
        with self._lock:
            return self._open().pending()

    def _read(self, id_: int) -> Heavy:
        try:
            with self._lock:
                return self._open().heavy(id_)
        except StoreError as exc:
            return Heavy([], b"", None, str(exc))

    def _open(self) -> Store:
        if self._store is None:
            self._store = Store(self.path, shared=True, create=False)
        return self._store

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None


class ListenerLock:
    """``DB.lock`` next to the database: each listener holds a shared lock on it while it runs,
    and ``history --clear`` needs it exclusively, so clearing never races a listener that would
    write payloads into the WAL again. POSIX ``flock``; elsewhere nothing is locked."""

    def __init__(self, db: Path | str) -> None:
        self.path = Path(str(db) + ".lock")
        self._file: Optional[IO[bytes]] = None

    def _open(self) -> Optional[IO[bytes]]:
        try:
            import fcntl  # noqa: F401
        except ImportError:
            return None
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        return os.fdopen(fd, "r+b")

    def shared(self) -> None:
        """Taken by a listener for as long as it runs (several listeners may share a database)."""
        f = self._open()
        if f is None:
            return
        import fcntl

        fcntl.flock(f.fileno(), fcntl.LOCK_SH)
        self._file = f

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing drops the lock
            self._file = None

    def exclusive(self) -> ListenerLock:
        """``with lock.exclusive():`` held for the body; StoreBusy at once if a listener runs."""
        return self

    def __enter__(self) -> ListenerLock:
        f = self._open()
        if f is None:
            return self
        import fcntl

        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.close()
            raise StoreBusy(
                f"{self.path.with_suffix('')}: a listener is using this database; stop it (q or Ctrl+C) and run "
                "--clear again, so that no payload is written back while clearing"
            ) from None
        self._file = f
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class Writer:
    """Commits jobs in groups, in the event loop's thread.

    A job (a function of the Store) submitted from the loop runs in the next group: every job
    ready in one turn of the loop shares a transaction, and its future resolves only after the
    COMMIT, so an acknowledgement sent on that future is never ahead of the disk. Committing in
    the loop's own thread costs no thread hand-off per request (which, under the GIL, cost more
    than the insert); a commit only appends to the WAL (``synchronous=NORMAL``), and the WAL is
    checkpointed into the database by a background thread with its own connection, so no request
    waits for an fsync. A group is cut at ``max_bytes`` so one burst of big bodies does not hold
    the loop for long. Other threads submit with ``submit``.
    """

    def __init__(self, path: Path | str, *, max_batch: int = 256, max_bytes: int = 4 * 1024 * 1024) -> None:
        self.path = Path(path)
        self.max_batch = max_batch
        self.max_bytes = max_bytes
        self.commits = 0
        self.jobs = 0
        self._store: Optional[Store] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._pending: list[tuple[Callable[[Store], Any], Any, int, Optional[Capture]]] = []
        self._scheduled = False
        self._checkpointer: Optional[_Checkpointer] = None

    def open(self) -> None:
        """Open (and create, or migrate) the database; blocking, so call it in an executor.
        Raises StoreError when it cannot."""
        store = Store(self.path, shared=True)
        try:
            store.conn.execute("PRAGMA wal_autocheckpoint=0")
        except sqlite3.Error as exc:
            store.close()
            raise _database_error(self.path, exc) from None
        self._store = store

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Begin committing in ``loop`` (after ``open``)."""
        assert self._store is not None
        self._loop = loop
        self._checkpointer = _Checkpointer(self.path)
        self._checkpointer.start()

    def submit_async(self, job: Callable[[Store], T], size: int = 0) -> asyncio.Future[T]:
        """From the loop: ``job`` runs in the next group; the future resolves after its COMMIT.
        ``size``: the bytes it writes, to keep groups short."""
        assert self._loop is not None
        fut: asyncio.Future[T] = self._loop.create_future()
        self._add(job, fut, size)
        return fut

    def submit_insert(self, capture: Capture) -> asyncio.Future[int]:
        """From the loop: store ``capture`` in the next group (inserts of a group go in one
        statement run); the future resolves with its id after the COMMIT."""
        assert self._loop is not None
        fut: asyncio.Future[int] = self._loop.create_future()
        self._add(_INSERT_JOB, fut, len(capture.body), capture)
        return fut

    def submit(self, job: Callable[[Store], T]) -> concurrent.futures.Future[T]:
        """From any thread: ``job`` runs in a group in the loop's thread."""
        assert self._loop is not None
        fut: concurrent.futures.Future[T] = concurrent.futures.Future()
        try:
            self._loop.call_soon_threadsafe(self._add, job, fut, 0, None)
        except RuntimeError:  # the loop is closed
            fut.set_exception(StoreError(f"{self.path}: the listener has stopped"))
        return fut

    def _add(self, job: Callable[[Store], Any], fut: Any, size: int, capture: Optional[Capture] = None) -> None:
        if self._store is None:
            _settle_future(fut, None, StoreError(f"{self.path}: the listener has stopped"))
            return
        self._pending.append((job, fut, size, capture))
        if not self._scheduled:
            self._scheduled = True
            assert self._loop is not None
            self._loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._scheduled = False
        pending = self._pending
        if not pending:
            return
        taken = 0
        size = 0
        while taken < len(pending) and taken < self.max_batch and (taken == 0 or size + pending[taken][2] <= self.max_bytes):
            size += pending[taken][2]
            taken += 1
        batch, self._pending = pending[:taken], pending[taken:]
        if self._pending:  # the rest in the next turn: the loop serves sockets in between
            self._scheduled = True
            assert self._loop is not None
            self._loop.call_soon(self._flush)
        self._commit(batch)

    def _commit(self, batch: list[tuple[Callable[[Store], Any], Any, int, Optional[Capture]]]) -> None:
        store = self._store
        assert store is not None
        results: list[tuple[Any, Any, Optional[BaseException]]] = []
        inserts = [(fut, capture) for job, fut, _size, capture in batch if capture is not None]
        try:
            store.begin()
            if inserts:
                results.extend(self._insert(store, inserts))
            for job, fut, _size, capture in batch:
                if capture is not None:
                    continue
                try:
                    results.append((fut, job(store), None))
                except Exception as exc:  # one bad job must not sink the others in its group
                    results.append((fut, None, exc))
            store.commit()
        except sqlite3.Error as exc:
            store.rollback()
            error = StoreError(f"{self.path}: write failed ({exc})")
            results = [(fut, None, error) for _job, fut, _size, _capture in batch]
        else:
            self.commits += 1
            self.jobs += len(batch)
            if self._checkpointer is not None:
                self._checkpointer.dirty.set()
        for fut, value, failure in results:
            _settle_future(fut, value, failure)

    @staticmethod
    def _insert(store: Store, inserts: list[tuple[Any, Capture]]) -> list[tuple[Any, Any, Optional[BaseException]]]:
        """The group's inserts in one statement run; if one row fails, each alone, so only that
        request fails (it is answered 500)."""
        captures = [c for _fut, c in inserts]
        store.conn.execute("SAVEPOINT inserts")
        try:
            store.insert_many(captures)
        except (sqlite3.Error, ValueError) as first:
            store.conn.execute("ROLLBACK TO inserts")
            store.conn.execute("RELEASE inserts")
            if len(inserts) == 1 and isinstance(first, sqlite3.OperationalError):
                raise  # the database itself fails: the whole group does
            results: list[tuple[Any, Any, Optional[BaseException]]] = []
            for fut, capture in inserts:
                try:
                    results.append((fut, store.insert(capture), None))
                except (sqlite3.IntegrityError, sqlite3.InterfaceError, ValueError) as exc:
                    results.append((fut, None, exc))
            return results
        store.conn.execute("RELEASE inserts")
        return [(fut, capture.id, None) for fut, capture in inserts]

    async def aclose(self) -> None:
        """Commit what is queued, checkpoint and truncate the WAL, close the database."""
        while self._pending:
            self._flush()
        if self._checkpointer is not None:
            checkpointer, self._checkpointer = self._checkpointer, None
            await asyncio.get_running_loop().run_in_executor(None, checkpointer.stop)
        store, self._store = self._store, None
        if store is not None:
            try:
                store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass  # another connection reads: the next writer checkpoints
            store.close()

    def close(self) -> None:
        """Close without a loop (nothing was submitted, or the loop is gone)."""
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        if self._store is not None:
            self._store.close()
            self._store = None


def _INSERT_JOB(store: Store) -> None:
    """Stands for an insert in a group (the group runs its inserts together)."""


def _settle_future(fut: Any, value: Any, failure: Optional[BaseException]) -> None:
    if fut.done():  # the request was cancelled (its client went away)
        return
    if failure is not None:
        fut.set_exception(failure)
    else:
        fut.set_result(value)


class _Checkpointer:
    """Copies the WAL into the database in the background (PASSIVE: never blocks the writer),
    a quarter second after commits, so the WAL stays small and commits never fsync."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.dirty = threading.Event()
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="capture-checkpoint", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop = True
        self.dirty.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(str(self.path), timeout=1.0, isolation_level=None)
        except sqlite3.Error:
            return
        try:
            while not self._stop:
                self.dirty.wait()
                if self._stop:
                    return
                time.sleep(0.25)  # let a burst finish
                self.dirty.clear()
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error:
                    pass  # busy or damaged: the next round, or the close, tries again
        finally:
            conn.close()
