"""The trigger key (``t``): send the payload shown, or an event type's docs example, to a webhook
handler as Voucherify would (compact JSON, signed when a secret is set), with fresh delivery ids,
and show what the handler answered, as the replay key does.

The app holds one ``Trigger`` for its run: the secret (the listener's, else
``$VOUCHERIFY_WEBHOOK_SECRET``; never shown) and the last URL sent to, which the next dialog
offers first. The request is ``listen.forward.deliver``, the one ``trigger`` and ``send`` make;
it runs in a worker on the screen the key was pressed on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from rich.text import Text
from textual.app import App
from textual.screen import Screen

from inspector.engine.analysis import FORM_LABELS, Analysis
from inspector.engine.examples import restamp, stamps_of
from inspector.engine.jsonparse import parse_bytes
from inspector.engine.textsafe import visible
from inspector.listen.signature import SECRET_ENV
from inspector.tui.replay import ReplayRequest, SendScreen

if TYPE_CHECKING:
    from inspector.listen.forward import Answer

# aiohttp (behind listen.forward and listen.server) is imported when a trigger is sent, not when
# the inspector starts: opening a file does not pay for the HTTP client.

SHOWN_ANSWER = 300
"""Characters of the handler's answer body shown in the toast."""


def describe_payload(analysis: Analysis) -> str:
    """``customer.holder.assignment.created · webhook envelope v2024-01-01 · 0 errors, 2 warnings``."""
    parts = [analysis.event_type or "unknown event type", FORM_LABELS[analysis.form]]
    errors, warnings = analysis.errors, analysis.warnings
    parts.append(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")
    return visible(" · ".join(parts))


class TriggerScreen(SendScreen):
    """The trigger dialog: the handler's URL and the payload (fresh ids), editable. What cannot
    be sent (no URL, not an http(s) URL, a body that is not JSON) is said in the dialog."""

    def __init__(self, *, payload: Any, analysis: Analysis, url: str, signed: bool) -> None:
        import json

        notes = [Text(describe_payload(analysis), style="dim")]
        if signed:
            notes.append(Text("Signed with the webhook secret · fresh ids and created_at", style="dim"))
        else:
            notes.append(Text(f"Not signed: no webhook secret (${SECRET_ENV}) · fresh ids and created_at", style="yellow"))
        super().__init__(
            title=Text(f"Trigger {visible(analysis.event_type or 'this payload')}", style="bold"),
            url=url,
            url_label="Your handler's URL",
            body=json.dumps(payload, indent=2, ensure_ascii=False),
            body_label="Body (sent compact, as Voucherify sends it; edit to send a variant)",
            notes=notes,
        )
        self.payload = payload

    def refusal(self, request: ReplayRequest) -> str:
        from inspector.listen.server import ListenError, check_forward_url

        if request.url is None:
            return "Give the URL of your webhook handler."
        try:
            check_forward_url(request.url)
        except ListenError as exc:
            return visible(str(exc))
        if request.body is not None:
            return edited_problem(request.body)
        return ""


def edited_problem(body: bytes) -> str:
    """Why an edited body cannot be sent (not JSON, with where), or ""."""
    doc = parse_bytes(body)
    if doc.ok:
        return ""
    first = doc.issues[0] if doc.issues else None
    if first is None:
        return "The body is not JSON."
    where = f" (line {first.line}, column {first.column})" if first.line is not None else ""
    return visible(f"The body is not JSON{where}: {first.message}")


class Trigger:
    """Sends payloads to a handler for one app run."""

    def __init__(self, *, secret: Optional[str]) -> None:
        self._secret = secret or None
        self.last_url: Optional[str] = None
        """The URL the last trigger went to: the next dialog offers it first."""

    @property
    def signed(self) -> bool:
        return self._secret is not None

    def ask(self, screen: Screen[Any], analysis: Analysis, *, default_url: Optional[str] = None) -> None:
        """Open the dialog for ``analysis``'s payload with fresh ids; what it returns is sent
        in a worker on ``screen`` (group ``trigger``) and the answer is a toast."""
        if not analysis.readable:
            screen.notify("Only a JSON payload can be triggered", timeout=3)
            return
        payload = restamp(analysis.payload, stamps_of(analysis.payload))
        url = self.last_url or default_url or ""

        def chosen(request: Optional[ReplayRequest]) -> None:
            if request is None or request.url is None:
                return
            sent = payload if request.body is None else parse_bytes(request.body).value
            self.last_url = request.url
            screen.run_worker(self.send(screen.app, request.url, sent), group="trigger", exit_on_error=False)

        screen.app.push_screen(TriggerScreen(payload=payload, analysis=analysis, url=url, signed=self.signed), chosen)

    async def send(self, app: App[Any], url: str, payload: Any) -> Answer:
        """Deliver ``payload`` to ``url`` and toast the answer."""
        from inspector.listen.forward import deliver

        answer = await deliver(url, payload, secret=self._secret)
        announce(app, answer, signed=self.signed)
        return answer


def announce(app: App[Any], answer: Answer, *, signed: bool) -> None:
    """A toast with where the webhook went and what came back, with the usual meaning of a
    failure (never markup: URLs and answers are input)."""
    from inspector.listen.forward import hint

    why = hint(answer, signed=signed)
    if not answer.sent:
        text = answer.status_line() + (f"\nhint: {why}" if why else "")
        app.notify(text, title="Trigger failed", severity="error", markup=False, timeout=10)
        return
    lines = [f"{visible(answer.url)} → {answer.status_line()}"]
    if answer.body:
        lines.append(answer.body_text(SHOWN_ANSWER))
    if not signed:
        lines.append("(sent unsigned)")
    if why and not answer.ok:
        lines.append(f"hint: {why}")
    app.notify(
        "\n".join(lines),
        title="Triggered" if answer.ok else f"Triggered: HTTP {answer.status}",
        severity="information" if answer.ok else "warning",
        markup=False,
        timeout=6 if answer.ok else 10,
    )
