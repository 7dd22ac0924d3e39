"""`intake store copy` (issue 15): a folder store into a county's database and back, losslessly, and the
copies it refuses to make."""

from __future__ import annotations

import datetime as dt

import pytest

from intake.cli import main
from intake.session import IntakeSession
from intake.store import Store
from intake.store_pg import PostgresStore
from tests.test_content import CONTENT
from tests.test_imported_placements import county_copy
from tests.test_plan import answer_all

LOGGED = ("at", "action", "session", "who", "host", "pid")  # what a folder's log entry holds


def _fill(store: Store) -> None:
    """Sessions in every state (agreed, half-answered, just begun, saved many times), placements imported
    in two batches by two people, and the access log that made."""
    agreed = IntakeSession.start(store, CONTENT, "X-1", "Liisa Ohjaaja")
    answer_all(agreed)
    agreed.decide(placement_id="espoo_kivenlahti_digital_guidance", start=dt.date(2027, 1, 11), months=3,
                  days_per_week=3, hours_per_day=4, plan_type="multi_sector_employment_plan")
    agreed.agree(at=dt.datetime(2027, 1, 5, 10, tzinfo=dt.timezone.utc))
    agreed.close()
    half = IntakeSession.start(store, CONTENT, "Y-2 <b>[red]", "Ville Ohjaaja", language="sv", plain=True)
    for _ in range(5):
        half.skip()
    half.close()
    store.create("Z-3", "Liisa Ohjaaja", agreed.interview.state.model_copy(update={"answers": {}}))
    store.placements.import_all([county_copy(id="county_a", name="Kunnan digiapu")], "first.csv", who="Liisa")
    store.placements.import_all([county_copy(id="county_b", name="Puutyöpaja", open_places=0)], "second.csv",
                                who="Ville")
    store.employers.import_all([county_copy(id="county_job", host_type="company", host="Yritys Oy")], "jobs.csv",
                               who="Liisa")
    store.log_access("export", agreed.record.id, "Liisa Ohjaaja")


def _everything(store) -> tuple[dict, list, list]:
    sessions = {s.id: store.get(s.id).model_dump(mode="json") for s in store.list()}
    entries = [{k: e.get(k) for k in LOGGED} for e in store.access_log()]
    placements = [p.model_dump(mode="json") for catalogue in (store.placements, store.employers)
                  for p in catalogue.entries()]
    return sessions, entries, placements


def test_a_folder_store_goes_into_the_database_and_back_unchanged(tmp_path, postgres_url, capsys):
    _fill(Store(tmp_path / "folder"))
    before = _everything(Store(tmp_path / "folder"))
    assert main(["store", "copy", "--from", str(tmp_path / "folder"), "--to", postgres_url]) == 0
    assert "Copied 3 session(s), 2 imported placement(s), 1 imported job(s) at employers" in capsys.readouterr().out
    in_database = _everything(PostgresStore(postgres_url))
    assert main(["store", "copy", "--from", postgres_url, "--to", str(tmp_path / "back")]) == 0
    after = _everything(Store(tmp_path / "back"))

    for copy in (in_database, after):
        sessions, entries, placements = copy
        assert sessions == before[0]  # every session, document for document, revisions and times too
        assert placements == before[2]  # with when, from which file and by whom each was imported (the jobs too)
        assert entries[:len(before[1])] == before[1]  # the log as it was, then the copy's own entries
    assert [e["action"] for e in in_database[1][len(before[1]):]] == ["copy"]
    # The access logs are whole chains in both: each copy chained the entries anew.
    assert PostgresStore(postgres_url).verify_access_log().ok
    assert Store(tmp_path / "back").verify_access_log().ok


def test_a_copy_goes_only_into_an_empty_store(tmp_path, postgres_url, capsys):
    _fill(Store(tmp_path / "folder"))
    assert main(["store", "copy", "--from", str(tmp_path / "folder"), "--to", postgres_url]) == 0
    capsys.readouterr()
    assert main(["store", "copy", "--from", str(tmp_path / "folder"), "--to", postgres_url]) == 2
    assert "holds 3 session(s) already; nothing was copied" in capsys.readouterr().err
    assert PostgresStore(postgres_url).count() == 3


def test_a_store_with_a_damaged_session_is_not_copied(tmp_path, postgres_url, capsys):
    store = Store(tmp_path / "folder")
    _fill(store)
    damaged = store.list()[0].id
    store.session_file(damaged).write_text("{not json")
    assert main(["store", "copy", "--from", str(tmp_path / "folder"), "--to", postgres_url]) == 2
    err = capsys.readouterr().err
    assert "1 damaged session(s)" in err and damaged in err and "intake restore" in err
    assert PostgresStore(postgres_url).count() == 0


def test_a_store_is_not_copied_into_itself(tmp_path, capsys):
    assert main(["store", "copy", "--from", str(tmp_path / "x"), "--to", str(tmp_path / "x")]) == 2
    assert "the same store" in capsys.readouterr().err


def test_a_password_on_the_command_line_is_refused_without_repeating_it(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["store", "copy", "--from", "x", "--to", "postgresql://anna:secret@db.example.fi/intake"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "holds a password" in err and "PGPASSWORD" in err and "secret" not in err


def test_a_folder_that_holds_no_store_is_not_copied_from(tmp_path, postgres_url, capsys):
    assert main(["store", "copy", "--from", str(tmp_path / "typo"), "--to", postgres_url]) == 2
    assert "There is no intake store in" in capsys.readouterr().err
    assert not (tmp_path / "typo").exists()  # not made, empty, by the attempt
