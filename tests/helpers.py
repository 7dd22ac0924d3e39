"""Small builders shared by tests."""

from __future__ import annotations

from typing import Any

from intake.flows.engine import Interview

# One valid answer per step key pattern of the default flow, for tests that need a whole interview.
DEFAULT_ANSWERS: dict[str, Any] = {
    "reason": "Haluan päivään rytmiä ja tekemistä.",
    "referral": "employment_services",
    "months_unemployed": 26,
    "has_worked": True,
    "last_work_ended": "2023-05-31",
    "contact_person": "Liisa Ohjaaja, sosiaaliohjaaja",
    "contact_phone": "040 123 4567",
    "debt_notes": "Ulosotossa yksi velka.",
    "interests": ["computers", "crafts"],
    "other_interest": "Valokuvaus",
    "preferred_form": "group",
    "goal": "Oppia käyttämään tietokonetta.",
    "actions": "Kurssi kirjastossa.",
    "helper": "Liisa Ohjaaja",
    "has_deadline": True,
    "due": "2027-03-31",
}
SCALE_ANSWERS = {"housing": 1, "finances": 3, "daily_rhythm": 2, "health": 2}


def valid_answer(interview: Interview) -> Any:
    step = interview.current()
    if step.is_add_another:
        return False
    qid = step.question.id
    if qid in SCALE_ANSWERS:
        return SCALE_ANSWERS[qid] if step.view == "client" else max(0, SCALE_ANSWERS[qid] - 1)
    if qid == "days_per_week":
        return 3
    return DEFAULT_ANSWERS[qid]


def answer_until(interview_or_session: Any, stop_after: int | None = None) -> int:
    """Answer valid values until complete (or `stop_after` answers); return how many were given."""
    interview = getattr(interview_or_session, "interview", interview_or_session)
    count = 0
    while interview.current() is not None and (stop_after is None or count < stop_after):
        error = interview_or_session.answer(valid_answer(interview))
        assert error is None, error
        count += 1
    return count


def deny_reading(monkeypatch: Any, path: Any) -> None:
    """Make opening `path` fail with "permission denied", also when the tests run as root (root
    reads files whatever their mode, so chmod cannot show it)."""
    real_open = open

    def fake_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", fake_open)


async def until(pilot: Any, condition: Any) -> None:
    """Let the app work until `condition()` holds (no fixed sleeps: each pause is the app catching up)."""
    for _ in range(50):
        if condition():
            return
        await pilot.pause()
    assert condition()
