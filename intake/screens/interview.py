"""The interview as a chat: the transcript above, the current question and its input below."""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Static

from intake.flows.display import Texts
from intake.flows.engine import Step
from intake.flows.validate import AnswerError
from intake.screens.answer_fields import AnswerField, ConfirmField, field_for
from intake.screens.base import FAILED, IntakeScreen
from intake.screens.dialogs import MessageDialog
from intake.screens.draft import Draft, draft_of, restore
from intake.screens.footer import KeyFooter
from intake.screens.progress_panel import ProgressPanel
from intake.screens.texts_util import plain, translate_bindings
from intake.screens.transcript import Transcript, TranscriptAnswer
from intake.session import IntakeSession, ReviewSession


async def handled(widget: Widget) -> None:
    """Wait until what `widget` and the nodes above it (up to the app) have been given is handled,
    and whatever that posted on the way: a key travels up to the app, whose bindings may post a
    message back to the widget (Input.Submitted), which travels up again (AnswerField.Submit)."""
    path = widget.ancestors_with_self
    while True:
        for node in path:
            done = asyncio.Event()
            if node.call_later(done.set):  # False once it is closed: then it has nothing to do
                await done.wait()
        if not any(node.message_queue_size for node in path if node.is_running):
            return


class InterviewScreen(IntakeScreen):
    BINDINGS = [
        Binding("f1", "help", "Help", id="interview.help"),
        Binding("f2", "guidance", "Guidance", id="interview.guidance"),
        Binding("f3", "back", "Back", id="interview.back"),
        Binding("f4", "skip", "Skip", id="interview.skip"),
        Binding("f5", "edit_earlier", "Edit earlier", id="interview.edit_earlier"),
        Binding("f6", "short_path", "Short path", id="interview.short_path"),
        Binding("ctrl+s", "submit", "Answer", id="interview.submit"),
        Binding("escape", "leave", "Start screen", id="interview.leave"),
    ]

    def __init__(self, texts: Texts, session: IntakeSession | ReviewSession):
        super().__init__(texts)
        self.session = session
        if isinstance(session, ReviewSession):  # held from the period screen: Esc goes back there
            translate_bindings(self, texts, {"interview.leave": "interview.leave_review"})
        self.step: Step | None = None
        self.field: AnswerField | None = None
        self._held: deque[events.Key] = deque()  # keys typed ahead, waiting (see `holds`)
        self._loading = False                    # the next step is being shown
        self._replaying = False                  # the waiting keys are being handed on
        self._sending: events.Key | None = None  # the waiting key being handed on now
        self.draft: Draft | None = None          # what the screen this one replaces had typed, not answered yet

    def respoken(self) -> InterviewScreen:
        """Afresh in the language now spoken, with what is typed in the answer field kept."""
        fresh = InterviewScreen(self.app.session_texts(self.session), self.session)
        if self.field is not None and self.field.is_attached:
            fresh.draft = draft_of(self.field)
        return fresh

    @property
    def interview(self):
        return self.session.interview

    def compose(self) -> ComposeResult:
        yield Static("", id="interview-header", markup=False)
        with Horizontal(id="interview-body"):
            with Vertical(id="chat"):
                yield Transcript(self.t, id="transcript")
                with Vertical(id="ask"):
                    yield Static("", id="turn", markup=False)
                    yield Static("", id="question-text", markup=False)
                    yield Static("", id="question-hint", markup=False)
                    yield Vertical(id="field-slot")
                    yield Static("", id="answer-error", markup=False)
            yield ProgressPanel(self.t, id="progress")
        yield KeyFooter()

    async def on_mount(self) -> None:
        await self.show_current()

    # --- showing the current step ---------------------------------------------

    async def show_current(self) -> None:
        """Bring every part of the screen up to date with the interview."""
        step = self.interview.current()
        if step is None:
            # The questions are done: on to the placements and the plan (after a review: the period).
            self.app.switch_screen(self.app.after_interview(self.session))
            return
        # Until the new input is ready, keys wait (see `holds`) instead of going to the input on
        # screen, which belongs to the step being left.
        self._loading = True
        self.set_focus(None)
        try:
            await self._show(step)
        finally:
            self._loading = False
        self._give_keys()

    async def _show(self, step: Step) -> None:
        self.step = step
        record = self.session.record
        progress = self.interview.progress()
        self.query_one("#interview-header", Static).update(plain(self.t(
            "interview.header", flow=self.session.content.flow.title.get(self.t.language, self.t.plain),
            client=record.client_label,
            answered=progress.answered, relevant=progress.relevant)))
        await self.query_one(Transcript).show(self.interview)
        self.query_one(ProgressPanel).show(self.interview)
        self.query_one("#turn", Static).update(self.t(f"interview.turn.{step.view}"))
        self.query_one("#question-text", Static).update(self._question_text(step))
        self.query_one("#question-hint", Static).update(self._hint(step))
        self.set_error(None)
        slot = self.query_one("#field-slot", Vertical)
        await slot.remove_children()
        self.field = field_for(step, self.t, self.interview.answer_for(step.key))
        await slot.mount(self.field)
        if self.draft is not None:
            restore(self.field, self.draft)
            self.draft = None
        # After the layout settles, since the question area below changes its height.
        self.call_after_refresh(self.query_one(Transcript).scroll_to_current)
        self.refresh_bindings()

    # --- keys typed ahead --------------------------------------------------------
    #
    # A key pressed while the next step is being shown waits, and is handed on once its input is
    # ready. The waiting keys are handed on one at a time, each once the one before has been
    # handled to the end: if one answers that step, the keys after it wait for the step after.

    def holds(self, key: events.Key) -> bool:
        """Queue `key` to be handed on in turn; say whether it was queued (all but the key being
        handed on are).

        Asked by this screen and by the widgets that take keys here (`KeyGate`), before a key
        the app hands them is handled. Every key goes through the queue, not only those typed
        while a step is shown: the app hands out a burst of keys (a fast typist, a paste, a
        remote terminal) faster than an Enter among them is handled, so without the queue the
        keys after that Enter would still reach the step it answered."""
        if key is self._sending:
            return False
        self._held.append(key)
        self._start_replay()
        return True

    def _give_keys(self) -> None:
        """Give the new input the keyboard, and the waiting keys to whatever has the keyboard."""
        if self.field is None or not self.field.is_attached:
            return
        # Focused here and now, not through `focus()`, which would queue the change behind keys
        # the app has yet to hand out.
        self.set_focus(self.field.input)
        self._start_replay()

    def _start_replay(self) -> None:
        if self._held and not self._replaying and not self._loading:
            self._replaying = True
            self.run_worker(self._replay(), group="typed-ahead")

    async def _replay(self) -> None:
        try:
            while self._held and not self._loading:
                key = self._sending = self._held.popleft()
                target = self.app.focused or self.app.screen
                target._forward_event(key)
                self._sending = None
                await handled(target)
        finally:
            self._replaying = False

    def _forward_event(self, event: events.Event) -> None:
        # The app hands a key to the screen when nothing has the keyboard (so while a step is
        # being shown), to the focused widget otherwise.
        if not (isinstance(event, events.Key) and self.holds(event)):
            super()._forward_event(event)

    def _question_text(self, step: Step) -> str:
        text = self.t.question(step)
        if step.group is not None and not step.is_add_another:
            text = f"{self.t.entry_heading(step)}: {text}"
        return text

    def _hint(self, step: Step) -> str:
        hints = []
        q = step.question
        if q is not None and q.help is not None:
            hints.append(self.t("interview.hint.help"))
        if q is not None and q.guidance is not None:
            hints.append(self.t("interview.hint.guidance"))
        if q is not None and not q.required:
            hints.append(self.t("interview.hint.optional"))
        hints.append(self.t(f"interview.hint.kind.{self._kind(step)}"))
        return "  ·  ".join(hints)

    @staticmethod
    def _kind(step: Step) -> str:
        if step.is_confirm:
            return "confirm"
        return "yes_no" if step.question is None else step.question.type

    def set_error(self, message: str | None) -> None:
        error = self.query_one("#answer-error", Static)
        error.update(message or "")
        error.set_class(bool(message), "visible")

    def show_answer_error(self, error: AnswerError) -> None:
        self.set_error(self.t.error(self.step, error))

    # --- answering ------------------------------------------------------------

    @on(AnswerField.Submit)
    async def _submitted(self, event: AnswerField.Submit) -> None:
        # A field already replaced (clicked while the step changed) answers nothing.
        if event.field is self.field:
            await self.submit(event.field, event.reading)

    async def action_submit(self) -> None:
        if self.field is not None:
            await self.submit(self.field, self.field.read())

    async def submit(self, field: AnswerField, reading: tuple[AnswerError | None, Any]) -> None:
        error, value = reading
        if error is None:
            error = self.guarded(lambda: self.session.answer(value))
            if error is FAILED:
                return
        if error is not None:
            self.show_answer_error(error)
            field.focus_input()
            return
        await self.show_current()

    async def action_skip(self) -> None:
        error = self.guarded(self.session.skip)
        if error is FAILED:
            return
        if error is not None:
            self.show_answer_error(error)
            return
        await self.show_current()

    async def action_back(self) -> None:
        if self.guarded(self.session.back) is not FAILED:
            await self.show_current()

    @on(TranscriptAnswer.Edit)
    async def edit(self, event: TranscriptAnswer.Edit) -> None:
        if self.guarded(lambda: self.session.jump(event.key)) is not FAILED:
            await self.show_current()

    @on(ConfirmField.Correct)
    def action_edit_earlier(self) -> None:
        if self.query_one(Transcript).focus_last_answer() and self.step is not None and self.step.is_confirm:
            self.set_error(self.t("interview.confirm.pick_answer"))

    async def action_short_path(self) -> None:
        """The short path of a first meeting on or off: what content marks `later` waits, or is asked."""
        interview = self.session.interview
        if self.guarded(lambda: self.session.hold_short(not interview.state.short_path)) is not FAILED:
            await self.show_current()

    def action_leave(self) -> None:
        self.app.leave(self.session)

    # --- help for the client, guidance for the counsellor ---------------------

    @work(exclusive=True, group="dialog", exit_on_error=False)
    async def action_help(self) -> None:
        q = self.step.question if self.step else None
        if q is None or q.help is None:
            return
        await self.app.push_screen_wait(MessageDialog(
            self.t("dialog.help_title"), q.help.get(self.t.language, self.t.plain), self.t("button.close")))
        self.query_one(AnswerField).focus_input()

    @work(exclusive=True, group="dialog", exit_on_error=False)
    async def action_guidance(self) -> None:
        q = self.step.question if self.step else None
        if q is None or q.guidance is None:
            return
        await self.app.push_screen_wait(MessageDialog(
            self.t("dialog.guidance_title"), q.guidance.get(self.t.language), self.t("button.close")))
        self.query_one(AnswerField).focus_input()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        step = self.step
        q = step.question if step is not None else None
        if action == "help":
            return q is not None and q.help is not None
        if action == "guidance":
            return q is not None and q.guidance is not None
        if action == "back":
            return self.interview.can_go_back()
        if action == "skip":
            return step is None or not step.is_confirm
        if action == "short_path":  # the intake's, when content marks what may wait: a review has no later
            return isinstance(self.session, IntakeSession) and self.session.content.has_later
        return True
