"""Plain mode from start to end: choose or start a session, hold its interview, choose a
placement, agree the plan and export it; each step hands on to the next or back."""

from __future__ import annotations

from pathlib import Path

from intake.flows.display import Texts
from intake.flows.model import Content
from intake.plain.commands import word
from intake.plain.console import Console
from intake.plain.exports import offer_exports
from intake.plain.interview import hold_interview
from intake.plain.period import has_period, hold_period
from intake.plain.placements import choose_placement
from intake.plain.plan import agree_plan
from intake.plain.start import choose_session
from intake.plain.talk import Talk
from intake.session import IntakeSession
from intake.store_api import SessionStore


def run_plain(console: Console, store: SessionStore, content: Content, export_dir: Path, chosen: bool = True) -> int:
    """`chosen`: False when plain mode was taken because there is no terminal (said in one line)."""
    talk = Talk(console, Texts(content))
    if not chosen:
        talk.say(talk.t("plain.no_terminal"))
    talk.say(talk.t("plain.welcome", help=word(talk.t, "help")))
    session = choose_session(talk, store, content)
    if session is None:
        return 0
    with session:
        talk.open(session)
        finished = hold_session(talk, session, store, content)
        if finished:
            offer_exports(talk, session, export_dir)
            if has_period(session):
                hold_period(talk, session)
        talk.say(talk.t("plain.saved", id=session.record.id))
    return 0


def hold_session(talk: Talk, session: IntakeSession, store: SessionStore, content: Content) -> bool:
    """The interview, the placement and the plan, in turn; True once the plan is agreed (or the
    content has no plan to agree), False when the person stops before that."""
    catalogue = None
    stage = "interview"
    while True:
        if stage == "interview":
            if not hold_interview(talk, session):
                return False
            stage = "placements" if needs_placement(session) else "plan"
        elif stage == "placements":
            if catalogue is None:
                from intake.merged_catalogue import matching_catalogue  # numpy: only once placements are matched

                catalogue = matching_catalogue(store, content)
            if catalogue is None:
                stage = "plan"
                continue
            outcome = choose_placement(talk, session, catalogue)
            if outcome is None:
                return False
            stage = "interview" if outcome == "back" else "plan"
        else:
            if session.content.rules is None:
                return True
            if session.interview.state.decisions.agreed is not None:
                talk.say(talk.t("plan.agreed_notice"))
                return True
            outcome = agree_plan(talk, session)
            if outcome is None:
                return False
            if outcome == "agreed":
                return True
            if outcome == "answers":
                session.back()  # the last question, where /change picks any earlier answer
            stage = "interview" if outcome == "answers" else "placements"


def needs_placement(session: IntakeSession) -> bool:
    """No placement chosen yet, and none agreed without one (supported employment finds its job later)."""
    decisions = session.interview.state.decisions
    return decisions.placement_id is None and decisions.agreed is None and session.content.matching is not None
