"""The verdict on each stored request, made after it was answered: the signature checked
against the recipes, the body decoded and analysed, and the stored row updated.

One thread works through the requests in arrival order (so retries are marked in order). It
keeps the request path free: the answer only waits for the raw request to be committed, and a
burst of big payloads delays verdicts, not answers. Two rules keep it off the answers' backs:
- while requests are being received it waits for a quiet moment (``DEFER_SECONDS`` at most),
  since under the GIL a busy verdict thread slows every answer;
- a body of ``BIG`` bytes or more is judged in a worker process (started on the first one):
  parsing megabytes of JSON holds the GIL for tens of milliseconds at a time, which no thread
  can interrupt. Small bodies are judged in the thread, with the shared engine (safe across
  threads: its validators are built under a lock).
Verdicts are committed in groups by the store's writer and handed to the event loop in one call
per group.

Plain Python: no UI, no HTTP library.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional

from inspector.engine import issues as codes
from inspector.engine.analysis import Analysis
from inspector.engine.analyze import Engine
from inspector.engine.issues import Issue
from inspector.listen.capture import Capture, Entry, Summary
from inspector.listen.history import RetryMarker, analyse_body, rejected, rejection, source_of
from inspector.listen.signature import HEADER, verify
from inspector.listen.store import Derived, Reader, Store, StoreError, Writer

QUEUE_BUDGET = 64 * 1024 * 1024
"""Bodies waiting for their verdict kept in memory up to this many bytes; past it a waiting
request keeps only its id and its body is read back from the database when its turn comes."""

BATCH_SECONDS = 0.02
"""Verdicts made within this long are committed and reported together."""

DEFER_SECONDS = 1.0
WORK_SECONDS = 0.1
"""While requests come in as a burst, verdicts wait up to ``DEFER_SECONDS`` for a quiet moment,
then go on for ``WORK_SECONDS`` without waiting (plenty to catch up on small payloads), so a
steady stream delays them by about a second at most; and they never wait once the waiting
bodies pass half the budget."""

BIG = 256 * 1024
"""Bodies from this size on are judged in the worker process."""

EngineFactory = Callable[[], Engine]
"""Builds, in the worker process, the same engine as the listener's (picklable: a module-level
function or a functools.partial of one)."""


@dataclass
class Job:
    """One stored request waiting for its verdict."""

    capture: Capture
    entry: Optional[Entry] = None
    """The row viewers were given (None: a request a previous run left without a verdict)."""
    decoded: Optional[bytes] = None
    """The body with its Content-Encoding undone, when the request path already did it."""
    size: int = 0


@dataclass(frozen=True)
class Judgement:
    """A verdict without the payload: what is stored and what a row shows (picklable, so the
    worker process can send it back)."""

    status: str
    detail: str
    derived: Derived
    summary: Summary


@dataclass
class Done:
    """A verdict, as committed."""

    job: Job
    judgement: Judgement
    analyses: list[Analysis]
    """The analyses when they were made in this process (kept for a quick first look), else []."""
    retry_of: Optional[int] = None


def judge(engine: Engine, secret: Optional[str], limit: int, capture: Capture, decoded: Optional[bytes]) -> tuple[Judgement, list[Analysis]]:
    """Verify and analyse one stored request."""
    if not capture.accepted:
        reason = rejection(capture)
        analyses = [rejected(source_of(capture), reason)]
        judgement = Judgement(
            "unchecked",
            "not checked: the request was not taken as a delivery",
            Derived(size=capture.size, readable=False),
            Summary.of(analyses[0]),
        )
        return judgement, analyses
    analyses, body, problem = analyse_body(engine, capture, limit=limit, decoded=decoded)
    if body is None:
        status, detail = "unchecked", f"not checked: {problem}"
    else:
        first = analyses[0]
        # The engine parsed the body already: the signature check reuses it.
        parsed = len(analyses) == 1 and first.readable and first.line is None
        verdict = verify(body, capture.header(HEADER), secret, first.payload) if parsed else verify(body, capture.header(HEADER), secret)
        status, detail = verdict.status, verdict.detail
    return Judgement(status, detail, Derived.of(analyses, capture.size), Summary.of(analyses[0])), analyses


# ------------------------------------------------------------------ the worker process

_worker: dict[str, Any] = {}


def _worker_start(factory: EngineFactory, secret: Optional[str], limit: int) -> None:
    try:
        # Background work: on a busy machine the listener's answers get the CPU first.
        os.nice(10)
    except (AttributeError, OSError):
        pass
    _worker.update(engine=factory(), secret=secret, limit=limit)


def _worker_judge(capture: Capture, decoded: Optional[bytes]) -> Judgement:
    judgement, _analyses = judge(_worker["engine"], _worker["secret"], _worker["limit"], capture, decoded)
    return judgement


def _portable(capture: Capture) -> Capture:
    """The capture with what a verdict needs, loaded, for sending to the worker."""
    return Capture(
        received_at=capture.received_at,
        method=capture.method,
        path=capture.path,
        headers=list(capture.headers),
        body=capture.body,
        http_status=capture.http_status,
        id=capture.id,
        note=capture.note,
        size=capture.size,
    )


class Analyser:
    """Verifies and analyses stored requests off the request path.

    ``settled(batch)`` is called once a group of verdicts is committed (in the loop's thread);
    the listener passes them to its viewers, and alone changes the captures they see (their
    ``signature`` says whether the verdict is in).
    """

    def __init__(
        self,
        *,
        engine: Engine,
        secret: Optional[str],
        writer: Writer,
        reader: Reader,
        settled: Callable[[list[Done]], None],
        decoded_limit: int,
        budget: int = QUEUE_BUDGET,
        busy: Optional[Callable[[], bool]] = None,
        engine_factory: Optional[EngineFactory] = None,
    ) -> None:
        self.engine = engine
        self.secret = secret
        self.writer = writer
        self.reader = reader
        self.settled = settled
        self.decoded_limit = decoded_limit
        self.budget = budget
        self.busy = busy
        self.engine_factory = engine_factory
        """None: every body is judged in the thread (no worker process)."""
        self.waiting_bytes = 0
        self.done = 0
        self._work_until = 0.0
        self._queue: queue.Queue[Optional[Job]] = queue.Queue()
        self._retries: Optional[RetryMarker[int]] = None
        self._stop = threading.Event()
        self._pool: Optional[concurrent.futures.ProcessPoolExecutor] = None
        self._thread = threading.Thread(target=self._run, name="capture-analyser", daemon=True)

    def start(self) -> None:
        self._thread.start()

    @property
    def waiting(self) -> int:
        return self._queue.qsize()

    def submit(self, job: Job) -> None:
        size = len(job.decoded) if job.decoded is not None else job.size
        if self.waiting_bytes + size > self.budget and job.capture.id is not None:
            # Over the budget: the body is in the database; read it back when its turn comes.
            job.capture.release(self.reader.heavy)
            job.decoded = None
            size = 0
        job.size = size
        self.waiting_bytes += size
        self._queue.put(job)

    def close(self, grace: float) -> int:
        """Finish within ``grace`` seconds; returns how many requests are left without a verdict
        (they stay ``pending`` in the database: the next listener on it checks them)."""
        if self._thread.ident is None:  # never started
            return self._queue.qsize()
        deadline = time.monotonic() + grace
        self._queue.put(None)
        self._thread.join(max(0.0, deadline - time.monotonic()))
        if self._thread.is_alive():
            self._stop.set()
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
            self._thread.join()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        left = 0
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                left += 1
        return left

    def _run(self) -> None:
        batch: list[Done] = []
        started = 0.0
        while True:
            try:
                job = self._queue.get(timeout=BATCH_SECONDS if batch else None)
            except queue.Empty:
                if batch:
                    self._flush(batch)
                    batch = []
                continue
            if job is None or self._stop.is_set():
                if job is not None:
                    self._queue.put(job)  # left for close() to count
                break
            self._wait_for_quiet()
            self.waiting_bytes -= job.size
            try:
                done = self._judge(job)
            except Exception as exc:  # noqa: BLE001 - a verdict must not take the listener down
                done = self._failed(job, exc)
            if not batch:
                started = time.monotonic()
            batch.append(done)
            if self._queue.empty() or len(batch) >= 256 or time.monotonic() - started >= BATCH_SECONDS:
                self._flush(batch)
                batch = []
        if batch:
            self._flush(batch)

    def _wait_for_quiet(self) -> None:
        busy = self.busy
        now = time.monotonic()
        if busy is None or now < self._work_until:
            return
        deadline = now + DEFER_SECONDS
        while busy() and self.waiting_bytes < self.budget // 2 and not self._stop.is_set():
            if time.monotonic() >= deadline:
                self._work_until = time.monotonic() + WORK_SECONDS
                return
            time.sleep(0.005)

    def _marker(self) -> RetryMarker[int]:
        if self._retries is None:
            try:
                seen = self.reader.first_deliveries()
            except StoreError:
                seen = []
            self._retries = RetryMarker(seen)
        return self._retries

    def _judge(self, job: Job) -> Done:
        c = job.capture
        big = (len(job.decoded) if job.decoded is not None else c.size) >= BIG
        if big and c.accepted and self.engine_factory is not None:
            judgement = self._in_worker(c, job.decoded)
            analyses: list[Analysis] = []
        else:
            judgement, analyses = judge(self.engine, self.secret, self.decoded_limit, c, job.decoded)
        delivery = judgement.derived.delivery_id
        retry_of = self._marker().first_of(delivery, c.id) if c.id is not None and c.accepted else None
        return Done(job, judgement, analyses, retry_of)

    def _in_worker(self, capture: Capture, decoded: Optional[bytes]) -> Judgement:
        if self._pool is None:
            assert self.engine_factory is not None
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_start,
                initargs=(self.engine_factory, self.secret, self.decoded_limit),
            )
        try:
            return self._pool.submit(_worker_judge, _portable(capture), decoded).result()
        except concurrent.futures.process.BrokenProcessPool:
            # The worker died (out of memory?): start another next time, judge this one here.
            self._pool = None
            return judge(self.engine, self.secret, self.decoded_limit, capture, decoded)[0]

    def _failed(self, job: Job, exc: Exception) -> Done:
        c = job.capture
        message = f"could not be analysed ({exc.__class__.__name__}: {exc}); the request is stored as received"
        analysis = Analysis.unreadable(source_of(c), [Issue("", "error", codes.HTTP_REJECTED, message)])
        judgement = Judgement("unchecked", "not checked: the analysis failed", Derived(size=c.size, readable=False), Summary.of(analysis))
        return Done(job, judgement, [analysis])

    def _flush(self, batch: list[Done]) -> None:
        def write(store: Store) -> None:
            store.settle_many(
                [
                    (d.job.capture.id, d.judgement.status, d.judgement.detail, d.judgement.derived)
                    for d in batch
                    if d.job.capture.id is not None
                ]
            )

        fut = self.writer.submit(write)
        self.done += len(batch)
        fut.add_done_callback(lambda _f: self.settled(batch))
