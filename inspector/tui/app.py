"""The inspector app: wiring only. It builds the main screen from what it was started with, owns
the live feed's lifetime, adds each screen's palette commands and remembers the theme.

Build it with ``create_app``; the command line, the tests, the screenshots and the benchmarks
all do. What the screen shows and does is in ``screens/main.py``.
"""

from __future__ import annotations

from typing import Any, ClassVar, Iterable, Optional, Sequence

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme

from inspector.engine.analyze import Engine
from inspector.engine.inputs import make_engine
from inspector.listen.capture import Entry
from inspector.listen.signature import secret_from
from inspector.listen.source import LiveSource
from inspector.tui.commands import CommandSource
from inspector.tui.live import LiveFeed
from inspector.tui.screens.docs import DocsScreen, DocsStart
from inspector.tui.screens.main import MainScreen
from inspector.tui.trigger import Trigger
from inspector.tui.settings import load_settings, save_settings

class InspectorApp(App[None]):
    """voucherify-inspect's TUI."""

    CSS_PATH = "app.tcss"
    TITLE = "voucherify-inspect"

    BINDINGS: ClassVar[list[BindingType]] = [
        # A payload view opened over another screen (the docs' example): escape goes back, once
        # the screen's own escape (ending a search) has nothing to do.
        Binding("escape", "back", "Back"),
    ]

    def __init__(
        self,
        *,
        engine: Engine,
        paths: Sequence[str] = (),
        event_type: Optional[str] = None,
        entries: Sequence[Entry] = (),
        listener: Optional[LiveSource] = None,
        stdin: Optional[bytes] = None,
        secret: Optional[str] = None,
        docs: Optional[DocsStart] = None,
    ) -> None:
        super().__init__()
        self.settings = load_settings()
        self.engine = engine
        self.live = LiveFeed(listener) if listener is not None else None
        self.trigger = Trigger(secret=secret)
        self.main_screen = MainScreen(
            engine=engine, paths=paths, event_type=event_type, entries=entries, stdin=stdin, live=self.live, trigger=self.trigger
        )
        self.docs_screen = DocsScreen(engine=engine, start=docs, trigger=self.trigger) if docs is not None else None

    def on_mount(self) -> None:
        # The theme chosen last time (ignored if this Textual has no such theme), and from now
        # on every change of theme is remembered.
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        if theme.name == self.settings.theme:
            return
        self.settings.theme = theme.name
        try:
            save_settings(self.settings)
        except OSError as exc:
            self.notify(f"The theme is not remembered: {exc}", title="Settings", severity="warning", markup=False)

    def get_default_screen(self) -> Screen[Any]:
        return self.docs_screen if self.docs_screen is not None else self.main_screen

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return len(self.screen_stack) > 1 and isinstance(self.screen, MainScreen)
        return True

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, CommandSource):
            yield from screen.system_commands()

    def action_toggle_keys(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    async def action_quit(self) -> None:
        if self.live is not None:
            await self.live.stop()
        self.exit()

    async def on_unmount(self) -> None:
        if self.live is not None:
            await self.live.stop()


def create_app(
    *,
    engine: Optional[Engine] = None,
    paths: Sequence[str] = (),
    event_type: Optional[str] = None,
    entries: Optional[Sequence[Entry]] = None,
    listener: Optional[LiveSource] = None,
    stdin: Optional[bytes] = None,
    secret: Optional[str] = None,
    docs: Optional[DocsStart] = None,
) -> InspectorApp:
    """The one way to build the app. ``paths`` load in a worker; ``entries`` (e.g. from the
    capture store) show at once; ``listener`` adds live capture; ``stdin`` holds the bytes read
    for a ``-`` path before the terminal was taken over; ``secret`` signs what the trigger key
    sends (None: ``$VOUCHERIFY_WEBHOOK_SECRET``, if set); ``docs`` starts on the documentation of
    an event type (or the list of them) instead of payloads."""
    return InspectorApp(
        engine=engine if engine is not None else make_engine(None),
        paths=paths,
        event_type=event_type,
        entries=entries or (),
        listener=listener,
        stdin=stdin,
        secret=secret if secret is not None else secret_from(None),
        docs=docs,
    )
