"""The outcome report (`intake report`): a store built to seed 000's figures (Kymenlaakso: 480 periods
that ended in 2020 by follow-on path, 208 that ended in the first quarter of 2021 by length) must
print them exactly, in every format."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time
from dataclasses import dataclass, field, replace

import pytest

from intake.cli import main
from intake.flows.display import Texts
from intake.flows.engine import Interview, InterviewState
from intake.flows.period import END, PreviousPeriod, Review, add_months
from intake.flows.report import LENGTH_BANDS, ReportProblem, length_band, outcome_report
from intake.screens.report import BAR_WIDTH, bar_chart
from intake.session import IntakeSession
from intake.store import Store
from tests.test_content import CONTENT
from tests.test_exports import CONSENTING, answer_as
from tests.test_follow_up import hold

COUNSELLOR = "Liisa Ohjaaja"
# Seed 000, lines 29-40 and 45-52, in the order the content lists the paths and the bands.
PATHS_2020 = {"pension": 23, "education": 36, "pay_subsidised_work": 54, "paid_work": 27, "sickness_benefit": 29,
              "social_assistance_only": 14, "other_service": 33, "work_trial": 18, "work_ability_assessment": 13,
              "unemployed_jobseeker": 228, "labour_market_training": 3, "new_period": 2}
LENGTHS_2021 = {"under_3_months": 11, "3_to_6_months": 31, "over_6_months": 34, "over_1_year": 74,
                "over_2_years": 54, "over_3_years": 3, "over_4_years": 1}
# The months of each period in a client's run, the last ending in the range; two runs per band, taken
# in turn, so that both a band's upper edge and a length inside it are counted. A 0 is a period of
# 6 planned months ended early, after 2 months.
RUNS = {"under_3_months": [[0], [0]], "3_to_6_months": [[3], [6]], "over_6_months": [[12], [9]],
        "over_1_year": [[24], [18]], "over_2_years": [[12, 24], [6, 24]], "over_3_years": [[12, 12, 24], [3, 12, 24]],
        "over_4_years": [[24, 3, 24], [24, 3, 24]]}
ENDED_2020 = [dt.date(2020, 1, 1), dt.date(2020, 4, 15), dt.date(2020, 8, 31), dt.date(2020, 12, 31)]
REVIEWS_FROM = dt.date(2020, 1, 1)  # the review flows' first day for held_on (content/reviews/review_meeting.yaml)
ENDED_2021 = [dt.date(2021, 1, 1), dt.date(2021, 2, 14), dt.date(2021, 3, 31)]


GOAL_STATUSES = ("achieved", "partly", "not_yet", "not_relevant")


def goal_status(path: str) -> str:
    """How both goals of the intake went, in the end review of a period with this follow-on path."""
    return GOAL_STATUSES[list(PATHS_2020).index(path) % len(GOAL_STATUSES)]


@dataclass
class Builder:
    """Sessions with an ended period, each made as the app makes them (create, then a session saving
    its follow-up); the end reviews are answered through the real review interview, in memory, once
    for each different set of answers (answering is most of the cost), and each given to every period
    that ended that way."""

    store: Store
    intake: InterviewState
    reviews: dict[tuple, Review] = field(default_factory=dict)
    made: int = 0

    def end_review(self, ended_on: dt.date, path: str, early: str | None) -> Review:
        key = (ended_on, path, early)
        if key not in self.reviews:
            flow = CONTENT.review(END).flow
            interview = Interview(CONTENT.review(END), InterviewState(flow_id=flow.id, flow_version=flow.version),
                                  context=Interview(CONTENT, self.intake).active())
            held_on = max(ended_on, REVIEWS_FROM)  # held on the last day, or after it
            hold(interview, {"held_on": held_on.isoformat(), "ended_on": ended_on.isoformat(),
                             "ended_as": "early" if early else "planned", "early_reason": early,
                             "follow_on_path": path, "status": goal_status(path)})
            self.reviews[key] = Review(id="end-1", kind=END, opened_at=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc),
                                       state=interview.state)
        return self.reviews[key]

    def intake_of(self, start: dt.date, months: int) -> InterviewState:
        state = self.intake.model_copy(deep=True)
        state.decisions = state.decisions.model_copy(update={"start": start, "months": months})
        return state

    def period(self, ended_on: dt.date, months: int, path: str, *, early: str | None = None,
               previous: PreviousPeriod | None = None, counsellor: str = COUNSELLOR) -> IntakeSession:
        """A period of `months` ending on `ended_on` (planned), or of 6 planned months ended early."""
        start = add_months(ended_on + dt.timedelta(days=1), -(2 if early else months))
        self.made += 1
        record = self.store.create(f"K-{self.made}", counsellor, self.intake_of(start, 6 if early else months))
        session = IntakeSession(self.store, CONTENT, record)
        session.follow_up.previous = previous
        session.follow_up.reviews.append(self.end_review(ended_on, path, early))
        session.save()
        assert session.status().ended_on == ended_on and (early or session.status().months == months)
        return session

    def run(self, ended_on: dt.date, months: list[int], path: str) -> IntakeSession:
        """A client's run of periods, each starting the day after the one before ended, the last on
        `ended_on`. A run over 2 years that ends in 2021 began before 2019, before the app's reviews
        (they are held from 2020 on): its earlier periods are one session of their intake, ended
        on paper, and the last period counts their months."""
        *before, last = months
        previous = None
        if before:
            first = add_months(ended_on + dt.timedelta(days=1), -sum(months))
            self.made += 1
            record = self.store.create(f"K-{self.made}", COUNSELLOR, self.intake_of(first, sum(before)))
            previous = PreviousPeriod(session_id=record.id, period=len(months), months_before=sum(before))
        return self.period(ended_on, last or 6, path, early="health" if last == 0 else None, previous=previous)


@pytest.fixture(scope="module")
def intake_state(tmp_path_factory) -> InterviewState:
    """An intake answered once through the interview, for every period built."""
    store = Store(tmp_path_factory.mktemp("template") / "store")
    template = IntakeSession.start(store, CONTENT, "TEMPLATE", COUNSELLOR)
    answer_as(template, CONSENTING)
    template.close()
    store.close()
    return template.interview.state


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory, intake_state):
    # Durable writes are not what is tested here, and waiting for the disk ~1,500 times is most of the cost.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("os.fsync", lambda fd: None)
        return build_seed_store(tmp_path_factory.mktemp("seed000") / "store", intake_state)


def build_seed_store(path, intake_state: InterviewState):
    began = time.perf_counter()
    store = Store(path)
    build = Builder(store, intake_state)
    i = 0
    for path_id, count in PATHS_2020.items():
        for _ in range(count):
            # a few of them ended early, so the early endings table has rows
            early = "absences" if path_id == "social_assistance_only" and i % 2 else None
            build.period(ENDED_2020[i % len(ENDED_2020)], 6, path_id, early=early)
            i += 1
    for band, count in LENGTHS_2021.items():
        for n in range(count):
            build.run(ENDED_2021[n % len(ENDED_2021)], RUNS[band][n % 2], "unemployed_jobseeker")
    # just outside both ranges, and one period that has not ended: none of them is counted
    build.period(dt.date(2019, 12, 31), 6, "paid_work")
    build.period(dt.date(2021, 4, 1), 6, "paid_work")
    ongoing = IntakeSession(store, CONTENT, store.create("K-ongoing", COUNSELLOR, intake_state.model_copy(deep=True)))
    ongoing.decide(start=dt.date(2020, 3, 1), months=12)
    print(f"\nseed 000 store: {build.made + 1} sessions in {time.perf_counter() - began:.1f} s "
          f"({len(build.reviews)} end reviews answered)")
    store.close()
    return path


def report(store_path, capsys, *args: str) -> str:
    assert main(["--store", str(store_path), "report", *args]) == 0
    return capsys.readouterr().out


def shown(count: int, total: int) -> str:
    return f"{100 * count / total:.1f}".replace(".", ",")


def row_of(table: str, label: str) -> list[str]:
    """The count and the percent printed on the line of `label` (its label is followed by two spaces)."""
    line = next(line for line in table.splitlines() if line.strip().startswith(label + "  "))
    return line.strip().removeprefix(label).split()


def test_the_report_prints_seed_000s_follow_on_paths_for_2020(seed_store, capsys):
    out = report(seed_store, capsys, "--from", "2020-01-01", "--to", "2020-12-31")
    assert out.startswith("Kuntouttavan työtoiminnan päättyneet jaksot 1.1.2020–31.12.2020: 480 jaksoa\n")
    labels = {c.value: c.text.fi for c in CONTENT.review(END).question_index["follow_on_path"].choices}
    for path_id, count in PATHS_2020.items():
        assert row_of(out, labels[path_id]) == [str(count), shown(count, 480)], path_id
    assert [labels[p] for p in PATHS_2020] == [line.strip().rsplit(None, 2)[0] for line in
                                               out.split("Mihin asiakkaat siirtyivät\n")[1].splitlines()[1:13]]


def test_the_report_prints_seed_000s_lengths_for_the_first_quarter_of_2021(seed_store, capsys):
    out = report(seed_store, capsys, "--from", "2021-01-01", "--to", "2021-03-31", "--language", "en")
    assert out.startswith("Ended periods of rehabilitative work activity 1 January 2021 to 31 March 2021: 208 periods\n")
    for band, count in LENGTHS_2021.items():
        label = CONTENT.texts[f"report.band.{band}"].en
        assert row_of(out, label) == [str(count), f"{100 * count / 208:.1f}"], band


def test_csv_and_json_agree_with_the_table(seed_store, capsys):
    for start, end, table, expected in (("2020-01-01", "2020-12-31", "follow_on_path", PATHS_2020),
                                        ("2021-01-01", "2021-03-31", "length", LENGTHS_2021)):
        rows = list(csv.DictReader(io.StringIO(report(seed_store, capsys, "--from", start, "--to", end,
                                                      "--format", "csv"))))
        assert {r["row"]: int(r["count"]) for r in rows if r["table"] == table} == expected
        total = sum(expected.values())
        assert {r["row"]: r["percent"] for r in rows if r["table"] == table} == {
            k: f"{100 * n / total:.1f}" for k, n in expected.items()}
        data = json.loads(report(seed_store, capsys, "--from", start, "--to", end, "--format", "json"))
        assert data["ended"] == total and (data["from"], data["to"]) == (start, end)
        found = next(t for t in data["tables"] if t["id"] == table)
        assert {r["key"]: (r["count"], r["percent"]) for r in found["rows"]} == {
            k: (n, round(100 * n / total, 1)) for k, n in expected.items()}


def test_goals_reviews_and_early_endings_are_counted(seed_store, capsys):
    data = json.loads(report(seed_store, capsys, "--from", "2020-01-01", "--to", "2020-12-31", "--format", "json"))
    tables = {t["id"]: t for t in data["tables"]}
    # each period reviewed both goals of the intake in its end review
    goals = {status: 2 * sum(n for path, n in PATHS_2020.items() if goal_status(path) == status)
             for status in GOAL_STATUSES}
    assert {r["key"]: r["count"] for r in tables["goals"]["rows"]} == goals
    assert tables["goals"]["total"] == 2 * 480 and [r["key"] for r in tables["goals"]["rows"]] == list(GOAL_STATUSES)
    # 6-month periods: one interim review due in each, none held; none in the 7 that ended after 2 months
    assert {r["key"]: r["count"] for r in tables["reviews_on_time"]["rows"]} == {"on_time": 0, "late_or_missed": 480 - 7}
    early = {r["key"]: r["count"] for r in tables["early_reasons"]["rows"]}
    assert early["absences"] == 7 and sum(early.values()) == 7 == tables["early_reasons"]["total"]


def test_the_report_holds_no_client_labels_or_ids(seed_store, capsys):
    out = report(seed_store, capsys, "--format", "json")
    assert "K-" not in out and COUNSELLOR not in out
    assert json.loads(out)["ended"] == 480 + 208 + 2


@pytest.mark.parametrize("args, message", [
    (["--from", "2021-02-30"], "there is no such day: February 2021 has 28 days"),
    (["--to", "31.12.2020"], "not a date ('31.12.2020'); write the day as YYYY-MM-DD"),
    (["--from", "2021-01-01", "--to", "2020-12-31"], "--from 2021-01-01 is after --to 2020-12-31"),
])
def test_bad_dates_are_named(tmp_path, capsys, args, message):
    code = None
    try:
        code = main(["--store", str(tmp_path / "store"), "report", *args])
    except SystemExit as exit:  # argparse refuses a date it cannot read
        code = exit.code
    assert code == 2 and message in capsys.readouterr().err


@pytest.mark.parametrize("months, band", [(0.5, "under_3_months"), (2.99, "under_3_months"), (3.0, "3_to_6_months"),
                                          (6.0, "3_to_6_months"), (6.01, "over_6_months"), (12.0, "over_6_months"),
                                          (24.0, "over_1_year"), (24.5, "over_2_years"), (48.0, "over_3_years"),
                                          (48.01, "over_4_years")])
def test_length_bands_have_their_edges_in_one_place(months, band):
    assert length_band(months) == band
    assert band in dict(LENGTH_BANDS)


def test_an_empty_range_shows_every_row_with_zero():
    report_ = outcome_report([], CONTENT, Texts(CONTENT, "sv"), start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 31))
    paths = report_.table("follow_on_path")
    assert len(paths.rows) == 12 and all(r.count == 0 and r.percent is None for r in paths.rows)
    assert paths.rows[0].label == "Till pension eller pensionsutredning"


# --- the report screen: the counsellor's own clients, as bar charts ---

async def test_the_report_screen_charts_only_the_counsellors_own_clients(tmp_path, intake_state):
    from textual.widgets import Input, Static

    from intake.screens.app import IntakeApp
    from intake.screens.report import ReportScreen
    from intake.screens.start import StartScreen

    store = Store(tmp_path / "store")
    build = Builder(store, intake_state)
    build.period(dt.date(2020, 6, 30), 6, "education")
    build.period(dt.date(2020, 9, 30), 12, "paid_work")
    build.period(dt.date(2020, 9, 30), 6, "pension", counsellor="Toinen Ohjaaja")
    app = IntakeApp(store=store, content=CONTENT, export_dir=tmp_path / "exports")
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")  # no name typed yet: the field says why it is needed
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        assert "Kirjoita ensin nimesi" in str(app.screen.query_one("#counsellor-error", Static).content)
        app.screen.query_one("#counsellor", Input).value = COUNSELLOR
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        title = str(app.screen.query_one("#report-title", Static).content)
        paths = str(app.screen.query_one("#report-follow_on_path", Static).content).splitlines()
        lengths = str(app.screen.query_one("#report-length", Static).content).splitlines()
        assert title.endswith(": 2 jaksoa")
        by_label = {line.split("  ")[0]: line for line in paths[1:]}
        assert by_label["Koulutukseen tai opintojen piiriin"].endswith("█" * BAR_WIDTH + "     1  50,0 %")
        assert by_label["Eläkkeelle tai eläkeselvittelyyn"].rstrip().endswith("0  0,0 %")
        assert "█" not in by_label["Eläkkeelle tai eläkeselvittelyyn"]  # the other counsellor's client
        assert any(line.startswith("3–6 kuukautta") and line.endswith("1  50,0 %") for line in lengths)
        assert any(line.startswith("Yli 6 kuukautta") and line.endswith("1  50,0 %") for line in lengths)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)


def test_a_bar_is_scaled_to_the_largest_count_and_any_count_shows():
    texts = Texts(CONTENT, "en")
    table = outcome_report([], CONTENT, texts).table("length")
    table.rows[0:3] = [replace(table.rows[0], count=200, percent=95.2), replace(table.rows[1], count=1, percent=0.5),
                       replace(table.rows[2], count=0, percent=0.0)]
    lines = bar_chart(table, texts, width=20).splitlines()
    assert lines[0] == table.title
    assert lines[1].count("█") == 20 and lines[1].endswith("200  95.2%")  # English writes 95.2%
    assert lines[2].count("█") == 1 and lines[2].endswith("1  0.5%")
    assert lines[3].count("█") == 0 and lines[3].endswith("0  0.0%")
    assert bar_chart(table, Texts(CONTENT, "fi"), width=20).splitlines()[1].endswith("200  95,2 %")


def test_content_without_an_end_review_is_named():
    content = CONTENT.model_copy(update={"reviews": {}})
    with pytest.raises(ReportProblem) as caught:
        outcome_report([], content, Texts(content))
    assert "no end review with the choice question 'follow_on_path'" in str(caught.value)
