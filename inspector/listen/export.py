"""Captured requests as documents other tools read: ``history --format ndjson | har | curl``,
and the TUI's "copy as curl".

Bodies are exported as received (a gzip body stays gzip): the HAR gives text when the bytes are
UTF-8 and base64 otherwise; a curl command carries the exact bytes in ``$'...'`` quoting, with
the signature header kept, so it replays what Voucherify sent.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime, timezone
from typing import Any, Iterable, Optional
from urllib.parse import parse_qsl

from inspector.engine.textsafe import visible
from inspector.listen.capture import Capture, header_bytes
from inspector.listen.history import delivery_issues
from inspector.listen.store import Stored

# Not replayed: they describe the connection the request came on; curl sets its own.
_CURL_SKIP = frozenset({"host", "content-length", "transfer-encoding", "connection", "keep-alive", "expect", "te"})


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).isoformat(timespec="milliseconds")


def _text(body: bytes) -> tuple[str, bool]:
    """(text, exact): the body as text, and whether that text is the exact bytes."""
    try:
        return body.decode("utf-8"), True
    except UnicodeDecodeError:
        return body.decode("utf-8", "replace"), False


def _verdict(row: Stored) -> dict[str, Any]:
    """What the listener made of a capture, the same in every export format."""
    c, d = row.capture, row.derived
    return {
        "answer_rule": c.answer_rule,
        "note": c.note,
        "signature": c.signature,
        "signature_detail": c.signature_detail,
        "form": d.form,
        "event_type": d.event_type,
        "errors": d.errors,
        "warnings": d.warnings,
        "delivery_id": d.delivery_id,
        # A bad signature or a failed forward, as the TUI lists them (the same function).
        "delivery_issues": [i.to_json() for i in delivery_issues(c)],
    }


def to_json(row: Stored) -> dict[str, Any]:
    """One captured request as the ``--format ndjson`` object."""
    c, d = row.capture, row.derived
    text, exact = _text(c.body)
    obj: dict[str, Any] = {
        "id": c.id,
        "received_at": _iso(c.received_at),
        "method": c.method,
        "path": c.path,
        "query": c.query,
        "remote": c.remote,
        "headers": [[k, v] for k, v in c.headers],
        "body": text,
        "size": d.size if d.size is not None else c.size,
        "http_status": c.http_status,
        **_verdict(row),
    }
    if c.is_replay:
        obj["replay"] = True  # sent by this tool, not received: "forward" holds the answer
    if not exact:
        # "body" is then lossy; this is the exact bytes.
        obj["body_base64"] = base64.b64encode(c.body).decode("ascii")
    if c.forward_url is not None:
        obj["forward"] = {
            "url": c.forward_url,
            "status": c.forward_status,
            "latency_ms": c.forward_latency_ms,
            "body": (c.forward_body or b"").decode("utf-8", "replace"),
            "error": c.forward_error,
        }
    return obj


def request_url(c: Capture, default_host: str = "127.0.0.1:8765") -> str:
    """The URL the request was sent to, from its Host header."""
    host = c.header("host") or default_host
    host = header_bytes(host).decode("ascii", "replace")
    if not re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+", host):
        host = default_host
    return f"http://{host}{c.path}" + (f"?{c.query}" if c.query else "")


def _answer(c: Capture) -> str:
    """What the listener answered (it is not stored; it follows from the status)."""
    if c.answer_rule:
        ok = c.http_status is not None and 200 <= c.http_status < 300
        return json.dumps({"ok": ok, "id": c.id, "error": f"answered {c.answer_text} as chosen ({c.answer_rule})"})
    if c.http_status == 200:
        return json.dumps({"ok": True, "id": c.id})
    return json.dumps({"ok": False, "id": c.id, "error": c.note})


def har_entry(row: Stored) -> dict[str, Any]:
    """One captured request as a HAR 1.2 entry (extra fields start with an underscore)."""
    c, d = row.capture, row.derived
    text, exact = _text(c.body)
    content_type = c.header("content-type") or "application/octet-stream"
    post: dict[str, Any] = {"mimeType": content_type, "text": text}
    if not exact or c.header("content-encoding"):
        post = {"mimeType": content_type, "text": base64.b64encode(c.body).decode("ascii"), "encoding": "base64"}
    answer = _answer(c)
    return {
        "startedDateTime": _iso(c.received_at),
        "time": 0,
        "request": {
            "method": c.method,
            "url": request_url(c),
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [{"name": k, "value": v} for k, v in c.headers],
            "queryString": [{"name": k, "value": v} for k, v in parse_qsl(c.query, keep_blank_values=True)],
            "postData": post,
            "headersSize": -1,
            "bodySize": d.size if d.size is not None else c.size,
        },
        "response": {
            "status": c.http_status or 0,
            "statusText": "",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"size": len(answer), "mimeType": "application/json", "text": answer},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(answer),
        },
        "cache": {},
        "timings": {"send": 0, "wait": 0, "receive": 0},
        "comment": f"capture #{c.id}",
        "_capture": {"id": c.id, **_verdict(row)},
    }


def har_document(rows: Iterable[Stored], version: str) -> dict[str, Any]:
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "voucherify-inspect", "version": version},
            "entries": [har_entry(row) for row in rows],
        }
    }


_PLAIN = re.compile(rb"[A-Za-z0-9_./:@%+=,-]+")


def shell_quote(data: bytes) -> str:
    """``data`` as one POSIX-shell word that is exactly those bytes: plain, '...' for printable
    ASCII, and bash/zsh ``$'...'`` with escapes for anything else (newlines, non-UTF-8 bytes,
    control characters), so no byte of a payload can break out of the quotes."""
    if data and _PLAIN.fullmatch(data):
        return data.decode("ascii")
    if all(0x20 <= b < 0x7F for b in data) and b"'" not in data:
        return "'" + data.decode("ascii") + "'"
    out = ["$'"]
    named = {0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x27: "\\'", 0x5C: "\\\\"}
    for b in data:
        if b in named:
            out.append(named[b])
        elif 0x20 <= b < 0x7F:
            out.append(chr(b))
        else:
            out.append(f"\\x{b:02x}")
    out.append("'")
    return "".join(out)


def printf_quote(data: bytes) -> str:
    """``data`` as the argument of ``printf '%b'``, which writes exactly those bytes (NUL
    included, which no shell string can hold): octal escapes for anything not plain."""
    out = ["'"]
    for b in data:
        if 0x20 <= b < 0x7F and b not in (0x27, 0x5C):
            out.append(chr(b))
        else:
            out.append(f"\\0{b:03o}")
    out.append("'")
    return "".join(out)


def to_curl(c: Capture, *, url: Optional[str] = None, comment: bool = True) -> str:
    """One ``curl`` command that sends ``c`` again, body and headers as received (the
    signature included), to ``url`` or where it was sent."""
    lines = []
    if comment:
        what = f"#{c.id} {c.method} {c.path} answered {c.http_status}, signature {c.signature}"
        lines.append("# " + visible(what).replace("\n", " "))
    parts = ["curl", "-sS", "-X", shell_quote(header_bytes(c.method)), shell_quote((url or request_url(c)).encode())]
    for name, value in c.headers:
        if name.lower() in _CURL_SKIP:
            continue
        parts += ["-H", shell_quote(header_bytes(name) + b": " + header_bytes(value))]
    prefix = ""
    if b"\x00" in c.body:  # a shell string stops at NUL: the body comes from printf instead
        prefix = f"printf '%b' {printf_quote(c.body)} | \\\n  "
        parts += ["--data-binary", "@-"]
    elif c.body or c.method not in ("GET", "HEAD"):
        parts += ["--data-binary", shell_quote(c.body)]
    lines.append(prefix + " \\\n  ".join(_pairs(parts)))
    return "\n".join(lines)


def _pairs(parts: list[str]) -> list[str]:
    """The words of a command, an option and its value on one line."""
    out: list[str] = [" ".join(parts[:5])]
    i = 5
    while i < len(parts):
        out.append(f"{parts[i]} {parts[i + 1]}")
        i += 2
    return out
