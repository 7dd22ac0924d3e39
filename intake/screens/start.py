"""The start screen: begin a new intake, or continue a saved one."""

from __future__ import annotations

import datetime as dt

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static, Switch

from intake.errors import IntakeError, SessionLocked
from intake.flows.due import DUE_FILTERS, SOON_DAYS, Due, ReviewDue, grace_days, is_overdue
from intake.flows.text import LANGUAGES
from intake.screens.base import IntakeScreen
from intake.screens.dialogs import ConfirmDialog
from intake.screens.error_words import error_words
from intake.screens.footer import KeyFooter
from intake.screens.session_list import Cell, Row, SessionList
from intake.session import IntakeSession
from intake.store import DamagedSession, SessionSummary
from intake.text_safety import NameProblem, check_name, printable


class StartScreen(IntakeScreen):
    BINDINGS = [
        Binding("ctrl+n", "new", "New", id="start.new"),
        Binding("ctrl+f", "filter", "Filter", id="start.filter"),
        Binding("ctrl+o", "report", "Report", id="start.report"),
        Binding("ctrl+r", "cycle_due", "Reviews", id="start.reviews"),
    ]
    due: Due | None = None  # the review filter on: all sessions, the overdue reviews, those due soon

    def respoken(self) -> StartScreen:
        """Afresh in the app's language, with what was typed kept; a new intake's language is the
        app's again (the one it now speaks)."""
        fresh = self.keeping_typed(StartScreen(self.app.texts))
        fresh.due = self.due
        return fresh

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
                if self.app.content.has_later:
                    with Horizontal(id="short-row"):
                        yield Switch(id="short-path")
                        yield Label(t("start.short_path"), id="short-label")
                yield Button(t("start.start"), id="start", variant="primary")
            with Vertical(id="saved-sessions"):
                yield Static(t("start.sessions_title"), classes="panel-title")
                yield Input(id="filter", placeholder=t("start.filter_placeholder"))
                yield Static("", id="due-filter", markup=False)
                yield Static("", id="sessions-empty")
                # A session in its period shows its next review in place of the intake's status (completed):
                # a column of its own would leave the client and counsellor a few letters at 120 columns.
                # The client's label, the row's name, gets the larger share of what is left.
                # The widest day: English names the month (28 September 2026).
                longest_day = max((t.date(dt.date(2026, month, 28)) for month in range(1, 13)), key=len)
                changed = max(len(t.moment(dt.datetime(2026, month, 28, 23, 59))) for month in range(1, 13)) + 1
                statuses = max([len(t(f"status.{s}")) + 2 for s in ("in_progress", "completed", "damaged")]
                               + [len(t(f"start.{key}", date=longest_day)) + 1
                                  for key in ("review_next", "review_overdue", "period_ended")])
                yield SessionList([(t("start.column.client"), 0, 3), (t("start.column.counsellor"), 0, 2),
                                   (t("start.column.status"), statuses), (t("start.column.progress"), 9),
                                   (t("start.column.changed"), changed)], id="sessions")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.put_back_typed()
        self.refresh_sessions()
        self.app.store.log_access("list", None)  # the list shows every client's label
        self.query_one("#client-label", Input).focus()
        self.call_after_refresh(self.check_files)  # after the screen is painted: the check takes the CPU a while

    def on_screen_resume(self) -> None:
        self.refresh_sessions(keep_cursor=True)

    # --- saved sessions -------------------------------------------------------

    def refresh_sessions(self, *, keep_cursor: bool = False) -> None:
        """Count the sessions the filter keeps; the list fetches the rows it shows as they come into
        view (a page from the store's index: the cost does not grow with the store)."""
        text = self.query_one("#filter", Input).value
        store = self.app.store
        today = dt.date.today()  # overdue depends on the day: worked out at each refresh, never stored
        due = None if self.due is None else ReviewDue(self.due, today, grace_days(self.app.content))
        try:
            count = store.count(text, due=due)
            everything = store.count() if (text.split() or due) and not count else count
        except IntakeError as exc:
            self.app.show_error(exc)
            count = everything = 0
        sessions = self.query_one(SessionList)
        sessions.show(count, lambda offset, limit: self._rows(text, due, today, offset, limit),
                      cursor=sessions.cursor if keep_cursor else 0)
        self.query_one("#due-filter", Static).update(
            self.t(f"start.due_filter.{self.due or 'all'}", count=count, days=SOON_DAYS))  # .all, .overdue, .soon
        empty = self.query_one("#sessions-empty", Static)
        if count:
            empty.update("")
        elif everything:
            empty.update(self.t("start.no_matches"))
        else:
            empty.update(self.t("start.no_sessions"))

    def _rows(self, text: str, due: ReviewDue | None, today: dt.date, offset: int, limit: int) -> list[Row]:
        try:
            found = self.app.store.page(text, offset, limit, due=due)
        except IntakeError as exc:
            self.app.call_later(self.app.show_error, exc)
            return []
        # A damaged session is never hidden (it comes first): opening it shows what is wrong and how to repair it.
        return [(s.id, ("?", "?", self.t("status.damaged"), "-", self._when(s))) if isinstance(s, DamagedSession)
                else (s.id, (self._client(s), printable(s.counsellor), self._status(s, today),
                             f"{s.answered}/{s.relevant}", self._when(s)))
                for s in found]

    def _client(self, s: SessionSummary) -> str:
        label = printable(s.client_label)
        return label if s.period == 1 else f"{label} ({self.t('start.period_number', number=s.period)})"

    def _status(self, s: SessionSummary, today: dt.date) -> str | Cell:
        """In the period: the day it ended, or its next review's (overdue: in words and colour).
        Before it (or saved before periods had reviews): the intake's status."""
        if s.ended_on is not None:
            return self.t("start.period_ended", date=self.t.date(s.ended_on))
        if s.next_review is None:
            return self.t(f"status.{s.status}")
        day = self.t.date(s.next_review)
        if is_overdue(s.next_review, grace_days(self.app.content), today):
            return Cell(self.t("start.review_overdue", date=day), "session-list--late")
        return self.t("start.review_next", date=day)

    def _when(self, s: SessionSummary | DamagedSession) -> str:
        return self.t.moment(s.updated_at)

    @work(thread=True, exclusive=True, group="check-files", exit_on_error=False)
    def check_files(self) -> None:
        """Compare every session file with the index once the list is on screen (opening the store
        trusts what it knows of its own writes): a change made behind its back then shows too."""
        try:
            changed = self.app.store.reconcile()
        except IntakeError as exc:
            self.app.call_from_thread(self.app.show_error, exc)
            return
        if changed:
            self.app.call_from_thread(self.refresh_sessions, keep_cursor=True)

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self.refresh_sessions()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        """Enter opens the one session the filter leaves; with several, it moves to the list."""
        sessions = self.query_one(SessionList)
        if sessions.row_count == 1 and (key := sessions.key_at(0)) is not None:
            self.resume(key)
        elif sessions.row_count:
            sessions.focus()

    def on_session_list_selected(self, event: SessionList.Selected) -> None:
        self.resume(event.key)

    @work(exclusive=True, group="resume", exit_on_error=False)
    async def resume(self, session_id: str) -> None:
        """Open a saved session; when it is open elsewhere, offer to read it without changing it."""
        store, content = self.app.store, self.app.content
        try:
            session = IntakeSession.resume(store, content, session_id)
        except SessionLocked as exc:
            title, message = error_words(self.t, exc)
            read = await self.app.push_screen_wait(ConfirmDialog(
                title, f"{message}\n\n{self.t('start.open_read_only_question')}",
                self.t("button.open_read_only"), self.t("button.cancel")))
            if not read:
                return
            session = IntakeSession.resume(store, content, session_id, read_only=True)
        self._open(session)

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
        short_path = any(switch.value for switch in self.query("#short-path").results(Switch))
        try:
            session = IntakeSession.start(self.app.store, self.app.content, label, name, language, plain_language,
                                          short_path)
        except IntakeError as exc:
            self.app.show_error(exc)
            return
        label_input.value = ""  # the next intake is for another client; the counsellor stays
        self._open(session)

    def _open(self, session: IntakeSession) -> None:
        """Open `session`. Plain language is one client's need: the switch is off again for the next
        one. The language stays chosen: a counsellor's clients mostly share one."""
        self.query_one("#plain", Switch).value = False
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

    def action_report(self) -> None:
        """The outcome report of the counsellor's own clients: the sessions under the name typed here."""
        from intake.screens.report import ReportScreen  # the report's modules only when it is asked for

        field = self.query_one("#counsellor", Input)
        if not field.value.strip():
            self.query_one("#counsellor-error", Static).update(self.t("report.screen.no_counsellor"))
            field.focus()
            return
        name = self._checked(field, "counsellor's name")
        if name is None:
            field.focus()
            return
        self.app.push_screen(ReportScreen(self.t, name))
    def action_cycle_due(self) -> None:
        """All sessions, then only the overdue reviews, then those due soon (with the text filter)."""
        self.due = DUE_FILTERS[(DUE_FILTERS.index(self.due) + 1) % len(DUE_FILTERS)]
        self.refresh_sessions()
