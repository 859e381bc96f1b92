"""Captured requests as documents other tools read (``history --format ndjson``)."""

from __future__ import annotations

import base64
from datetime import datetime, timezone
from typing import Any

from inspector.listen.store import Stored


def to_json(row: Stored) -> dict[str, Any]:
    """One captured request as the ``--format ndjson`` object."""
    c, d = row.capture, row.derived
    try:
        text = c.body.decode("utf-8")
        binary = False
    except UnicodeDecodeError:
        text = c.body.decode("utf-8", "replace")
        binary = True
    obj: dict[str, Any] = {
        "id": c.id,
        "received_at": datetime.fromtimestamp(c.received_at, timezone.utc).isoformat(timespec="milliseconds"),
        "method": c.method,
        "path": c.path,
        "query": c.query,
        "remote": c.remote,
        "headers": [[k, v] for k, v in c.headers],
        "body": text,
        "size": d.size if d.size is not None else c.size,
        "http_status": c.http_status,
        "answer_rule": c.answer_rule,
        "signature": c.signature,
        "signature_detail": c.signature_detail,
        "form": d.form,
        "event_type": d.event_type,
        "errors": d.errors,
        "warnings": d.warnings,
        "delivery_id": d.delivery_id,
    }
    if binary:
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
