"""The commands as users run them: listen (no TUI), SIGKILL under load, send, sign, history."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from inspector.cli import main
from inspector.listen.signature import HEADER, sign
from inspector.listen.store import Store

from .conftest import CLI, SAMPLES, SECRET, StartListener, cli_env, sample

ENVELOPE = "holder-assignment-created.envelope.json"


async def spawn_listen(db: Path, *extra: str, env: dict[str, str] | None = None) -> tuple[asyncio.subprocess.Process, str]:
    """``listen --no-tui --port 0`` in a subprocess; returns it and the URL from its first line."""
    proc = await asyncio.create_subprocess_exec(
        *CLI, "listen", "--no-tui", "--port", "0", "--db", str(db), *extra,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env or cli_env(),
    )  # fmt: skip
    assert proc.stdout is not None
    first = (await asyncio.wait_for(proc.stdout.readline(), 15)).decode()
    assert first.startswith("listening on http://127.0.0.1:"), first
    return proc, first.split()[2]


async def test_listen_prints_one_safe_line_per_request_and_stops_on_sigterm(db: Path) -> None:
    proc, url = await spawn_listen(db, env=cli_env(VOUCHERIFY_WEBHOOK_SECRET=SECRET))
    body = sample(ENVELOPE)
    hostile = b'{"id": "wh_1", "project_id": "p", "type": "evil\\u001b]52;c;aGk=\\u0007.type", "data": {}}'
    async with aiohttp.ClientSession() as http:
        async with http.post(url, data=body, headers={HEADER: sign(body, SECRET)}) as resp:
            assert resp.status == 200
        async with http.post(url, data=hostile) as resp:
            assert resp.status == 200
        async with http.get(url) as resp:
            assert resp.status == 405
    proc.send_signal(signal.SIGTERM)
    out, _err = await asyncio.wait_for(proc.communicate(), 15)
    assert proc.returncode == 0
    lines = out.decode().splitlines()
    assert len(lines) == 4 and lines[-1] == "stopped after 3 requests"
    assert "POST  200  customer.holder.assignment.created  signature valid  0 errors" in lines[0]
    assert "signature missing" in lines[1] and "\x1b" not in out.decode() and "\x07" not in out.decode()
    assert "evil\\e]52;c;aGk=\\x07.type" in lines[1]
    assert "GET  405" in lines[2]


async def test_every_acknowledged_request_survives_sigkill_under_load(db: Path) -> None:
    proc, url = await spawn_listen(db)
    acknowledged: set[int] = set()
    body = sample(ENVELOPE)
    killed = asyncio.Event()

    async def client(http: aiohttp.ClientSession) -> None:
        while not killed.is_set():
            try:
                async with http.post(url, data=body) as resp:
                    if 200 <= resp.status < 300:
                        acknowledged.add((await resp.json())["id"])
            except (aiohttp.ClientError, asyncio.TimeoutError, json.JSONDecodeError):
                return

    async def killer() -> None:
        while len(acknowledged) < 300:
            await asyncio.sleep(0.01)
        proc.kill()
        killed.set()

    connector = aiohttp.TCPConnector(limit=100)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=10)) as http:
        await asyncio.wait_for(asyncio.gather(killer(), *(client(http) for _ in range(100))), 60)
    await proc.wait()
    assert proc.returncode == -signal.SIGKILL
    store = Store(db)
    try:
        stored = set(store.ids())
    finally:
        store.close()
    assert len(acknowledged) >= 300
    assert acknowledged <= stored, f"{len(acknowledged - stored)} acknowledged requests lost"


async def test_send_posts_a_correctly_signed_payload(start_listener: StartListener) -> None:
    running = await start_listener(secret=SECRET)
    proc = await asyncio.create_subprocess_exec(
        *CLI, "send", str(SAMPLES / ENVELOPE), "--to", running.url, "--secret", SECRET,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=cli_env(),
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 15)
    assert proc.returncode == 0, err
    assert out.decode().startswith("HTTP 200 OK in ")
    assert '"ok": true' in out.decode()
    (entry,) = await running.wait_settled(1)
    capture = entry.capture
    assert capture.signature == "valid" and capture.body == sample(ENVELOPE)
    assert capture.header("content-type") == "application/json"


async def test_send_reports_a_non_2xx_answer_with_status_1(start_listener: StartListener) -> None:
    running = await start_listener()
    proc = await asyncio.create_subprocess_exec(
        *CLI, "send", str(SAMPLES / ENVELOPE), "--to", running.url + "nope",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=cli_env(),
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 15)
    assert proc.returncode == 1
    assert out.decode().startswith("HTTP 404")
    assert "without a signature" in err.decode()


def test_send_to_a_closed_port_is_a_clear_error(free_port: int, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["send", str(SAMPLES / ENVELOPE), "--to", f"http://127.0.0.1:{free_port}/", "--secret", SECRET])
    assert code == 2
    assert "cannot connect to http://127.0.0.1:" in capsys.readouterr().err


def test_send_unreadable_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["send", "no-such-file.json", "--to", "http://127.0.0.1:9/"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_sign_prints_the_signature(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["sign", str(SAMPLES / ENVELOPE), "--secret", SECRET]) == 0
    assert capsys.readouterr().out == sign(sample(ENVELOPE), SECRET) + "\n"
    monkeypatch.setenv("VOUCHERIFY_WEBHOOK_SECRET", "from-env")
    assert main(["sign", str(SAMPLES / ENVELOPE)]) == 0
    assert capsys.readouterr().out.strip() == sign(sample(ENVELOPE), "from-env")


def test_sign_needs_a_secret(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sign", str(SAMPLES / ENVELOPE)]) == 2
    assert "no secret" in capsys.readouterr().err


def test_sign_a_file_that_is_not_json(capsys: pytest.CaptureFixture[str]) -> None:
    path = SAMPLES / "invalid-json-trailing-comma.json"
    assert main(["sign", str(path), "--secret", SECRET]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == sign(path.read_bytes(), SECRET)
    assert "not JSON" in captured.err


async def fill(start_listener: StartListener) -> None:
    running = await start_listener(secret=SECRET)
    body = sample(ENVELOPE)
    async with aiohttp.ClientSession() as http:
        async with http.post(running.url, data=body, headers={HEADER: sign(body, SECRET)}) as resp:
            assert resp.status == 200
        async with http.post(running.url + "?x=1", data=b"\xff\xfe not text") as resp:
            assert resp.status == 200
        async with http.delete(running.url) as resp:
            assert resp.status == 405
    await running.listener.stop()


async def test_history_exports_ndjson(start_listener: StartListener, db: Path) -> None:
    await fill(start_listener)
    proc = await asyncio.create_subprocess_exec(
        *CLI, "history", "--db", str(db), "--format", "ndjson",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=cli_env(),
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 15)
    assert proc.returncode == 0, err
    first, second, third = (json.loads(line) for line in out.decode().splitlines())
    assert first["method"] == "POST" and first["http_status"] == 200 and first["signature"] == "valid"
    assert first["body"] == sample(ENVELOPE).decode() and first["form"] == "envelope"
    assert first["event_type"] == "customer.holder.assignment.created"
    assert first["errors"] == 0 and isinstance(first["warnings"], int)
    assert [HEADER, sign(sample(ENVELOPE), SECRET)] in [[k.lower(), v] for k, v in first["headers"]]
    assert first["received_at"].endswith("+00:00")
    assert second["query"] == "x=1" and second["signature"] == "missing"
    assert "body_base64" in second and second["errors"] >= 1
    assert third["method"] == "DELETE" and third["http_status"] == 405


async def test_history_clear_empties_the_store(start_listener: StartListener, db: Path) -> None:
    await fill(start_listener)
    code = await asyncio.to_thread(main, ["history", "--db", str(db), "--clear"])
    assert code == 0
    store = Store(db)
    try:
        assert store.count() == 0
    finally:
        store.close()


def test_history_of_a_missing_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "--db", str(tmp_path / "none.db"), "--format", "ndjson"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "no captured requests yet" in captured.err


def test_history_of_a_file_that_is_not_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    assert main(["history", "--db", str(bad), "--format", "ndjson"]) == 2
    assert "cannot use as a capture database" in capsys.readouterr().err


def test_listen_rejects_a_bad_forward_url(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["listen", "--no-tui", "--port", "0", "--db", str(db), "--forward-to", "localhost:3000"]) == 2
    assert "not an http(s) URL" in capsys.readouterr().err


def test_default_database_is_in_the_user_data_dir(tmp_path: Path) -> None:
    from inspector.listen.store import default_path

    assert str(default_path()).startswith(str(tmp_path / "xdg-data"))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_listen_when_stdout_is_not_a_tty_prints_lines(db: Path) -> None:
    proc = subprocess.Popen(
        [*CLI, "listen", "--port", "0", "--db", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env(), text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("listening on http://127.0.0.1:")
    finally:
        os.kill(proc.pid, signal.SIGINT)
        proc.communicate(timeout=15)
    assert proc.returncode == 0
