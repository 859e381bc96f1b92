"""Tunnels: URL discovery from what cloudflared and ngrok print, ngrok's agent API as a fallback,
failures that name the program and show its last lines, and no process left after stop.

The programs are the fakes of ``fake_tunnels.py``, first on PATH; nothing reaches beyond
127.0.0.1."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, AsyncIterator

import pytest
from aiohttp import web

from inspector.listen.tunnel import (
    PublicEndpoint,
    Tunnel,
    check_public_url,
    dashboard_steps,
    ngrok_api_url,
    shown_line,
    target_address,
    tunnel_command,
    url_in_line,
    webhook_url,
)

from .fake_tunnels import CLOUDFLARED_URL, NGROK_URL, is_gone, json_argv, recorded, wait_gone


# ---------------------------------------------------------------- what the programs print


@pytest.mark.parametrize(
    ("line", "url"),
    [
        ("2026-05-04T10:11:12Z INF |  https://seasonal-deck-organisms-sf.trycloudflare.com     |", CLOUDFLARED_URL),
        ("INF Requesting new quick Tunnel on trycloudflare.com...", None),
        ('ERR failed to request quick Tunnel: Post "https://api.trycloudflare.com/tunnel": EOF', None),
        ("INF |  http://plain-http.trycloudflare.com  |", None),
        ("INF visit https://evil.example.com/?x=.trycloudflare.com", None),
    ],
)
def test_cloudflared_url_is_the_quick_tunnel_host_only(line: str, url: str | None) -> None:
    assert url_in_line("cloudflared", line) == url


@pytest.mark.parametrize(
    ("record", "url"),
    [
        ({"lvl": "info", "msg": "started tunnel", "obj": "tunnels", "url": NGROK_URL}, NGROK_URL),
        ({"lvl": "info", "msg": "started tunnel", "url": "http://1a2b.ngrok-free.app"}, None),
        ({"lvl": "info", "msg": "starting web service", "addr": "127.0.0.1:4040"}, None),
        ({"lvl": "info", "msg": "started tunnel", "url": 42}, None),
    ],
)
def test_ngrok_url_comes_from_the_started_tunnel_record(record: dict[str, Any], url: str | None) -> None:
    assert url_in_line("ngrok", json.dumps(record)) == url


@pytest.mark.parametrize("line", ["not json", "[1, 2]", '{"msg": "started tunnel"', f"started tunnel {NGROK_URL}"])
def test_ngrok_lines_that_are_not_records_announce_nothing(line: str) -> None:
    assert url_in_line("ngrok", line) is None


def test_ngrok_api_answer_is_matched_to_our_port() -> None:
    answer = {
        "tunnels": [
            {"public_url": "https://other.ngrok-free.app", "proto": "https", "config": {"addr": "http://localhost:3000"}},
            {"public_url": "http://ours.ngrok-free.app", "proto": "http", "config": {"addr": "http://127.0.0.1:8765"}},
            {"public_url": "https://ours.ngrok-free.app", "proto": "https", "config": {"addr": "http://127.0.0.1:8765"}},
        ]
    }
    assert ngrok_api_url(answer, 8765) == "https://ours.ngrok-free.app"
    assert ngrok_api_url(answer, 9999) is None


@pytest.mark.parametrize("answer", [None, [], {"tunnels": None}, {"tunnels": [1, {"public_url": None}]}, {"tunnels": [{"config": []}]}])
def test_ngrok_api_answer_of_odd_shape_gives_nothing(answer: Any) -> None:
    assert ngrok_api_url(answer, 8765) is None


def test_shown_lines_are_visible_short_and_readable() -> None:
    assert shown_line("ERR boom \x1b[2J\x07") == "ERR boom \\e[2J\\x07"
    assert len(shown_line("x" * 5000)) == 300
    record = {"lvl": "eror", "msg": "session closing", "err": "authentication failed"}
    assert shown_line(json.dumps(record)) == "eror session closing: authentication failed"


def test_commands_point_at_the_listener() -> None:
    assert tunnel_command("cloudflared", "127.0.0.1:8765") == ["tunnel", "--no-autoupdate", "--url", "http://127.0.0.1:8765"]
    assert tunnel_command("ngrok", "127.0.0.1:8765") == ["http", "127.0.0.1:8765", "--log", "stdout", "--log-format", "json"]
    assert target_address("0.0.0.0", 80) == "127.0.0.1:80"
    assert target_address("::", 80) == "[::1]:80"
    assert target_address("::1", 80) == "[::1]:80"
    assert target_address("127.0.0.1", 80) == "127.0.0.1:80"


@pytest.mark.parametrize(
    ("public", "path", "expected"),
    [
        ("https://a.trycloudflare.com", "/", "https://a.trycloudflare.com/"),
        ("https://a.trycloudflare.com/", "/hooks", "https://a.trycloudflare.com/hooks"),
        ("https://proxy.example.com/voucherify", "/", "https://proxy.example.com/voucherify"),
    ],
)
def test_webhook_url_adds_the_listen_path_unless_given_one(public: str, path: str, expected: str) -> None:
    assert webhook_url(public, path) == expected
    assert any(expected in step for step in dashboard_steps(expected))


@pytest.mark.parametrize("bad", ["ftp://x.example.com", "hooks.example.com", "https://", "http://[::1"])
def test_public_url_must_be_http(bad: str) -> None:
    with pytest.raises(ValueError, match="URL"):
        check_public_url(bad)


async def test_a_fixed_public_url_is_up_from_the_start() -> None:
    endpoint = PublicEndpoint("https://hooks.example.com")
    assert endpoint.state == "up" and endpoint.name == "public URL"
    await endpoint.open("127.0.0.1", 8765)
    assert endpoint.webhook_url("/in") == "https://hooks.example.com/in"
    await endpoint.close()


# ---------------------------------------------------------------- the programs, run


@pytest.fixture
async def tunnels() -> AsyncIterator[list[Tunnel]]:
    """Tunnels a test opened; closed at teardown whatever happened."""
    opened: list[Tunnel] = []
    yield opened
    for tunnel in opened:
        await tunnel.close()


async def settle(tunnel: Tunnel, timeout: float = 10.0) -> None:
    """Until the tunnel is up or has failed (bounded)."""

    async def loop() -> None:
        while tunnel.state == "starting":
            await asyncio.sleep(0.02)

    await asyncio.wait_for(loop(), timeout)


async def open_tunnel(tunnels: list[Tunnel], program: Any, port: int = 8765, **kwargs: Any) -> Tunnel:
    tunnel = Tunnel(program, **kwargs)
    tunnels.append(tunnel)
    await tunnel.open("127.0.0.1", port)
    await settle(tunnel)
    return tunnel


@pytest.mark.parametrize(("program", "url"), [("cloudflared", CLOUDFLARED_URL), ("ngrok", NGROK_URL)])
async def test_url_is_found_and_the_child_is_gone_after_close(
    fake_tunnels: Path, tunnels: list[Tunnel], program: Any, url: str
) -> None:
    changes: list[str] = []
    tunnel = Tunnel(program)
    tunnel.watch(lambda endpoint: changes.append(endpoint.state))
    tunnels.append(tunnel)
    await tunnel.open("127.0.0.1", 8765)
    await settle(tunnel)
    assert tunnel.state == "up" and tunnel.url == url, tunnel.failure_text()
    assert tunnel.webhook_url("/hooks") == url + "/hooks"
    pid = tunnel.pid
    assert pid is not None and recorded(fake_tunnels, program, "pid") == str(pid)
    assert json_argv(fake_tunnels, program) == tunnel_command(program, "127.0.0.1:8765")
    assert not is_gone(pid)
    await tunnel.close()
    assert is_gone(pid)
    assert tunnel.state == "stopped" and changes[-2:] == ["up", "stopped"]


async def test_slow_start_within_the_timeout_still_comes_up(
    fake_tunnels: Path, tunnels: list[Tunnel], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_TUNNEL_MODE", "slow")
    tunnel = await open_tunnel(tunnels, "cloudflared", timeout=8.0)
    assert tunnel.url == CLOUDFLARED_URL


@pytest.mark.parametrize("program", ["cloudflared", "ngrok"])
async def test_no_url_in_time_fails_with_last_lines_and_kills_the_program(
    fake_tunnels: Path, tunnels: list[Tunnel], monkeypatch: pytest.MonkeyPatch, program: Any
) -> None:
    monkeypatch.setenv("FAKE_TUNNEL_MODE", "no-url")
    # Long enough for the fake to start and print under a loaded machine's test run.
    tunnel = await open_tunnel(tunnels, program, timeout=2.5, api_url="http://127.0.0.1:9/none")
    assert tunnel.state == "failed" and tunnel.url is None
    assert "no public URL within 2.5 s" in tunnel.error
    text = tunnel.failure_text()
    assert text.startswith(f"{program}: ") and "last lines it printed" in text
    assert ("Requesting new quick Tunnel" if program == "cloudflared" else "info tunnel session started") in text
    assert f"install {program}" in text
    pid = recorded(fake_tunnels, program, "pid")
    assert pid is not None and is_gone(int(pid))


async def test_early_exit_fails_with_status_and_visible_last_lines(
    fake_tunnels: Path, tunnels: list[Tunnel], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_TUNNEL_MODE", "exit")
    tunnel = await open_tunnel(tunnels, "cloudflared")
    assert tunnel.state == "failed" and tunnel.url is None
    assert tunnel.error == "exited with status 1 before announcing a public URL"
    text = tunnel.failure_text()
    assert "no such host \\e[2J" in text and "\x1b" not in text
    assert "https://api.trycloudflare.com" in text  # in the error line, never taken for the URL


async def test_ngrok_without_authtoken_says_so(fake_tunnels: Path, tunnels: list[Tunnel], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_TUNNEL_MODE", "exit")
    tunnel = await open_tunnel(tunnels, "ngrok")
    assert tunnel.state == "failed"
    text = tunnel.failure_text()
    assert "eror session closing: authentication failed" in text
    assert "ngrok config add-authtoken" in text


async def test_missing_program_says_how_to_install(tmp_path: Path, tunnels: list[Tunnel], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing in it
    tunnel = await open_tunnel(tunnels, "cloudflared")
    assert tunnel.state == "failed" and tunnel.pid is None
    assert tunnel.error == "cloudflared is not installed (not found on PATH)"
    assert "brew install cloudflared" in tunnel.failure_text()


async def test_ngrok_agent_api_is_the_fallback(
    fake_tunnels: Path, tunnels: list[Tunnel], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_TUNNEL_MODE", "api-only")
    asked: list[str] = []

    async def api(request: web.Request) -> web.Response:
        asked.append(request.path)
        return web.json_response(
            {
                "tunnels": [
                    {"public_url": "https://someone-else.ngrok-free.app", "config": {"addr": "http://localhost:3000"}},
                    {"public_url": NGROK_URL, "config": {"addr": "http://127.0.0.1:8765"}},
                ]
            }
        )

    app = web.Application()
    app.router.add_get("/api/tunnels", api)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        port = runner.addresses[0][1]
        tunnel = await open_tunnel(tunnels, "ngrok", timeout=8.0, api_url=f"http://127.0.0.1:{port}/api/tunnels")
        assert tunnel.state == "up" and tunnel.url == NGROK_URL
        assert asked and set(asked) == {"/api/tunnels"}
    finally:
        await runner.cleanup()


async def test_stop_takes_the_programs_children_too(
    fake_tunnels: Path, tunnels: list[Tunnel], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_TUNNEL_MODE", "grandchild")
    tunnel = await open_tunnel(tunnels, "cloudflared")
    assert tunnel.state == "up"
    grandchild = recorded(fake_tunnels, "cloudflared", "grandchild")
    assert grandchild is not None and not is_gone(int(grandchild))
    await tunnel.close()
    assert tunnel.pid is not None and is_gone(tunnel.pid)
    assert wait_gone(int(grandchild))


async def test_a_program_that_ignores_sigterm_is_killed(
    fake_tunnels: Path, tunnels: list[Tunnel], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_TUNNEL_MODE", "stubborn")
    tunnel = await open_tunnel(tunnels, "ngrok", stop_grace=0.3)
    assert tunnel.state == "up"
    await tunnel.close()
    assert tunnel.pid is not None and is_gone(tunnel.pid)


async def test_a_tunnel_that_dies_later_is_reported_down(
    fake_tunnels: Path, tunnels: list[Tunnel], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_TUNNEL_MODE", "die-later")
    tunnel = await open_tunnel(tunnels, "cloudflared")
    assert tunnel.state == "up"

    async def down() -> None:
        while tunnel.state == "up":
            await asyncio.sleep(0.02)

    await asyncio.wait_for(down(), 5.0)
    assert tunnel.state == "stopped" and "exited with status 3" in tunnel.error and CLOUDFLARED_URL in tunnel.error


async def test_close_while_starting_leaves_nothing(
    fake_tunnels: Path, tunnels: list[Tunnel], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_TUNNEL_MODE", "no-url")
    tunnel = Tunnel("cloudflared")
    tunnels.append(tunnel)
    await tunnel.open("127.0.0.1", 8765)

    async def started() -> None:
        while recorded(fake_tunnels, "cloudflared", "pid") is None or tunnel.pid is None:
            await asyncio.sleep(0.02)

    await asyncio.wait_for(started(), 5.0)
    await tunnel.close()
    assert tunnel.state == "stopped" and tunnel.pid is not None and is_gone(tunnel.pid)

