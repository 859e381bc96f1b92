"""Voucherify webhook signatures: ``x-voucherify-signature`` is the lowercase hex HMAC-SHA256,
keyed with the project's webhook secret, of the JSON body with every whitespace character
outside strings removed (a body that is not JSON: the raw bytes).

Plain Python (no UI, no HTTP library): the listener, ``send``, ``sign`` and the TUI's replay
all sign and verify through this module.
"""

from __future__ import annotations

import hmac
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

HEADER = "x-voucherify-signature"
SECRET_ENV = "VOUCHERIFY_WEBHOOK_SECRET"

# A JSON string literal (unrolled loop: no backtracking on long strings). Splitting on it leaves
# the text between strings at even indexes, where the four whitespace characters JSON allows are
# deleted. Working on the raw bytes keeps every number, escape and key order exactly as sent;
# re-encoding with json.dumps would not.
_STRING = re.compile(rb'("[^"\\]*(?:\\.[^"\\]*)*")', re.DOTALL)
_JSON_WHITESPACE = b" \t\n\r"
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")


def _reject_constant(name: str) -> None:
    raise ValueError(name)


def is_json(body: bytes) -> bool:
    """Whether ``body`` is one JSON document (strict: no NaN/Infinity)."""
    try:
        json.loads(body, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False
    return True


_NO_VALUE: Any = object()


def canonical(body: bytes, value: Any = _NO_VALUE) -> bytes:
    """The bytes that are signed: a JSON body without whitespace outside strings, or the raw
    body when it is not JSON.

    ``value`` is the body already parsed, when the caller has it: compact ``json.dumps`` of it
    is then tried first. It is used only when it has exactly the body's non-whitespace bytes,
    which makes it the same bytes as the exact scan (strings, escapes and numbers as sent), at a
    fifth of the cost.
    """
    if value is not _NO_VALUE:
        try:
            quick = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        except (TypeError, ValueError, RecursionError):
            quick = b""
        if quick and quick.translate(None, _JSON_WHITESPACE) == body.translate(None, _JSON_WHITESPACE):
            return quick
    elif not is_json(body):
        return body
    parts = _STRING.split(body)
    parts[::2] = [p.translate(None, _JSON_WHITESPACE) for p in parts[::2]]
    return b"".join(parts)


def hmac_hex(secret: str, data: bytes) -> str:
    # hmac.digest is the one-shot C path: a third of the cost of hmac.new(...).hexdigest().
    return hmac.digest(secret.encode("utf-8"), data, "sha256").hex()


def sign(body: bytes, secret: str, value: Any = _NO_VALUE) -> str:
    """The ``x-voucherify-signature`` value for ``body`` (``value``: the body parsed, if known)."""
    return hmac_hex(secret, canonical(body, value))


def secret_from(given: Optional[str]) -> Optional[str]:
    """The secret from the command line, else ``$VOUCHERIFY_WEBHOOK_SECRET``; empty means none."""
    value = given if given is not None else os.environ.get(SECRET_ENV)
    return value or None


class SecretError(Exception):
    """A secret file that cannot be used; the message is for the user and never holds the secret."""


def read_secret_file(path: str) -> str:
    """The secret kept in a file (out of ``ps`` and shell history): its text without the final
    line break an editor adds. Raises SecretError for a missing, unreadable or empty file."""
    from inspector.engine.textsafe import visible

    name = visible(path)
    try:
        text = Path(path).expanduser().read_text("utf-8")
    except FileNotFoundError:
        raise SecretError(f"{name}: no such secret file") from None
    except UnicodeDecodeError:
        raise SecretError(f"{name}: the secret file is not UTF-8 text") from None
    except OSError as exc:
        raise SecretError(f"{name}: cannot read the secret file ({exc.strerror or exc})") from None
    if text.endswith("\n"):
        text = text[:-2] if text.endswith("\r\n") else text[:-1]
    if not text:
        raise SecretError(f"{name}: the secret file is empty")
    return text


def secret_given(given: Optional[str], file: Optional[str]) -> Optional[str]:
    """The secret from ``--secret`` or ``--secret-file`` (not both), else the environment."""
    if given is not None and file is not None:
        raise SecretError("give --secret or --secret-file, not both")
    if file is not None:
        return read_secret_file(file)
    return secret_from(given)


@dataclass(frozen=True)
class Verdict:
    """The signature status of one request and, for ``invalid``, the likely reason.

    ``detail`` may name the expected signature: it is for the local user (TUI, log, store)
    and must never be sent back over HTTP.
    """

    status: str  # valid | invalid | missing | unchecked
    detail: str = ""


def verify(body: bytes, header: Optional[str], secret: Optional[str], value: Any = _NO_VALUE) -> Verdict:
    """Check ``header`` (the received ``x-voucherify-signature``, or None) against ``body``
    (``value``: the body parsed as JSON, when the caller already did)."""
    if not secret:
        if header is None:
            return Verdict("unchecked", "no secret set: signatures are not checked")
        return Verdict("unchecked", "no secret set: the signature header is present but not checked")
    if header is None:
        return Verdict("missing", f"no {HEADER} header")
    signed = canonical(body, value)
    expected = hmac_hex(secret, signed)
    found = header.strip()
    if hmac.compare_digest(found.lower().encode("ascii", "replace"), expected.encode("ascii")):
        if found != found.lower():
            return Verdict("valid", "valid, but sent in uppercase hex (Voucherify sends lowercase)")
        if found != header:
            return Verdict("valid", "valid, but the header value has surrounding whitespace")
        return Verdict("valid", "signature matches")
    shown = _shown(found)
    if not _HEX64.fullmatch(found):
        return Verdict(
            "invalid",
            f"header {shown} is not a SHA-256 hex digest ({len(found)} characters, expected 64 hex digits)",
        )
    low = found.lower().encode("ascii")
    if signed != body and hmac.compare_digest(low, hmac_hex(secret, body).encode("ascii")):
        return Verdict(
            "invalid",
            "the sender signed the raw body bytes; Voucherify signs the JSON with whitespace outside "
            f"strings removed (expected {expected})",
        )
    stripped = secret.strip()
    if stripped != secret and hmac.compare_digest(low, hmac_hex(stripped, signed).encode("ascii")):
        return Verdict("invalid", "the secret given here has surrounding whitespace; without it the signature matches")
    return Verdict(
        "invalid",
        f"header {shown} differs from the expected {expected}: the body was changed after signing, "
        "or the secret is not this project's webhook secret",
    )


def _shown(value: str, limit: int = 72) -> str:
    """A header value quoted for a message, cut short and with control characters visible."""
    from inspector.engine.textsafe import visible

    text = visible(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f'"{text}"'
