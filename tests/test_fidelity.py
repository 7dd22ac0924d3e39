"""The fidelity review (`intake fidelity`) on the 25 IPS quality criteria: the content's checks, the
bands at their edges, the supported-employment progress and the client-level criteria computed from
forms held on real sessions, and whole runs of the command on a store."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from intake.cli import main
from intake.flows.engine import Answer
from intake.flows.fidelity import client_level, scored, se_clients
from intake.flows.fidelity_scale import HIGHEST, LOWEST, load_fidelity
from intake.flows.files import FIDELITY_FILE
from intake.flows.loader import load_content
from intake.flows.problems import ContentError
from intake.flows.rules import Rules
from intake.flows.se_progress import se_progress
from intake.session import IntakeSession
from intake.store import Store
from tests.conftest import REAL_CONTENT

SCALE = load_fidelity(REAL_CONTENT)
START = dt.date(2026, 1, 12)
TODAY = dt.date(2026, 2, 1)  # before the first interim review falls due (three months from START)

# Small supported-employment forms with the question ids of spec 14 (the real ones are written in
# parallel; these hold only what the progress reads, so that the tests do not depend on them).
FORMS: dict[str, tuple[int | None, list[dict[str, Any]]]] = {
    "se_start": (1, [{"id": "agreement_made", "type": "yes_no"},
                     {"id": "agreed_on", "type": "date", "when": "agreement_made == true"}]),
    "se_employer_contact": (3, [{"id": "employer", "type": "short_text"},
                                {"id": "outcome", "type": "single_choice",
                                 "choices": ["no_need_now", "call_later", "job_interview", "work_trial", "job_offer",
                                             "hired", "declined"]}]),
    "se_employer_agreement": (4, [{"id": "employer", "type": "short_text"},
                                  {"id": "employment_start", "type": "date"}]),
    "se_follow_along": (5, [{"id": "employment_status", "type": "single_choice",
                             "choices": ["continuing", "changed_tasks", "ended"]},
                            {"id": "employment_ended_on", "type": "date", "when": "employment_status == 'ended'"},
                            {"id": "coaching_status", "type": "single_choice",
                             "choices": ["continuing", "ended", "lighter_support"]}]),
}


def _text(words: str) -> dict[str, Any]:
    return {"fi": words, "sv": words, "en": words, "plain": {"fi": words}}


def _section(kind: str, questions: list[dict[str, Any]]) -> dict[str, Any]:
    asked = [{"id": "held_on", "type": "date", "who": "counsellor", "text": _text("Päivämäärä")}]
    for q in questions:
        q = {**q, "who": "counsellor", "text": _text(q["id"])}
        if "choices" in q:
            q["choices"] = [{"value": c, "text": _text(c)} for c in q["choices"]]
        asked.append(q)
    return {"section": {"id": kind, "title": _text(kind), "questions": asked}}


@pytest.fixture(scope="module")
def se_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the real content with the small forms above, held for supported employment only."""
    root = tmp_path_factory.mktemp("se") / "content"
    shutil.copytree(REAL_CONTENT, root)
    yaml = YAML()
    reviews = yaml.load((root / "reviews.yaml").read_text())
    for kind, (stage, questions) in FORMS.items():
        with (root / "reviews" / f"{kind}.yaml").open("w") as f:
            yaml.dump(_section(kind, questions), f)
        reviews["reviews"][kind] = {"title": _text(kind), "services": ["supported_employment"],
                                    "sections": [f"reviews/{kind}.yaml"], **({"stage": stage} if stage else {})}
    with (root / "reviews.yaml").open("w") as f:
        yaml.dump(reviews, f)
    return root


@pytest.fixture(scope="module")
def se_content(se_dir: Path):
    return load_content(se_dir)


def client(store, content, label: str, service: str = "supported_employment", months: int | None = 12
           ) -> IntakeSession:
    """A session whose intake names `service`, with a plan from START (the rest of the intake is not
    needed by the progress)."""
    session = IntakeSession.start(store, content, label, "Liisa Ohjaaja")
    session.interview.state.answers["service_type"] = Answer(value=service, by="counsellor",
                                                             at=dt.datetime(2026, 1, 12, tzinfo=dt.timezone.utc))
    session.decide(start=START, months=months)
    return session


def hold(session: IntakeSession, kind: str, held_on: dt.date, **answers: Any) -> None:
    """Hold a form to its end, as the period screen does: every answer saved on the session."""
    review = session.open_review(kind)
    answers = {"held_on": held_on.isoformat(), **{k: v.isoformat() if isinstance(v, dt.date) else v
                                                  for k, v in answers.items()}}
    while (step := review.interview.current()) is not None:
        assert review.answer(answers[step.question.id]) is None, step.key


def contact_after(session: IntakeSession, days: int) -> None:
    hold(session, "se_start", START, agreement_made=True, agreed_on=START)
    hold(session, "se_employer_contact", START + dt.timedelta(days=days), employer="Kahvila Oy", outcome="call_later")


# --- the content ---------------------------------------------------------------------------------------------

def test_the_real_criteria_are_the_25_of_ips_25_in_three_groups_and_criterion_3_is_the_seeds():
    assert [c.number for c in SCALE.criteria] == list(range(1, 26))
    assert [g.id for g in SCALE.groups] == ["staffing", "organisation", "services"]
    assert [c.source for c in SCALE.criteria].count("seed_001") == 1
    whole = SCALE.criteria[2]
    assert whole.source == "seed_001"
    assert whole.anchors[3].fi == "Työhönvalmentajat toteuttavat yhdestä kolmeen vaihetta työhönvalmennuksesta."
    assert {c.computed.measure: c.number for c in SCALE.criteria if c.computed} == {
        "continuous_assessment": 14, "rapid_job_search": 15, "follow_along": 22, "time_unlimited": 23}


@pytest.mark.parametrize("total, band", [(25, "not_supported_employment"), (73, "not_supported_employment"),
                                         (74, "fair"), (99, "fair"), (100, "good"), (114, "good"),
                                         (115, "exemplary"), (125, "exemplary")])
def test_a_total_falls_in_its_band_at_the_edges(total, band):
    ratings = {n: 1 for n in range(1, 26)}
    for n in ratings:  # raise the ratings one criterion at a time until they sum to the total
        ratings[n] += min(4, total - sum(ratings.values()))
    review = scored(SCALE, ratings)
    assert (review.total, review.band.id) == (total, band)


def test_a_review_with_a_criterion_unrated_has_no_total():
    with pytest.raises(ValueError, match=r"\[7\]"):
        scored(SCALE, {n: 3 for n in range(1, 26) if n != 7})


@pytest.mark.parametrize("days, score", [(0, 5), (30, 5), (31, 4), (60, 4), (61, 3), (150, 3), (151, 2),
                                         (270, 2), (271, 1)])
def test_rapid_job_search_is_scored_by_its_anchors(days, score):
    assert SCALE.criteria[14].computed.score(days) == score


def _broken(tmp_path: Path, change) -> str:
    yaml = YAML()
    data = yaml.load((REAL_CONTENT / FIDELITY_FILE).read_text())
    change(data)
    with (tmp_path / FIDELITY_FILE).open("w") as f:
        yaml.dump(data, f)
    with pytest.raises(ContentError) as caught:
        load_fidelity(tmp_path)
    return str(caught.value)


def test_a_gap_between_bands_is_refused_with_its_totals(tmp_path):
    def gap(data):
        data["bands"][2]["low"] = 76  # fair from 76: nothing holds 74-75
    assert "no band holds the totals 74-75" in _broken(tmp_path, gap)


def test_overlapping_bands_are_refused(tmp_path):
    def overlap(data):
        data["bands"][2]["high"] = 101
    assert "the totals 100-101 are in two bands" in _broken(tmp_path, overlap)


def test_24_criteria_are_refused(tmp_path):
    message = _broken(tmp_path, lambda data: data["criteria"].pop())
    assert "fidelity.yaml:" in message and "24 criteria; the IPS-25 scale has 25" in message


def test_a_criterion_without_five_anchors_is_refused_by_line(tmp_path):
    message = _broken(tmp_path, lambda data: data["criteria"][4]["anchors"].pop(3))
    line = int(message.split(":")[1])
    assert line > 1 and "criteria[4].anchors" in message and "missing: 3" in message


def test_thresholds_that_do_not_follow_the_scores_are_refused(tmp_path):
    def reverse(data):
        data["criteria"][14]["computed"]["thresholds"] = {5: 270, 4: 150, 3: 60, 2: 30}
    assert "the thresholds must rise from score 5 to score 2 (better: lower)" in _broken(tmp_path, reverse)


def test_criteria_out_of_order_are_refused(tmp_path):
    def swap(data):
        data["criteria"][0], data["criteria"][1] = data["criteria"][1], data["criteria"][0]
    assert "criterion 2 is in place 1" in _broken(tmp_path, swap)


# --- the progress, from forms held on real sessions -----------------------------------------------------------

def test_the_progress_follows_the_forms_held(tmp_path, se_content):
    with client(Store(tmp_path / "store"), se_content, "SE-1") as s:
        hold(s, "se_start", START, agreement_made=True, agreed_on=dt.date(2026, 1, 14))
        hold(s, "se_employer_contact", dt.date(2026, 2, 20), employer="Kahvila Oy", outcome="call_later")
        hold(s, "se_employer_contact", dt.date(2026, 2, 3), employer="Varasto Oy", outcome="job_interview")
        hold(s, "se_employer_agreement", dt.date(2026, 3, 1), employer="Varasto Oy",
             employment_start=dt.date(2026, 3, 15))
        hold(s, "se_follow_along", dt.date(2026, 3, 10), employment_status="continuing", coaching_status="continuing")
        hold(s, "se_follow_along", dt.date(2026, 3, 20), employment_status="continuing", coaching_status="continuing")
        hold(s, "se_follow_along", dt.date(2026, 4, 20), employment_status="ended",
             employment_ended_on=dt.date(2026, 4, 18), coaching_status="lighter_support")
        progress = se_progress(s)
    assert progress.started_on == dt.date(2026, 1, 14)             # the cooperation agreement's day
    assert progress.first_employer_contact == dt.date(2026, 2, 3)  # the earliest, not the first logged
    assert progress.days_to_first_contact == 20
    assert progress.employed_since == dt.date(2026, 3, 15)
    assert progress.follow_along_visits == 2                       # the one before the job started is not
    assert progress.employment_ended_on == dt.date(2026, 4, 18)
    assert progress.coaching_status == "lighter_support"
    assert progress.stages_reached == {1, 3, 4, 5}


def test_without_forms_the_progress_starts_at_the_plan(tmp_path, se_content):
    with client(Store(tmp_path / "store"), se_content, "SE-2") as s:
        progress = se_progress(s)
    assert (progress.started_on, progress.first_employer_contact, progress.days_to_first_contact,
            progress.employed_since, progress.follow_along_visits, progress.stages_reached) == (
        START, None, None, None, 0, frozenset())


def test_an_unfinished_agreement_form_neither_employs_nor_reaches_its_stage(tmp_path, se_content):
    with client(Store(tmp_path / "store"), se_content, "SE-3") as s:
        review = s.open_review("se_employer_agreement")
        assert review.answer(dt.date(2026, 3, 1).isoformat()) is None  # held_on only
        progress = se_progress(s)
    assert progress.employed_since is None and 4 not in progress.stages_reached


# --- the client-level criteria ---------------------------------------------------------------------------------

def test_only_supported_employment_clients_count(tmp_path, se_content):
    store = Store(tmp_path / "store")
    with client(store, se_content, "SE-4") as se, \
            client(store, se_content, "KTT-1", "rehabilitative_work_activity") as ktt:
        contact_after(se, 10)
        clients = se_clients([se, ktt], Rules(se_content.rules), TODAY)
    measured = client_level(SCALE, clients)
    assert len(clients) == 1
    assert (measured[15].figure, measured[15].score, measured[15].figures) == (10.0, 5, {"clients": 1, "of": 1,
                                                                                          "days": 10.0})


def test_no_clients_means_not_enough_data(tmp_path, se_content):
    with client(Store(tmp_path / "store"), se_content, "KTT-2", "rehabilitative_work_activity") as ktt:
        measured = client_level(SCALE, se_clients([ktt], Rules(se_content.rules), TODAY))
    assert {n: (m.figure, m.score) for n, m in measured.items()} == {n: (None, None) for n in (14, 15, 22, 23)}


def test_follow_along_and_time_unlimited_support_are_shares_of_the_employed(tmp_path, se_content):
    store = Store(tmp_path / "store")
    with client(store, se_content, "SE-5") as visited, client(store, se_content, "SE-6", months=None) as open_ended, \
            client(store, se_content, "SE-7") as searching:
        for s in (visited, open_ended):
            hold(s, "se_employer_agreement", dt.date(2026, 1, 20), employer="Oy", employment_start=dt.date(2026, 1, 26))
        hold(visited, "se_follow_along", dt.date(2026, 1, 30), employment_status="continuing", coaching_status="ended")
        measured = client_level(SCALE, se_clients([visited, open_ended, searching], Rules(se_content.rules), TODAY))
    assert (measured[22].figure, measured[22].score, measured[22].figures) == (50.0, 3, {"meeting": 1, "clients": 2,
                                                                                         "percent": 50.0})
    assert (measured[23].figure, measured[23].score) == (50.0, 3)  # the open-ended plan; the other's coaching ended


def test_continuous_assessment_counts_the_reviews_held_when_due(tmp_path, se_content):
    from tests.test_follow_up import hold as hold_review  # answers a real review plausibly

    store = Store(tmp_path / "store")
    with client(store, se_content, "SE-8") as late, client(store, se_content, "SE-9") as kept:
        # the first interim review falls due three months from START (2026-04-12): one client had it on time
        hold_review(kept.open_review("interim"), {"held_on": "2026-04-14"})
        before = client_level(SCALE, se_clients([late], Rules(se_content.rules), TODAY))
        after = client_level(SCALE, se_clients([late, kept], Rules(se_content.rules), dt.date(2026, 6, 1)))
    assert before[14].score is None  # nothing due yet on TODAY, and none held: not enough data
    assert (after[14].figures, after[14].score) == ({"meeting": 1, "clients": 2, "percent": 50.0}, 3)


# --- the command ---------------------------------------------------------------------------------------------

@pytest.fixture
def se_store(tmp_path, se_content) -> Path:
    """A store with two supported-employment clients (first employer contacts 20 and 40 days from the
    start: 30 on average) and a client with a contact logged 200 days in while in supported employment,
    whose service was then changed to rehabilitative work activity (no longer counted)."""
    path = tmp_path / "store"
    store = Store(path)
    for label, days, service in (("SE-A", 20, "supported_employment"), ("SE-B", 40, "supported_employment"),
                                 ("KTT-C", 200, "rehabilitative_work_activity")):
        with client(store, se_content, label) as s:
            contact_after(s, days)
            s.interview.state.answers["service_type"] = s.interview.state.answers["service_type"].model_copy(
                update={"value": service})
            s.save()
    store.close()
    return path


def ratings_text(**scores: int) -> str:
    return "".join(f"{n}: {scores.get(f'c{n}', 4)}\n" for n in range(1, 26))


def test_the_command_scores_a_ratings_file_with_the_computed_criteria_beside(se_store, se_dir, tmp_path, capsys):
    ratings = tmp_path / "ratings.yaml"
    ratings.write_text(ratings_text(c15=5, c3=3))
    out = tmp_path / "review.json"
    code = main(["--store", str(se_store), "--content", str(se_dir), "fidelity", "--ratings", str(ratings),
                 "--out", str(out), "--language", "en"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "Supported-employment clients in the store: 2." in printed
    row = next(line for line in printed.splitlines() if "Rapid job search" in line)
    assert row.split()[-2:] == ["5", "5"]  # the team's score, and the one computed from the forms
    assert "Total 100/125: Good fidelity" in printed
    assert out.stat().st_mode & 0o777 == 0o600
    saved = json.loads(out.read_text())
    rapid = saved["criteria"][14]
    assert rapid["computed"] == {"measure": "rapid_job_search", "score": 5, "figure": 30.0,
                                 "figures": {"clients": 2, "of": 2, "days": 30.0}}
    assert (saved["total"], saved["band"]["id"], saved["supported_employment_clients"]) == (100, "good", 2)
    assert "SE-A" not in out.read_text()  # counts and means only


def test_asked_line_by_line_the_computed_score_is_the_default_and_a_bad_answer_is_asked_again(
        se_store, se_dir, monkeypatch, capsys):
    typed = iter(["3"] * 14 + ["7", ""] + ["3"] * 10)  # criterion 15: a bad answer, then Enter for the computed 5
    monkeypatch.setattr("builtins.input", lambda prompt="": next(typed))
    assert main(["--store", str(se_store), "--content", str(se_dir), "fidelity"]) == 0
    printed = capsys.readouterr().out
    assert "Kriteeri 15 (Nopea työnhaku): 7 ei ole pisteet. Anna kokonaisluku 1–5." in printed
    assert "2/2 asiakkaalla kirjattu työnantajayhteys, keskimäärin 30,0 päivää alusta" in printed
    assert f"Yhteensä {24 * 3 + 5}/{HIGHEST}: Kohtalainen" in printed


def test_input_ending_early_saves_nothing(se_store, se_dir, tmp_path, monkeypatch, capsys):
    typed = iter(["4", "4"])

    def read(prompt=""):
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None
    monkeypatch.setattr("builtins.input", read)
    out = tmp_path / "review.json"
    assert main(["--store", str(se_store), "--content", str(se_dir), "fidelity", "--out", str(out)]) == 2
    assert "mitään ei tallennettu" in capsys.readouterr().err and not out.exists()


def test_a_bad_ratings_file_names_each_criterion_and_what_is_allowed(se_store, se_dir, tmp_path, capsys):
    ratings = tmp_path / "ratings.yaml"
    ratings.write_text(ratings_text(c15=6).replace("16: 4", "16: many").replace("25: 4\n", "") + "31: 2\n")
    out = tmp_path / "review.json"
    code = main(["--store", str(se_store), "--content", str(se_dir), "fidelity", "--ratings", str(ratings),
                 "--out", str(out), "--language", "en"])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert "Criterion 15 (Rapid job search): 6 is not a score. Give a whole number from 1 to 5." in err
    assert "Criterion 16 (Individualized job search): many is not a score." in err
    assert "There is no criterion 31: the criteria are numbered 1–25." in err
    assert "Criterion 25 (Assertive engagement and outreach) has no score." in err


def test_a_ratings_file_that_is_not_yaml_says_how_to_write_one(se_store, se_dir, tmp_path, capsys):
    ratings = tmp_path / "ratings.yaml"
    ratings.write_text("15: [4\n")
    assert main(["--store", str(se_store), "--content", str(se_dir), "fidelity", "--ratings", str(ratings)]) == 2
    assert "esim. 15: 4" in capsys.readouterr().err


def test_the_template_has_the_computed_score_filled_in(se_store, se_dir, tmp_path, capsys):
    assert main(["--store", str(se_store), "--content", str(se_dir), "fidelity", "--template", "--language", "sv"]) == 0
    template = capsys.readouterr().out
    values = YAML(typ="safe").load(template)
    assert values[15] == 5 and values[1] is None and len(values) == 25
    assert "# 15. Snabbt jobbsökande" in template


def test_the_review_is_read_the_same_from_either_backend(backend, se_content, se_dir, tmp_path, capsys):
    store = backend.open()
    with client(store, se_content, "SE-P") as s:
        contact_after(s, 45)
    ratings = tmp_path / "ratings.yaml"
    ratings.write_text(ratings_text())
    assert main(["--store", backend.place, "--content", str(se_dir), "fidelity", "--ratings", str(ratings),
                 "--language", "en"]) == 0
    printed = capsys.readouterr().out
    row = next(line for line in printed.splitlines() if "Rapid job search" in line)
    assert row.split()[-1] == "4"  # 45 days: 31-60
    assert any(e["action"] == "fidelity" for e in store.access_log())


def test_the_totals_a_review_can_have_are_all_in_a_band():
    assert [SCALE.band(t).id for t in (LOWEST, HIGHEST)] == ["not_supported_employment", "exemplary"]


def test_every_text_key_the_command_uses_exists():
    import re
    import typing

    from intake.flows.fidelity_scale import Measure

    content = load_content(REAL_CONTENT)
    source = (REAL_CONTENT.parent / "intake" / "fidelity_review.py").read_text(encoding="utf-8")
    keys = set(re.findall(r"\btexts\(\s*[\"']([a-z][a-z0-9_.]*)[\"']", source))
    keys |= {f"fidelity.figures.{m}" for m in typing.get_args(Measure)}
    assert len(keys) > 15
    assert sorted(k for k in keys if k not in content.texts) == []


def test_an_existing_out_file_is_refused_before_any_score_is_asked(se_store, se_dir, tmp_path, monkeypatch, capsys):
    out = tmp_path / "review.json"
    out.write_text("an earlier review")
    monkeypatch.setattr("builtins.input", lambda prompt="": pytest.fail("a score was asked"))
    assert main(["--store", str(se_store), "--content", str(se_dir), "fidelity", "--out", str(out)]) == 2
    assert "exists already" in capsys.readouterr().err and out.read_text() == "an earlier review"
