"""The follow-up in each reader's export: the counsellor's full record (schema-valid, importable), the
client's own plan in the client's words, and, for a session without reviews, the exports as before."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest

from intake.export.import_plan import import_export
from intake.export.readers import render
from intake.schemas import SCHEMA_DIR
from intake.store import Store
from tests.reviewed import END_ON, ENDED_ON, FOLLOW_ON, INTERIM_ON, RATINGS, reviewed_session
from tests.test_content import CONTENT
from tests.test_exports import agreed_session

TODAY = dt.date(2026, 8, 1)
SCHEMA = json.loads((SCHEMA_DIR / "export.schema.json").read_text(encoding="utf-8"))


@pytest.fixture
def reviewed(tmp_path):
    session = reviewed_session(Store(tmp_path / "store"))
    session.mark(dt.date(2026, 1, 12), "attended")
    session.mark(dt.date(2026, 1, 13), "attended")
    session.mark(dt.date(2026, 1, 14), "ill")
    yield session
    session.close()


def test_the_counsellors_export_holds_the_follow_up_and_meets_its_schema(reviewed):
    data = json.loads(render(CONTENT, reviewed.record, "counsellor"))
    jsonschema.validate(data, SCHEMA)
    follow_up = data["follow_up"]
    assert [(r["kind"], r["held_on"], r["complete"]) for r in follow_up["reviews"]] == [
        ("interim", INTERIM_ON.isoformat(), True), ("end", END_ON.isoformat(), True)]
    end_answers = {a["question_id"]: a for s in follow_up["reviews"][1]["sections"] for a in s["answers"]}
    assert end_answers["follow_on_path"]["value_text"] == "Työvoimapoliittiseen koulutukseen"
    assert follow_up["schedule"]["interim_reviews"] == [{"due": "2026-04-12", "held_on": INTERIM_ON.isoformat(),
                                                          "on_time": True}]
    assert follow_up["attendance"]["totals"] == {"attended": 2, "ill": 1, "agreed_absence": 0, "no_notice": 0}
    ending = follow_up["ending"]
    assert (ending["ended_on"], ending["ended_as"], ending["follow_on_path"]) == (
        ENDED_ON.isoformat(), "planned", "labour_market_training")
    assert ending["follow_on_plan"] == [FOLLOW_ON]
    distance = follow_up["distance"]
    assert [m["label"] for m in distance["moments"]] == ["Alkuarvio", "Arviointi 1", "Loppuarviointi"]
    rhythm = next(d for d in distance["domains"] if d["id"] == "daily_rhythm")
    assert list(zip(rhythm["client"], rhythm["counsellor"])) == [tuple(p) for p in RATINGS["daily_rhythm"]]


def test_an_imported_export_keeps_its_reviews_and_attendance(reviewed, tmp_path):
    path = tmp_path / "export.json"
    path.write_text(render(CONTENT, reviewed.record, "counsellor"), encoding="utf-8")
    record = import_export(Store(tmp_path / "elsewhere"), CONTENT, path)
    assert [(r.id, r.kind) for r in record.follow_up.reviews] == [("interim-1", "interim"), ("end-1", "end")]
    assert record.follow_up.attendance == reviewed.follow_up.attendance
    assert (record.follow_up.reviews[1].state.answers["follow_on_path"].value ==
            reviewed.follow_up.reviews[1].state.answers["follow_on_path"].value)


def test_an_imported_export_keeps_the_links_between_periods(reviewed, tmp_path):
    new = reviewed.new_period()
    try:
        for session, name in ((reviewed, "ended.json"), (new, "new.json")):
            (tmp_path / name).write_text(render(CONTENT, session.record, "counsellor"), encoding="utf-8")
    finally:
        new.close()
    elsewhere = Store(tmp_path / "elsewhere")
    ended = import_export(elsewhere, CONTENT, tmp_path / "ended.json")
    assert ended.follow_up.continued_in == new.record.id  # a second new period is refused there too
    # the new period, with nothing recorded after its intake yet, still names the period before it
    started = import_export(elsewhere, CONTENT, tmp_path / "new.json")
    assert started.follow_up.previous == new.follow_up.previous


def test_the_clients_plan_gives_the_goals_the_follow_on_plan_the_end_and_the_distance(reviewed):
    md = render(CONTENT, reviewed.record, "client", "md", today=TODAY)
    plan = md[md.index("## Jatkosuunnitelma"):]
    assert f"**{FOLLOW_ON['action']}**" in plan
    assert f"Vastuussa: {FOLLOW_ON['responsible']}" in plan and "Viimeistään: 14.8.2026" in plan
    assert "Jakso päättyi suunnitellusti 11.7.2026." in md
    assert "## Seuraava arviointi" not in md  # the period has ended
    assert "Jakson jälkeen: Työvoimapoliittiseen koulutukseen." in md
    goal_lines = md[md.index("## Arvioinnit ja tavoitteet"):md.index("## Jatkosuunnitelma")]
    assert "- **Väliarviointi 20.4.2026**" in goal_lines
    assert "Oppia opastamaan ikäihmisiä digilaitteissa:" in goal_lines  # each goal in its own words, with its result
    assert "| Osa-alue | Alkuarvio 8.1.2026 | Arviointi 1 20.4.2026 | Loppuarviointi 10.7.2026 |" in md
    assert "| Päivärytmi ja arjen sujuminen | 4 / 3 | 3 / 2 | 2 / – |" in md
    html = render(CONTENT, reviewed.record, "client", "html", today=TODAY)
    assert '<th scope="row">Päivärytmi ja arjen sujuminen</th><td>4 / 3</td><td>3 / 2</td><td>2 / –</td>' in html
    assert "http" not in html.split("<body>")[1]  # no external resources


def test_the_clients_plan_is_in_the_clients_language_and_plain_words(reviewed):
    reviewed.record.language = "sv"
    sv = render(CONTENT, reviewed.record, "client", "md", today=TODAY)
    assert "## Fortsatt plan" in sv and "Ansvarig: Liisa Ohjaaja" in sv and "Perioden slutade som planerat 11.7.2026." in sv
    reviewed.record.language, reviewed.record.plain = "fi", True
    plain = render(CONTENT, reviewed.record, "client", "md", today=TODAY)
    assert "## Mitä sitten tapahtuu" in plain and "Sen hoitaa: Liisa Ohjaaja" in plain
    assert "Ensin sinun arviosi, sitten työntekijän arvio." in plain


def test_without_reviews_the_exports_are_as_before(tmp_path):
    session = agreed_session(tmp_path)
    try:
        counsellor = render(CONTENT, session.record, "counsellor")
        assert "follow_up" not in json.loads(counsellor)
        client = render(CONTENT, session.record, "client", "html", today=TODAY)
        assert "<table" not in client and "table {" not in client
        md = render(CONTENT, session.record, "client", "md", today=TODAY)
        assert "Jatkosuunnitelma" not in md and "Arjen osa-alueet" not in md
        assert "Arvioinnit" not in render(CONTENT, session.record, "placement", "md", today=TODAY)
    finally:
        session.close()
