"""The summary: every answer by section, a way back to change one, and the exports for each reader."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Static

from intake.export.kinds import FORMATS, readers_for
from intake.flows.display import Texts
from intake.flows.period import client_service
from intake.screens.base import FAILED, IntakeScreen
from intake.screens.choice_dialog import ChoiceDialog
from intake.screens.dialogs import ConfirmDialog
from intake.screens.export_file import export_path, write_export
from intake.screens.footer import KeyFooter
from intake.screens.texts_util import plain, translate_bindings
from intake.screens.transcript import TranscriptAnswer, answer_text
from intake.session import IntakeSession, ReviewSession


class SummaryScreen(IntakeScreen):
    BINDINGS = [
        Binding("ctrl+e", "export", "Export", id="summary.export"),
        Binding("f3", "back", "Back", id="summary.back"),
        Binding("f6", "continue", "Placements and plan", id="summary.continue"),
        Binding("escape", "leave", "Start screen", id="summary.leave"),
    ]

    def __init__(self, texts: Texts, session: IntakeSession | ReviewSession):
        super().__init__(texts)
        self.session = session
        # A review is read from the period screen, and Esc goes back there; it is exported with its
        # session, from the session's own summary.
        self.reviewing = isinstance(session, ReviewSession)
        if self.reviewing:
            translate_bindings(self, texts, {"summary.leave": "summary.leave_review"})

    def compose(self) -> ComposeResult:
        record = self.session.record
        yield Static(plain(self.t("summary.title", client=record.client_label)), id="summary-header")
        hint = self.t("summary.read_only_hint" if self.session.read_only else "summary.hint")
        yield Static(hint, id="summary-hint", markup=False)
        with VerticalScroll(id="summary-body"):
            yield from self._answers()
        yield Static("", id="export-result", markup=False)
        with Horizontal(id="summary-buttons"):
            if not self.reviewing:
                yield Button(self.t("summary.export_button"), id="export", variant="primary")
            if self._can_continue():
                yield Button(self.t("summary.continue_button"), id="continue")
            yield Button(self.t("summary.back_button"), id="back")
            yield Button(self.t("summary.leave_review_button" if self.reviewing else "summary.leave_button"), id="leave")
        yield KeyFooter()

    def _answers(self):
        t, interview = self.t, self.session.interview
        transcript = interview.transcript()
        progress = {p.section.id: p for p in interview.progress().sections}
        for section in self.session.content.sections:
            p = progress[section.id]
            yield Static(f"{t.section_title(section)}  {p.answered}/{p.relevant}",
                         classes="transcript-section", markup=False)
            for step, answer in transcript:
                if step.section.id != section.id:
                    continue
                question = t.question(step)
                if step.group is not None and not step.is_add_another:
                    question = f"{t.entry_heading(step)}: {question}"
                if not step.is_confirm:
                    yield Static(question, classes="transcript-question", markup=False)
                yield TranscriptAnswer(step, answer_text(t, step, answer), t)

    def on_mount(self) -> None:
        self.query_one(Button).focus()

    # --- changing an answer -----------------------------------------------------

    @on(TranscriptAnswer.Edit)
    def edit(self, event: TranscriptAnswer.Edit) -> None:
        self._to_interview(lambda: self.session.jump(event.key))

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self._to_interview(self.session.back)

    def _to_interview(self, move) -> None:
        from intake.screens.interview import InterviewScreen

        if self.guarded(move) is not FAILED:
            self.app.switch_screen(InterviewScreen(self.t, self.session))

    def _can_continue(self) -> bool:
        """On to the placements or the plan, when the questions are done and the content has them."""
        session = self.session
        return (not self.reviewing and not session.read_only and session.interview.current() is None
                and (self.app.catalogue is not None or session.content.rules is not None))

    @on(Button.Pressed, "#continue")
    def action_continue(self) -> None:
        if self._can_continue():
            self.app.switch_screen(self.app.after_interview(self.session))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "continue":
            return self._can_continue()
        if action == "export":
            return not self.reviewing
        return True

    @on(Button.Pressed, "#leave")
    def action_leave(self) -> None:
        self.app.leave(self.session)

    # --- export -------------------------------------------------------------------

    @on(Button.Pressed, "#export")
    def _export_pressed(self) -> None:
        self.action_export()

    @work(exclusive=True, group="export", exit_on_error=False)
    async def action_export(self) -> None:
        t = self.t
        reader = await self.app.push_screen_wait(ChoiceDialog(
            t("export.reader_title"), t("export.reader_message"),
            [(r, t(f"export.reader.{r}")) for r in readers_for(client_service(self.session.interview.active()))],
            t("button.cancel")))
        if reader is None:
            return
        formats = FORMATS[reader]
        fmt = formats[0] if len(formats) == 1 else await self.app.push_screen_wait(ChoiceDialog(
            t("export.format_title"), "", [(f, t(f"export.format.{f}")) for f in formats], t("button.cancel")))
        if fmt is None:
            return
        path = export_path(self.app.export_dir, self.session.record, reader, fmt)
        if path.exists():
            replace = await self.app.push_screen_wait(ConfirmDialog(
                self.t("export.exists_title"), self.t("export.exists_message", path=str(path)),
                self.t("button.replace"), self.t("button.cancel")))
            if not replace:
                return
        # A failure here ends the worker with an error, which the error dialog shows.
        write_export(self.session, path, reader=reader, fmt=fmt)
        done = plain(self.t("export.done", path=str(path)))
        self.query_one("#export-result", Static).update(done)
        self.notify(done.plain, markup=False)
