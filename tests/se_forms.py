"""A copy of the real content with small supported-employment forms of the tests' own (the real ones are
written elsewhere and may change): the spec's seven `se_*` kinds with their stages, each asking the day
it was held and then, for the employer-contact log, the employer and the outcome, for the others a note. Any `se_*` forms the real
content has are replaced, so these tests read the same forms whatever the real ones hold."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from intake.flows.loader import load_content
from intake.flows.model import Content
from intake.session import IntakeSession
from intake.store import Store
from tests.conftest import REAL_CONTENT
from tests.test_exports import CONSENTING, PLACEMENT, answer_as

SE = "supported_employment"
# kind: stage (None: no stage), in the spec's order
FORMS = {"se_start": 1, "se_profile": 2, "se_job_search": 3, "se_employer_contact": 3,
         "se_employer_agreement": 4, "se_follow_along": 5, "se_benefits": None}


def _words(text: str) -> dict[str, Any]:
    return {"fi": text, "sv": text, "en": text, "plain": {"fi": text}}


def _question(qid: str, kind: str, **more: Any) -> dict[str, Any]:
    return {"id": qid, "type": kind, "who": "counsellor", "text": _words(f"{qid}?"), **more}


HELD_ON = _question("held_on", "date", not_after="today", min="2020-01-01")
CONTACT = [_question("employer", "short_text"),
           _question("outcome", "single_choice", choices=[
               {"value": value, "text": _words(words)} for value, words in
               (("no_need_now", "Ei tarvetta nyt"), ("job_interview", "Työhaastattelu"), ("hired", "Palkattu"))])]


def _dump(data: Any, path: Path) -> None:
    yaml = YAML()  # round trip: the content's order kept
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)


def se_content_dir(tmp_path: Path) -> Path:
    root = tmp_path / "se-content"
    shutil.copytree(REAL_CONTENT, root)
    reviews_file = root / "reviews.yaml"
    doc = YAML().load(reviews_file.read_text(encoding="utf-8"))
    reviews = doc["reviews"]
    for kind in [kind for kind in reviews if kind.startswith("se_")]:
        del reviews[kind]
    for kind, stage in FORMS.items():
        questions = [HELD_ON, *(CONTACT if kind == "se_employer_contact" else [_question("notes", "short_text")])]
        section = {"section": {"id": kind, "title": _words(f"Lomake {kind}"), "questions": questions}}
        _dump(section, root / "reviews" / f"{kind}.yaml")
        reviews[kind] = {"title": _words(f"Lomake {kind}"), "services": [SE], "sections": [f"reviews/{kind}.yaml"],
                         **({"stage": stage} if stage else {})}
    _dump(doc, reviews_file)
    return root


def se_content(tmp_path: Path) -> Content:
    return load_content(se_content_dir(tmp_path))


START = dt.date(2026, 1, 12)


def se_session(tmp_path: Path, content: Content, *, service: str = SE, months: int | None = None) -> IntakeSession:
    """Asiakas X's intake for `service`, agreed from START: with no months (supported employment is
    time-unlimited) unless `months` is given."""
    session = IntakeSession.start(Store(tmp_path / "store"), content, "X-1", "Liisa Ohjaaja")
    answer_as(session, {**CONSENTING, "service_type": service})
    plan_type = "client_plan" if service == SE else "activation_plan"
    session.decide(placement_id=PLACEMENT, start=START, months=months, days_per_week=3, hours_per_day=4,
                   plan_type=plan_type)
    plan = session.agree()
    assert plan.agreed is not None, [i.text for i in plan.issues]
    return session
