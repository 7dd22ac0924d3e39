"""A county's imported placements are placements like the built-in ones: matched, explained by "why
not", chosen, agreed in the plan and named in the exports (issue 9, item 11)."""

from __future__ import annotations

import datetime as dt
import json

from intake.export.files import export_plan
from intake.flows.placements import Placement
from intake.merged_catalogue import matching_catalogue
from intake.screens.matching import MatchingScreen, WhyNotScreen
from intake.store import Store
from tests.test_app_plan import new_app, open_first_session, saved_session, text_of
from tests.test_content import CONTENT
from tests.test_plan import session  # noqa: F401  (the fixture: Asiakas X, every question answered)

BUILT_IN = "espoo_kivenlahti_digital_guidance"   # the Asiakas X placement
AGREED = dict(start=dt.date(2027, 1, 11), months=3, days_per_week=3, hours_per_day=4,
              plan_type="multi_sector_employment_plan")


def county_copy(**changes) -> Placement:
    """A placement of the county's own list, like the built-in digital guidance one."""
    built_in = next(p for p in CONTENT.placements if p.id == BUILT_IN)
    return built_in.model_copy(update=changes)


def test_an_imported_placement_is_matched_chosen_agreed_and_exported(session, tmp_path):
    session.store.placements.import_all([county_copy(id="county_digital_help", name="Kunnan digiapu",
                                                 address="Kivenlahdentie 1, 02320 Espoo")], "county.csv")
    result = session.match(matching_catalogue(session.store, CONTENT))
    assert "county_digital_help" in result.ranked_ids

    session.decide(placement_id="county_digital_help", **AGREED)
    plan = session.agree(at=dt.datetime(2027, 1, 5, 10, tzinfo=dt.timezone.utc))
    assert [i.key for i in plan.issues] == []
    assert plan.agreed is not None
    assert (plan.placement.id, plan.placement.name) == ("county_digital_help", "Kunnan digiapu")

    export = json.loads(export_plan(session.store, CONTENT, session.record, None))
    assert export["plan"]["placement"]["name"] == "Kunnan digiapu"
    client = export_plan(session.store, CONTENT, session.record, None, reader="client", fmt="md")
    assert "Kunnan digiapu" in client
    assert "Kivenlahdentie 1, 02320 Espoo" in client and "Espoo, Espoo" not in client  # the county's address


def test_an_imported_placement_that_replaces_a_built_in_one_is_named_as_imported(session):
    session.store.placements.import_all([county_copy(name="Kivenlahden digiopastus, kunnan lista")], "county.csv")
    session.decide(placement_id=BUILT_IN, **AGREED)
    assert session.plan().placement.name == "Kivenlahden digiopastus, kunnan lista"


def test_why_not_explains_an_imported_placement(session):
    session.store.placements.import_all([county_copy(id="county_full", name="Täysi paikka", open_places=0)],
                                    "county.csv")
    result = session.match(matching_catalogue(session.store, CONTENT))
    assert [r.key for r in result.why_not("county_full")] == ["exclude.open_places"]


async def test_the_why_not_dialog_lists_and_explains_imported_placements(store_path, tmp_path):
    saved_session(store_path)
    full = county_copy(id="county_full", name="Täysi kunnan paikka", open_places=0)
    Store(store_path).placements.import_all([full], "county.csv")
    app = new_app(store_path, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first_session(pilot)
        assert isinstance(app.screen, MatchingScreen)
        await pilot.press("f7")
        await pilot.pause()
        why = app.screen
        assert isinstance(why, WhyNotScreen)
        assert "county_full" in [p.id for p in why.placements]
        await pilot.press(*full.name, "enter")
        await pilot.pause()
        answer = text_of(why, "#why-answer")
        assert full.name in answer
        assert why.t("exclude.open_places") in answer
