"""Both views of each assessment domain (issue 9, item 10): every difference is in the plan, and the
difference that marks a domain for discussion is the domain's own, with its reason, in the content."""

from __future__ import annotations

from intake.flows.model import ScaleQuestion
from intake.flows.plan import DIFFERENCE_TO_DISCUSS
from tests.test_content import CONTENT
from tests.test_placement_fit import session  # noqa: F401 (the fixture)

ONE_POINT = {"mental_health", "substance_use"}


def domains() -> dict[str, ScaleQuestion]:
    return {q.id: q for s in CONTENT.sections for q in s.questions if isinstance(q, ScaleQuestion) and q.who == "both"}


def test_sensitive_domains_are_discussed_at_one_point_and_say_why():
    for qid, q in domains().items():
        if qid in ONE_POINT:
            assert q.discuss_at.difference == 1 and q.discuss_at.reason.fi and q.discuss_at.reason.en
        else:
            assert q.discuss_at is None   # the default, DIFFERENCE_TO_DISCUSS
    assert DIFFERENCE_TO_DISCUSS == 2


def test_every_difference_is_in_the_plan_and_the_domains_threshold_marks_it(session):  # noqa: F811
    for key, value in (("work_education@client", 1), ("work_education@counsellor", 2),
                       ("substance_use@client", 0), ("substance_use@counsellor", 1)):
        session.jump(key)
        assert session.answer(value) is None
    views = {d.id: d for d in session.plan().assessment}
    assert (views["work_education"].difference, views["work_education"].discuss) == (1, False)
    assert (views["substance_use"].difference, views["substance_use"].discuss) == (1, True)
    assert (views["housing"].difference, views["housing"].discuss) == (2, True)      # 0 and 2 (Asiakas X)
    assert (views["physical_health"].difference, views["physical_health"].discuss) == (0, False)
