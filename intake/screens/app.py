"""The Textual app: a start screen, the interview and a summary, on one store."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen
from textual.theme import ThemeProvider
from textual.worker import Worker, WorkerState

from intake import settings
from intake.errors import IntakeError
from intake.flows.display import Texts
from intake.flows.model import Content
from intake.flows.text import Language
from intake.screens.base import IntakeScreen
from intake.screens.commands import ScreenCommands
from intake.screens.dialogs import ErrorDialog
from intake.screens.error_words import error_words
from intake.screens.key_names import KeyNames
from intake.screens.language_dialog import LanguageDialog, Speech
from intake.screens.texts_util import translate_bindings
from intake.screens.themes import THEMES
from intake.session import IntakeSession, ReviewSession
from intake.store_api import SessionStore

if TYPE_CHECKING:
    from collections.abc import Iterable

    from intake.flows.matching import Catalogue


class IntakeApp(App[None]):
    CSS_PATH = "intake.tcss"
    # Every answer is saved as it is given, so quitting is always safe.
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
        Binding("ctrl+l", "language", "Language", id="app.language"),
        Binding("ctrl+c", "help_quit", show=False, system=True, id="app.help_quit"),
        # Textual's own, given an id: its word in the key bar is translated and its key can be remapped.
        Binding("ctrl+p", "command_palette", "Palette", show=False, priority=True, id="app.command_palette"),
    ]
    COMMANDS = App.COMMANDS | {ScreenCommands}
    # Below 100 columns the screens get the class -narrow (side panels give room), below 32 rows
    # -short (dialogs' buttons are one line): see intake.tcss.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    def __init__(self, store: SessionStore, content: Content, language: Language = "fi",
                 export_dir: Path | None = None, theme: str | None = None,
                 keymap: dict[str, str] | None = None, **kwargs):
        super().__init__(**kwargs)
        for registered in THEMES.values():
            self.register_theme(registered)
        if theme is not None:
            self.theme = theme
        if keymap:
            self.set_keymap(keymap)
            # The key bar looks the palette's key up under this name.
            self.COMMAND_PALETTE_BINDING = keymap.get("app.command_palette", self.COMMAND_PALETTE_BINDING).split(",")[0]
        self.store = store
        self.content = content
        self.language: Language = language
        self.export_dir = settings.export_dir(export_dir, {})
        self.keys = KeyNames(keymap)  # what the texts that name a key say
        self.texts = Texts(content, language, keys=self.keys)
        self.session: IntakeSession | None = None  # the open session; it holds its edit lock
        translate_bindings(self, self.texts)
        self.title = content.flow.title.get(language)

    def on_mount(self) -> None:
        from intake.screens.start import StartScreen

        self.push_screen(StartScreen(self.texts))

    # --- opening sessions ---------------------------------------------------

    def open_session(self, session: IntakeSession) -> None:
        """Show a session where it stands: the interview, or the summary when it is complete."""
        from intake.screens.interview import InterviewScreen

        if self.session is not None and self.session is not session:
            self.close_session()
        self.session = session
        texts = self.session_texts(session)
        self._speak(texts)  # the app's own keys (ctrl+q) in the session's language too
        if session.read_only:
            from intake.screens.summary import SummaryScreen  # and the exports: not on the way to a question

            self.push_screen(SummaryScreen(texts, session))
        elif session.interview.current() is None:
            self.push_screen(self._where_it_stands(session, texts))
        else:
            self.push_screen(InterviewScreen(texts, session))

    def _where_it_stands(self, session: IntakeSession, texts: Texts) -> Screen:
        """A complete session opens on its period once the plan is agreed with a start (the reviews,
        attendance and the end are held there); before that, where its interview continues."""
        from intake.screens.period import PeriodScreen, has_period

        return PeriodScreen(texts, session) if has_period(session) else self.after_interview(session)

    def after_interview(self, session: IntakeSession | ReviewSession) -> Screen:
        """Where a complete interview continues: choosing a placement until one is chosen, then the
        plan; the summary when the content has no placements or rules. A review goes back to its period."""
        from intake.screens.matching import MatchingScreen
        from intake.screens.period import PeriodScreen
        from intake.screens.plan import PlanScreen
        from intake.screens.summary import SummaryScreen

        if isinstance(session, ReviewSession):
            return PeriodScreen(self.session_texts(session.session), session.session)
        texts = self.session_texts(session)
        if session.read_only:
            return SummaryScreen(texts, session)
        if session.interview.state.decisions.placement_id is None and self.catalogue is not None:
            return MatchingScreen(texts, session)
        if session.content.rules is not None:
            return PlanScreen(texts, session)
        return SummaryScreen(texts, session)

    @cached_property
    def catalogue(self) -> Catalogue | None:
        """The built-in and the county's imported placements compiled for matching, once per app
        (None without placements)."""
        from intake.merged_catalogue import matching_catalogue  # numpy only once placements are matched

        return matching_catalogue(self.store, self.content)

    def close_session(self) -> None:
        """Release the open session's edit lock; its answers are already saved."""
        session, self.session = self.session, None
        self._speak(self.texts)
        if session is not None:
            try:
                session.close()
            except IntakeError as exc:
                self.show_error(exc)

    def _speak(self, texts: Texts) -> None:
        translate_bindings(self, texts)
        if self.screen_stack:  # not while the app is closing
            self.refresh_bindings()

    def leave_session(self) -> None:
        """Back to the start screen from the interview or the summary."""
        self.close_session()
        self.pop_screen()

    def leave(self, session: IntakeSession | ReviewSession) -> None:
        """Away from the interview or the summary of `session`: a review's back to its period, the
        intake's to the start screen. Everything is already saved."""
        if isinstance(session, ReviewSession):
            self.switch_screen(self.after_interview(session))
        else:
            self.leave_session()

    # --- the command palette ------------------------------------------------------

    def words(self) -> Texts:
        """The texts of the topmost intake screen (in a session, its language), else the app's;
        the palette and dialogs have none of their own."""
        return next((screen.t for screen in reversed(self.screen_stack) if hasattr(screen, "t")), self.texts)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=self.words()("palette.placeholder"), id="--command-palette"))

    def search_themes(self) -> None:
        self.push_screen(CommandPalette(providers=[ThemeProvider], placeholder=self.words()("palette.theme_placeholder")))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands in the session's words. Quit is the app's key (ScreenCommands
        has it), and no screenshot: it would write the client's answers to a file."""
        t = self.words()
        yield SystemCommand(t("palette.theme"), t("palette.theme_help"), self.action_change_theme)
        if screen.query("HelpPanel"):
            yield SystemCommand(t("palette.keys"), t("palette.keys_hide_help"), self.action_hide_help_panel)
        else:
            yield SystemCommand(t("palette.keys"), t("palette.keys_help"), self.action_show_help_panel)
        if screen.maximized is not None:
            yield SystemCommand(t("palette.minimize"), t("palette.minimize_help"), screen.action_minimize)
        elif screen.focused is not None and screen.focused.allow_maximize:
            yield SystemCommand(t("palette.maximize"), t("palette.maximize_help"), screen.action_maximize)

    async def action_quit(self) -> None:
        self.close_session()
        self.exit()

    def on_unmount(self) -> None:
        self.close_session()

    def session_texts(self, session: IntakeSession | ReviewSession) -> Texts:
        return Texts(session.content, session.record.language, session.record.plain, self.keys)

    # --- the language, at any time ----------------------------------------------

    @work(exclusive=True, group="language", exit_on_error=False)
    async def action_language(self) -> None:
        """Ask for the language and plain language: the open session's, which it keeps from here
        on (only for this view when it is open read-only); with none open, the app's own. Never over
        a dialog (Textual gives the app's keys no say there), so no screen is rebuilt under one."""
        session = self.session
        if session is None:
            texts, message = self.texts, self.texts("language.dialog.app")
        else:
            texts = self.session_texts(session)
            message = texts("language.dialog.read_only" if session.read_only else "language.dialog.session")
        choice = await self.push_screen_wait(LanguageDialog(texts, message, offer_plain=session is not None))
        if choice is not None and choice != (texts.language, texts.plain):
            await self.speak(choice)

    async def speak(self, choice: Speech) -> None:
        """The open session, or with none the app, in `choice` from here on, every screen with it."""
        if self.session is None:
            self.language = choice.language
            self.texts = Texts(self.content, choice.language, keys=self.keys)
            self.title = self.content.flow.title.get(choice.language)
            self._speak(self.texts)
        else:
            try:
                self.session.speak(choice.language, choice.plain)
            except IntakeError as exc:
                self.show_error(exc)
                return
            self._speak(self.session_texts(self.session))
        await self._rebuild()

    async def _rebuild(self) -> None:
        """Put each of the app's screens whose language changed, and those above it, afresh in its
        place (the start screen stays as it is while a session is open)."""
        stack = self.screen_stack
        fresh = [screen.respoken() if isinstance(screen, IntakeScreen) else None for screen in stack]
        changed = [i for i, (old, new) in enumerate(zip(stack, fresh))
                   if new is not None and (new.t.language, new.t.plain) != (old.t.language, old.t.plain)]
        if not changed:
            return
        for _ in stack[changed[0]:]:
            await self.pop_screen()
        for screen in fresh[changed[0]:]:
            await self.push_screen(screen)

    # --- failures -------------------------------------------------------------

    def show_error(self, error: BaseException | None) -> None:
        """Open the error dialog, in the open session's language; an IntakeError brings its own title
        and message."""
        texts = self.session_texts(self.session) if self.session is not None else self.texts
        if isinstance(error, IntakeError):
            title, message = error_words(texts, error)
        else:
            title = texts("error.unexpected.title")
            message = texts("error.unexpected.message", detail=type(error).__name__)
        self.push_screen(ErrorDialog(title, message, texts("button.close")))

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.show_error(event.worker.error)
