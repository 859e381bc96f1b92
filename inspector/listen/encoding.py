"""Request bodies sent with ``Content-Encoding``: stored and relayed as received, decoded (with a
limit) only to be verified, analysed or shown. Plain Python: no UI, no HTTP library."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Optional, Sequence

DECODED_LIMIT_FACTOR = 8
"""A compressed body may expand to this many times ``--max-body`` before it is refused."""


@dataclass(frozen=True, kw_only=True)
class Decoded:
    """A body with its content encodings undone, or why they could not be."""

    data: Optional[bytes]
    encoding: str = ""
    """The ``Content-Encoding`` header as received ('' for none)."""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.data is not None


def content_encoding(headers: Sequence[tuple[str, str]]) -> str:
    """The ``Content-Encoding`` of a request, lowercased ('' when there is none or it is identity)."""
    values = [v.strip().lower() for k, v in headers if k.lower() == "content-encoding"]
    text = ", ".join(v for v in values if v)
    return "" if text in ("", "identity") else text


def decode(body: bytes, encoding: str, *, limit: int) -> Decoded:
    """``body`` with ``encoding`` (a Content-Encoding value, codings in the order applied) undone,
    at most ``limit`` bytes of output."""
    if not encoding:
        return Decoded(data=body)
    data = body
    for coding in reversed([c.strip() for c in encoding.split(",") if c.strip()]):
        if coding == "identity":
            continue
        if coding in ("gzip", "x-gzip"):
            result = _inflate(data, 16 + zlib.MAX_WBITS, "gzip", limit)
        elif coding == "deflate":
            result = _inflate(data, zlib.MAX_WBITS, "deflate", limit)
            if result.data is None and "header" in result.error:  # deflate is often sent raw
                result = _inflate(data, -zlib.MAX_WBITS, "deflate", limit)
        else:
            return Decoded(
                data=None,
                encoding=encoding,
                error=f"Content-Encoding {coding!r} is not supported (gzip and deflate are): stored as received, not decoded",
            )
        if result.data is None:
            return Decoded(data=None, encoding=encoding, error=result.error)
        data = result.data
    return Decoded(data=data, encoding=encoding)


def _inflate(data: bytes, wbits: int, name: str, limit: int) -> Decoded:
    out: list[bytes] = []
    size = 0
    rest = data
    consumed = 0
    while True:  # gzip allows several members one after the other
        d = zlib.decompressobj(wbits)
        try:
            chunk = d.decompress(rest, limit + 1 - size)
        except zlib.error as exc:
            where = f" (in the member starting at byte {consumed})" if consumed else ""
            return Decoded(data=None, error=f"{name} body of {len(data)} bytes cannot be decoded{where}: {exc}")
        out.append(chunk)
        size += len(chunk)
        if size > limit:
            return Decoded(data=None, error=f"{name} body expands to more than {limit:,} bytes: not decoded")
        if d.unconsumed_tail:
            return Decoded(data=None, error=f"{name} body expands to more than {limit:,} bytes: not decoded")
        if not d.eof:
            return Decoded(data=None, error=f"{name} body is cut short: the stream ends after {len(data)} bytes without its end")
        consumed = len(data) - len(d.unused_data)
        rest = d.unused_data
        if not rest or wbits < 16 + zlib.MAX_WBITS:
            if rest:
                return Decoded(data=None, error=f"{name} body has {len(rest)} bytes after the end of the stream")
            return Decoded(data=b"".join(out))
