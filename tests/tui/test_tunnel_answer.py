"""The TUI with a public endpoint and chosen answers: the status bar, where to paste the URL, the
copy key, the answer key, what a captured request says about its answer and its sender."""

from __future__ import annotations

from typing import Optional

from textual.widgets import Static

from inspector.engine.analyze import Engine
from inspector.listen.capture import Capture
from inspector.listen.tunnel import PublicEndpoint
from inspector.tui import _textual_private as private
from inspector.tui.app import InspectorApp, create_app
from inspector.tui.event_list import entry_row

from .conftest import FakeListener, details_text, load_sample, make_entry, until

URL = "https://seasonal-deck-organisms-sf.trycloudflare.com"


class FakeTunnel(PublicEndpoint):
    """A tunnel the test moves through its states."""

    program = "cloudflared"

    def come_up(self, url: str) -> None:
        self.url, self.state = url, "up"
        self._changed()

    def fail(self, error: str) -> None:
        self.state, self.error = "failed", error
        self._changed()


def status(app: InspectorApp) -> str:
    return str(app.query_one("#status", Static).content)


def notes(app: InspectorApp) -> list[tuple[Optional[str], str]]:
    return [(n.title, n.message) for n in private.notifications(app)]


async def test_tunnel_url_in_status_placeholder_and_copy(engine: Engine, copied: list[str]) -> None:
    tunnel = FakeTunnel()
    listener = FakeListener(public=tunnel)
    listener.path = "/hooks"
    app = create_app(engine=engine, listener=listener)
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: app.main_screen.listen_url is not None)
        assert "⇄ starting cloudflared…" in status(app)
        tunnel.come_up(URL)
        await until(pilot, lambda: f"⇄ {URL}/hooks" in status(app))
        assert f"⇄ {URL}/hooks" in status(app)
        assert f"waiting for webhooks at {URL}/hooks" in app.main_screen.payload_tree.placeholder
        assert "u copies it" in app.main_screen.payload_tree.placeholder
        details = details_text(app)
        assert "Public URL (cloudflared)" in details and f"target URL {URL}/hooks" in details
        assert "Project settings → Webhooks" in details and "v2024-01-01" in details
        assert ("Public URL (cloudflared)", f"{URL}/hooks\nu copies it") in notes(app)
        await pilot.press("u")
        assert copied[-1] == f"{URL}/hooks"


async def test_failed_tunnel_says_why_and_that_the_listener_goes_on(engine: Engine) -> None:
    tunnel = FakeTunnel()
    app = create_app(engine=engine, listener=FakeListener(public=tunnel))
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: app.main_screen.listen_url is not None)
        tunnel.fail("cloudflared is not installed (not found on PATH)")
        await until(pilot, lambda: "cloudflared failed" in status(app))
        assert "cloudflared failed" in status(app) and "listening on http://127.0.0.1:8765/" in status(app)
        title, message = notes(app)[-1]
        assert title == "cloudflared failed"
        assert "not installed" in message and "Still listening on http://127.0.0.1:8765/ (this machine only)" in message


async def test_fixed_public_url_shows_at_once(engine: Engine, copied: list[str]) -> None:
    app = create_app(engine=engine, listener=FakeListener(public=PublicEndpoint("https://hooks.example.com")))
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: "⇄ https://hooks.example.com/" in status(app))
        assert app.main_screen.listen_url is not None
        await pilot.press("u")
        assert copied[-1] == "https://hooks.example.com/"


async def test_copy_url_without_a_public_one_copies_the_local_url(engine: Engine, copied: list[str]) -> None:
    app = create_app(engine=engine, listener=FakeListener())
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: app.main_screen.listen_url is not None)
        await pilot.press("u")
        assert copied[-1] == "http://127.0.0.1:8765/"


async def test_answer_key_cycles_and_shows_the_answer(engine: Engine) -> None:
    listener = FakeListener()
    app = create_app(engine=engine, listener=listener)
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: app.main_screen.listen_url is not None)
        assert "answering" not in status(app)
        seen = []
        for _ in range(4):
            await pilot.press("s")
            assert listener.responder is not None
            seen.append(listener.responder.current.status)
            if listener.responder.current.status is not None and listener.responder.current.status != 200:
                assert f"answering {listener.responder.current.status} (s)" in status(app)
        assert seen == [500, 503, None, 200]
        assert "answering" not in status(app)
        assert ("Answer", "Webhooks are now answered timeout (no answer)") in notes(app)


async def test_answer_key_with_proxy_says_the_app_answers(engine: Engine) -> None:
    listener = FakeListener()
    listener.responder = None  # type: ignore[assignment]
    app = create_app(engine=engine, listener=listener)
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: app.main_screen.listen_url is not None)
        await pilot.press("s")
        assert any("your app answers" in message for _, message in notes(app))


def chosen(engine: Engine, status: int, rule: str, headers: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    capture = Capture(
        received_at=1_700_000_000.0,
        method="POST",
        path="/",
        headers=headers,
        body=b"{}",
        remote="127.0.0.1",
        http_status=status,
        answer_rule=rule,
        id=1,
    )
    return make_entry(engine, load_sample("holder-assignment-created.envelope.json"), capture=capture)


async def test_captured_request_tells_its_answer_and_sender(engine: Engine) -> None:
    listener = FakeListener()
    app = create_app(engine=engine, listener=listener)
    headers = [("CF-Connecting-IP", "203.0.113.9\x1b[2J"), ("Host", "x.trycloudflare.com")]
    async with app.run_test(size=(160, 40)) as pilot:
        await until(pilot, lambda: app.main_screen.listen_url is not None)
        assert listener.on_entry is not None
        listener.on_entry(chosen(engine, 0, "answer key: timeout", headers))
        await until(pilot, lambda: len(app.main_screen.event_list.entries) == 1)
        details = details_text(app)
        assert "→ no answer" in details and "answered no answer by answer key: timeout" in details
        assert "from 203.0.113.9\\e[2J (CF-Connecting-IP, via 127.0.0.1)" in details and "\x1b" not in details
        row = entry_row(app.main_screen.event_list.entries[0], 80).plain
        assert "customer.holder.assignment.created" in row and "→no answer" in row


def test_rows_mark_chosen_answers_and_a_missing_app(engine: Engine) -> None:
    row = entry_row(chosen(engine, 503, "--respond 503", []), 80).plain
    assert "customer.holder.assignment.created" in row and " →503 " in row
    assert " →502 no app " in entry_row(chosen(engine, 502, "--proxy: your app did not answer", []), 80).plain
    assert "→" not in entry_row(chosen(engine, 200, "--proxy", []), 80).plain
