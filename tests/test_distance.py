"""Distance travelled: the series of each life domain over the intake and the reviews, and the screen that
charts it."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from textual.widgets import DataTable, OptionList, Static
from textual_plotext import PlotextPlot

from intake.flows.distance import distance_travelled, rated_domains
from intake.screens.app import IntakeApp
from intake.screens.distance_chart import DistanceChart, DistanceScreen
from intake.session import IntakeSession
from intake.store import Store
from tests.reviewed import RATINGS, reviewed_session
from tests.test_content import CONTENT, random_value
from tests.test_follow_up import hold

SIZE = (120, 36)


@pytest.fixture
def reviewed(tmp_path):
    session = reviewed_session(Store(tmp_path / "store"))
    yield session
    session.close()


def series(session: IntakeSession, domain: str):
    distance = distance_travelled(session.interview, session.status().reviews)
    return distance, next(d for d in distance.domains if d.id == domain)


def test_each_domain_has_both_views_at_the_intake_and_each_review_in_the_order_held(reviewed):
    distance, work = series(reviewed, "work_education")
    assert [(m.kind, m.number, m.on) for m in distance.moments] == [
        ("intake", 0, dt.date(2026, 1, 8)), ("interim", 1, dt.date(2026, 4, 20)), ("end", 2, dt.date(2026, 7, 10))]
    assert list(zip(work.client, work.counsellor)) == RATINGS["work_education"]
    assert [d.id for d in distance.domains] == [q.id for q in rated_domains(CONTENT)]
    assert len(distance.domains) == 13  # every life domain of the assessment, none of its 1-5 statements


def test_not_discussed_and_not_applicable_are_gaps_not_zeros(reviewed):
    _, rhythm = series(reviewed, "daily_rhythm")
    assert rhythm.counsellor == (3, 2, None)  # not discussed at the end review
    _, network = series(reviewed, "social_network")
    assert network.client == (2, None, 1)
    interim = reviewed.review("interim-1")
    interim.jump("social_network@counsellor")
    assert interim.answer("not_applicable") is None
    while (step := interim.interview.current()) is not None:  # on to the end again, as it was
        assert interim.answer(True if step.is_confirm else interim.interview.answer_for(step.key).value) is None
    _, network = series(reviewed, "social_network")
    assert network.counsellor == (3, None, 1)


def test_reviews_count_in_the_order_they_were_held_not_entered_and_only_when_complete(tmp_path):
    store = Store(tmp_path / "store")
    session = reviewed_session(store, ratings={})
    try:
        interim = [r for r in session.follow_up.reviews if r.kind == "interim"][0]
        end = [r for r in session.follow_up.reviews if r.kind == "end"][0]
        # the end review entered first, the interim review held before it entered afterwards
        session.follow_up.reviews[:] = [end, interim]
        distance = distance_travelled(session.interview, session.status().reviews)
        assert [m.kind for m in distance.moments] == ["intake", "interim", "end"]
        # an unfinished review is not a moment of the series
        end.state.answers.pop("ended_on")
        distance = distance_travelled(session.interview, session.status().reviews)
        assert [m.kind for m in distance.moments] == ["intake", "interim"]
        assert not distance_travelled(session.interview, []).reviewed
    finally:
        session.close()


def test_the_first_flow_rates_its_life_situation_again(content, tmp_path):
    session = IntakeSession.start(Store(tmp_path / "store"), content, "F-1", "Liisa Ohjaaja")
    try:
        rng = random.Random(3)
        while (step := session.interview.current()) is not None:
            value = {"housing@client": 3, "housing@counsellor": "not_applicable"}.get(step.key, random_value(step, rng))
            assert session.answer(value) is None, step.key
        hold(session.open_review("interim"), {"held_on": "2026-04-20"},
             steps={"housing@client": 1, "housing@counsellor": 2})
        distance = distance_travelled(session.interview, session.status().reviews)
        housing = next(d for d in distance.domains if d.id == "housing")
        assert (housing.client, housing.counsellor) == ((3, 1), (None, 2))
        assert {d.id for d in distance.domains} >= {"housing", "finances"}
    finally:
        session.close()


# --- the screen -------------------------------------------------------------------------------------------

async def open_distance(app: IntakeApp, pilot, session: IntakeSession) -> DistanceScreen:
    app.push_screen(DistanceScreen(app.texts, session))
    await pilot.wait_for_scheduled_animations()
    while not isinstance(app.screen, DistanceScreen):
        await pilot.pause()
    await pilot.pause()
    return app.screen


def plot_text(screen: DistanceScreen) -> str:
    return screen.query_one(PlotextPlot).render().plain


async def test_the_chart_names_both_views_in_words_and_says_lower_is_better(reviewed, tmp_path):
    app = IntakeApp(store=reviewed.store, content=CONTENT, export_dir=tmp_path / "exports")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_distance(app, pilot, reviewed)
        legend = str(screen.query_one("#distance-legend", Static).content)
        assert "● Asiakkaan oma arvio" in legend and "▲ Työntekijän arvio" in legend
        assert "Pienempi luku on parempi" in str(screen.query_one("#distance-scale", Static).content)
        chart = plot_text(screen)
        assert "Työ ja koulutus" in chart and "pienempi on parempi" in chart
        assert "Alkuarvio" in chart and "Arviointi 1" in chart and "Loppuarviointi" in chart
        assert "●" in chart and "▲" in chart
        # another domain from the picker redraws the chart
        screen.query_one(OptionList).highlighted = 3
        await pilot.pause()
        assert screen.query_one(DistanceChart).domain.id == "daily_rhythm"
        assert "Päivärytmi" in plot_text(screen)


async def test_the_table_gives_the_same_numbers_with_gaps_as_dashes(reviewed, tmp_path):
    app = IntakeApp(store=reviewed.store, content=CONTENT, export_dir=tmp_path / "exports")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_distance(app, pilot, reviewed)
        await pilot.press("f2")
        table = screen.query_one(DataTable)
        await pilot.pause()
        assert table.has_focus
        assert [str(c.label) for c in table.columns.values()] == [
            "Osa-alue", "Alkuarvio 8.1.2026", "Arviointi 1 20.4.2026", "Loppuarviointi 10.7.2026"]
        assert list(map(str, table.get_row("daily_rhythm"))) == ["Päivärytmi ja arjen sujuminen", "4 / 3", "3 / 2", "2 / –"]
        assert table.get_row("social_network")[1:] == ["2 / 3", "– / 2", "1 / 1"]
        await pilot.press("f2")
        await pilot.pause()
        assert screen.query_one(OptionList).has_focus


async def test_before_any_review_the_screen_says_so(tmp_path):
    session = reviewed_session(Store(tmp_path / "store"), ratings={})
    session.follow_up.reviews.clear()
    app = IntakeApp(store=session.store, content=CONTENT, export_dir=tmp_path / "exports")
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_distance(app, pilot, session)
            assert "ei ole vielä arvioitu uudelleen" in str(screen.query_one("#distance-empty", Static).content)
            await pilot.press("escape")
            while isinstance(app.screen, DistanceScreen):
                await pilot.pause()
    finally:
        session.close()
