"""The SQLite file of captured requests: nothing the listener acknowledged is lost.

Durability: WAL with ``synchronous=NORMAL``. A commit has reached the WAL file (the OS page
cache) when ``commit()`` returns, so it survives the process being killed (SIGKILL, a crash);
only a power loss or kernel crash can drop the last commits, and ``FULL`` would cost an fsync
per group commit for that. Plain Python: no UI, no HTTP library.
"""

from __future__ import annotations

import concurrent.futures
import json
import queue
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, TypeVar

from inspector.listen.capture import Capture

T = TypeVar("T")

APP_NAME = "voucherify-inspect"
SCHEMA_VERSION = 2

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
    forward_error TEXT,
    answer_rule TEXT
);
CREATE INDEX IF NOT EXISTS captures_delivery ON captures(delivery_id) WHERE delivery_id IS NOT NULL;
"""

_COLUMNS = (
    "received_at, method, path, query, headers, body, remote, size, http_status, signature, "
    "signature_detail, form, event_type, errors, warnings, delivery_id, forward_url, forward_status, "
    "forward_latency_ms, forward_body, forward_error, answer_rule"
)


class StoreError(Exception):
    """The database cannot be opened or used; the message is for the user."""


def default_path() -> Path:
    """``captures.sqlite3`` in the platform's user data dir (XDG on Linux)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "captures.sqlite3"


@dataclass
class Derived:
    """What the engine made of a captured body, stored next to it so exports and listings need
    no re-analysis."""

    form: Optional[str] = None
    event_type: Optional[str] = None
    errors: int = 0
    warnings: int = 0
    delivery_id: Optional[str] = None
    size: Optional[int] = None
    """Bytes received, when more than the stored body (a 413 keeps only the start)."""


@dataclass
class Stored:
    """One row of the store."""

    capture: Capture
    derived: Derived


class Store:
    """One connection to the capture database. Not shared between threads: the listener's
    writer thread owns one, readers (``history``) open their own."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(str(self.path), timeout=10.0, isolation_level=None)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(f"{self.path}: written by a newer voucherify-inspect (schema {version})")
            self.conn.executescript(_SCHEMA)
            columns = {row[1] for row in self.conn.execute("PRAGMA table_info(captures)")}
            if "answer_rule" not in columns:  # a schema 1 database
                self.conn.execute("ALTER TABLE captures ADD COLUMN answer_rule TEXT")
            self.conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot use as a capture database ({exc})") from None
        except OSError as exc:
            raise StoreError(f"{self.path}: {exc.strerror or exc}") from None

    def close(self) -> None:
        self.conn.close()

    def begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def insert(self, capture: Capture, derived: Derived) -> int:
        """Add one request; sets and returns ``capture.id``. The caller commits."""
        c = capture
        cur = self.conn.execute(
            f"INSERT INTO captures ({_COLUMNS}) VALUES ({', '.join('?' * 22)})",
            (
                c.received_at,
                c.method,
                c.path,
                c.query,
                json.dumps(c.headers),
                c.body,
                c.remote,
                derived.size if derived.size is not None else c.size,
                c.http_status,
                c.signature,
                c.signature_detail,
                derived.form,
                derived.event_type,
                derived.errors,
                derived.warnings,
                derived.delivery_id,
                c.forward_url,
                c.forward_status,
                c.forward_latency_ms,
                c.forward_body,
                c.forward_error,
                c.answer_rule,
            ),
        )
        c.id = int(cur.lastrowid or 0)
        return c.id

    def first_deliveries(self) -> Iterator[tuple[str, int]]:
        """(envelope id, first capture id) of every delivery stored: seeds the retry marker of a
        listener that opens an existing database."""
        for delivery_id, first in self.conn.execute(
            "SELECT delivery_id, min(id) FROM captures WHERE delivery_id IS NOT NULL GROUP BY delivery_id"
        ):
            yield str(delivery_id), int(first)

    def update_forward(self, capture: Capture) -> None:
        """Record what the user's app answered to the relayed request."""
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

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM captures").fetchone()[0])

    def ids(self) -> list[int]:
        return [int(r[0]) for r in self.conn.execute("SELECT id FROM captures ORDER BY id")]

    def all(self) -> Iterator[Stored]:
        """Every stored request, oldest first."""
        cur = self.conn.execute(f"SELECT id, {_COLUMNS} FROM captures ORDER BY id")
        for row in cur:
            yield _from_row(row)

    def clear(self) -> int:
        """Delete every captured request; returns how many there were."""
        n = self.count()
        self.conn.execute("DELETE FROM captures")
        self.conn.execute("VACUUM")
        return n


def _headers(text: str) -> list[tuple[str, str]]:
    try:
        value = json.loads(text)
    except ValueError:
        return []
    return [(str(k), str(v)) for k, v in value] if isinstance(value, list) else []


def _from_row(row: tuple[Any, ...]) -> Stored:
    (
        id_, received_at, method, path, query, headers, body, remote, size, http_status, signature,
        signature_detail, form, event_type, errors, warnings, delivery_id, forward_url, forward_status,
        forward_latency_ms, forward_body, forward_error, answer_rule,
    ) = row  # fmt: skip
    capture = Capture(
        received_at=received_at,
        method=method,
        path=path,
        query=query,
        headers=_headers(headers),
        body=bytes(body),
        remote=remote,
        http_status=http_status,
        signature=signature,
        signature_detail=signature_detail,
        id=id_,
        forward_url=forward_url,
        forward_status=forward_status,
        forward_latency_ms=forward_latency_ms,
        forward_body=bytes(forward_body) if forward_body is not None else None,
        forward_error=forward_error,
        answer_rule=answer_rule,
    )
    return Stored(capture, Derived(form, event_type, errors, warnings, delivery_id, size))


class Writer:
    """A thread that owns the database connection and commits jobs in groups.

    Each job runs inside the group's transaction; its future resolves only after the COMMIT,
    so an acknowledgement sent on that future is never ahead of the disk. Under load many
    requests share one commit, which keeps the cost per request low.
    """

    def __init__(self, path: Path | str, *, max_batch: int = 256) -> None:
        self.path = Path(path)
        self.max_batch = max_batch
        self._queue: queue.Queue[Optional[tuple[Callable[[Store], Any], concurrent.futures.Future[Any]]]] = queue.Queue()
        self._thread: Optional[threading.Thread] = None
        self._ready: concurrent.futures.Future[None] = concurrent.futures.Future()
        self.commits = 0
        self.jobs = 0

    def start(self) -> None:
        """Open the database in the writer thread; raises StoreError when it cannot."""
        self._thread = threading.Thread(target=self._run, name="capture-writer", daemon=True)
        self._thread.start()
        self._ready.result()

    def submit(self, job: Callable[[Store], T]) -> concurrent.futures.Future[T]:
        fut: concurrent.futures.Future[T] = concurrent.futures.Future()
        self._queue.put((job, fut))
        return fut

    def close(self) -> None:
        """Finish the queued jobs, then close the database."""
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def _run(self) -> None:
        try:
            store = Store(self.path)
        except StoreError as exc:
            self._ready.set_exception(exc)
            return
        self._ready.set_result(None)
        try:
            stop = False
            while not stop:
                item = self._queue.get()
                batch = []
                while item is not None:
                    batch.append(item)
                    if len(batch) >= self.max_batch:
                        break
                    try:
                        item = self._queue.get_nowait()
                    except queue.Empty:
                        break
                if item is None:
                    stop = True
                if batch:
                    self._commit(store, batch)
        finally:
            store.close()

    def _commit(self, store: Store, batch: list[tuple[Callable[[Store], Any], concurrent.futures.Future[Any]]]) -> None:
        results: list[tuple[concurrent.futures.Future[Any], Any, Optional[BaseException]]] = []
        try:
            store.begin()
            for job, fut in batch:
                try:
                    results.append((fut, job(store), None))
                except Exception as exc:  # one bad job must not sink the others in its group
                    results.append((fut, None, exc))
            store.commit()
        except sqlite3.Error as exc:
            store.rollback()
            error = StoreError(f"{self.path}: write failed ({exc})")
            for _job, fut in batch:
                fut.set_exception(error)
            return
        self.commits += 1
        self.jobs += len(batch)
        for fut, value, failure in results:
            if failure is not None:
                fut.set_exception(failure)
            else:
                fut.set_result(value)
