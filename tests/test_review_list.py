"""The session list by the next review: the store's filter (on both backends; in the folder store's
index), the start screen's rows and filter key, and `intake list`'s options (issue 12)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from textual.widgets import Static

from intake.cli import main
from intake.flows.display import Texts
from intake.flows.due import DUE_FILTERS, SOON_DAYS, ReviewDue, grace_days
from intake.screens.app import IntakeApp
from intake.screens.key_names import KeyNames
from intake.screens.session_list import Cell, SessionList
from intake.session import IntakeSession
from intake.store import Store

TODAY = dt.date(2026, 5, 1)
GRACE = 14
# label -> (next review, ended on) in days from today, saved oldest first: the last one is the most
# recently changed
SESSIONS = {
    "LATE-A": (-40, None),     # overdue the longest
    "LATE-B": (-20, None),     # overdue
    "GRACE": (-GRACE, None),   # fell due, still on time today
    "SOON": (10, None),
    "EDGE": (14, None),        # the last day of "within 14 days"
    "FAR": (60, None),         # and the client's second period
    "NONE": (None, None),      # no period yet
    "ENDED": (None, -3),
}


def make_sessions(store: Store, content, today: dt.date = TODAY) -> dict[str, str]:
    """label -> id of each of SESSIONS, its summary saved as a session's save leaves it."""
    def day(days: int | None) -> dt.date | None:
        return None if days is None else today + dt.timedelta(days=days)

    ids = {}
    for label, (next_review, ended_on) in SESSIONS.items():
        with IntakeSession.start(store, content, label, "Liisa Ohjaaja") as session:
            record = session.record
        store.save(record.model_copy(update={"next_review": day(next_review), "ended_on": day(ended_on),
                                             "period": 2 if label == "FAR" else 1}))
        ids[label] = record.id
    return ids


def labels(store: Store, text: str = "", due: ReviewDue | None = None) -> list[str]:
    return [s.client_label for s in store.page(text, due=due)]


@pytest.fixture
def store(open_store, content):
    """SESSIONS in a store, on each backend."""
    s = open_store()
    make_sessions(s, content)
    return s


def test_the_grace_days_are_the_interim_reviews(content):
    assert grace_days(content) == content.reviews["interim"].grace_days == GRACE


def test_overdue_keeps_the_reviews_past_their_grace_days_the_most_overdue_first(store):
    overdue = ReviewDue("overdue", TODAY, GRACE)
    assert labels(store, due=overdue) == ["LATE-A", "LATE-B"]
    assert store.count(due=overdue) == 2


def test_due_soon_keeps_the_reviews_within_the_days_and_those_still_in_grace_soonest_first(store):
    soon = ReviewDue("soon", TODAY, GRACE)
    assert labels(store, due=soon) == ["GRACE", "SOON", "EDGE"]
    assert store.count(due=soon) == 3
    assert labels(store, due=ReviewDue("soon", TODAY, GRACE, days=30)) == ["GRACE", "SOON", "EDGE"]
    assert labels(store, due=ReviewDue("soon", TODAY, GRACE, days=60)) == ["GRACE", "SOON", "EDGE", "FAR"]


def test_the_review_filter_combines_with_the_text_filter(store):
    overdue = ReviewDue("overdue", TODAY, GRACE)
    assert labels(store, "late-b", overdue) == ["LATE-B"]
    assert store.count("late-b", due=overdue) == 1
    assert store.count("soon", due=overdue) == 0


def test_without_a_review_filter_the_order_is_unchanged(store):
    assert labels(store) == list(reversed(SESSIONS))  # the most recently changed first, all of them
    assert store.count() == len(SESSIONS)


def test_overdue_moves_with_the_day(store):
    assert labels(store, due=ReviewDue("overdue", TODAY + dt.timedelta(days=1), GRACE)) == ["LATE-A", "LATE-B",
                                                                                             "GRACE"]
    assert labels(store, due=ReviewDue("overdue", TODAY - dt.timedelta(days=30), GRACE)) == []


def without_review_fields(path: Path) -> None:
    """Make a session file as a version before issue 12 saved it: no period, next review or end."""
    data = json.loads(path.read_text())
    for field in ("period", "next_review", "ended_on"):
        data["session"]["1"].pop(field)
    path.write_text(json.dumps(data))


def test_a_session_saved_by_an_older_version_has_no_next_review(store_path, content):
    store = Store(store_path)
    ids = make_sessions(store, content)
    without_review_fields(store.session_file(ids["LATE-A"]))
    store.reconcile()
    old = next(s for s in store.page() if s.id == ids["LATE-A"])
    assert (old.next_review, old.ended_on, old.period) == (None, None, 1)
    assert labels(store, due=ReviewDue("overdue", TODAY, GRACE)) == ["LATE-B"]
    store.close()


def test_a_damaged_session_has_no_next_review_to_filter_by(backend, open_store, content):
    store = open_store()
    ids = make_sessions(store, content)
    backend.damage(ids["LATE-B"], "garbage")
    store.reconcile()
    assert store.count(damaged_only=True) == 1
    assert labels(store, due=ReviewDue("overdue", TODAY, GRACE)) == ["LATE-A"]


def test_an_index_of_the_earlier_layout_is_rebuilt_with_the_next_reviews(store_path, content):
    store = Store(store_path)
    make_sessions(store, content)
    store.close()
    db = store_path / "index" / "sessions.sqlite"
    assert db.exists()
    with sqlite3.connect(db) as con:  # as the first layout: no next_review column
        con.executescript("DROP INDEX due; ALTER TABLE sessions DROP COLUMN next_review; PRAGMA user_version = 1")
    store = Store(store_path)
    assert labels(store, due=ReviewDue("overdue", TODAY, GRACE)) == ["LATE-A", "LATE-B"]
    store.close()


# --- the start screen ---------------------------------------------------------------------------

def shown(app) -> list[tuple[str, ...]]:
    """The rows the session list shows now, as the texts of their cells."""
    sessions = app.screen.query_one(SessionList)
    rows = [sessions.row(i) for i in range(sessions.row_count)]
    return [tuple(cell.text if isinstance(cell, Cell) else cell for cell in row[1]) for row in rows]


async def test_the_start_screen_shows_the_next_reviews_and_cycles_the_review_filter(store_path, content, tmp_path):
    today = dt.date.today()  # the screen works out what is overdue on the real day
    store = Store(store_path)
    make_sessions(store, content, today)
    t, day = Texts(content, keys=KeyNames()), lambda days: Texts(content).date(today + dt.timedelta(days=days))
    app = IntakeApp(store=store, content=content, export_dir=tmp_path / "exports")
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        rows = {row[0].split(" (")[0]: row for row in shown(app)}
        # the status column: the next review in the period, else the intake's status
        assert rows["LATE-A"][2] == t("start.review_overdue", date=day(-40)) == f"myöhässä {day(-40)}"
        assert rows["GRACE"][2] == f"arviointi {day(-GRACE)}"  # still in its grace days: not overdue
        assert rows["SOON"][2] == f"arviointi {day(10)}"
        assert rows["NONE"][2] == t("status.in_progress")
        assert rows["ENDED"][2] == t("start.period_ended", date=day(-3)) == f"päättyi {day(-3)}"
        assert rows["FAR"][0] == "FAR (jakso 2)"
        status = app.screen.query_one("#due-filter", Static)
        assert str(status.content) == t("start.due_filter.all", count=len(SESSIONS))

        # the overdue row carries its colour in a cell of its own (the words say it too)
        sessions = app.screen.query_one(SessionList)
        late = next(i for i in range(sessions.row_count) if sessions.row(i)[1][0] == "LATE-A")
        assert isinstance(sessions.row(late)[1][2], Cell)
        assert not any(isinstance(cell, Cell) for i in range(sessions.row_count) if i != late
                       and sessions.row(i)[1][0] != "LATE-B" for cell in sessions.row(i)[1])
        sessions.move_cursor(0 if late else 1)
        strip = sessions.render_line(late + 1 - round(sessions.scroll_offset.y))
        late_style = sessions.get_component_rich_style("session-list--late")
        assert any(seg.text.strip() == rows["LATE-A"][2] and seg.style.color == late_style.color for seg in strip)

        await pilot.press("ctrl+r")
        await pilot.pause()
        assert [row[0] for row in shown(app)] == ["LATE-A", "LATE-B"]
        assert str(status.content) == t("start.due_filter.overdue", count=2, days=SOON_DAYS)

        await pilot.press("ctrl+r")
        await pilot.pause()
        assert [row[0] for row in shown(app)] == ["GRACE", "SOON", "EDGE"]
        assert str(status.content) == t("start.due_filter.soon", count=3, days=SOON_DAYS)

        await pilot.press("ctrl+f", *"soon")  # the text filter narrows what the review filter keeps
        await pilot.pause()
        assert [row[0] for row in shown(app)] == ["SOON"]
        assert str(status.content) == t("start.due_filter.soon", count=1, days=SOON_DAYS)

        await pilot.press("ctrl+r")
        await pilot.pause()
        assert [row[0] for row in shown(app)] == ["SOON"]
        assert str(status.content) == t("start.due_filter.all", count=1)


def test_the_review_filters_texts_exist(content):
    # named by the filter on (start.due_filter.<due or all>), so the screens' key check cannot see them
    assert all(f"start.due_filter.{due or 'all'}" in content.texts for due in DUE_FILTERS)


# --- intake list ----------------------------------------------------------------------------------

@pytest.fixture
def cli_store(store_path, content, default_content_is_first_flow):
    """label -> (id, next review) of SESSIONS saved around the real day, which `intake list` goes by."""
    store = Store(store_path)
    ids = make_sessions(store, content, dt.date.today())
    summaries = {s.id: s for s in store.page()}
    store.close()
    return {label: (sid, summaries[sid].next_review) for label, sid in ids.items()}


def listed(capsys) -> list[str]:
    """The ids of the rows `intake list` printed, in their order."""
    return [line.split()[0] for line in capsys.readouterr().out.splitlines()[1:] if line.strip()]


def test_intake_list_shows_the_next_review_and_says_when_it_is_overdue(store_path, cli_store, capsys):
    assert main(["--store", str(store_path), "list"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:] if line.strip()}
    late_id, late_day = cli_store["LATE-A"]
    assert f"{late_day.isoformat()} OVERDUE" in lines[late_id]
    grace_id, grace_day = cli_store["GRACE"]
    assert grace_day.isoformat() in lines[grace_id] and "OVERDUE" not in lines[grace_id]
    ended = dt.date.today() - dt.timedelta(days=3)
    assert f"period ended {ended.isoformat()}" in lines[cli_store["ENDED"][0]]
    assert lines[cli_store["FAR"][0]].split()[4] == "2"  # the PERIOD column


def test_intake_list_overdue_and_due_within(store_path, cli_store, capsys):
    ids = {sid: label for label, (sid, _) in cli_store.items()}
    assert main(["--store", str(store_path), "list", "--overdue"]) == 0
    assert [ids[i] for i in listed(capsys)] == ["LATE-A", "LATE-B"]
    assert main(["--store", str(store_path), "list", "--due-within", "14"]) == 0
    assert [ids[i] for i in listed(capsys)] == ["GRACE", "SOON", "EDGE"]
    assert main(["--store", str(store_path), "list", "--due-within", "13"]) == 0
    assert [ids[i] for i in listed(capsys)] == ["GRACE", "SOON"]


def test_intake_list_json_says_what_is_overdue(store_path, cli_store, capsys):
    assert main(["--store", str(store_path), "list", "--json", "--overdue"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["overdue"], r["next_review"], r["ended_on"], r["period"]) for r in rows] == [
        (cli_store[label][0], True, cli_store[label][1].isoformat(), None, 1) for label in ("LATE-A", "LATE-B")]
    assert main(["--store", str(store_path), "list", "--json"]) == 0
    by_id = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    ended = by_id[cli_store["ENDED"][0]]
    assert (ended["overdue"], ended["next_review"], ended["ended_on"]) == (
        False, None, (dt.date.today() - dt.timedelta(days=3)).isoformat())
    assert by_id[cli_store["FAR"][0]]["period"] == 2 and not by_id[cli_store["GRACE"][0]]["overdue"]


def test_intake_list_says_when_no_review_is_due(store_path, content, default_content_is_first_flow, capsys):
    Store(store_path).close()
    assert main(["--store", str(store_path), "list", "--overdue"]) == 0
    assert capsys.readouterr().out.strip() == "No session's next review is overdue."


@pytest.mark.parametrize("days", ["-1", "two", "99999"])
def test_intake_list_due_within_needs_a_number_of_days(store_path, days, capsys):
    with pytest.raises(SystemExit):
        main(["--store", str(store_path), "list", "--due-within", days])
    assert "not a number of days; write a whole number from 0 to 3660" in capsys.readouterr().err


def test_intake_list_takes_one_review_filter(store_path, capsys):
    with pytest.raises(SystemExit):
        main(["--store", str(store_path), "list", "--overdue", "--due-within", "14"])
    assert "not allowed with argument" in capsys.readouterr().err
