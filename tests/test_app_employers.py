"""A supported-employment client in the app (issue 14, item 4): the matching step proposes jobs at
employers beside the placements, says what to check with the employer, and a job can be chosen for the
plan without the plan refusing its host."""

from __future__ import annotations

from pathlib import Path

from intake.merged_catalogue import matching_catalogue
from intake.screens.matching import MatchingScreen
from intake.session import IntakeSession
from intake.store import Store
from tests.test_app_plan import SIZE, answer_interview, new_app, open_first_session, real_content, text_of

SE = "supported_employment"


def se_session(store_path: Path) -> str:
    """A session on the real content whose service is supported employment; returns its id."""
    store = Store(store_path)
    session = IntakeSession.start(store, real_content(), "X-2", "Liisa Ohjaaja")
    try:
        answer_interview(session, lambda step: step.key == "service_type")
        assert session.answer(SE) is None
        answer_interview(session)
        return session.record.id
    finally:
        session.close()
        store.close()


async def test_the_matching_step_proposes_a_job_and_names_what_to_check_with_the_employer(store_path, tmp_path):
    jobs = {p.id for p in real_content().employers}
    se_session(store_path)
    app = new_app(store_path, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_session(pilot)
        screen = app.screen
        assert isinstance(screen, MatchingScreen)
        at = next(i for i, p in enumerate(screen.proposals) if p.placement.id in jobs)
        job = screen.proposals[at]
        await pilot.press(*["down"] * at)
        await pilot.pause()
        detail = text_of(screen, "#detail")
        assert job.placement.name in detail
        checks = [r for r in job.reasons if r.key == "reason.check_with_employer"]
        assert checks and all(screen.t.reason(r) in detail for r in checks)
        assert "Tarkista työnantajan kanssa." in detail


def test_a_job_at_a_company_can_be_chosen_for_a_supported_employment_plan(store_path):
    se_session(store_path)
    store = Store(store_path)
    content = real_content()
    [summary] = store.list()
    session = IntakeSession.resume(store, content, summary.id)
    try:
        result = session.match(matching_catalogue(store, content))
        job = next(p.placement for p in result.proposals(len(result.ranked)) if p.placement.host_type == "company"
                   and p.placement in content.employers)
        session.decide(placement_id=job.id)
        plan = session.plan()
        assert plan.placement is not None and job.name in str(plan.placement)
        assert "plan.host_not_allowed" not in {issue.key for issue in plan.issues}
    finally:
        session.close()
        store.close()
