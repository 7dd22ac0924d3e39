"""The session list by the next review: the store's filter (done in the index), the start screen's
rows and filter key, and `intake list`'s options (issue 12)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from intake.cli import main
from intake.flows.due import ReviewDue, grace_days
from intake.session import IntakeSession
from intake.store import Store

TODAY = dt.date(2026, 5, 1)
GRACE = 14
# label -> (next review, ended on), saved oldest first: the last one is the most recently changed
SESSIONS = {
    "LATE-A": (TODAY - dt.timedelta(days=40), None),     # overdue the longest
    "LATE-B": (TODAY - dt.timedelta(days=20), None),     # overdue
    "GRACE": (TODAY - dt.timedelta(days=GRACE), None),   # fell due, still on time today
    "SOON": (TODAY + dt.timedelta(days=10), None),
    "EDGE": (TODAY + dt.timedelta(days=14), None),       # the last day of "within 14 days"
    "FAR": (TODAY + dt.timedelta(days=60), None),
    "NONE": (None, None),                                # no period yet
    "ENDED": (None, TODAY - dt.timedelta(days=3)),
}


def make_sessions(store: Store, content) -> dict[str, str]:
    """label -> id of each of SESSIONS, its summary saved as a session's save leaves it."""
    ids = {}
    for label, (next_review, ended_on) in SESSIONS.items():
        with IntakeSession.start(store, content, label, "Liisa Ohjaaja") as session:
            record = session.record
        store.save(record.model_copy(update={"next_review": next_review, "ended_on": ended_on,
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
