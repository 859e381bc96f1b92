"""What the engine says about a payload: issues with a severity, a stable code and a pointer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal, Optional

Severity = Literal["error", "warning", "info"]

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}

# Stable issue codes. Scripts match on these; never rename one.
REQUIRED = "required"  # error: a required field is missing
TYPE = "type"  # error: wrong JSON type
ENUM = "enum"  # error: value outside the documented enum
FORMAT_DATE_TIME = "format.date-time"  # error: not an ISO 8601 date-time
FORMAT_DATE = "format.date"  # error: not an ISO 8601 date
FORMAT_TIME = "format.time"  # error: not a time of day (12:00, 12:00:00, 12:00:00Z)
PATTERN = "pattern"  # error: text that does not match the documented pattern
PATTERN_UNSUPPORTED = "pattern.unsupported"  # info: a documented pattern this tool cannot check
MIN_LENGTH = "min-length"  # error: text shorter than the documented minLength
MAX_LENGTH = "max-length"  # error: text longer than the documented maxLength
MIN_ITEMS = "min-items"  # error: an array with fewer items than minItems
MAX_ITEMS = "max-items"  # error: an array with more items than maxItems
MIN_PROPERTIES = "min-properties"  # error: an object with fewer fields than minProperties
MAX_PROPERTIES = "max-properties"  # error: an object with more fields than maxProperties
RANGE = "range"  # error: number outside the documented minimum/maximum
DISCRIMINATOR = "discriminator"  # error: no variant of a oneOf has this type/object value
NULL = "null"  # warning: null where the docs type a value as non-nullable
UNKNOWN_FIELD = "unknown-field"  # warning: a field the docs do not list
NUMBER_OVERFLOW = "number.overflow"  # warning: a number beyond double range (1e400)
NUMBER_PRECISION = "number.precision"  # warning: an integer beyond 2**53
DUPLICATE_KEY = "json.duplicate-key"  # warning: an object repeats a key; the last one wins
BOM = "json.bom"  # warning: the body starts with a UTF-8 byte order mark
TOO_DEEP = "json.too-deep"  # error: nesting beyond what the engine inspects
PARSE = "json.parse"  # error (input unreadable): invalid JSON
ENCODING = "json.encoding"  # error (input unreadable): not UTF-8
EMPTY = "json.empty"  # error (input unreadable): nothing to parse
IO = "input.io"  # error (input unreadable): the file cannot be opened
NOT_OBJECT = "payload.not-object"  # error: a payload must be a JSON object
TYPE_MISMATCH = "event-type.mismatch"  # warning: envelope type and event.type disagree
FORM = "form"  # info: which payload form was detected
LEGACY = "form.legacy"  # info: pre-2024 envelope, not validated further
NO_SCHEMA = "schema.none"  # info: no schema known for this event type
UNKNOWN_TYPE = "schema.unknown-event"  # info: bare data that fits no known event schema (not validated)
INFERRED = "schema.inferred"  # info: the event type bare data was read as, and the keys that told
AMBIGUOUS = "schema.ambiguous"  # warning: bare data that fits several event types equally (not validated)
HTTP_REJECTED = "http.rejected"  # error (input unreadable): a request the listener did not accept as a delivery
HTTP_PENDING = "http.pending"  # info: a request stored and answered whose verdict is not in yet
HTTP_ENCODING = "http.encoding"  # error (input unreadable): a body whose Content-Encoding cannot be undone
SIGNATURE_INVALID = "signature.invalid"  # error (delivery): the x-voucherify-signature does not match the secret
SIGNATURE_MISSING = "signature.missing"  # error (delivery): a secret is set and the request carries no signature
FORWARD_FAILED = "forward.failed"  # error (delivery): the relay to your app failed or your app answered other than 2xx
FORWARD_SKIPPED = "forward.skipped"  # error (delivery): the request was not relayed to your app (over the budget, stopping)
VARIANT = "schema.variant"  # info: which oneOf branch was used when the discriminator did not settle it


@dataclass(frozen=True, kw_only=True)
class ParseContext:
    """Where unreadable input breaks, ready to show under the message: ``line_text`` is the line
    (a window of it when long, cut ends marked ``…``) with control characters as visible
    escapes, ``column`` the 1-based position of the caret in ``line_text``, ``line`` the line's
    number in the input, ``hint`` a plain word on the likely cause ("" when none applies)."""

    line: int
    line_text: str
    column: int
    hint: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"line_text": self.line_text, "column": self.column}


class Issue:
    """One finding. ``pointer`` is an RFC 6901 JSON Pointer ("" is the whole payload); a missing
    field gets the pointer it would have.

    The validator creates issues with a linked path and a message function; both turn into text
    only when read, so a payload full of warnings costs little until someone looks.
    """

    __slots__ = ("_pointer", "_path", "severity", "code", "_message", "_msg_args", "line", "column", "context", "_json")

    def __init__(
        self,
        pointer: str | None,
        severity: Severity,
        code: str,
        message: str | None,
        line: int | None = None,
        column: int | None = None,
        *,
        path: tuple[Any, ...] | None = None,
        msg_args: tuple[Any, ...] | None = None,
        context: Optional[ParseContext] = None,
    ) -> None:
        self._pointer = pointer
        self._path = path
        self.severity = severity
        self.code = code
        self._message = message
        self._msg_args = msg_args
        self.line = line
        self.column = column
        self.context = context
        self._json: Optional[str] = None

    @property
    def pointer(self) -> str:
        if self._pointer is None:
            from inspector.engine.pointer import path_pointer

            self._pointer = path_pointer(self._path or ())
        return self._pointer

    @property
    def message(self) -> str:
        if self._message is None:
            fn, *args = self._msg_args or (str,)
            self._message = fn(*args)
        return self._message

    def __repr__(self) -> str:
        return f"Issue({self.pointer!r}, {self.severity!r}, {self.code!r}, {self.message!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Issue) and self.to_json() == other.to_json()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "pointer": self.pointer,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }
        if self.line is not None:
            out["line"] = self.line
            out["column"] = self.column
        if self.context is not None:
            out["context"] = self.context.to_json()
        return out

    def json_text(self) -> str:
        """``json.dumps(self.to_json())``, remembered. A stream of payloads of one event repeats
        the same issues at the same pointers (every docs example has the same twelve nulls), and
        turning paths into pointers and arguments into messages was most of a report's cost: the
        text is kept by what it is made from (code, path, message arguments)."""
        text = self._json
        if text is not None:
            return text
        key: Optional[tuple[Any, ...]] = None
        if self._msg_args is not None and self._message is None:
            key = (self.code, self._path, self._msg_args)  # a LazyIssue: code, where and why
        elif self.line is None and self.context is None:
            key = (self.code, self.severity, self._pointer, self._path, self._message, self._msg_args)
        if key is not None:
            try:
                text = _FRAGMENTS.get(key)
            except TypeError:  # an argument that is a payload value (a dict): not kept
                key = None
        if text is None:
            text = json.dumps(self.to_json())
            if key is not None:
                if len(_FRAGMENTS) >= FRAGMENT_LIMIT:
                    _FRAGMENTS.clear()
                _FRAGMENTS[key] = text
        self._json = text
        return text


FRAGMENT_LIMIT = 50_000
"""Issue texts kept for reuse; past this the store starts again (memory stays bounded whatever
the input, e.g. an array of a million items each with its own pointer)."""
_FRAGMENTS: dict[tuple[Any, ...], str] = {}


class LazyIssue(Issue):
    """An Issue made on the validator's hot path: positional, no keywords, nothing formatted."""

    __slots__ = ()

    def __init__(self, path: tuple[Any, ...], severity: Severity, code: str, msg_args: tuple[Any, ...]) -> None:
        self._pointer = None
        self._path = path
        self.severity = severity
        self.code = code
        self._message = None
        self._msg_args = msg_args
        self.line = None
        self.column = None
        self.context = None
        self._json = None
