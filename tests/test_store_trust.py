"""Trust in the store: no lost update, restore only what is damaged, no session under another's
name, damaged sessions never hidden, nothing left after delete (these on both backends), owner-only
files, and an access log whose tampering shows (the folder store's; the database's in test_store_pg.py)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from intake.cli import main
from intake.errors import SessionConflict, SessionDamaged, SessionLocked, SessionNotFound, StoreProblem
from intake.flows.engine import Interview
from intake.session import IntakeSession
from intake.store import Store
from tests.helpers import answer_until, deny_reading
from tests.test_store import V1_FIXTURE, new_session, one_session

ROOT = Path(__file__).resolve().parent.parent


def session_file(store_path: Path, sid: str) -> Path:
    return store_path / "sessions" / f"{sid}.json"


def damage(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:40])


# -- 1. lost updates ----------------------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys
    from intake.errors import SessionConflict, SessionLocked
    from tests.store_backends import open_place

    store, sid, rounds = open_place(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    acknowledged = 0
    while acknowledged < rounds:
        record = store.get(sid)
        count = int(record.counsellor.split(":")[1])
        try:
            store.save(record.model_copy(update={"counsellor": f"count:{count + 1}"}))
        except (SessionConflict, SessionLocked):
            continue  # somebody saved in between (or is saving): read again
        acknowledged += 1
    print(acknowledged)
""")


def test_two_processes_doing_read_modify_write_lose_no_save(backend, open_store, content):
    sid = open_store().create("Asiakas", "count:0", Interview(content).state).id
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, backend.place, sid, "150"], stdout=subprocess.PIPE,
                              text=True, env=env, cwd=ROOT) for _ in range(2)]
    acknowledged = sum(int(p.communicate(timeout=240)[0]) for p in procs)
    assert all(p.returncode == 0 for p in procs)
    final = open_store().get(sid)
    assert acknowledged == 300
    assert final.counsellor == f"count:{acknowledged}"  # every acknowledged save is in the file
    assert final.revision == acknowledged


def test_a_save_from_a_stale_read_is_refused_and_changes_nothing(open_store, content):
    sid = new_session(open_store(), content)
    a, b = open_store(), open_store()
    stale = b.get(sid)
    a.save(a.get(sid).model_copy(update={"client_label": "Uusi"}))
    with pytest.raises(SessionConflict, match="saved elsewhere"):
        b.save(stale.model_copy(update={"client_label": "Vanha"}))
    with pytest.raises(SessionConflict):
        a.save(stale)  # also in the store that saved the newer version
    after = open_store().get(sid)
    assert (after.client_label, after.revision) == ("Uusi", stale.revision + 1)


def test_a_save_of_a_deleted_session_is_refused(open_store, content):
    sid = new_session(open_store(), content)
    a, b = open_store(), open_store()
    record = b.get(sid)
    a.delete(sid)
    with pytest.raises(SessionNotFound, match="no longer in the store"):
        b.save(record)
    assert not open_store().has_session(sid)


def test_one_editor_per_session_also_within_one_process(open_store, content):
    sid = new_session(open_store(), content)
    store = open_store()
    with IntakeSession.resume(store, content, sid, holder="Liisa") as first:
        with pytest.raises(SessionLocked, match="already open for editing in this program"):
            IntakeSession.resume(store, content, sid, holder="Pekka")
        answer_until(first, stop_after=1)  # the first editor goes on undisturbed
    with IntakeSession.resume(store, content, sid, holder="Pekka") as again:  # free once closed
        assert again.record.answered == 4


# -- 2. restore ---------------------------------------------------------------------------

def test_restore_refuses_a_healthy_session(backend, open_store, content, capsys):
    sid = new_session(open_store(), content)
    before = backend.raw(sid)
    store = open_store()
    with pytest.raises(StoreProblem, match="not damaged"):
        store.restorable(sid)
    with pytest.raises(StoreProblem, match="not damaged"):
        store.restore(sid)
    assert main(["--store", backend.place, "restore", sid, "--yes"]) == 2
    assert "not damaged" in capsys.readouterr().err
    assert backend.raw(sid) == before
    assert open_store().get(sid).answered == 3


def test_restore_refuses_a_file_that_only_cannot_be_read(store_path, content, monkeypatch, capsys):
    sid = one_session(store_path, content)
    f = session_file(store_path, sid)
    before = f.read_bytes()
    deny_reading(monkeypatch, f)
    assert main(["--store", str(store_path), "restore", sid, "--yes"]) == 2
    err = capsys.readouterr().err
    assert "permission denied" in err and "not damaged" in err
    monkeypatch.undo()
    assert f.read_bytes() == before


def test_restore_twice_keeps_every_damaged_copy_and_asks_first(backend, open_store, content, monkeypatch, capsys):
    sid = new_session(open_store(), content, answers=4)
    backend.damage(sid, "garbage")
    first = backend.raw(sid)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    asked = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "no")
    assert main(["--store", backend.place, "restore", sid]) == 1
    assert backend.raw(sid) == first and backend.damaged_copies(sid) == []  # nothing changed on "no"
    assert "3/" in asked[0] and "questions answered" in asked[0] and "last changed" in asked[0]
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    assert main(["--store", backend.place, "restore", sid]) == 0
    assert "damaged version is kept in" in capsys.readouterr().out
    backend.damage(sid, "not-a-session")
    second = backend.raw(sid)
    assert main(["--store", backend.place, "restore", sid, "--yes"]) == 0
    assert backend.damaged_copies(sid) == [first, second]
    assert open_store().get(sid).answered == 3


# -- 3. a file that holds another session -------------------------------------------------

def test_a_session_copied_over_another_is_damaged_not_trusted(backend, open_store, content):
    store = open_store()
    x = new_session(store, content, answers=2, label="Asiakas X")
    y = new_session(store, content, answers=5, label="Asiakas Y")
    backend.copy_over(y, x)
    copied = backend.raw(x)
    with pytest.raises(SessionDamaged, match="holds another session"):
        open_store().get(x)
    with pytest.raises(SessionDamaged):
        IntakeSession.resume(open_store(), content, x)
    assert [d.id for d in open_store().damaged()] == [x]
    assert backend.raw(x) == copied  # never written to
    assert open_store().get(y).client_label == "Asiakas Y"


def test_the_export_command_refuses_a_file_holding_another_session(store_path, content, capsys):
    store = Store(store_path)
    x = new_session(store, content, answers=2, label="Asiakas X")
    y = new_session(store, content, answers=5, label="Asiakas Y")
    store.close()
    shutil.copyfile(session_file(store_path, y), session_file(store_path, x))
    assert main(["--store", str(store_path), "export", x]) == 2
    assert "Asiakas Y" not in capsys.readouterr().out


# -- 4. damaged sessions are listed -------------------------------------------------------

def test_damaged_sessions_are_listed_after_the_index_is_rebuilt(store_path, content):
    healthy = one_session(store_path, content)
    sid = one_session(store_path, content)
    damage(session_file(store_path, sid))
    shutil.rmtree(store_path / "index")
    pages = [(type(s).__name__, s.id) for s in Store(store_path).page()]
    assert pages == [("DamagedSession", sid), ("SessionSummary", healthy)]


def test_damaged_sessions_are_listed_first_with_their_repair(backend, open_store, content, capsys):
    store = open_store()
    healthy = new_session(store, content)
    sid = new_session(store, content)
    backend.damage(sid, "not-a-session")
    assert main(["--store", backend.place, "list"]) == 0
    out = capsys.readouterr().out
    assert healthy in out and sid in out and "DAMAGED" in out and f"intake restore {sid}" in out
    assert main(["--store", backend.place, "list", "--json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows[sid]["status"] == "damaged" and rows[sid]["repair"] == f"intake restore {sid}"
    store = open_store()
    [damaged] = store.damaged()
    assert (damaged.id, damaged.restorable, damaged.repair) == (sid, True, f"intake restore {sid}")
    assert [(type(s).__name__, s.id) for s in store.page()] == [("DamagedSession", sid), ("SessionSummary", healthy)]
    assert [s.id for s in store.list()] == [healthy] and store.count() == 2 and store.count(damaged_only=True) == 1
    store.delete(sid)
    assert open_store().damaged() == [] and [s.id for s in open_store().page()] == [healthy]


def test_a_restored_session_is_listed_as_healthy_again(backend, open_store, content):
    sid = new_session(open_store(), content)
    backend.damage(sid, "garbage")
    store = open_store()
    assert [d.id for d in store.damaged()] == [sid] and store.list() == []
    store.restore(sid)
    assert store.damaged() == [] and [s.id for s in store.list()] == [sid]
    assert [s.id for s in open_store().list()] == [sid]


# -- 6. nothing left after delete or purge ------------------------------------------------

SENTINEL = "Sentinelli-7f3a"


def everything_in(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def ended_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.mark.parametrize("how", ["delete", "purge"])
def test_delete_and_purge_leave_no_copy_of_the_client(backend, open_store, content, how):
    store = open_store()
    with IntakeSession.start(store, content, f"{SENTINEL} label", "Liisa") as s:
        s.answer(f"{SENTINEL} in an answer")
        answer_until(s)
    with IntakeSession.start(store, content, "Toinen", "Liisa") as other:
        answer_until(other, stop_after=2)
    sid = s.record.id
    for how_damaged in ("garbage", "invalid"):  # two damaged copies kept by restore
        backend.damage(sid, how_damaged)
        open_store().restore(sid)
    with IntakeSession.resume(open_store(), content, sid) as again:
        answer_until(again)  # completed again after the restores: purge takes only completed sessions
    holder = open_store()
    holder.lock_session(sid, "Pekka")
    holder.close()  # as a program that ended without unlocking: the note of who held it goes too
    store = open_store()
    assert backend.traces(sid, SENTINEL)

    if how == "delete":
        store.delete(sid)
    else:
        assert store.purge(dt.date.today() + dt.timedelta(days=1)) == [sid]
    assert backend.traces(sid, SENTINEL) == []
    assert [x.id for x in open_store().list()] == [other.record.id]  # the other client is untouched


def test_delete_erases_the_session_from_the_first_version_backup(tmp_path, content):
    old = tmp_path / "store.json"
    shutil.copy(V1_FIXTURE, old)
    store = Store(old)
    backup = tmp_path / "store.json.v1-backup"
    assert b"Asiakas A" in backup.read_bytes()
    store.delete("1a0c2ce0e708")
    assert b"Asiakas A" not in backup.read_bytes() and b"1a0c2ce0e708" not in backup.read_bytes()
    assert b"Asiakas B" in backup.read_bytes()  # the others stay in the backup
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert b"Asiakas A" not in everything_in(old)


def test_opening_the_store_clears_what_crashes_left(store_path, content):
    sid = one_session(store_path, content)
    sessions, locks = store_path / "sessions", store_path / "locks"
    stale = sessions / f".{sid}.json.{ended_pid()}.tmp"
    stale.write_text(SENTINEL)
    live = sessions / f".{sid}.json.{os.getppid()}.tmp"  # a write under way in a running process
    live.write_text("x")
    holder = locks / f"{sid}.holder.json"
    holder.write_text('{"holder": "Liisa", "host": "h", "pid": 1, "since": "2026-01-01T00:00:00+00:00"}')
    Store(store_path)
    assert not stale.exists() and not holder.exists()
    assert live.exists()


# -- 7. owner only ------------------------------------------------------------------------

@pytest.fixture
def open_umask():
    old = os.umask(0)
    yield
    os.umask(old)


def test_every_folder_created_is_private_whatever_the_umask(tmp_path, content, open_umask):
    store_path = tmp_path / "a" / "b" / "store"
    one_session(store_path, content)
    for d in (tmp_path / "a", tmp_path / "a" / "b", store_path, *[p for p in store_path.rglob("*") if p.is_dir()]):
        assert stat.S_IMODE(d.stat().st_mode) == 0o700, d
    for f in (p for p in store_path.rglob("*") if p.is_file()):
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f


def test_an_existing_store_that_others_can_read_is_tightened(store_path, content):
    sid = one_session(store_path, content)
    store_path.chmod(0o755)
    (store_path / "sessions").chmod(0o755)
    session_file(store_path, sid).chmod(0o644)
    (store_path / "access.log.jsonl").chmod(0o644)
    Store(store_path)
    assert stat.S_IMODE(store_path.stat().st_mode) == 0o700
    assert stat.S_IMODE((store_path / "sessions").stat().st_mode) == 0o700
    assert stat.S_IMODE(session_file(store_path, sid).stat().st_mode) == 0o600
    assert stat.S_IMODE((store_path / "access.log.jsonl").stat().st_mode) == 0o600


def test_an_export_never_replaces_a_file_silently_and_is_private(store_path, content, tmp_path, capsys, open_umask,
                                                                default_content_is_first_flow):
    sid = one_session(store_path, content)
    out = tmp_path / "plan.json"
    out.write_text("mine")
    out.chmod(0o644)
    assert main(["--store", str(store_path), "export", sid, "-o", str(out)]) == 2
    assert "--force" in capsys.readouterr().err and out.read_text() == "mine"
    assert main(["--store", str(store_path), "export", sid, "-o", str(out), "--force"]) == 0
    assert json.loads(out.read_text())["session"]["id"] == sid
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_the_apps_export_folder_is_private(store_path, content, tmp_path, open_umask):
    from intake.screens.export_file import write_export

    store = Store(store_path)
    with IntakeSession.start(store, content, "A", "Liisa") as s:
        path = write_export(s, tmp_path / "exports" / "deep" / "a.json")
    for d in (tmp_path / "exports", tmp_path / "exports" / "deep"):
        assert stat.S_IMODE(d.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# -- 11. the access log -------------------------------------------------------------------

def log_lines(store_path: Path) -> list[str]:
    return (store_path / "access.log.jsonl").read_text().splitlines(keepends=True)


def tamper(store_path: Path, how: str) -> None:
    lines = log_lines(store_path)
    if how == "edit who":
        entry = json.loads(lines[1])
        entry["who"] = "Joku muu"
        lines[1] = json.dumps(entry, separators=(",", ":")) + "\n"
    elif how == "delete a line":
        del lines[1]
    elif how == "delete the last line":
        del lines[-1]
    elif how == "forge an entry":
        forged = json.loads(lines[1])
        forged["action"] = "export"
        lines.insert(2, json.dumps(forged, separators=(",", ":")) + "\n")
    elif how == "append garbage":
        lines.append("garbage\n")
    (store_path / "access.log.jsonl").write_text("".join(lines))


@pytest.mark.parametrize("how", ["edit who", "delete a line", "delete the last line", "forge an entry",
                                 "append garbage"])
def test_tampering_with_the_access_log_shows(store_path, content, capsys, how):
    sid = one_session(store_path, content)
    IntakeSession.resume(Store(store_path), content, sid, holder="Pekka").close()
    assert main(["--store", str(store_path), "log", "--verify"]) == 0
    assert "intact" in capsys.readouterr().out
    tamper(store_path, how)
    assert main(["--store", str(store_path), "log", "--verify"]) == 2
    err = capsys.readouterr().err
    assert "tampered with or damaged" in err and "entry" in err
    assert main(["--store", str(store_path), "log"]) == 0
    assert "Warning" in capsys.readouterr().err


def test_the_chain_holds_when_two_processes_write_the_log(backend, open_store):
    open_store()
    code = ("import sys; from tests.store_backends import open_place\n"
            "s = open_place(sys.argv[1])\n"
            "for _ in range(60): s.log_access('open', None)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", code, backend.place], env=env, cwd=ROOT) for _ in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    verified = open_store().verify_access_log()
    assert (verified.entries, verified.broken_at, verified.problem) == (120, None, "")


def test_a_log_from_before_the_chain_is_accepted_at_its_start(store_path, content, capsys):
    Store(store_path).close()
    old = {"at": "2026-01-01T00:00:00+00:00", "action": "create", "session": "abc", "who": "x", "host": "h", "pid": 1}
    (store_path / "access.log.jsonl").write_text(json.dumps(old) + "\n")
    one_session(store_path, content)
    assert main(["--store", str(store_path), "log", "--verify"]) == 0
    assert "1 written before entries were chained" in capsys.readouterr().out


def test_listing_is_logged_and_an_unknown_id_is_an_error(backend, open_store, content, capsys):
    sid = new_session(open_store(), content)
    assert main(["--store", backend.place, "list"]) == 0
    assert open_store().access_log()[-1]["action"] == "list"
    assert main(["--store", backend.place, "log", "000000000000"]) == 2
    assert "No session with id" in capsys.readouterr().err
    assert main(["--store", backend.place, "delete", sid, "--yes"]) == 0
    assert main(["--store", backend.place, "log", sid]) == 0  # who handled a deleted session stays answerable
    assert "delete" in capsys.readouterr().out


async def test_the_start_screen_lists_a_damaged_session_and_says_how_to_repair_it(backend, open_store, content,
                                                                                  tmp_path):
    from intake.screens.app import IntakeApp
    from intake.screens.dialogs import ErrorDialog
    from intake.screens.session_list import SessionList

    healthy = new_session(open_store(), content)
    sid = new_session(open_store(), content)
    backend.damage(sid, "garbage")
    app = IntakeApp(store=open_store(), content=content, export_dir=tmp_path / "exports")
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one("#sessions", SessionList)
        rows = {table.key_at(i): table.row(i)[1] for i in range(table.row_count)}
        assert set(rows) == {healthy, sid}
        assert "Vahingoittunut" in rows[sid]
        assert table.key_at(0) == sid  # the damaged first
        table.move_cursor(list(rows).index(sid))
        table.focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog)
        assert f"intake restore {sid}" in app.screen.message
    assert any(e["action"] == "list" for e in open_store().access_log())
