"""The plan, in words both parties can read: what was heard, what was chosen, the schedule and
period, and anything the rules say must still change. The schedule and period are set here; both
agree it when nothing is left to fix."""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from intake.flows.display import Texts
from intake.flows.period import client_benefits, client_service
from intake.flows.parse import parse_date, parse_number
from intake.flows.plan import Plan, SuggestedService
from intake.screens.base import FAILED, IntakeScreen
from intake.screens.dialogs import MessageDialog
from intake.screens.footer import KeyFooter
from intake.screens.period import has_period
from intake.screens.texts_util import plain
from intake.screens.words import date, number, placement_missing, schedule, support_level_line
from intake.session import IntakeSession

FIELDS = ("start", "months", "days", "hours")


def earlier_ktt_line(t: Texts, plan: Plan) -> str | None:
    """The months already used in earlier periods (189/2001 8 §); shown only, never a limit."""
    if plan.earlier_ktt_months is None:
        return None
    if plan.earlier_ktt_months == 0:
        return t("plan.no_earlier_ktt")
    return t("plan.earlier_ktt_months", months=number(t, plan.earlier_ktt_months))


def suggestion_lines(t: Texts, s: SuggestedService) -> str:
    """A suggested service with its reason; one the client has already tried is marked for discussion."""
    lines = [f"• {s.service}"]
    if s.already_tried:
        lines.append(f"   ↺ {t('plan.already_tried')}")
    lines.append(f"   {t('plan.label.reason_for_counsellor')}: {s.reason}")
    return "\n".join(lines)


class PlanScreen(IntakeScreen):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="plan.save"),
        Binding("f9", "agree", "Agree", id="plan.agree"),
        Binding("f6", "placements", "Placements", id="plan.placements"),
        Binding("f5", "answers", "Answers and export", id="plan.answers"),
        Binding("f4", "continue_rest", "Continue with the rest", id="plan.continue_rest"),
        Binding("f7", "period", "Period", id="plan.period"),
        Binding("escape", "leave", "Start screen", id="plan.leave"),
    ]

    def __init__(self, texts: Texts, session: IntakeSession):
        super().__init__(texts)
        self.session = session
        self.plan: Plan | None = None
        self.start_error: str | None = None

    @property
    def decisions(self):
        return self.session.interview.state.decisions

    def compose(self) -> ComposeResult:
        t = self.t
        yield Static(plain(t("plan.title", client=self.session.record.client_label)), id="plan-header")
        with Horizontal(id="plan-main"):
            with VerticalScroll(id="plan-body"):
                yield Static("", id="plan-issues", markup=False)
                yield Static("", id="plan-agreed", markup=False)
                yield Vertical(id="plan-sections")
            with VerticalScroll(id="plan-form"):
                yield Static(t("plan.form.title"), classes="panel-title")
                yield Label(t("plan.form.start"), classes="field-label")
                yield Input(id="plan-start", placeholder=t("field.date_placeholder"))
                yield Label(t("plan.form.months" if self.time_limited() else "plan.form.months_open"),
                            classes="field-label")
                yield Input(id="plan-months", placeholder=t("plan.form.months_placeholder"))
                yield Label(t("plan.form.days"), classes="field-label")
                yield Input(id="plan-days")
                yield Label(t("plan.form.hours"), classes="field-label")
                yield Input(id="plan-hours")
                yield Label(t("plan.form.plan_type"), classes="field-label")
                yield Select([], id="plan-type", prompt=t("plan.form.plan_type_prompt"))
                yield Label(t("plan.form.reason"), classes="field-label")
                yield Input(id="plan-reason")
                yield Static("", id="plan-form-error", classes="field-error", markup=False)
                yield Button(t("plan.save_button"), id="plan-save")
                yield Button(t("plan.agree_button"), id="plan-agree", variant="success")
                yield Button(t("plan.placements_button"), id="plan-placements")
                yield Button(t("plan.answers_button"), id="plan-answers")
        yield KeyFooter()

    def respoken(self) -> PlanScreen:
        """Afresh in the language now spoken, with the form as typed (not saved yet) kept."""
        return self.keeping_typed(PlanScreen(self.app.session_texts(self.session), self.session))

    async def on_mount(self) -> None:
        self.fill_form()
        self.put_back_typed()
        await self.show_plan()
        self.query_one("#plan-start", Input).focus()

    # --- the form ------------------------------------------------------------------------

    def service(self) -> str:
        return client_service(self.session.interview.active())

    def time_limited(self) -> bool:
        """Whether the client's service has a period of months (not supported employment)."""
        rules = self.session.rules
        return rules is None or rules.time_limited(self.service(), self.decisions.start or dt.date.today())

    def plan_type_options(self) -> list[tuple[str, str]]:
        rules = self.session.rules
        if rules is None:
            return []
        day = self.decisions.start or dt.date.today()
        # unknown benefits: every type, and the plan asks
        benefits = client_benefits(self.session.interview.active())
        return [(p.name.get(self.t.language, self.t.plain), p.id) for p in rules.plan_types(self.service(), day, benefits)]

    def fill_form(self) -> None:
        d, t = self.decisions, self.t
        # Until a start is decided, the preferred start from the interview is offered.
        start = d.start or self.session.interview.active().get("preferred_start")
        self.query_one("#plan-start", Input).value = t.date_field(start) if start else ""
        self.query_one("#plan-months", Input).value = str(d.months) if d.months is not None else ""
        self.query_one("#plan-days", Input).value = str(d.days_per_week) if d.days_per_week is not None else ""
        self.query_one("#plan-hours", Input).value = number(t, d.hours_per_day) if d.hours_per_day is not None else ""
        self.fill_plan_types()

    def fill_plan_types(self) -> None:
        select = self.query_one("#plan-type", Select)
        options = self.plan_type_options()
        with select.prevent(Select.Changed):
            select.set_options(options)
            if self.decisions.plan_type in {value for _, value in options}:
                select.value = self.decisions.plan_type

    def read_form(self) -> tuple[dict, list[str]]:
        """The decisions the form holds, and the errors in what was typed."""
        t, changes, errors = self.t, {}, []
        start = self.query_one("#plan-start", Input).value.strip()
        if start:
            error, value = parse_date(start)
            if error is None:
                changes["start"] = dt.date.fromisoformat(value)
            else:
                errors.append(f"{t('plan.form.start')}: {t(error.key, **error.params)}")
        else:
            changes["start"] = None
        # A start typed but not a day is not missing: the plan says what is wrong with it instead.
        self.start_error = errors[0] if errors else None
        for name, field, whole in (("months", "#plan-months", True), ("days_per_week", "#plan-days", True),
                                   ("hours_per_day", "#plan-hours", False)):
            text = self.query_one(field, Input).value.strip()
            if not text:
                changes[name] = None
                continue
            error, value = parse_number(text)
            if error is not None or value <= 0 or (whole and value != int(value)):
                errors.append(t(f"plan.form.{name}_error"))
            else:
                changes[name] = int(value) if whole else float(value)
        return changes, errors

    @on(Input.Submitted)
    @on(Button.Pressed, "#plan-save")
    async def action_save(self) -> bool:
        """Record what the form says; the plan must then be agreed again."""
        changes, errors = self.read_form()
        self.query_one("#plan-form-error", Static).update("\n".join(errors))
        d = self.decisions
        changed = {k: v for k, v in changes.items() if getattr(d, k) != v}
        if changed and self.guarded(lambda: self.session.decide(**changed)) is FAILED:
            return False
        if "start" in changed:
            self.fill_plan_types()
        await self.show_plan()
        if changed and not errors:
            self.notify(self.t("plan.saved"))
        return not errors

    @on(Select.Changed, "#plan-type")
    async def _plan_type(self, event: Select.Changed) -> None:
        value = None if event.value is Select.NULL else event.value
        if value == self.decisions.plan_type:
            return
        if self.guarded(lambda: self.session.decide(plan_type=value)) is not FAILED:
            await self.show_plan()

    # --- agreeing --------------------------------------------------------------------------

    @on(Button.Pressed, "#plan-agree")
    async def action_agree(self) -> None:
        if not await self.action_save():
            return
        reason = self.query_one("#plan-reason", Input).value
        plan = self.guarded(lambda: self.session.agree(reason=reason))  # gives the plan itself
        if plan is FAILED:
            return
        await self.show_plan()
        blocking = [i.text for i in plan.issues if i.blocking]
        if blocking or (plan.issues and plan.agreed is None):
            # The law's issues must be fixed; a departure from guidance needs its reason written down.
            lines = [f"• {text}" for text in blocking] or [self.t("plan.reason_required")]
            self.app.push_screen(MessageDialog(
                self.t("plan.agree_blocked_title"), "\n".join([self.t("plan.agree_blocked")] + lines),
                self.t("button.close"), kind="error"))
        else:
            self.notify(self.t("plan.agreed_notice"))

    # --- showing the plan -----------------------------------------------------------------

    async def show_plan(self) -> None:
        self.plan = plan = self.session.plan()
        t = self.t
        issues = self.query_one("#plan-issues", Static)
        lines = []
        blocking = [self.start_error if i.key == "plan.missing_start" and self.start_error else i.text
                    for i in plan.issues if i.blocking]
        if blocking:
            lines += [t("plan.issues_title")] + [f"  ⚠ {text}" for text in blocking]
        warnings = [i.text for i in plan.issues if not i.blocking]
        if warnings:
            lines += [t("plan.warnings_title")] + [f"  ℹ {text}" for text in warnings]
        if not lines:
            lines.append(t("plan.no_issues"))
        if plan.unconfirmed:
            lines += [t("plan.unconfirmed_title")] + [f"  ℹ {text}" for text in plan.unconfirmed]
        issues.update(plain("\n".join(lines)))
        issues.set_class(bool(plan.issues), "has-issues")
        agreed = self.query_one("#plan-agreed", Static)
        if plan.agreed is not None:
            local = plan.agreed.at.astimezone()
            said = plain(t("plan.agreed", date=t.date(local.date()), time=local.strftime("%H:%M"),
                           client=plan.agreed.client, counsellor=plan.agreed.counsellor))
        else:
            said = t("plan.not_agreed")
        later = self.session.interview.progress().later
        if later:  # a first plan on the short path: the interview is not complete yet
            said += "\n" + t("plan.still_to_come", count=later)
        agreed.update(said)
        agreed.set_class(plan.agreed is not None, "is-agreed")
        box = self.query_one("#plan-sections", Vertical)
        await box.remove_children()
        await box.mount_all(list(self._sections(plan)))
        self.refresh_bindings()  # the period opens once the plan is agreed

    def _sections(self, plan: Plan):
        t = self.t

        def heading(key: str) -> Static:
            return Static(t(key), classes="plan-heading", markup=False)

        def text(body: str, classes: str = "plan-text") -> Static:
            return Static(plain(body), classes=classes)

        none = t("plan.none")
        yield heading("plan.section.basics")
        yield text("\n".join([
            f"{t('plan.label.client')}: {plan.client_label}",
            f"{t('plan.label.counsellor')}: {plan.counsellor}",
            f"{t('plan.label.contact_person')}: {plan.contact_person or none}",
            f"{t('plan.label.referral')}: {plan.referral or none}",
            f"{t('plan.label.service_type')}: {plan.service_type}",
            f"{t('plan.label.plan_type')}: {plan.plan_type or none}",
        ]))

        yield heading("plan.section.placement")
        if plan.placement is not None:
            p = plan.placement
            lines = [p.name, f"{p.host} · {p.municipality}", p.tasks, f"{t('plan.label.contact')}: {p.contact}"]
            if p.visit is not None:
                lines.append(t("matching.mark.visit", date=t.date(p.visit)))
            yield text("\n".join(lines))
        else:
            yield text(placement_missing(t, plan))

        yield heading("plan.section.schedule")
        said = schedule(t, plan, self.decisions.months)
        if plan.reviews:
            said.append(f"{t('plan.label.reviews')}: " + ", ".join(t.date(r) for r in plan.reviews))
        if plan.allowance is not None:
            a = plan.allowance
            said.append(t("plan.allowance_line", name=a.name, per_day=t.euros(a.euros_per_day),
                          days=a.attended_days, total=t.euros(a.total_euros)))
            if a.travel_costs:
                said.append(t("plan.travel_costs"))
            said.append(a.payer)
        if (earlier := earlier_ktt_line(t, plan)) is not None:
            said.append(earlier)
        yield text("\n".join(said))

        yield heading("plan.section.goals")
        if plan.goals:
            for i, g in enumerate(plan.goals, 1):
                lines = [f"{i}. {g.goal}"]
                if g.actions:
                    lines.append(f"   {t('plan.label.actions')}: {g.actions}")
                lines.append(f"   {t('plan.label.helper')}: {g.helper or none} · "
                             f"{t('plan.label.due')}: {date(t, g.due)}")
                yield text("\n".join(lines))
        else:
            yield text(none)
        yield text(f"{t('plan.label.support')}: {plan.support_and_guidance or none}")

        yield heading("plan.section.assessment")
        if plan.assessment:
            yield text(t("plan.assessment_hint"), "plan-text muted")
            waiting = {step.key for step in self.session.interview.waiting()}

            def view(row, role: str) -> str:  # a view still to come says so: it is neither given nor left out
                said = getattr(row, role)
                return said or (t("plan.next_meeting") if f"{row.id}@{role}" in waiting else none)

            for row in plan.assessment:
                line = (f"{row.title}\n   {t('role.client')}: {view(row, 'client')} · "
                        f"{t('role.counsellor')}: {view(row, 'counsellor')}")
                if row.discuss:
                    line += f"\n   ⚑ {t('plan.discuss')}"
                yield text(line, "plan-text domain discuss" if row.discuss else "plan-text domain")
        else:
            yield text(none)
        if (level := support_level_line(t, plan)) is not None:
            yield text(f"{level}\n   ”{plan.support_level.statement}”")

        yield heading("plan.section.strengths")
        lines = [f"{t('plan.label.skills')}: {', '.join(plan.skills) or none}",
                 f"{t('plan.label.strengths_client')}: {plan.strengths_client or none}",
                 f"{t('plan.label.strengths_counsellor')}: {plan.strengths_counsellor or none}"]
        if plan.interests is not None:
            lines.append(f"{t('plan.label.interests')}: {self._interests(plan)}")
        yield text("\n".join(lines))

        yield heading("plan.section.services")
        if plan.suggested_services:
            for s in plan.suggested_services:
                yield text(suggestion_lines(t, s))
        else:
            yield text(none)

    def _interests(self, plan: Plan) -> str:
        scoring = self.session.content.scoring
        interests = plan.interests
        if scoring is None or interests is None or not interests.code:
            return self.t("plan.none")
        areas = scoring.interest_profile.areas
        names = [areas[a].name.get(self.t.language, self.t.plain) for a in interests.code if a in areas]
        scores = " · ".join(f"{areas[a].name.get(self.t.language, self.t.plain)} {number(self.t, round(v, 1))}"
                            for a, v in interests.scores.items() if a in areas and v is not None)
        return f"{', '.join(names)} ({interests.code})" + (f"\n   {scores}" if scores else "")

    # --- elsewhere --------------------------------------------------------------------------

    def keep_form(self) -> bool:
        """Before leaving the screen: record what was typed and reads right (nothing typed is lost
        silently; a value that does not read stays on screen with its error)."""
        changes, errors = self.read_form()
        d = self.decisions
        changed = {k: v for k, v in changes.items() if getattr(d, k) != v}
        if changed and self.guarded(lambda: self.session.decide(**changed)) is FAILED:
            return False
        if errors:
            self.query_one("#plan-form-error", Static).update("\n".join(errors))
            return False
        return True

    @on(Button.Pressed, "#plan-placements")
    def action_placements(self) -> None:
        from intake.screens.matching import MatchingScreen

        if self.app.catalogue is not None and self.keep_form():
            self.app.switch_screen(MatchingScreen(self.t, self.session))

    @on(Button.Pressed, "#plan-answers")
    def action_answers(self) -> None:
        from intake.screens.summary import SummaryScreen

        if self.keep_form():
            self.app.switch_screen(SummaryScreen(self.t, self.session))

    def action_period(self) -> None:
        from intake.screens.period import PeriodScreen

        if self.keep_form():
            self.app.switch_screen(PeriodScreen(self.t, self.session))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "period":
            return has_period(self.session)
        if action == "continue_rest":
            return bool(self.session.interview.waiting())
        return True

    def action_continue_rest(self) -> None:
        """On from the first meeting's short path: the questions that waited are asked now."""
        from intake.screens.interview import InterviewScreen

        if self.keep_form() and self.guarded(lambda: self.session.hold_short(False)) is not FAILED:
            self.app.switch_screen(InterviewScreen(self.t, self.session))

    def action_leave(self) -> None:
        self.keep_form()  # what reads right is saved; the rest was never a decision
        self.app.leave_session()
