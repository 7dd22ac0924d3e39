"""The session list by the next review: the store's filter (done in the index), the start screen's
rows and filter key, and `intake list`'s options (issue 12)."""

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
def store(store_path, content):
    s = Store(store_path)
    make_sessions(s, content)
    yield s
    s.close()


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


def test_a_damaged_session_has_no_next_review_to_filter_by(store_path, content):
    store = Store(store_path)
    ids = make_sessions(store, content)
    store.session_file(ids["LATE-B"]).write_text("{not json")
    store.reconcile()
    assert store.count(damaged_only=True) == 1
    assert labels(store, due=ReviewDue("overdue", TODAY, GRACE)) == ["LATE-A"]
    store.close()


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
    t, day = Texts(content), lambda days: Texts(content).date(today + dt.timedelta(days=days))
    app = IntakeApp(store=store, content=content, export_dir=tmp_path / "exports")
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        rows = {row[0].split(" (")[0]: row for row in shown(app)}
        # the status column: the next review in the period, else the intake's status
        assert rows["LATE-A"][2] == t("start.review_overdue", date=day(-40)) == f"myöhässä {day(-40)}"
        assert rows["GRACE"][2] == f"arviointi {day(-GRACE)}"  # still in its grace days: not overdue
        assert rows["SOON"][2] == f"arviointi {day(10)}"
        assert rows["NONE"][2] == t("status.in_progress")
        assert rows["ENDED"][2] == t("start.period_ended", date=day(-3)) == f"päättynyt {day(-3)}"
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
