"""The store's promises on both backends (the `backend` fixture): round trip, lists, locks, damaged
sessions and restore, delete and purge, the access log; and the folder store's own files: layout,
privacy, damaged and foreign files, the index, migration, and the commands on a folder."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from intake.cli import main
from intake.errors import ReadOnlySession, SessionExists, SessionLocked, SessionNotFound, StoreProblem
from intake.session import IntakeSession
from intake.store import Store
from intake.store_api import SessionStore
from intake.text_safety import NameProblem
from tests.helpers import answer_until, deny_reading
from tests.store_backends import DAMAGE, damage_file

V1_FIXTURE = Path(__file__).resolve().parent / "data" / "store_v1.json"
V1_IDS = {"1a0c2ce0e708": ("completed", 25), "2ef7b7d2f8a9": ("in_progress", 4), "db0c7af4800f": ("in_progress", 0)}
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def new_session(store: SessionStore, content, answers: int = 3, label: str = "Asiakas A") -> str:
    """A session started by Liisa with the first answers given, its edit lock let go."""
    with IntakeSession.start(store, content, label, "Liisa") as s:
        answer_until(s, stop_after=answers)
    return s.record.id


def one_session(store_path: Path, content, answers: int = 3) -> str:
    store = Store(store_path)
    sid = new_session(store, content, answers)
    store.close()
    return sid


def test_layout(store_path, content):
    sid = one_session(store_path, content, answers=4)
    assert json.loads((store_path / "format.json").read_text())["format"] == 2
    assert (store_path / "sessions" / f"{sid}.json").is_file()
    assert (store_path / "sessions" / f"{sid}.json.bak").is_file()  # the previous good version


@pytest.mark.parametrize("unknown", ["nope", "000000000000", "../format", "", "a b", "x;DROP TABLE y"])
def test_round_trip_and_unknown_ids(open_store, content, unknown):
    sid = new_session(open_store(), content, answers=4)
    store = open_store()
    record = store.get(sid)
    assert record.answered == 4 and len(record.state.answers) == 4 and record.revision == 4
    assert store.has_session(sid)
    [summary] = store.list()
    assert summary.id == sid and summary.answered == 4 and not hasattr(summary, "state")
    with pytest.raises(SessionNotFound, match="No session with id"):
        store.get(unknown)
    with pytest.raises(SessionNotFound):
        store.delete(unknown)
    with pytest.raises(SessionNotFound):
        store.restore(unknown)
    if unknown.isalnum():  # an id that could be one: simply not there
        assert not store.has_session(unknown) and store.access_log(unknown) == []
    else:
        for use in (store.has_session, store.access_log, store.lock_session):
            with pytest.raises(SessionNotFound):
                use(unknown)


@pytest.mark.parametrize("label,counsellor", [("   ", "Liisa"), ("Eve\x1b[2J", "Liisa"), ("Asiakas", "x" * 1000)])
def test_create_refuses_a_bad_name_and_writes_nothing(open_store, content, label, counsellor):
    store = open_store()
    with pytest.raises(NameProblem):
        store.create(label, counsellor, _state(content))
    assert open_store().count() == 0 and open_store().access_log() == []


def test_adopt_takes_a_session_in_once_unless_replacing(backend, open_store, content, tmp_path):
    elsewhere = Store(tmp_path / "elsewhere")
    record = elsewhere.get(new_session(elsewhere, content, answers=2))
    elsewhere.close()
    store = open_store()
    adopted = store.adopt(record, who="Pekka")
    assert (adopted.id, adopted.revision) == (record.id, 0)
    assert open_store().get(record.id).answered == 2
    with pytest.raises(SessionExists, match="--replace"):
        store.adopt(record)
    replaced = store.adopt(record.model_copy(update={"client_label": "Uusi"}), replace=True, who="Pekka")
    assert replaced.revision == 1 and open_store().get(record.id).client_label == "Uusi"
    assert [(e["action"], e["who"]) for e in store.access_log(record.id)] == [("import", "Pekka")] * 2
    backend.damage(record.id, "invalid")
    damaged = backend.raw(record.id)
    store.adopt(record, replace=True)
    assert backend.damaged_copies(record.id) == [damaged]  # it may hold the newest answers: kept
    assert open_store().get(record.id).client_label == record.client_label


def test_list_filters_and_order(open_store, content):
    store = open_store()
    ids = []
    for label, counsellor in [("Matti", "Liisa"), ("Maija", "Pekka"), ("Kalle", "Liisa")]:
        with IntakeSession.start(store, content, label, counsellor) as s:
            answer_until(s, stop_after=1)
        ids.append(s.record.id)
    assert [s.id for s in store.list()] == ids[::-1]  # most recent first
    assert {s.client_label for s in store.list("liisa")} == {"Matti", "Kalle"}
    assert [s.client_label for s in store.list("MAIJA")] == ["Maija"]
    assert store.list(status="completed") == []


def test_files_and_folders_are_private(store_path, content):
    sid = one_session(store_path, content)
    store = Store(store_path)
    store.log_access("export", sid)
    assert stat.S_IMODE(store_path.stat().st_mode) == 0o700
    seen = 0
    for root, dirs, files in os.walk(store_path):
        for d in dirs:
            assert stat.S_IMODE((Path(root) / d).stat().st_mode) == 0o700, d
        for f in files:
            assert stat.S_IMODE((Path(root) / f).stat().st_mode) == 0o600, f
            seen += 1
    assert seen >= 6


def test_index_is_rebuilt_when_missing_or_damaged(store_path, content):
    sid = one_session(store_path, content, answers=2)
    shutil.rmtree(store_path / "index")
    assert [s.id for s in Store(store_path).list()] == [sid]
    (store_path / "index" / "snapshot.json").write_text("{garbage")
    for j in (store_path / "index").glob("journal-*"):
        j.write_text('{"id": "x", "s": {"bad": 1}, "sig": [1,2,3]}\n{"torn')
    [summary] = Store(store_path).list()
    assert summary.id == sid and summary.answered == 2


def test_index_follows_files_changed_behind_its_back(store_path, content):
    """A crash between writing a session file and its journal line: the next open notices."""
    sid = one_session(store_path, content, answers=2)
    other = store_path.parent / "other"
    shutil.copytree(store_path, other)
    Store(other).save(Store(other).get(sid).model_copy(update={"client_label": "Uusi nimi"}))
    shutil.copy2(other / "sessions" / f"{sid}.json", store_path / "sessions" / f"{sid}.json")
    assert Store(store_path).list()[0].client_label == "Uusi nimi"


def test_two_stores_in_one_process_see_each_others_saves(open_store, content):
    a, b = open_store(), open_store()
    with IntakeSession.start(a, content, "A", "Liisa") as s:
        answer_until(s, stop_after=2)
        assert b.list()[0].answered == 2
        with pytest.raises(SessionLocked, match="Liisa"):
            b.save(b.get(s.record.id))


# -- damaged and foreign files ------------------------------------------------------------

def damage(path: Path, how: str) -> None:
    """The ways only a file can be damaged, and those of every backend (DAMAGE)."""
    if how == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "newer":
        data = json.loads(path.read_text())
        data["meta"]["1"]["format"] = 99
        path.write_text(json.dumps(data))
    else:
        damage_file(path, how)


@pytest.mark.parametrize("how", ["truncated", "empty", "garbage", "not-a-session", "newer", "invalid"])
def test_damaged_session_file_is_named_never_overwritten_and_restorable(store_path, content, how, capsys):
    sid = one_session(store_path, content, answers=3)
    f = store_path / "sessions" / f"{sid}.json"
    damage(f, how)
    broken = f.read_bytes()
    store = Store(store_path)  # the store still opens; the other sessions stay usable
    with pytest.raises(StoreProblem) as err:
        IntakeSession.resume(store, content, sid, holder="Pekka")
    assert str(f) in err.value.message
    assert ("newer" in err.value.message) if how == "newer" else (f"intake restore {sid}" in err.value.message)
    with pytest.raises(StoreProblem):
        store.save(Store(store_path.parent / "elsewhere").create("x", "y", _state(content)).model_copy(
            update={"id": sid}))
    assert f.read_bytes() == broken  # a file that could not be read is never overwritten
    assert main(["--store", str(store_path), "export", sid]) == 2
    assert str(f) in capsys.readouterr().err

    if how == "newer":  # not damaged: a newer intake reads it, so restore must not roll it back
        assert main(["--store", str(store_path), "restore", sid, "--yes"]) == 2
        assert "not damaged" in capsys.readouterr().err and f.read_bytes() == broken
        return
    assert main(["--store", str(store_path), "restore", sid, "--yes"]) == 0
    assert "Restored session" in capsys.readouterr().out
    record = Store(store_path).get(sid)
    assert record.answered == 2  # the version before the last save
    assert f.with_name(f.name + ".damaged").read_bytes() == broken
    assert any(e["action"] == "restore" for e in Store(store_path).access_log(sid))


def _state(content):
    from intake.flows.engine import Interview

    return Interview(content).state


@pytest.mark.parametrize("how", DAMAGE)
def test_a_damaged_session_is_refused_never_overwritten_and_restorable(backend, open_store, content, how):
    store = open_store()
    sid = new_session(store, content, answers=3)
    other = new_session(store, content, answers=1, label="Toinen")
    backend.damage(sid, how)
    broken = backend.raw(sid)
    with pytest.raises(StoreProblem, match=f"intake restore {sid}"):
        IntakeSession.resume(store, content, sid, holder="Pekka")
    with pytest.raises(StoreProblem, match=f"intake restore {sid}"):
        open_store().get(sid)
    with pytest.raises(StoreProblem):
        store.save(store.get(other).model_copy(update={"id": sid}))
    assert backend.raw(sid) == broken  # a session that could not be read is never overwritten
    assert open_store().get(other).answered == 1  # the others stay usable
    assert store.restorable(sid).answered == 2
    record, kept = store.restore(sid, who="Pekka")
    assert record.answered == 2 and kept is not None  # the version before the last save; the damaged kept
    assert open_store().get(sid).answered == 2
    assert open_store().access_log(sid)[-1] | {"at": None} == open_store().access_log(sid)[-1] | {
        "action": "restore", "who": "Pekka", "at": None}


def test_restore_without_a_previous_version_says_what_to_do(backend, open_store, content):
    store = open_store()
    sid = store.create("Asiakas", "Liisa", _state(content)).id  # never saved since: no previous version
    backend.damage(sid, "not-a-session")
    with pytest.raises(StoreProblem, match="no previous version"):
        store.restore(sid)


def test_restore_without_backup_says_what_to_do(store_path, content, capsys):
    sid = one_session(store_path, content)
    (store_path / "sessions" / f"{sid}.json.bak").unlink()
    (store_path / "sessions" / f"{sid}.json").write_text("{")
    assert main(["--store", str(store_path), "restore", sid, "--yes"]) == 2
    assert "no previous version" in capsys.readouterr().err


@pytest.mark.parametrize("how", ["garbage", "newer", "missing"])
def test_foreign_store_folder(store_path, content, how, capsys):
    one_session(store_path, content)
    fmt = store_path / "format.json"
    if how == "garbage":
        fmt.write_text("{")
    elif how == "newer":
        fmt.write_text('{"format": 3}')
    else:
        fmt.unlink()
        (store_path / "notes.txt").write_text("mine")
    before = fmt.read_bytes() if fmt.exists() else None
    assert main(["--store", str(store_path), "list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("intake: ") and str(store_path) in err and "Traceback" not in err
    assert {"garbage": "damaged", "newer": "newer version", "missing": "not an intake store"}[how] in err
    assert (fmt.read_bytes() if fmt.exists() else None) == before


@pytest.mark.skipif(IS_ROOT, reason="root reads files whatever their permissions")
def test_unreadable_session_file(store_path, content, capsys):
    sid = one_session(store_path, content)
    f = store_path / "sessions" / f"{sid}.json"
    f.chmod(0)
    try:
        assert main(["--store", str(store_path), "export", sid]) == 2
        err = capsys.readouterr().err
        assert str(f) in err and "permission denied" in err and "chmod 600" in err
    finally:
        f.chmod(0o600)


def test_unreadable_session_file_with_a_fake_permission_error(store_path, content, monkeypatch, capsys):
    """The same path as above, also when the tests run as root (root ignores chmod)."""
    sid = one_session(store_path, content)
    f = store_path / "sessions" / f"{sid}.json"
    deny_reading(monkeypatch, f)
    assert main(["--store", str(store_path), "export", sid]) == 2
    err = capsys.readouterr().err
    assert str(f) in err and "permission denied" in err


# -- read-only, delete, purge, log -------------------------------------------------------

def test_read_only_session_cannot_change(open_store, content):
    sid = new_session(open_store(), content)
    store = open_store()
    with IntakeSession.resume(store, content, sid, holder="Pekka") as editing:
        viewer = IntakeSession.resume(open_store(), content, sid, holder="Maija", read_only=True)
        before = dict(viewer.interview.state.answers)
        with pytest.raises(ReadOnlySession):
            viewer.answer("Jotain")
        assert viewer.interview.state.answers == before
        answer_until(editing, stop_after=1)


def test_delete_and_purge_erase_and_are_logged(open_store, content):
    store = open_store()
    with IntakeSession.start(store, content, "Valmis", "Liisa") as done:
        answer_until(done)
    with IntakeSession.start(store, content, "Kesken", "Liisa") as half:
        answer_until(half, stop_after=2)
    store.delete(half.record.id, who="Pekka")
    assert not open_store().has_session(half.record.id)
    with pytest.raises(SessionNotFound):
        store.delete(half.record.id)
    assert store.purge(dt.date(2000, 1, 1)) == [] and open_store().has_session(done.record.id)
    assert store.purge(dt.date.today() + dt.timedelta(days=1), who="Pekka") == [done.record.id]
    again = open_store()
    assert again.list() == [] and again.page() == [] and again.count() == 0
    entries = {(e["action"], e["session"], e["who"]) for e in again.access_log()}
    assert {("delete", half.record.id, "Pekka"), ("purge", done.record.id, "Pekka")} <= entries
    assert [e["action"] for e in again.access_log(done.record.id)] == ["create", "change", "purge"]


def test_the_delete_and_purge_commands_ask_and_log(backend, open_store, content, capsys, monkeypatch):
    store = open_store()
    with IntakeSession.start(store, content, "Valmis", "Liisa") as done:
        answer_until(done)
    with IntakeSession.start(store, content, "Kesken", "Liisa") as half:
        answer_until(half, stop_after=2)
    store.close()

    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    assert main(["--store", backend.place, "delete", half.record.id]) == 1
    assert open_store().has_session(half.record.id)
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    assert main(["--store", backend.place, "delete", half.record.id]) == 0
    assert not open_store().has_session(half.record.id)

    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert main(["--store", backend.place, "purge", "--completed-before", "2000-01-01", "--yes"]) == 0
    assert open_store().has_session(done.record.id)
    assert main(["--store", backend.place, "purge", "--completed-before", tomorrow, "--yes"]) == 0
    assert open_store().list() == [] and open_store().count() == 0
    capsys.readouterr()

    assert main(["--store", backend.place, "log", "--json"]) == 0
    entries = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    actions = [(e["action"], e["session"]) for e in entries]
    assert ("delete", half.record.id) in actions and ("purge", done.record.id) in actions
    assert ("create", done.record.id) in actions and ("change", done.record.id) in actions
    assert main(["--store", backend.place, "log", done.record.id]) == 0
    out = capsys.readouterr().out
    assert "purge" in out and half.record.id not in out


def test_delete_without_terminal_needs_yes(backend, open_store, content, capsys):
    sid = new_session(open_store(), content)
    assert main(["--store", backend.place, "delete", sid]) == 2
    assert "--yes" in capsys.readouterr().err
    assert open_store().get(sid)


def test_access_log_names_who_and_never_holds_answers(backend, open_store, content, capsys):
    sid = new_session(open_store(), content, answers=5)
    store = open_store()
    IntakeSession.resume(store, content, sid, holder="Pekka").close()
    assert main(["--store", backend.place, "export", sid]) == 0
    capsys.readouterr()
    entries = open_store().access_log(sid)
    assert [e["action"] for e in entries] == ["create", "change", "open", "export"]
    assert [e["who"] for e in entries][:3] == ["Liisa", "Liisa", "Pekka"]
    assert all({"at", "action", "session", "who", "host", "pid"} <= set(e) for e in entries)
    verified = open_store().verify_access_log()
    assert (verified.entries, verified.broken_at, verified.problem) == (4, None, "")
    text = backend.log_text()
    record = open_store().get(sid)
    texts = [a.value for a in record.state.answers.values() if isinstance(a.value, str) and len(a.value) > 4]
    assert len(texts) >= 2 and not any(t in text for t in texts)
    assert "Asiakas A" not in text


# -- migration from format 1 -------------------------------------------------------------

def test_migrates_first_version_file_in_place_with_backup(tmp_path, content):
    old = tmp_path / "store.json"
    shutil.copy(V1_FIXTURE, old)
    store = Store(old)
    assert old.is_dir() and json.loads((old / "format.json").read_text())["format"] == 2
    backup = tmp_path / "store.json.v1-backup"
    assert backup.read_bytes() == V1_FIXTURE.read_bytes()
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert {s.id: (s.status, s.answered) for s in store.list()} == V1_IDS
    full = store.get("1a0c2ce0e708")
    assert full.counsellor == "Liisa Ohjaaja" and len(full.state.answers) >= 25
    assert [e["action"] for e in store.access_log()] == ["migrate"]
    with IntakeSession.resume(store, content, "2ef7b7d2f8a9") as s:  # and it goes on from there
        answer_until(s, stop_after=1)
    assert Store(old).get("2ef7b7d2f8a9").answered == 5


def test_migrates_the_old_default_file_through_the_cli(tmp_path, capsys):
    data = Path(os.environ["XDG_DATA_HOME"]) / "intake"
    data.mkdir(parents=True)
    shutil.copy(V1_FIXTURE, data / "store.json")
    assert main(["list", "--json"]) == 0
    assert {r["id"] for r in json.loads(capsys.readouterr().out)} == set(V1_IDS)
    assert (data / "store").is_dir() and not (data / "store.json").exists()
    assert (data / "store.json.v1-backup").read_bytes() == V1_FIXTURE.read_bytes()


def test_interrupted_migration_is_resumed_from_the_backup(tmp_path):
    old = tmp_path / "store.json"
    shutil.copy(V1_FIXTURE, tmp_path / "store.json.v1-backup")  # as if it stopped after removing the file
    (tmp_path / "store.json.migrating").mkdir()
    assert {s.id for s in Store(old).list()} == set(V1_IDS)
    assert not (tmp_path / "store.json.migrating").exists()


def test_damaged_first_version_file_is_left_alone(tmp_path, capsys):
    old = tmp_path / "store.json"
    old.write_text('{"sessions": {"1": {"id": "x"')
    assert main(["--store", str(old), "list"]) == 2
    assert str(old) in capsys.readouterr().err
    assert old.read_text() == '{"sessions": {"1": {"id": "x"'


def test_the_session_language_changes_mid_interview_and_the_place_stays(open_store, content):
    sid = new_session(open_store(), content, answers=4)
    store = open_store()
    with IntakeSession.resume(store, content, sid) as s:
        where = s.interview.current().key
        s.speak("sv", True)
        with pytest.raises(ValueError, match="unknown language"):
            s.speak("de", False)
    record = open_store().get(sid)
    assert (record.language, record.plain) == ("sv", True)
    assert record.answered == 4
    with IntakeSession.resume(open_store(), content, sid) as again:
        assert again.interview.current().key == where
        assert again.texts.language == "sv" and again.texts.plain


def test_a_read_only_session_is_read_in_another_language_and_nothing_is_saved(open_store, content):
    sid = new_session(open_store(), content, answers=4)
    before = open_store().get(sid)
    viewer = IntakeSession.resume(open_store(), content, sid, holder="Maija", read_only=True)
    viewer.speak("en", True)
    assert (viewer.texts.language, viewer.texts.plain) == ("en", True)  # the view speaks English
    after = open_store().get(sid)
    assert (after.language, after.plain, after.updated_at) == (before.language, before.plain, before.updated_at)
