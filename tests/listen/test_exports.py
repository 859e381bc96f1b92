"""Captures as fixtures: ``history --format har|curl|ndjson`` with the shared filters, and lazy
history rows."""

from __future__ import annotations

import asyncio
import gzip
import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from inspector.cli import main
from inspector.listen.export import shell_quote, to_curl
from inspector.listen.history import rebuild_entries
from inspector.listen.signature import HEADER, sign, verify
from inspector.listen.store import Reader, Store

from .conftest import SECRET, StartListener, sample

ENVELOPE = "holder-assignment-created.envelope.json"
DELETED = "holder-assignment-deleted.envelope.json"


async def fill(start_listener: StartListener) -> None:
    """A valid delivery, a retry of it with a bad signature, another event type, a gzip one, a
    body that is not text, and a refused GET."""
    running = await start_listener(secret=SECRET)
    body = sample(ENVELOPE)
    async with aiohttp.ClientSession() as http:
        for headers in ({HEADER: sign(body, SECRET)}, {HEADER: "0" * 64}):
            async with http.post(running.url, data=body, headers=headers) as resp:
                assert resp.status == 200
        other = sample(DELETED)
        async with http.post(running.url + "?src=test", data=other, headers={HEADER: sign(other, SECRET)}) as resp:
            assert resp.status == 200
        packed = gzip.compress(body)
        async with http.post(running.url, data=packed, headers={"Content-Encoding": "gzip", HEADER: sign(body, SECRET)}) as resp:
            assert resp.status == 200
        async with http.post(running.url, data=b"\xff\xfe'$(touch /tmp/pwned)\n\x00") as resp:
            assert resp.status == 200
        async with http.get(running.url) as resp:
            assert resp.status == 405
    await running.wait_settled(6)
    await running.listener.stop()


def history(db: Path, *args: str) -> str:
    out = subprocess.run(
        [*__import__("tests.listen.conftest", fromlist=["CLI"]).CLI, "history", "--db", str(db), *args],
        capture_output=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.decode()


async def test_har_is_a_har_1_2_log_of_every_request(start_listener: StartListener, db: Path) -> None:
    await fill(start_listener)
    har = json.loads(await asyncio.to_thread(history, db, "--format", "har"))
    log = har["log"]
    assert log["version"] == "1.2" and log["creator"]["name"] == "voucherify-inspect"
    entries = log["entries"]
    assert [e["request"]["method"] for e in entries] == ["POST"] * 5 + ["GET"]
    assert [e["response"]["status"] for e in entries] == [200] * 5 + [405]
    first = entries[0]
    assert first["request"]["url"].startswith("http://127.0.0.1:") and first["request"]["url"].endswith("/")
    assert first["request"]["postData"]["text"] == sample(ENVELOPE).decode()
    assert {"name": HEADER, "value": sign(sample(ENVELOPE), SECRET)} in [
        {"name": h["name"].lower(), "value": h["value"]} for h in first["request"]["headers"]
    ]
    assert first["_capture"]["signature"] == "valid" and first["_capture"]["event_type"] == "customer.holder.assignment.created"
    assert entries[2]["request"]["queryString"] == [{"name": "src", "value": "test"}]
    packed = entries[3]["request"]["postData"]
    assert packed["encoding"] == "base64"  # the gzip bytes as received
    import base64

    assert gzip.decompress(base64.b64decode(packed["text"])) == sample(ENVELOPE)
    assert entries[4]["request"]["postData"]["encoding"] == "base64"
    assert json.loads(first["response"]["content"]["text"]) == {"ok": True, "id": 1}


async def test_filters_apply_to_every_format(start_listener: StartListener, db: Path) -> None:
    await fill(start_listener)
    only_deleted = [json.loads(line) for line in (await asyncio.to_thread(history, db, "--format", "ndjson", "--type", "customer.holder.assignment.deleted")).splitlines()]
    assert [r["id"] for r in only_deleted] == [3]
    errors = [json.loads(line) for line in (await asyncio.to_thread(history, db, "--format", "ndjson", "--errors-only")).splitlines()]
    assert [r["id"] for r in errors] == [2, 5, 6]  # bad signature, not JSON, refused GET
    assert (await asyncio.to_thread(history, db, "--format", "ndjson", "--since", "1h")).count("\n") == 6
    assert await asyncio.to_thread(history, db, "--format", "ndjson", "--since", "2999-01-01") == ""
    har = json.loads(await asyncio.to_thread(history, db, "--format", "har", "--errors-only", "--type", "customer.holder.assignment.created"))
    assert [e["_capture"]["id"] for e in har["log"]["entries"]] == [2]
    curl = await asyncio.to_thread(history, db, "--format", "curl", "--type", "customer.holder.assignment.deleted")
    assert curl.count("curl -sS") == 1 and "#3 POST" in curl


def test_a_bad_since_is_refused(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Store(db).close()
    assert main(["history", "--db", str(db), "--format", "ndjson", "--since", "yesterday-ish"]) == 2
    assert "--since" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("curl") is None or shutil.which("bash") is None, reason="needs curl and bash")
async def test_curl_commands_replay_the_captures_byte_for_byte(start_listener: StartListener, db: Path, tmp_path: Path) -> None:
    await fill(start_listener)
    stored = {r.capture.id: r.capture for r in Store(db).all()}
    second_db = tmp_path / "replayed.sqlite3"
    replay = await start_listener(secret=SECRET, db=str(second_db))
    script = await asyncio.to_thread(history, db, "--format", "curl", "--to", replay.url)
    assert script.count("curl -sS") == 6
    done = await asyncio.to_thread(subprocess.run, ["bash", "-c", script], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert not Path("/tmp/pwned").exists() or Path("/tmp/pwned").stat().st_mtime < time.time() - 60
    replayed = await replay.wait_settled(6)
    for original, again in zip(stored.values(), (e.capture for e in replayed)):
        assert again.method == original.method
        assert again.body == original.body, original.id
        assert again.header(HEADER) == original.header(HEADER)
    assert [e.capture.signature for e in replayed[:4]] == ["valid", "invalid", "valid", "valid"]


@pytest.mark.parametrize(
    "data",
    [b"", b"plain", b"it's", b"a\nb", b"\x00\xff\x1b[2J", "caf\u00e9 $(rm -rf ~) `x` \\ '\"".encode(), bytes(range(256))],
)
def test_shell_quote_is_exact(data: bytes) -> None:
    if shutil.which("bash") is None:
        pytest.skip("needs bash")
    out = subprocess.run(["bash", "-c", f"printf %s {shell_quote(data)}"], capture_output=True, timeout=10)
    # bash strings stop at NUL; everything before it must come out as given.
    assert out.stdout == data.split(b"\x00")[0]


def test_curl_of_a_hostile_capture_keeps_the_comment_on_one_line() -> None:
    from inspector.listen.capture import Capture

    c = Capture(received_at=0, method="POST", path="/x\n; rm -rf /", headers=[("X-A", "b\r\nX-Injected: 1")], body=b"{}", id=7)
    text = to_curl(c)
    comment, command = text.split("\n", 1)
    assert comment.startswith("# #7") and "\n" not in comment
    assert "$'X-A: b\\r\\nX-Injected: 1'" in command


async def test_history_rows_are_lazy_and_open_with_their_payload(start_listener: StartListener, engine: Any, db: Path) -> None:
    await fill(start_listener)
    reader = Reader(db)
    try:
        entries = rebuild_entries(engine, reader.rows())
        assert len(entries) == 6
        assert not any(e.analysed for e in entries)  # nothing analysed, no payload read
        assert reader._recent.peek(1) is None  # noqa: SLF001
        assert [e.summary.event_type for e in entries[:3]] == [
            "customer.holder.assignment.created",
            "customer.holder.assignment.created",
            "customer.holder.assignment.deleted",
        ]
        assert entries[1].retry_of == 1
        opened = entries[3]
        assert opened.analysis.event_type == "customer.holder.assignment.created"  # the gzip one, decoded
        assert opened.capture is not None and opened.capture.header("content-encoding") == "gzip"
        assert verify(gzip.decompress(opened.capture.body), opened.capture.header(HEADER), SECRET).status == "valid"
        assert entries[5].analysis.issues[0].message.startswith("GET request")
    finally:
        reader.close()
