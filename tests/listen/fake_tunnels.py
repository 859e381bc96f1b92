"""Fake ``cloudflared`` and ``ngrok`` programs for the tunnel tests: small Python scripts, put
first on PATH, that print what the real ones print and reach nothing.

``FAKE_TUNNEL_MODE`` picks a variant: ``ok``, ``slow`` (the URL after a second), ``no-url``,
``exit`` (an error and status 1), ``stubborn`` (ignores SIGTERM), ``grandchild`` (starts a child
of its own), ``api-only`` (ngrok: no "started tunnel" line, the URL only in its agent API),
``die-later`` (announces the URL, then exits). Each run writes its pid, argv and any grandchild's
pid to ``FAKE_TUNNEL_DIR``. Every fake ends by itself after 60 s, so a test that fails cannot
leave one running for long.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Optional

CLOUDFLARED_URL = "https://seasonal-deck-organisms-sf.trycloudflare.com"
NGROK_URL = "https://1a2b-203-0-113-9.ngrok-free.app"

_SCRIPT = r'''
import json, os, signal, subprocess, sys, time

name = os.path.basename(sys.argv[0])
mode = os.environ.get("FAKE_TUNNEL_MODE", "ok")
state = os.environ["FAKE_TUNNEL_DIR"]

def note(suffix, text):
    with open(os.path.join(state, name + suffix), "w") as f:
        f.write(text)

note(".argv", json.dumps(sys.argv[1:]))
note(".pid", str(os.getpid()))
if mode == "stubborn":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
if mode == "grandchild":
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    note(".grandchild", str(child.pid))

def say(stream, text):
    stream.write(text + "\n")
    stream.flush()

T = "2026-05-04T10:11:12Z"
if name == "cloudflared":
    err = sys.stderr
    say(err, T + " INF Thank you for trying Cloudflare Tunnel. Doing so, without a Cloudflare account, is a quick way to experiment and try it out.")
    say(err, T + " INF Requesting new quick Tunnel on trycloudflare.com...")
    if mode == "slow":
        time.sleep(1.0)
    if mode == "exit":
        say(err, T + ' ERR failed to request quick Tunnel: Post "https://api.trycloudflare.com/tunnel": dial tcp: lookup api.trycloudflare.com: no such host \x1b[2J')
        sys.exit(1)
    if mode != "no-url":
        say(err, T + " INF +--------------------------------------------------------------------------------------------+")
        say(err, T + " INF |  Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):  |")
        say(err, T + " INF |  CLOUDFLARED_URL                                       |")
        say(err, T + " INF +--------------------------------------------------------------------------------------------+")
        say(err, T + " INF Registered tunnel connection connIndex=0 location=fra08 protocol=quic")
else:
    out = sys.stdout
    log = lambda **fields: say(out, json.dumps(dict(t=T, **fields)))
    log(lvl="info", msg="no configuration paths supplied", obj="app")
    log(lvl="info", msg="starting web service", obj="web", addr="127.0.0.1:4040", allow_hosts="[]")
    if mode == "slow":
        time.sleep(1.0)
    if mode == "exit":
        log(lvl="eror", msg="session closing", obj="tunnels.session", err="authentication failed: Usage of ngrok requires a verified account and authtoken.")
        say(sys.stderr, "ERROR:  authentication failed: Usage of ngrok requires a verified account and authtoken.")
        sys.exit(1)
    log(lvl="info", msg="tunnel session started", obj="tunnels.session")
    if mode not in ("no-url", "api-only"):
        addr = sys.argv[2] if len(sys.argv) > 2 else "80"
        log(lvl="info", msg="started tunnel", obj="tunnels", name="command_line", addr="http://" + addr, url="NGROK_URL")

if mode == "die-later":
    time.sleep(0.5)
    sys.exit(3)
deadline = time.time() + 60
while time.time() < deadline:
    time.sleep(0.2)
'''


def write_fakes(directory: Path) -> Path:
    """Write ``cloudflared`` and ``ngrok`` into ``directory/bin``; returns that folder."""
    bin_dir = directory / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    text = f"#!{sys.executable}\n" + _SCRIPT.replace("CLOUDFLARED_URL", CLOUDFLARED_URL).replace("NGROK_URL", NGROK_URL)
    for name in ("cloudflared", "ngrok"):
        path = bin_dir / name
        path.write_text(text, encoding="utf-8")
        path.chmod(0o755)
    return bin_dir


def recorded(state: Path, name: str, what: str) -> Optional[str]:
    """What the last fake ``name`` recorded (``pid``, ``argv``, ``grandchild``), if it has."""
    path = state / f"{name}.{what}"
    return path.read_text(encoding="utf-8") if path.exists() else None


def is_gone(pid: int) -> bool:
    """No such process, or only its zombie left for whoever inherited it to reap."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # the pid now belongs to someone else's process
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def wait_gone(pid: int, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if is_gone(pid):
            return True
        time.sleep(0.05)
    return is_gone(pid)


def json_argv(state: Path, name: str) -> list[str]:
    text = recorded(state, name, "argv")
    assert text is not None, f"{name} did not run"
    value = json.loads(text)
    assert isinstance(value, list)
    return [str(v) for v in value]
