"""The period after the agreed plan, in plain mode: its reviews and feedback, each held line by
line as the intake is (one left unfinished is carried on). Attendance, the distance chart and a
new period are in the full-screen app."""

from __future__ import annotations

from intake.flows.engine import NotAllowed
from intake.flows.stages import form_label, stage_block
from intake.plain.interview import hold_interview
from intake.plain.talk import Talk
from intake.session import IntakeSession


def has_period(session: IntakeSession) -> bool:
    """The plan is agreed with a start, and the content has reviews to follow it up with."""
    decisions = session.interview.state.decisions
    return decisions.agreed is not None and decisions.start is not None and bool(session.content.reviews)


def hold_period(talk: Talk, session: IntakeSession) -> bool:
    """Hold reviews until the person is done (True) or quits (False)."""
    while True:
        t, status = talk.t, session.status()
        talk.say()
        talk.say_stored(t("period.title", client=session.record.client_label))
        if status.ended_on is not None:
            talk.say(t("period.ended_line", day=t.date(status.ended_on)))
            talk.say(t("plain.period_elsewhere"))
            return True
        forms = session.reviews_held()  # only those held for the client's service
        if stages := stage_block(t, forms, status.reviews):
            talk.say(t("period.section.stages"))
            for line in stages:
                talk.say_stored(line)  # an employer's name is stored text
        talk.say(t("plain.period.which"))
        kind = talk.choose("plain.prompt", [("done", t("plain.period.done"))]
                           + [(kind, form_label(t, kind, flow)) for kind, flow in forms.items()])
        if kind is None:
            return False
        if kind == "done":
            talk.say(t("plain.period_elsewhere"))
            return True
        if kind not in forms:  # a change of language: asked again in its words
            continue
        try:
            review = session.open_review(kind)
        except NotAllowed:
            talk.say(t("plain.period.refused_ended"))
            continue
        talk.open(review)
        try:
            if not hold_interview(talk, review):
                return False
        finally:
            talk.open(session)
