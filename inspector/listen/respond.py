"""Answers the user chooses for accepted webhooks (``--respond``, ``--respond-for``, the TUI's
answer key), to watch how Voucherify retries a delivery that failed.

The listener stores a request first, then asks a ``Responder`` how to answer it. Requests it
rejects on its own (wrong path or method, too big, too slow) keep their own answer.
No UI and no HTTP library here.
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass
from typing import Optional, Sequence

MAX_DELAY = 300.0
HOLD = 120.0
"""How long a ``timeout`` answer holds the connection before closing it unanswered: longer
than a webhook sender waits."""

_DELAY = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ms|s)?")


class AnswerError(ValueError):
    """An answer spec that cannot be used; the message is for the user."""


@dataclass(frozen=True, kw_only=True)
class Reply:
    """An answer the listener sends (``forward.Answer`` is one an app sent back): a status
    (None: no answer at all, the sender times out), after a delay, with a body (None: the
    listener's own JSON)."""

    status: Optional[int]
    delay: float = 0.0
    body: Optional[bytes] = None

    @property
    def label(self) -> str:
        text = "timeout (no answer)" if self.status is None else str(self.status)
        if self.delay:
            text += f" after {self.delay:g} s"
        if self.body is not None:
            text += f" with a {len(self.body)}-byte body"
        return text

    @property
    def spec(self) -> str:
        """The answer written back as ``STATUS[:DELAY]`` (a body shown as ``:…``)."""
        text = "timeout" if self.status is None else str(self.status)
        if self.delay:
            text += f":{self.delay:g}s"
        if self.body is not None:
            text += (":" if self.delay else "::") + "…"
        return text

    @property
    def plain(self) -> bool:
        """The listener's own answer: 200 at once with its JSON."""
        return self.status == 200 and not self.delay and self.body is None


OK = Reply(status=200)
CYCLE: tuple[Reply, ...] = (OK, Reply(status=500), Reply(status=503), Reply(status=None))


def parse_answer(text: str) -> Reply:
    """``STATUS[:DELAY][:BODY]``: STATUS 200-599 or ``timeout``; DELAY like ``2.5s``, ``500ms``
    or ``2`` (seconds); BODY the rest, sent as is (JSON when it parses, else text). A body
    without a delay: ``503::BODY``."""
    status_text, _, rest = text.partition(":")
    status_text = status_text.strip().lower()
    if status_text == "timeout":
        status: Optional[int] = None
    elif status_text.isdigit() and 200 <= int(status_text) <= 599:
        status = int(status_text)
    else:
        raise AnswerError(f"{text!r}: the status must be 200-599 or 'timeout' (for example 503, 200:2.5s, timeout)")
    delay_text, has_body, body_text = rest.partition(":")
    delay = 0.0
    if delay_text.strip():
        m = _DELAY.fullmatch(delay_text.strip().lower())
        if m is None:
            raise AnswerError(
                f"{text!r}: {delay_text!r} is not a delay (like 2.5s, 500ms or 2); for a body without a delay write STATUS::BODY"
            )
        delay = float(m.group(1)) / (1000 if m.group(2) == "ms" else 1)
        if delay > MAX_DELAY:
            raise AnswerError(f"{text!r}: a delay over {MAX_DELAY:g} s outlasts any sender's patience")
    body = body_text.encode("utf-8") if has_body else None
    if status is None and (delay or body is not None):
        raise AnswerError(f"{text!r}: a timeout sends nothing, so it takes no delay and no body")
    return Reply(status=status, delay=delay, body=body)


@dataclass(frozen=True, kw_only=True)
class Rule:
    """``--respond-for TYPE=ANSWER``: an event type (``*`` wildcards allowed) and its answer."""

    event_type: str
    answer: Reply

    @property
    def spec(self) -> str:
        return f"{self.event_type}={self.answer.spec}"

    def matches(self, event_type: Optional[str]) -> bool:
        return event_type is not None and fnmatch.fnmatchcase(event_type, self.event_type)


def parse_rule(text: str) -> Rule:
    """``TYPE=STATUS[:DELAY][:BODY]``."""
    event_type, eq, answer = text.partition("=")
    if not eq or not event_type.strip():
        raise AnswerError(f"{text!r}: write TYPE=STATUS[:DELAY], for example customer.holder.assignment.created=503")
    return Rule(event_type=event_type.strip(), answer=parse_answer(answer))


def event_type_of(body: bytes) -> Optional[str]:
    """The ``type`` of a webhook envelope, for a listener that has not analysed the body yet."""
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    kind = value.get("type") if isinstance(value, dict) else None
    return kind if isinstance(kind, str) else None


class Responder:
    """Asked by the listener, after storing a delivery, how to answer it: the first rule whose
    type matches, else the current answer (``--respond``, or what the TUI key picked)."""

    def __init__(self, *, default: Reply = OK, rules: Sequence[Rule] = ()) -> None:
        self.configured = default
        self.current = default
        self.rules = tuple(rules)
        self._cycled = False

    @property
    def by_type(self) -> bool:
        """Whether the answer depends on the event type (the body must be read first)."""
        return bool(self.rules)

    def choose(self, event_type: Optional[str]) -> tuple[Reply, Optional[str]]:
        """The answer, and what chose it as the user wrote it (None: the listener's own)."""
        for rule in self.rules:
            if rule.matches(event_type):
                return rule.answer, f"--respond-for {rule.spec}"
        answer = self.current
        if answer.plain:
            return answer, None
        return answer, (f"answer key: {answer.spec}" if self._cycled else f"--respond {answer.spec}")

    def cycle(self) -> Reply:
        """The next of 200, 500, 503, timeout (and the ``--respond`` answer, when it is none of
        them) as the current answer."""
        options = CYCLE if self.configured in CYCLE else (self.configured, *CYCLE)
        index = options.index(self.current) if self.current in options else -1
        self.current = options[(index + 1) % len(options)]
        self._cycled = self.current != self.configured
        return self.current

    def describe(self) -> str:
        """One line for a banner or status bar."""
        text = f"answering {self.current.label}"
        if self.rules:
            text += f"; {len(self.rules)} per-type rule{'s' if len(self.rules) != 1 else ''}"
        return text


def answer_body(answer: Reply, capture_id: Optional[int], rule: str) -> tuple[bytes, str]:
    """(body, content type) to send: the chosen body as is, else the listener's JSON saying
    the answer was chosen."""
    if answer.body is not None:
        try:
            json.loads(answer.body)
        except ValueError:
            return answer.body, "text/plain"
        return answer.body, "application/json"
    ok = answer.status is not None and 200 <= answer.status < 300
    payload: dict[str, object] = {"ok": ok, "id": capture_id}
    if not ok:
        payload["error"] = f"answered {answer.status} as chosen ({rule})"
    return json.dumps(payload).encode(), "application/json"
