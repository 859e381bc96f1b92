"""The download behind ``spec fetch``: the one place the tool opens a connection of its own.

The standard library's urllib is enough for one GET of a ~1 MB file (no new dependency), and it
keeps HTTP out of the engine, which only ever reads the cached copy (``inspector.engine.fetched``).
This module imports only the standard library.
"""

from __future__ import annotations

import http.client
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from inspector import __version__

DEFAULT_REPO = "voucherifyio/voucherify-openapi"
DEFAULT_REF = "master"
DEFAULT_FILE = "reference/OpenAPIWebhooks.json"
RAW_URL = "https://raw.githubusercontent.com/{repo}/{ref}/{file}"
DEFAULT_TIMEOUT = 30.0
# Voucherify's file is about 1 MB; anything this big is not a webhook spec.
MAX_BYTES = 64 * 1024 * 1024
_CHUNK = 64 * 1024

Progress = Callable[[int, Optional[int]], None]


class FetchError(Exception):
    """A download that failed; the message says why (HTTP status, timeout, cut short...)."""


@dataclass(frozen=True, kw_only=True)
class Source:
    """Where a spec comes from: ``location`` is a URL or, for a local file, its absolute path."""

    location: str
    ref: Optional[str]
    is_file: bool


def default_url(ref: str = DEFAULT_REF) -> str:
    """The raw file of the default repository at ``ref`` (a branch, tag or commit)."""
    return RAW_URL.format(repo=DEFAULT_REPO, ref=urllib.parse.quote(ref, safe="/"), file=DEFAULT_FILE)


def resolve(from_: Optional[str], ref: Optional[str]) -> Source:
    """The source ``--from``/``--ref`` name; raises FetchError for a combination that cannot be."""
    if from_ is None:
        ref = DEFAULT_REF if ref is None else ref.strip()
        if not ref or any(c.isspace() for c in ref) or ".." in ref:
            raise FetchError(f"--ref {ref!r} is not a branch, tag or commit name")
        return Source(location=default_url(ref), ref=ref, is_file=False)
    if ref is not None:
        raise FetchError(f"--ref picks a branch, tag or commit of {DEFAULT_REPO}; with --from, name the version in the URL")
    scheme = urllib.parse.urlsplit(from_).scheme.lower()
    if scheme in ("http", "https"):
        return Source(location=from_, ref=None, is_file=False)
    if "://" in from_:
        raise FetchError(f"--from takes an http(s) URL or a file path, not a {scheme}: URL")
    return Source(location=str(Path(from_).expanduser().resolve()), ref=None, is_file=True)


def read_file(path: str) -> bytes:
    try:
        size = Path(path).stat().st_size
        if size > MAX_BYTES:
            raise FetchError(f"{path} is {size:,} bytes, more than any webhook spec ({MAX_BYTES // 2**20} MiB)")
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise FetchError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise FetchError(f"{path}: is a directory (name the spec file)") from None
    except OSError as exc:
        raise FetchError(f"{path}: {exc.strerror or exc}") from None


def download(url: str, *, timeout: float = DEFAULT_TIMEOUT, progress: Optional[Progress] = None) -> bytes:
    """The body of a GET of ``url``; raises FetchError. ``timeout`` bounds the wait for each
    answer from the server and, checked between reads, the whole download."""
    request = urllib.request.Request(
        url, headers={"User-Agent": f"voucherify-inspect/{__version__}", "Accept": "application/json, */*;q=0.5"}
    )
    deadline = time.monotonic() + timeout
    too_slow = f"no complete answer within {timeout:g} s (--timeout SECONDS to wait longer)"
    chunks: list[bytes] = []
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            length = resp.headers.get("Content-Length")
            total = int(length) if length is not None and length.isdigit() else None
            if total is not None and total > MAX_BYTES:
                raise FetchError(f"the answer is {total:,} bytes, more than any webhook spec ({MAX_BYTES // 2**20} MiB)")
            got = 0
            while True:
                chunk = resp.read(_CHUNK)
                if not chunk:
                    break
                chunks.append(chunk)
                got += len(chunk)
                if got > MAX_BYTES:
                    raise FetchError(f"the answer is more than {MAX_BYTES // 2**20} MiB: not a webhook spec")
                if progress is not None:
                    progress(got, total)
                if time.monotonic() > deadline:
                    raise FetchError(too_slow)
            if total is not None and got < total:
                raise FetchError(f"the download was cut short ({got:,} of {total:,} bytes)")
            return b"".join(chunks)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise FetchError(too_slow) from None
        reason = exc.reason.strerror if isinstance(exc.reason, OSError) and exc.reason.strerror else exc.reason
        raise FetchError(f"cannot connect ({reason})") from None
    except http.client.IncompleteRead as exc:
        got = len(exc.partial) + sum(len(c) for c in chunks)
        expected = f" of {got + exc.expected:,}" if exc.expected is not None else ""
        raise FetchError(f"the download was cut short ({got:,}{expected} bytes)") from None
    except (TimeoutError, socket.timeout):
        raise FetchError(too_slow) from None
    except (http.client.HTTPException, OSError) as exc:
        raise FetchError(f"the connection failed ({exc.__class__.__name__}: {exc})") from None
