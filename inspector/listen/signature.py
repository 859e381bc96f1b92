"""Voucherify webhook signatures: ``x-voucherify-signature`` is the lowercase hex HMAC-SHA256,
keyed with the project's webhook secret, of the JSON body.

Voucherify documents two recipes, and they differ on some bodies:
- ``compact``: the JSON text with every whitespace character outside strings removed (the
  escapes, numbers and key order as sent). ``sign`` uses this one.
- ``stringify``: the Node SDK's ``JSON.stringify`` of the parsed body (non-ASCII written
  literally, ``\\/`` written ``/``, ``1.0`` written ``1``).
A request is also checked against its raw bytes (a body that is not JSON is signed raw). The
verdict names the recipe that matched. When none matches, the usual re-encodings (``\\u00eb``
escapes, ``\\/``, spaces after separators) are tried before the body or the secret is blamed.

The expected signature is never part of a verdict: a verdict is stored and shown, and anyone
who could read it could sign a body of their choice.

Plain Python (no UI, no HTTP library): the listener, ``send``, ``sign`` and the TUI's replay
all sign and verify through this module.
"""

from __future__ import annotations

import hmac
import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Optional

HEADER = "x-voucherify-signature"
SECRET_ENV = "VOUCHERIFY_WEBHOOK_SECRET"

# A JSON string literal (unrolled loop: no backtracking on long strings). Splitting on it leaves
# the text between strings at even indexes, where the four whitespace characters JSON allows are
# deleted. Working on the raw bytes keeps every number, escape and key order exactly as sent;
# re-encoding with json.dumps would not.
_STRING = re.compile(rb'("[^"\\]*(?:\\.[^"\\]*)*")', re.DOTALL)
_JSON_WHITESPACE = b" \t\n\r"
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_SURROGATE = re.compile("[\ud800-\udfff]")

Recipe = Literal["compact", "stringify", "raw"]
RECIPE_TEXT: dict[Recipe, str] = {
    "compact": "the JSON text without whitespace (Voucherify's documented recipe)",
    "stringify": "JSON.stringify of the parsed body (the Node SDK's recipe)",
    "raw": "the raw body bytes (not a documented recipe for JSON)",
}


def _reject_constant(name: str) -> None:
    raise ValueError(name)


_NO_VALUE: Any = object()


def _parse(body: bytes) -> Any:
    """The body parsed as one strict JSON document, or _NO_VALUE."""
    try:
        return json.loads(body, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _NO_VALUE


def is_json(body: bytes) -> bool:
    """Whether ``body`` is one JSON document (strict: no NaN/Infinity)."""
    return _parse(body) is not _NO_VALUE


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
        except (TypeError, ValueError, RecursionError, UnicodeEncodeError):
            quick = b""
        if quick and quick.translate(None, _JSON_WHITESPACE) == body.translate(None, _JSON_WHITESPACE):
            return quick
    elif not is_json(body):
        return body
    parts = _STRING.split(body)
    parts[::2] = [p.translate(None, _JSON_WHITESPACE) for p in parts[::2]]
    return b"".join(parts)


def _js_number(n: Any) -> str:
    """A JSON number as JavaScript's Number#toString writes it (JSON.stringify's numbers)."""
    try:
        x = float(n)
    except OverflowError:
        return "null"
    if math.isnan(x) or math.isinf(x):
        return "null"
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) < 1e21:
        return str(int(x))
    _sign, digits, exp = Decimal(repr(abs(x))).as_tuple()
    s = "".join(map(str, digits))
    stripped = s.rstrip("0")
    exp = int(exp) + len(s) - len(stripped)
    s = stripped
    k = len(s)
    point = exp + k  # value = 0.s x 10**point
    if k <= point <= 21:
        text = s + "0" * (point - k)
    elif 0 < point <= 21:
        text = s[:point] + "." + s[point:]
    elif -6 < point <= 0:
        text = "0." + "0" * -point + s
    else:
        e = point - 1
        text = s[0] + ("." + s[1:] if k > 1 else "") + ("e+" if e >= 0 else "e-") + str(abs(e))
    return ("-" if x < 0 else "") + text


def _js_string(text: str, ascii_only: bool, slashes: bool) -> str:
    out = json.dumps(text, ensure_ascii=ascii_only)
    if not ascii_only and _SURROGATE.search(out):  # JSON.stringify escapes lone surrogates
        out = _SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", out)
    return out.replace("/", "\\/") if slashes else out


def stringify(value: Any, *, ascii_only: bool = False, slashes: bool = False, spaces: bool = False) -> bytes:
    """``JSON.stringify(value)`` (key order kept, JavaScript numbers); the options give the
    re-encodings other signers make: ``\\uXXXX`` for non-ASCII, ``\\/``, spaces after , and :."""
    comma, colon = (", ", ": ") if spaces else (",", ":")
    out: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, dict):
            out.append("{")
            for i, (k, item) in enumerate(v.items()):
                if i:
                    out.append(comma)
                out.append(_js_string(str(k), ascii_only, slashes))
                out.append(colon)
                walk(item)
            out.append("}")
        elif isinstance(v, list):
            out.append("[")
            for i, item in enumerate(v):
                if i:
                    out.append(comma)
                walk(item)
            out.append("]")
        elif isinstance(v, str):
            out.append(_js_string(v, ascii_only, slashes))
        elif v is True:
            out.append("true")
        elif v is False:
            out.append("false")
        elif v is None:
            out.append("null")
        else:
            out.append(_js_number(v))

    walk(value)
    return "".join(out).encode("utf-8", "surrogatepass")


def hmac_hex(secret: str, data: bytes) -> str:
    # hmac.digest is the one-shot C path: a third of the cost of hmac.new(...).hexdigest().
    return hmac.digest(secret.encode("utf-8"), data, "sha256").hex()


def sign(body: bytes, secret: str, value: Any = _NO_VALUE) -> str:
    """The ``x-voucherify-signature`` value for ``body`` (``value``: the body parsed, if known)."""
    return hmac_hex(secret, canonical(body, value))


def secret_from(given: Optional[str]) -> Optional[str]:
    """The secret from the command line, else ``$VOUCHERIFY_WEBHOOK_SECRET``; empty means none."""
    import os

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
    """The signature status of one request, which recipe matched, and for ``invalid`` the likely
    reason. Never holds the expected signature: it is stored and shown."""

    status: str  # valid | invalid | missing | unchecked
    detail: str = ""
    recipe: Optional[Recipe] = None


# What a signer may have done instead of a documented recipe, tried only when none matches.
_VARIANTS: tuple[tuple[dict[str, bool], str], ...] = (
    ({"ascii_only": True}, "non-ASCII characters escaped as \\uXXXX"),
    ({"ascii_only": True, "slashes": True}, "non-ASCII escaped as \\uXXXX and / as \\/ (PHP json_encode)"),
    ({"slashes": True}, "/ escaped as \\/"),
    ({"ascii_only": True, "spaces": True}, "spaces after , and : (Python json.dumps defaults)"),
    ({"spaces": True}, "spaces after , and :"),
)

_IN_STRINGS: tuple[tuple[re.Pattern[bytes], str], ...] = (
    (re.compile(rb"\\u[0-9a-fA-F]{4}"), "\\uXXXX escapes"),
    (re.compile(rb"\\/"), "escaped slashes (\\/)"),
    (re.compile(rb"[\x80-\xff]"), "non-ASCII text"),
)
_NUMBERS = re.compile(rb"[0-9]\.[0-9]*0(?![0-9])|[0-9][eE][+-]?[0-9]|-0(?![.0-9])")


def _pitfalls(body: bytes) -> list[str]:
    """What in a JSON body signers re-encode differently (only numbers outside strings count)."""
    parts = _STRING.split(body)
    strings = b" ".join(parts[1::2])
    found = [what for pattern, what in _IN_STRINGS if pattern.search(strings)]
    if any(_NUMBERS.search(p) for p in parts[::2]):
        found.append("numbers such as 1.0 or 1e5 that re-encode differently")
    return found


def _matches(found: bytes, secret: str, data: bytes) -> bool:
    return hmac.compare_digest(found, hmac_hex(secret, data).encode("ascii"))


def verify(body: bytes, header: Optional[str], secret: Optional[str], value: Any = _NO_VALUE) -> Verdict:
    """Check ``header`` (the received ``x-voucherify-signature``, or None) against ``body``
    (``value``: the body parsed as JSON, when the caller already did)."""
    if not secret:
        if header is None:
            return Verdict("unchecked", "no secret set: signatures are not checked")
        return Verdict("unchecked", "no secret set: the signature header is present but not checked")
    if header is None:
        return Verdict("missing", f"no {HEADER} header")
    found = header.strip()
    if not _HEX64.fullmatch(found):
        return Verdict(
            "invalid",
            f"header {_shown(found)} is not a SHA-256 hex digest ({len(found)} characters, expected 64 hex digits)",
        )
    low = found.lower().encode("ascii")
    if value is _NO_VALUE:
        value = _parse(body)
    compact = canonical(body, value) if value is not _NO_VALUE else body
    recipe: Optional[Recipe] = None
    if _matches(low, secret, compact):
        recipe = "compact" if value is not _NO_VALUE else "raw"
    elif value is not _NO_VALUE:
        try:
            stringified: Optional[bytes] = stringify(value)
        except RecursionError:
            stringified = None
        if stringified is not None and stringified != compact and _matches(low, secret, stringified):
            recipe = "stringify"
        elif body != compact and _matches(low, secret, body):
            recipe = "raw"
    if recipe is not None:
        note = ""
        if found != found.lower():
            note = "; sent in uppercase hex (Voucherify sends lowercase)"
        elif found != header:
            note = "; the header value has surrounding whitespace"
        return Verdict("valid", f"matches {RECIPE_TEXT[recipe]}{note}", recipe)
    return Verdict("invalid", _mismatch(body, value, low, secret, compact))


def _mismatch(body: bytes, value: Any, found: bytes, secret: str, compact: bytes) -> str:
    """Why no recipe matched, most specific first; the body and the secret are blamed last."""
    stripped = secret.strip()
    if stripped != secret and _matches(found, stripped, compact):
        return "the secret given here has surrounding whitespace; without it the signature matches"
    tried = "no recipe matches (compact JSON text, JSON.stringify, raw bytes)"
    if value is _NO_VALUE:
        tried = "the body is not JSON, so it is signed as it is, and its bytes do not match"
    else:
        for options, what in _VARIANTS:
            try:
                variant = stringify(value, **options)
            except RecursionError:
                break
            if _matches(found, secret, variant):
                return (
                    f"the sender signed the JSON re-encoded with {what}; Voucherify signs the JSON text "
                    "without whitespace (or JSON.stringify of it): fix the signer, not the secret"
                )
    pitfalls = _pitfalls(body) if value is not _NO_VALUE else []
    also = ""
    if pitfalls and value is not _NO_VALUE:
        also = (
            f"; this body has {', '.join(pitfalls)}, so the usual re-encodings of them were tried too "
            "(\\uXXXX or literal, \\/ or /, 1.0 or 1) and none matches"
        )
    return (
        f"{tried}{also}: the body was changed after it was signed, "
        "or the secret is not this project's webhook secret"
    )


def _shown(value: str, limit: int = 72) -> str:
    """A header value quoted for a message, cut short and with control characters visible."""
    from inspector.engine.textsafe import visible

    text = visible(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f'"{text}"'
