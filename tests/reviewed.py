"""A session with an agreed plan, an interim review and an end review, each rating some life domains as
given: the follow-up's tests and docs/make_screenshots.py build on it (a fictional client)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from intake.session import IntakeSession
from intake.store import Store
from tests.test_content import CONTENT
from tests.test_exports import CONSENTING, PLACEMENT, answer_as
from tests.test_follow_up import START, hold

AGREED_AT = dt.datetime(2026, 1, 8, 10, tzinfo=dt.timezone.utc)
INTERIM_ON, END_ON, ENDED_ON = dt.date(2026, 4, 20), dt.date(2026, 7, 10), dt.date(2026, 7, 11)
# (client, counsellor) at the intake, the interim review and the end review; None: not discussed.
RATINGS: dict[str, list[tuple[int | None, int | None]]] = {
    "work_education": [(3, 3), (2, 3), (1, 2)],
    "daily_rhythm": [(4, 3), (3, 2), (2, None)],
    "social_network": [(2, 3), (None, 2), (1, 1)],
}
FOLLOW_ON = {"action": "Ilmoittautuminen työvoimakoulutuksen hakuun.", "responsible": "Liisa Ohjaaja, sosiaaliohjaaja",
             "by_when": "2026-08-14"}
END_ANSWERS = {"held_on": END_ON.isoformat(), "ended_on": ENDED_ON.isoformat(), "ended_as": "planned",
               "follow_on_path": "labour_market_training", "present": ["client", "counsellor"], **FOLLOW_ON}


def rated(ratings: dict[str, list[tuple[int | None, int | None]]], moment: int) -> dict[str, Any]:
    """The step answers that give each domain its ratings at `moment`."""
    return {f"{domain}@{view}": "not_discussed" if pair[moment][i] is None else pair[moment][i]
            for domain, pair in ratings.items() for i, view in enumerate(("client", "counsellor"))}


def reviewed_session(store: Store, ratings=RATINGS, review_answers: dict[str, Any] | None = None,
                     intake_answers: dict[str, Any] | None = None, client_label: str = "X-1") -> IntakeSession:
    """`intake_answers`, `review_answers`: answers by question id on top of Asiakas X's (the intake) and
    of the plausible rest (both reviews)."""
    session = IntakeSession.start(store, CONTENT, client_label, "Liisa Ohjaaja")
    answer_as(session, {**CONSENTING, **rated(ratings, 0), **(intake_answers or {})})
    session.decide(placement_id=PLACEMENT, start=START, months=6, days_per_week=3, hours_per_day=4,
                   plan_type="activation_plan")
    session.agree(at=AGREED_AT)
    extra = review_answers or {}
    hold(session.open_review("interim"), {"held_on": INTERIM_ON.isoformat(),
                                          "present": ["client", "counsellor", "placement"], **extra},
         steps=rated(ratings, 1))
    hold(session.open_review("end"), {**END_ANSWERS, **extra}, steps=rated(ratings, 2))
    return session
