"""``listen --tunnel``, ``--public-url``, ``--respond`` and ``--proxy`` as users run them: the
banner, the refusals, and no tunnel left running after SIGTERM, Ctrl-C or a closed terminal, in
``--no-tui`` and in the TUI (on a pseudo-terminal). The tunnel programs are the fakes."""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import aiohttp
import pytest

from inspector.cli import main

from .conftest import CLI, SECRET, cli_env, sample
from .fake_tunnels import CLOUDFLARED_URL, NGROK_URL, json_argv, recorded, wait_gone

ENVELOPE = "holder-assignment-created.envelope.json"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and process groups")


async def spawn(db: Path, *extra: str, env: dict[str, str] | None = None) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *CLI, "listen", "--no-tui", "--port", "0", "--db", str(db), *extra,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env or cli_env(),
    )  # fmt: skip


async def read_until(stream: asyncio.StreamReader | None, marker: str, timeout: float = 15.0) -> list[str]:
    """Lines up to and including the first that contains ``marker``."""
    assert stream is not None
    lines: list[str] = []

    async def loop() -> None:
        while not lines or marker not in lines[-1]:
            line = await stream.readline()
            assert line, f"ended before {marker!r}: {lines}"
            lines.append(line.decode().rstrip("\n"))

    await asyncio.wait_for(loop(), timeout)
    return lines


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
async def test_no_tui_tunnel_banner_and_no_orphan_after_a_signal(db: Path, fake_tunnels: Path, sig: signal.Signals) -> None:
    proc = await spawn(db, "--tunnel", "cloudflared", "--path", "/hooks", env=cli_env(VOUCHERIFY_WEBHOOK_SECRET=SECRET))
    lines = await read_until(proc.stdout, "target URL")
    assert lines[0].startswith("listening on http://127.0.0.1:") and lines[0].split()[2].endswith("/hooks")
    local = lines[0].split()[2]
    port = local.split(":")[2].split("/")[0]
    assert lines[1] == f"starting cloudflared: cloudflared tunnel --no-autoupdate --url http://127.0.0.1:{port}"
    assert lines[2] == f"public URL {CLOUDFLARED_URL}/hooks  (cloudflared → {local})"
    assert "Project settings → Webhooks" in lines[3] and "v2024-01-01" in lines[3]
    assert f"target URL {CLOUDFLARED_URL}/hooks" in lines[4]
    pid = int(recorded(fake_tunnels, "cloudflared", "pid") or 0)
    assert pid and json_argv(fake_tunnels, "cloudflared")[-1] == f"http://127.0.0.1:{port}"
    proc.send_signal(sig)
    out, _ = await asyncio.wait_for(proc.communicate(), 15)
    assert proc.returncode == 0 and out.decode().endswith("stopped after 0 requests\n")
    assert wait_gone(pid)


async def test_no_tui_tunnel_that_fails_says_why_and_keeps_listening(
    db: Path, fake_tunnels: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_TUNNEL_MODE", "exit")
    proc = await spawn(db, "--tunnel", "ngrok", "--allow-unsigned-public")
    first = await read_until(proc.stdout, "listening on")
    url = first[0].split()[2]
    err = await read_until(proc.stderr, "still listening")
    text = "\n".join(err)
    assert err[0] == "ngrok: exited with status 1 before announcing a public URL"
    assert "authentication failed" in text and "ngrok config add-authtoken" in text
    assert err[-1] == f"still listening on {url} (reachable from this machine only)"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, data=sample(ENVELOPE)) as resp:
            assert resp.status == 200
    proc.send_signal(signal.SIGTERM)
    await asyncio.wait_for(proc.communicate(), 15)
    assert proc.returncode == 0


async def test_no_tui_ngrok_and_respond(db: Path, fake_tunnels: Path) -> None:
    proc = await spawn(
        db, "--tunnel", "ngrok", "--allow-unsigned-public", "--respond", "503",
        "--respond-for", "customer.holder.assignment.deleted=200",
    )  # fmt: skip
    lines = await read_until(proc.stdout, "public URL")
    url = lines[0].split()[2]
    assert lines[1] == "answering 503; 1 per-type rule"
    assert lines[-1].startswith(f"public URL {NGROK_URL}/  (ngrok → ")
    async with aiohttp.ClientSession() as http:
        async with http.post(url, data=sample(ENVELOPE)) as resp:
            assert resp.status == 503
    line = (await read_until(proc.stdout, "#1"))[-1]
    assert "  503  customer.holder.assignment.created  " in line and line.endswith("answered by --respond 503")
    proc.send_signal(signal.SIGTERM)
    await asyncio.wait_for(proc.communicate(), 15)
    pid = int(recorded(fake_tunnels, "ngrok", "pid") or 0)
    assert pid and wait_gone(pid)


async def test_public_url_is_shown_with_the_dashboard_steps(db: Path, tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text(SECRET + "\n")
    proc = await spawn(db, "--public-url", "https://hooks.example.com", "--path", "/in", "--secret-file", str(secret_file))
    lines = await read_until(proc.stdout, "target URL")
    assert "secret set" in lines[0]
    assert lines[1].startswith("public URL https://hooks.example.com/in  (→ http://127.0.0.1:")
    proc.send_signal(signal.SIGTERM)
    await asyncio.wait_for(proc.communicate(), 15)


@pytest.mark.parametrize(
    ("args", "why"),
    [
        (["--tunnel", "cloudflared"], "--tunnel makes the listener public"),
        (["--public-url", "https://x.example.com"], "--public-url makes the listener public"),
        (["--tunnel", "ngrok", "--public-url", "https://x.example.com", "--secret", "s"], "give one of them"),
        (["--public-url", "x.example.com", "--allow-unsigned-public"], "not an http(s) URL"),
        (["--tunnel", "cloudflared", "--secret-file", "/nonexistent/secret"], "no such secret file"),
        (["--respond", "2OO"], "the status must be 200-599"),
        (["--respond", "200:{}"], "STATUS::BODY"),
        (["--respond-for", "503"], "write TYPE=STATUS"),
        (["--proxy"], "needs --forward-to"),
        (["--proxy", "--forward-to", "http://127.0.0.1:9/", "--respond", "503"], "use either"),
    ],
)
def test_refusals_exit_2_and_say_why(db: Path, capsys: pytest.CaptureFixture[str], args: list[str], why: str) -> None:
    assert main(["listen", "--no-tui", "--port", "0", "--db", str(db), *args]) == 2
    assert why in capsys.readouterr().err


async def test_respond_for_an_unknown_type_warns_and_runs(db: Path) -> None:
    proc = await spawn(db, "--respond-for", "customer.holder.asignment.created=500")
    lines = await read_until(proc.stdout, "per-type rule")
    assert lines[1] == "answering 200; 1 per-type rule"
    proc.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(proc.communicate(), 15)
    assert "warning: --respond-for 'customer.holder.asignment.created'; did you mean customer.holder.assignment.created" in err.decode()


def test_tui_on_a_terminal_stops_its_tunnel_on_sigterm(db: Path, fake_tunnels: Path) -> None:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 140, 0, 0))
    proc = subprocess.Popen(
        [*CLI, "listen", "--port", "0", "--db", str(db), "--tunnel", "cloudflared"],
        stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
        env=cli_env(VOUCHERIFY_WEBHOOK_SECRET=SECRET, TERM="xterm-256color"),
    )  # fmt: skip
    os.close(slave)
    screen = bytearray()

    def drain(seconds: float, until: bytes = b"") -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not (until and until in screen):
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    screen.extend(os.read(master, 65536))
                except OSError:  # the terminal's other side closed
                    return

    try:
        drain(30, until=b"trycloudflare.com")
        pid = recorded(fake_tunnels, "cloudflared", "pid")
        assert pid is not None, screen[-2000:]
        assert b"trycloudflare.com" in screen
        proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        while proc.poll() is None and time.monotonic() < deadline:
            drain(0.1)
        assert proc.returncode == 0, screen[-2000:]
        assert wait_gone(int(pid))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
        os.close(master)
