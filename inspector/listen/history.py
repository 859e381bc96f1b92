"""Stored captures as entries again (``history``, a listener on an existing database), and the
one rule that marks retries."""

from __future__ import annotations

from typing import Callable, Final, Generic, Hashable, Iterable, Optional, TypeVar

from inspector.engine import issues as codes
from inspector.engine.analysis import Analysis
from inspector.engine.analyze import Engine
from inspector.engine.issues import Issue
from inspector.listen.capture import Capture, Entry, Recent, Summary, gc_paused
from inspector.listen.encoding import DECODED_LIMIT_FACTOR, content_encoding, decode
from inspector.listen.store import Derived, Stored

K = TypeVar("K", bound=Hashable)

DEFAULT_DECODED_LIMIT = 5 * 1024 * 1024 * DECODED_LIMIT_FACTOR


class RetryMarker(Generic[K]):
    """A delivery is a retry when an earlier one carried the same envelope id (Voucherify keeps
    the id when it sends again). Used for live captures, stored ones and file lists alike."""

    def __init__(self, seen: Iterable[tuple[str, K]] = ()) -> None:
        self._first: dict[str, K] = {}
        for delivery_id, key in seen:
            self._first.setdefault(delivery_id, key)

    def first_of(self, delivery_id: Optional[str], key: K) -> Optional[K]:
        """The key of the first delivery with this id when ``key`` repeats it, else None (and
        ``key`` is remembered as the first)."""
        if delivery_id is None:
            return None
        first = self._first.setdefault(delivery_id, key)
        return None if first == key else first


def rejected(source: str, message: str) -> Analysis:
    """The analysis shown for a request that was not accepted as a webhook delivery."""
    return Analysis.unreadable(source, [Issue("", "error", codes.HTTP_REJECTED, message)])


def rejection(c: Capture, derived: Optional[Derived] = None) -> str:
    """Why a stored request was not accepted: the reason recorded with it, or (rows written
    before reasons were stored) one made from its status."""
    if c.note:
        return c.note
    size = derived.size if derived is not None and derived.size is not None else c.size
    reasons = {
        400: "body cut short (answered 400)",
        404: f"{c.method} to {c.path}: not the listen path (answered 404)",
        405: f"{c.method} request: webhooks are POSTed (answered 405)",
        408: "body not received in time (answered 408)",
        413: f"body of {size} bytes over the size limit (answered 413)",
        500: "could not be stored (answered 500)",
    }
    return reasons.get(c.http_status or 0, f"answered {c.http_status}")


DELIVERY_CODES: Final[frozenset[str]] = frozenset(
    {codes.SIGNATURE_INVALID, codes.SIGNATURE_MISSING, codes.FORWARD_FAILED, codes.FORWARD_SKIPPED}
)
"""The codes ``delivery_issues`` makes (a rejected request's ``http.rejected`` is its analysis)."""

_NOT_SENT = ("skipped", "not sent")
"""How the forwarder's reasons start when the request never left (``forward.Forwarder``)."""


def delivery_issues(capture: Capture) -> list[Issue]:
    """What went wrong with the delivery itself, as issues of the whole payload (pointer ""):
    a bad or missing signature (only with a secret set: the verdict says ``missing`` then) and a
    failed or skipped forward to the user's app. The one place these are made: live rows, stored
    rows and ``history`` exports all call it. Reads only the capture's light fields (no body),
    so a list of 20,000 rows can ask it for every row.

    A request not taken as a delivery gets none: its analysis is the rejection (``rejected``),
    and a replay is a request this tool sent, judged by its own answer."""
    if not capture.accepted:
        return []
    out: list[Issue] = []
    detail = capture.signature_detail
    if capture.signature == "invalid":
        out.append(Issue("", "error", codes.SIGNATURE_INVALID, f"signature does not match the secret: {detail}" if detail else "signature does not match the secret"))
    elif capture.signature == "missing":
        out.append(Issue("", "error", codes.SIGNATURE_MISSING, f"a secret is set but the request is not signed ({detail})" if detail else "a secret is set but the request is not signed"))
    error = capture.forward_error
    target = capture.forward_url or "your app"
    if error:
        code = codes.FORWARD_SKIPPED if error.startswith(_NOT_SENT) else codes.FORWARD_FAILED
        out.append(Issue("", "error", code, f"forward to {target}: {error}"))
    elif capture.forward_status is not None and not 200 <= capture.forward_status < 300:
        out.append(Issue("", "error", codes.FORWARD_FAILED, f"your app at {target} answered {capture.forward_status}"))
    return out


def source_of(capture: Capture) -> str:
    return f"#{capture.id} {capture.method} {capture.path}"


def analyse_body(
    engine: Engine,
    capture: Capture,
    *,
    limit: int = DEFAULT_DECODED_LIMIT,
    decoded: Optional[bytes] = None,
    source: Optional[str] = None,
) -> tuple[list[Analysis], Optional[bytes], str]:
    """(analyses, body with its Content-Encoding undone or None, why it could not be undone) of
    a captured POST."""
    source = source or source_of(capture)
    if decoded is None and capture.load_error:
        issue = Issue("", "error", codes.HTTP_REJECTED, f"the request cannot be read back: {capture.load_error}")
        return [Analysis.unreadable(source, [issue])], None, capture.load_error
    if decoded is None:
        result = decode(capture.body, content_encoding(capture.headers), limit=limit)
        if not result.ok:
            issue = Issue("", "error", codes.HTTP_ENCODING, result.error)
            return [Analysis.unreadable(source, [issue])], None, result.error
        decoded = result.data
    assert decoded is not None
    return engine.analyze_bytes(decoded, source=source), decoded, ""


def analyser_of(engine: Engine, capture: Capture, derived: Optional[Derived] = None) -> Callable[[], Analysis]:
    """The analysis of a stored capture, made when its row is opened (its body is read then)."""

    def analyse() -> Analysis:
        if not capture.accepted:
            return rejected(source_of(capture), rejection(capture, derived))
        return analyse_body(engine, capture)[0][0]

    return analyse


def replay_analyser(engine: Engine, capture: Capture) -> Callable[[], Analysis]:
    """The analysis of a replay's body (what was sent), made when its row is opened."""

    def analyse() -> Analysis:
        return analyse_body(engine, capture, source=replay_source(capture))[0][0]

    return analyse


def replay_source(capture: Capture) -> str:
    return f"#{capture.id} replay to {capture.path}" if capture.id is not None else f"replay to {capture.path}"


def rebuild_entries(engine: Engine, stored: Iterable[Stored], *, recent: Optional[Recent[Entry, Analysis]] = None) -> list[Entry]:
    """Entries for stored captures, oldest first, with retries marked.

    Rows are lazy: a capture whose stored summary says how to draw it is analysed only when
    opened (with ``engine``, which may know more event types than the one that received it),
    and only the last ones opened keep their analysis (``recent``); give light rows
    (``Store.light``) and no payload is held for the rest. Rows stored without a summary (an
    older database, an NDJSON body) are analysed now.
    """
    with gc_paused():
        return _rebuild(engine, stored, recent if recent is not None else Recent(32))


def _rebuild(engine: Engine, stored: Iterable[Stored], recent: Recent[Entry, Analysis]) -> list[Entry]:
    entries: list[Entry] = []
    retries: RetryMarker[int] = RetryMarker()
    for row in stored:
        c, d = row.capture, row.derived
        if c.is_replay:
            # A request this tool sent: its row says so and what came back; never a delivery
            # received, never a retry nor the first delivery of one.
            entries.append(Entry(capture=c, pending=replay_analyser(engine, c), summary=d.summary(), recent=recent))
            continue
        if not c.accepted:
            entries.append(Entry(capture=c, pending=analyser_of(engine, c, d), summary=Summary(readable=False), recent=recent))
            continue
        known = d.summary() if c.analysed else None
        if known is not None:
            retry_of = retries.first_of(d.delivery_id, c.id) if c.id is not None else None
            entries.append(Entry(capture=c, retry_of=retry_of, pending=analyser_of(engine, c, d), summary=known, recent=recent))
            continue
        analyses = analyse_body(engine, c)[0]
        delivery = next((a.delivery_id for a in analyses if a.delivery_id), None)
        retry_of = retries.first_of(delivery, c.id) if c.id is not None else None
        entries.extend(Entry(a, c, retry_of) for a in analyses)
    return entries
