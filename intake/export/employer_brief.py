"""The brief for the employer (supported employment, stage 4): the job agreed with them, and about the
client only what the client allowed the job coach to tell (IPS criterion 13, seed 001).

It is read from the latest complete `se_employer_agreement` form of the session, and nothing else after
the intake goes in (no other form, no review).
- Always, since the employer agreed them with the coach and the client: the job, the employer's contact
  person, the start, the contract, the hours, how the work is tailored, and the supports the employer
  has applied for or been granted (pay subsidy, arrangement support).
- By the form's `disclosure`: full = every item below; agreed = the items chosen in `disclosure_items`;
  none = nothing, so no brief at all (refused).
  coaching      the job coach's name and how to reach them (the intake's contact person)
  support_needs the client's step on the support staircase and what helps (the intake's support needs,
                said as practice, and the languages of guidance)
  adjustments   the adjustments agreed in the form
  restrictions  the intake's restrictions, said as what the work does ("no lifting"), never as the answer
  work_history  the intake's earlier jobs and how long each lasted
  health        what the form wrote down with the client to tell, and the intake's note on the restrictions
                (which may name the reason behind them): never without this item
  An adjustment or a support need that is the coach (the coach at the workplace, a coach to call) goes
  in only with `coaching` too: it would tell the employer that there is a coach.
What was left out is not listed, unlike the placement's brief: "health: not told" would itself tell the
employer something.
"""

from __future__ import annotations

import datetime as dt

from intake.export.agreed import AgreedPlan, ExportRefused
from intake.export.client_plan import contact_line
from intake.export.document import DocSection, Document, Entry
from intake.export.follow_up import AfterIntake, after_intake
from intake.export.placement_brief import LANGUAGES_QUESTION, NAME_QUESTION
from intake.flows.period import HeldReview, client_service
from intake.flows.services import SUPPORTED_EMPLOYMENT

AGREEMENT = "se_employer_agreement"
DISCLOSURE, DISCLOSURE_ITEMS, FULL = "disclosure", "disclosure_items", "full"
ITEMS = ("coaching", "support_needs", "adjustments", "restrictions", "work_history", "health")
SUPPORTS = ("pay_subsidy", "arrangement_support")
SUPPORT_TOLD = ("granted", "applied")  # a support not needed or not available is no news to the employer
ADJUSTMENTS, SUPPORT_NEEDS = "adjustments", "support_needs"  # the form's and the intake's
NEEDS_COACHING = {ADJUSTMENTS: {"coach_at_workplace"}, SUPPORT_NEEDS: {"work_coach"}}
STAIRCASE = "support_staircase"  # the intake's support staircase (seed 001's "Asiakkaana koen, että…")
RESTRICTIONS, RESTRICTIONS_NOTES = "restrictions", "restrictions_notes"
WORK_HISTORY, JOB, YEARS = "work_history", "job", "years"
HEALTH_TO_TELL = "health_to_tell"


def latest_agreement(after: AfterIntake) -> HeldReview | None:
    """The employer agreement held last among the complete ones (a new one replaces the one before)."""
    return next((r for r in reversed(after.held) if r.review.kind == AGREEMENT), None)


def allowed_items(agreement: HeldReview) -> set[str]:
    """What the client allows the coach to tell the employer."""
    if agreement.get(DISCLOSURE) == FULL:
        return set(ITEMS)
    return set(agreement.get(DISCLOSURE_ITEMS) or ()) & set(ITEMS)


def support_step(agreed: AgreedPlan) -> str | None:
    """The client's step on the support staircase in the client's own statement; None when not answered."""
    return agreed.words(STAIRCASE)


def build_employer_brief(agreed: AgreedPlan, today: dt.date) -> Document:
    t = agreed.texts
    if client_service(agreed.active) != SUPPORTED_EMPLOYMENT:
        raise ExportRefused(t("export.employer_not_supported_employment"))
    after = after_intake(agreed.interview, agreed.record.follow_up, t, today)
    agreement = latest_agreement(after) if after is not None else None
    if after is None or agreement is None:
        raise ExportRefused(t("export.no_employer_agreement"))
    allowed = allowed_items(agreement)
    if not allowed:  # disclosure none: the employer hears nothing from the coach
        raise ExportRefused(t("export.employer_disclosure_none"))
    brief = _Brief(agreed, after, agreement, allowed)
    name = agreed.active.get(NAME_QUESTION) or agreed.record.client_label
    sections = [brief.job(), brief.supports(), brief.coach(), brief.support(), brief.adjustments(),
                brief.restrictions(), brief.work_history(), brief.health()]
    return Document(format="intake-employer-brief", language=t.language, title=t("employer.title", name=name),
                    intro=t("employer.intro", name=name), sections=[s for s in sections if s.paragraphs or s.entries])


class _Brief:
    """The sections of one brief; each item's section is empty unless the client allows the item."""

    def __init__(self, agreed: AgreedPlan, after: AfterIntake, agreement: HeldReview, allowed: set[str]):
        self.agreed, self.after, self.agreement, self.allowed = agreed, after, agreement, allowed
        self.t = agreed.texts
        self.form = after.review_texts(agreement)

    def _words(self, question_id: str) -> str | None:
        return self.after.words(self.agreement, question_id)

    def _told(self, question_id: str, chosen: list[str] | None) -> list[str]:
        """The chosen values that may be told: one that is the coach only when the coaching may be told."""
        hidden = set() if "coaching" in self.allowed else NEEDS_COACHING.get(question_id, set())
        return [c for c in chosen or () if c not in hidden]

    def job(self) -> DocSection:
        t, words = self.t, self._words
        lines = [words("employer") or ""]
        for key, question_id, name in (("employer.contact_person", "employer_contact_person", "person"),
                                       ("employer.start", "employment_start", "date"),
                                       ("employer.contract", "contract", "contract"),
                                       ("employer.hours", "hours_per_week", "hours")):
            value = words(question_id)
            if value:
                lines.append(t(key, **{name: value}))
        carving = words("job_carving")
        if carving:
            lines.append(t("employer.job_carving", carving=carving))
        return DocSection(heading=t("employer.section.job"), entries=[Entry(title=words("job_title") or "", lines=lines)])

    def supports(self) -> DocSection:
        lines = [self.t(f"employer.{q}", status=self._words(q)) for q in SUPPORTS
                 if self.agreement.get(q) in SUPPORT_TOLD]
        return DocSection(heading=self.t("employer.section.supports"), paragraphs=lines)

    def coach(self) -> DocSection:
        lines = [self.t("employer.coach", contact=contact_line(self.agreed))] if "coaching" in self.allowed else []
        return DocSection(heading=self.t("employer.section.coach"), paragraphs=lines)

    def support(self) -> DocSection:
        t, agreed = self.t, self.agreed
        if "support_needs" not in self.allowed:
            return DocSection(heading=t("employer.section.support"))
        step = support_step(agreed)
        needs = self._told(SUPPORT_NEEDS, agreed.active.get(SUPPORT_NEEDS))
        lines = ([t("employer.support_step", step=step)] if step else []) + [t(f"practice.{c}") for c in needs]
        languages = agreed.words(LANGUAGES_QUESTION)
        if languages:
            lines.append(t("practice.languages", languages=languages))
        return DocSection(heading=t("employer.section.support"), paragraphs=lines)

    def adjustments(self) -> DocSection:
        lines = []
        if "adjustments" in self.allowed:
            step = next(s for s in self.agreement.interview.steps() if s.key == ADJUSTMENTS)
            lines = [self.form.value(step, [c]) for c in self._told(ADJUSTMENTS, self.agreement.get(ADJUSTMENTS))]
        return DocSection(heading=self.t("employer.section.adjustments"), paragraphs=lines)

    def restrictions(self) -> DocSection:
        """Said as what the work does, from the practice texts, never as the client's answer."""
        chosen = (self.agreed.active.get(RESTRICTIONS) or ()) if "restrictions" in self.allowed else ()
        return DocSection(heading=self.t("employer.section.restrictions"),
                          paragraphs=[self.t(f"practice.{c}") for c in chosen])

    def work_history(self) -> DocSection:
        if "work_history" not in self.allowed:
            return DocSection(heading=self.t("employer.section.work_history"))
        jobs: dict[int, Entry] = {}  # each job's entry, in the order the client told them
        for step, answer in self.agreed.interview.transcript():
            if step.group is None or step.group.id != WORK_HISTORY or answer.skipped:
                continue
            if step.question_id == JOB:
                jobs[step.entry] = Entry(title=answer.value)
            elif step.question_id == YEARS and step.entry in jobs:
                jobs[step.entry].lines.append(self.t.value(step, answer.value))
        return DocSection(heading=self.t("employer.section.work_history"), entries=list(jobs.values()))

    def health(self) -> DocSection:
        lines = [self._words(HEALTH_TO_TELL), self.agreed.words(RESTRICTIONS_NOTES)] if "health" in self.allowed else []
        return DocSection(heading=self.t("employer.section.health"), paragraphs=[line for line in lines if line])
