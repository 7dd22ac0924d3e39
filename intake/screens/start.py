"""The start screen: begin a new intake, or continue a saved one."""

from __future__ import annotations

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Input, Label, RadioButton, RadioSet, Static, Switch

from intake.errors import IntakeError, SessionLocked
from intake.flows.text import LANGUAGES
from intake.screens.base import IntakeScreen
from intake.screens.dialogs import ConfirmDialog
from intake.screens.footer import KeyFooter
from intake.screens.texts_util import plain
from intake.session import IntakeSession
from intake.store import DamagedSession, SessionSummary
from intake.text_safety import NameProblem, check_name, printable


class SessionTable(DataTable):
    """Saved sessions; Enter or a single click opens one."""

    async def _on_click(self, event: events.Click) -> None:
        before = self.cursor_coordinate
        await super()._on_click(event)
        row = event.style.meta.get("row", -1)
        # DataTable selects only on a click on the row already highlighted; here one click opens.
        if isinstance(row, int) and row >= 0 and self.cursor_coordinate != before:
            self.action_select_cursor()


class StartScreen(IntakeScreen):
    BINDINGS = [
        Binding("ctrl+n", "new", "New", id="start.new"),
        Binding("ctrl+f", "filter", "Filter", id="start.filter"),
    ]

    def compose(self) -> ComposeResult:
        t = self.t
        yield Static(self.app.title, id="app-title", markup=False)
        with Horizontal(id="start-body"):
            with VerticalScroll(id="new-intake"):
                yield Static(t("start.new_title"), classes="panel-title")
                yield Label(t("start.client_label"), classes="field-label")
                yield Input(id="client-label", placeholder=t("start.client_label_placeholder"))
                yield Static("", id="client-label-error", classes="field-error", markup=False)
                yield Label(t("start.counsellor"), classes="field-label")
                yield Input(id="counsellor", placeholder=t("start.counsellor_placeholder"))
                yield Static("", id="counsellor-error", classes="field-error", markup=False)
                yield Label(t("start.language"), classes="field-label")
                with RadioSet(id="language"):
                    for lang in LANGUAGES:
                        yield RadioButton(t(f"language.{lang}"), value=lang == self.app.language,
                                          id=f"language-{lang}")
                with Horizontal(id="plain-row"):
                    yield Switch(id="plain")
                    yield Label(t("start.plain"), id="plain-label")
                yield Button(t("start.start"), id="start", variant="primary")
            with Vertical(id="saved-sessions"):
                yield Static(t("start.sessions_title"), classes="panel-title")
                yield Input(id="filter", placeholder=t("start.filter_placeholder"))
                yield Static("", id="sessions-empty")
                yield SessionTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        t = self.t
        table = self.query_one(SessionTable)
        table.add_column(t("start.column.client"), key="client")
        table.add_column(t("start.column.counsellor"), key="counsellor")
        table.add_column(t("start.column.status"), key="status")
        table.add_column(t("start.column.progress"), key="progress")
        table.add_column(t("start.column.changed"), key="changed")
        self.refresh_sessions()
        self.app.store.log_access("list", None)  # the list shows every client's label
        self.query_one("#client-label", Input).focus()

    def on_screen_resume(self) -> None:
        self.refresh_sessions()

    # --- saved sessions -------------------------------------------------------

    def refresh_sessions(self) -> None:
        try:
            sessions, damaged = self.app.store.list(), self.app.store.damaged()
        except IntakeError as exc:
            self.app.show_error(exc)
            sessions, damaged = [], []
        self._sessions, self._damaged = sessions, damaged
        self._fill_table()

    def _fill_table(self) -> None:
        table = self.query_one(SessionTable)
        words = self.query_one("#filter", Input).value.casefold().split()
        shown = [s for s in self._sessions if all(w in self._haystack(s) for w in words)]
        table.clear()
        # A damaged session is never hidden: opening it shows what is wrong and how to repair it.
        for d in self._damaged:
            if all(w in d.id for w in words):
                table.add_row("?", "?", self.t("status.damaged"), "-", self._when(d), key=d.id)
        for s in shown:
            table.add_row(plain(s.client_label), plain(s.counsellor), self.t(f"status.{s.status}"),
                          f"{s.answered}/{s.relevant}", self._when(s), key=s.id)
        empty = self.query_one("#sessions-empty", Static)
        if table.row_count:
            empty.update("")
        elif self._sessions or self._damaged:
            empty.update(self.t("start.no_matches"))
        else:
            empty.update(self.t("start.no_sessions"))

    @staticmethod
    def _haystack(s: SessionSummary) -> str:
        # What the table shows, so that what is seen can be typed.
        return printable(f"{s.client_label} {s.counsellor} {s.id}").casefold()

    def _when(self, s: SessionSummary | DamagedSession) -> str:
        local = s.updated_at.astimezone()
        return local.strftime("%Y-%m-%d %H:%M" if self.t.language == "en" else "%d.%m.%Y %H:%M")

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self._fill_table()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        """Enter opens the one session the filter leaves; with several, it moves to the list."""
        table = self.query_one(SessionTable)
        if table.row_count == 1:
            self.resume(table.coordinate_to_cell_key((0, 0)).row_key.value)
        elif table.row_count:
            table.focus()

    @on(DataTable.RowSelected, "#sessions")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.resume(event.row_key.value)

    @work(exclusive=True, group="resume", exit_on_error=False)
    async def resume(self, session_id: str) -> None:
        """Open a saved session; when it is open elsewhere, offer to read it without changing it."""
        store, content = self.app.store, self.app.content
        try:
            session = IntakeSession.resume(store, content, session_id)
        except SessionLocked as exc:
            read = await self.app.push_screen_wait(ConfirmDialog(
                exc.title, f"{exc.message}\n\n{self.t('start.open_read_only_question')}",
                self.t("button.open_read_only"), self.t("button.cancel")))
            if not read:
                return
            session = IntakeSession.resume(store, content, session_id, read_only=True)
        self.app.open_session(session)

    # --- a new intake ---------------------------------------------------------

    @on(Input.Submitted, "#client-label")
    def _label_submitted(self) -> None:
        self.query_one("#counsellor", Input).focus()

    @on(Input.Submitted, "#counsellor")
    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        label_input = self.query_one("#client-label", Input)
        name_input = self.query_one("#counsellor", Input)
        label = self._checked(label_input, "client label")
        name = self._checked(name_input, "counsellor's name")
        if label is None or name is None:
            (label_input if label is None else name_input).focus()
            return
        pressed = self.query_one("#language", RadioSet).pressed_button
        language = pressed.id.removeprefix("language-") if pressed is not None else self.app.language
        plain_language = self.query_one("#plain", Switch).value
        try:
            session = IntakeSession.start(self.app.store, self.app.content, label, name, language, plain_language)
        except IntakeError as exc:
            self.app.show_error(exc)
            return
        label_input.value = ""  # the next intake is for another client; the counsellor stays
        self.app.open_session(session)

    def _checked(self, field: Input, what: str) -> str | None:
        """The name typed in `field`, or None with the problem shown under it (the text stays)."""
        error = self.query_one(f"#{field.id}-error", Static)
        try:
            name = check_name(field.value, what)
        except NameProblem as problem:
            if problem.reason == "missing":  # start.client_label_missing, start.counsellor_missing
                error.update(self.t(f"start.{field.id.replace('-', '_')}_missing"))
            else:  # start.name_too_long, start.name_control
                error.update(self.t(f"start.name_{problem.reason}", **problem.params))
            return None
        error.update("")
        return name

    def action_new(self) -> None:
        self.query_one("#client-label", Input).focus()

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()
