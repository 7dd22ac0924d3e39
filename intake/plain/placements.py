"""The matching step in plain mode: the placements that fit, each with its reasons; one chosen
after reading its details, or none yet (the session comes back here when it is opened again)."""

from __future__ import annotations

from intake.plain.talk import Command, Talk
from intake.session import IntakeSession
from intake.text_safety import printable


def choose_placement(talk: Talk, session: IntakeSession, catalogue) -> str | None:
    """"chosen", "back" (to the interview's last step) or None (quit, or none yet: saved either way)."""
    from intake.screens.words import placement_detail  # no textual: words for placements

    proposals = session.match(catalogue).proposals()
    listed = False  # said once, and again after a placement's details or in new words
    while True:
        t, d = talk.t, session.interview.state.decisions
        if not listed:
            say_proposals(talk, session, proposals)
            listed = True
        reply = talk.ask("plain.prompt", extra=("back",))
        if reply is None:
            return None
        if reply == Command("back"):
            session.back()
            return "back"
        if isinstance(reply, Command):
            listed = False
            continue
        picked = reply.strip()
        if picked == "0":
            if d.placement_id is not None:
                session.decide(placement_id=None)
            talk.say(t("matching.none_yet_saved"))
            return None
        if not (picked.isdigit() and 1 <= int(picked) <= len(proposals)):
            talk.say(t("plain.error.number", count=len(proposals)))
            continue
        proposal = proposals[int(picked) - 1]
        listed = False
        p = proposal.placement
        talk.say()
        talk.say(printable(placement_detail(t, p, proposal, visit=d.visits.get(p.id),
                                            chosen=p.id == d.placement_id), keep="\n"))
        talk.say(t("plain.matching.choose_this"))
        choice = talk.choose("plain.prompt", [(True, t("answer.yes")), (False, t("answer.no"))])
        if choice is None:
            return None
        if choice is True:
            changes = {"placement_id": p.id}
            # The schedule the placement offers within the client's wish, unless one is already set.
            if d.days_per_week is None:
                changes["days_per_week"] = proposal.days_per_week
            if d.hours_per_day is None:
                changes["hours_per_day"] = proposal.hours_per_day
            session.decide(**changes)
            return "chosen"


def say_proposals(talk: Talk, session: IntakeSession, proposals: list) -> None:
    from intake.screens.words import proposal_line

    t, d = talk.t, session.interview.state.decisions
    talk.say()
    talk.say_stored(session.matching_title())
    if not proposals:
        talk.say(t("matching.none_found"))
    for i, p in enumerate(proposals, 1):
        talk.say(printable(proposal_line(t, i, p, chosen=p.placement.id == d.placement_id,
                                         visit=d.visits.get(p.placement.id), comparing=False), keep="\n"))
        for reason in p.reasons:
            talk.say(f"     • {t.reason(reason)}")
    talk.say(t("plain.matching.how", count=len(proposals)))
