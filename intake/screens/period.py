"""The period after the agreed plan: its review schedule, the reviews and feedback held, attendance,
and once it has ended, how it ended and what follows. Every review is held from here, jointly, in the
interview screen; a new period starts here once this one has ended."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from intake.errors import IntakeError
from intake.flows.attendance import session_totals
from intake.flows.display import Texts
from intake.flows.engine import NotAllowed
from intake.flows.period import MARKS, DueReview, HeldReview, PeriodStatus
from intake.flows.stages import form_label, review_label, stage_block
from intake.screens.attendance import AttendanceScreen, allowance_lines
from intake.screens.base import FAILED, IntakeScreen
from intake.screens.dialogs import ConfirmDialog, MessageDialog
from intake.screens.footer import KeyFooter
from intake.screens.list_dialog import ListDialog
from intake.screens.texts_util import plain
from intake.screens.words import date, number
from intake.session import IntakeSession

# The keys that hold a review, one for each kind held for the client's service, in the content's
# order; a service with more kinds than keys (supported employment) has one key for a list of them.
REVIEW_KEYS = ("f2", "f3", "f4", "f5")
# The end review's sections shown once the period has ended: how it ended, and what follows.
ENDING_SECTIONS = ("ending", "follow_on")


def has_period(session: IntakeSession) -> bool:
    """Whether the session's plan is agreed with a start, so that its period can be followed up."""
    decisions = session.interview.state.decisions
    return decisions.agreed is not None and decisions.start is not None and bool(session.content.reviews)


def period_line(t: Texts, s: PeriodStatus) -> str:
    """The period's number and days: a period with no planned end (supported employment, time-unlimited)
    says so rather than showing a missing day."""
    if s.start is not None and s.planned_end is None:
        return t("period.open_ended_line", number=s.number, start=t.date(s.start))
    return t("period.number_line", number=s.number, start=date(t, s.start), end=date(t, s.planned_end))


def due_words(t: Texts, due: DueReview) -> str:
    """A due review's state in words, with a symbol (never colour alone)."""
    if due.held_on is not None:
        key = "period.due.on_time" if due.on_time else "period.due.late"
        return t(key, day=t.date(due.held_on))
    return t("period.due.overdue" if due.on_time is False else "period.due.not_yet")


class PeriodScreen(IntakeScreen):
    BINDINGS = [
        Binding("f6", "attendance", "Attendance", id="period.attendance"),
        Binding("f7", "new_period", "New period", id="period.new_period"),
        Binding("f8", "plan", "Plan", id="period.plan"),
        Binding("f9", "distance", "Distance travelled", id="period.distance"),
        Binding("escape", "leave", "Start screen", id="period.leave"),
    ]

    def __init__(self, texts: Texts, session: IntakeSession):
        super().__init__(texts)
        self.session = session
        self.status: PeriodStatus | None = None  # as last shown
        # A key for each review held for the service, named by its own title, first in the key bar;
        # beyond the keys there are, one key for the list of them all.
        keys = self._bindings.key_to_bindings
        held = session.reviews_held()
        if len(held) <= len(REVIEW_KEYS):
            reviews = {key: [Binding(key, f"review('{kind}')", review_label(self.t, kind, flow), id=f"period.review_{kind}")]
                       for key, (kind, flow) in zip(REVIEW_KEYS, held.items())}
        else:
            reviews = {REVIEW_KEYS[0]: [Binding(REVIEW_KEYS[0], "forms", self.t("key.period.forms"), id="period.forms")]}
        self._bindings.key_to_bindings = {**reviews, **keys}

    def compose(self) -> ComposeResult:
        yield Static(plain(self.t("period.title", client=self.session.record.client_label)), id="period-header")
        with VerticalScroll(id="period-body"):
            yield Static("", id="period-basics", classes="period-text", markup=False)
            yield Static(self.t("period.section.stages"), id="period-stages-heading", classes="plan-heading",
                         markup=False)
            yield Static("", id="period-stages", classes="period-text", markup=False)
            yield Static(self.t("period.section.schedule"), classes="plan-heading", markup=False)
            yield Static("", id="period-schedule", classes="period-text", markup=False)
            yield Static(self.t("period.section.reviews"), classes="plan-heading", markup=False)
            yield Static(self.t("period.reviews_hint"), classes="plan-text muted", markup=False)
            yield OptionList(id="period-reviews")
            yield Static(self.t("period.section.attendance"), classes="plan-heading", markup=False)
            yield Static("", id="period-attendance", classes="period-text", markup=False)
            yield Static(self.t("period.section.end"), classes="plan-heading", markup=False)
            yield Static("", id="period-end", classes="period-text", markup=False)
        yield KeyFooter()

    def on_screen_resume(self) -> None:
        # On the way in (once composed), and back from a dialog or the attendance screen.
        self.call_after_refresh(self.show_status)

    # --- showing the period ---------------------------------------------------------------

    def show_status(self) -> None:
        if not self.is_attached:
            return  # left (a key pressed at once) before it was shown
        status = self.status = self.session.status()
        self.refresh_bindings()  # what can be done depends on it (see check_action)
        self.query_one("#period-basics", Static).update(plain(self._basics(status)))
        self.query_one("#period-schedule", Static).update(plain(self._schedule(status)))
        stages = stage_block(self.t, self.session.reviews_held(), status.reviews)
        self.query_one("#period-stages", Static).update(plain("\n".join(stages)))
        for block in self.query("#period-stages-heading, #period-stages"):
            block.display = bool(stages)
        self._list_reviews(status)
        self.query_one("#period-attendance", Static).update(plain(self._attendance()))
        self.query_one("#period-end", Static).update(plain(self._end(status)))
        overdue = self.query_one("#period-schedule", Static)
        overdue.set_class(status.overdue, "overdue")

    def _basics(self, s: PeriodStatus) -> str:
        t = self.t
        lines = [period_line(t, s),
                 t("period.months_line", months=number(t, s.months), total=number(t, s.months_total))]
        if s.months_before:
            lines.append(t("period.months_before_line", months=number(t, s.months_before)))
        return "\n".join(lines)

    def _schedule(self, s: PeriodStatus) -> str:
        t = self.t
        lines = [f"{t('period.interim_due', day=t.date(d.due))}: {due_words(t, d)}" for d in s.due]
        if s.planned_end is not None:
            if s.end_review is not None:
                state = t("period.due.held", day=date(t, s.end_review.held_on))
            else:
                state = t("period.due.overdue" if s.overdue and s.next_review == s.planned_end else "period.due.not_yet")
            lines.append(f"{t('period.end_due', day=t.date(s.planned_end))}: {state}")
        if s.next_review is not None:
            key = "period.next_overdue" if s.overdue else "period.next"
            lines.append(t(key, day=t.date(s.next_review)))
        return "\n".join(lines) or t("plan.none")

    def _list_reviews(self, s: PeriodStatus) -> None:
        listed = self.query_one("#period-reviews", OptionList)
        highlighted = listed.highlighted
        listed.clear_options()
        if s.reviews:
            listed.add_options([Option(plain(self._held_line(h)), id=h.review.id) for h in s.reviews])
            listed.highlighted = highlighted or 0  # the same review again when the list is refreshed
        else:
            listed.add_option(Option(self.t("period.no_reviews"), disabled=True))

    def _held_line(self, held: HeldReview) -> str:
        t = self.t
        title = self.session.content.reviews[held.review.kind].title.get(t.language, t.plain)
        day = t.date(held.held_on) if held.held_on else t("period.day_not_set")
        if held.complete:
            return f"✓ {title} · {day} · {t('period.review_complete')}"
        progress = held.interview.progress()
        return (f"… {title} · {day} · "
                f"{t('period.review_unfinished', answered=progress.answered, relevant=progress.relevant)}")

    def _attendance(self) -> str:
        t = self.t
        totals = session_totals(self.session.interview, self.session.follow_up.attendance, self.session.rules)
        counts = " · ".join(f"{t(f'attendance.mark.{m}')} {totals.counts[m]}" for m in MARKS)
        return "\n".join([counts, *allowance_lines(t, totals)])

    def _end(self, s: PeriodStatus) -> str:
        t, held = self.t, s.end_review
        if held is None or s.ended_on is None:
            return t("period.not_ended")
        lines = [t("period.ended_line", day=t.date(s.ended_on))]
        if self.session.follow_up.continued_in is not None:
            lines.append(t("period.continued_in", session=self.session.follow_up.continued_in))
        for step, answer in held.interview.transcript():
            if step.section.id in ENDING_SECTIONS and not (step.is_confirm or step.is_add_another):
                question = t.question(step)
                if step.group is not None:
                    question = f"{t.entry_heading(step)}: {question}"
                lines.append(f"• {question} {t.value(step, answer.value, answer.skipped)}")
        return "\n".join(lines)

    # --- acting ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Only what can be done now is offered (the key bar has room for little more): reviews until
        # the period ends, then a new period once. The actions still refuse, should another window
        # have changed the period since.
        status = self.status
        if status is None:
            return True
        if action in ("review", "forms"):
            return status.ended_on is None
        if action == "new_period":
            return status.ended_on is not None and self.session.follow_up.continued_in is None
        return True

    def refuse(self, key: str) -> None:
        """Say why something cannot be done now, and what to do instead."""
        self.app.push_screen(MessageDialog(self.t("period.refused_title"), self.t(key),
                                           self.t("button.close"), kind="error"))

    def action_review(self, kind: str) -> None:
        """Hold a review of `kind` (or carry on with the one left unfinished) in the interview screen."""
        from intake.screens.interview import InterviewScreen

        try:
            review = self.session.open_review(kind)
        except NotAllowed:  # the period has ended: no review can be added
            self.refuse("period.refused.ended")
            return
        except IntakeError as exc:
            self.app.show_error(exc)
            return
        self.app.switch_screen(InterviewScreen(self.app.session_texts(review), review))

    @work(exclusive=True, group="dialog", exit_on_error=False)
    async def action_forms(self) -> None:
        """Pick one of the service's forms (more than there are keys), each with its stage, and hold it."""
        t = self.t
        forms = [(kind, form_label(t, kind, flow)) for kind, flow in self.session.reviews_held().items()]
        kind = await self.app.push_screen_wait(ListDialog(t("period.forms_title"), t("period.forms_message"),
                                                          forms, t("button.cancel")))
        if kind is not None:
            self.action_review(kind)

    @on(OptionList.OptionSelected, "#period-reviews")
    def open_held(self, event: OptionList.OptionSelected) -> None:
        """A review held earlier: its answers to read or correct; one left unfinished, to carry on."""
        from intake.screens.interview import InterviewScreen
        from intake.screens.summary import SummaryScreen

        review = self.session.review(event.option.id)
        screen = SummaryScreen if review.interview.current() is None else InterviewScreen
        self.app.switch_screen(screen(self.app.session_texts(review), review))

    def action_attendance(self) -> None:
        self.app.push_screen(AttendanceScreen(self.t, self.session))

    @work(exclusive=True, group="dialog", exit_on_error=False)
    async def action_new_period(self) -> None:
        """Start the next period from this ended one; its interview begins with the carried answers to confirm."""
        t, status = self.t, self.session.status()
        if status.ended_on is None:
            self.refuse("period.refused.not_ended")
            return
        # A new session is made: asked first, so that a stray key does not start one.
        if not await self.app.push_screen_wait(ConfirmDialog(
                t("period.new_title"), t("period.new_question", number=status.number + 1),
                t("period.new_yes"), t("button.cancel"))):
            return
        new = self.guarded(self.session.new_period)
        if new is FAILED:
            return
        self.app.pop_screen()
        self.app.open_session(new)

    def action_distance(self) -> None:
        from intake.screens.distance_chart import DistanceScreen  # plotext only when the chart is asked for

        self.app.push_screen(DistanceScreen(self.t, self.session))

    def action_plan(self) -> None:
        from intake.screens.plan import PlanScreen

        self.app.switch_screen(PlanScreen(self.t, self.session))

    def action_leave(self) -> None:
        self.app.leave_session()  # everything is already saved
