"""What only the PostgreSQL store has to show (issue 15; the promises both backends share are in the
other store tests, through the `backend` fixture): a row changed by hand with psql is checked and
restored, tampering with the access log names where, an ended holder's lock and two racing saves
between real processes, and no password in a message."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator

import pytest

from intake.cli import main
from intake.errors import SessionConflict, SessionDamaged, SessionLocked, StoreProblem
from intake.flows.engine import Interview
from tests.store_backends import PostgresBackend
from tests.test_store import new_session

psycopg = pytest.importorskip("psycopg", reason="needs psycopg (pip install -e '.[postgres]')")

from intake.store_pg import PostgresStore  # noqa: E402  (psycopg first: this module needs it)


@pytest.fixture
def db(postgres_url) -> PostgresBackend:
    backend = PostgresBackend(postgres_url)
    yield backend
    backend.close_all()


@pytest.fixture
def psql(postgres_server, postgres_url) -> Callable[[str], None]:
    """Run SQL with the server's psql, as the county's administrator (or anyone with the password) would."""
    def run(statement: str) -> None:
        done = subprocess.run([str(postgres_server.bin_dir / "psql"), postgres_url, "-v", "ON_ERROR_STOP=1",
                               "-c", statement], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    return run


# -- a row changed by hand ---------------------------------------------------------------------

def test_a_row_changed_by_hand_is_checked_listed_as_damaged_and_restored(db, psql, content):
    store = db.open()
    edited, broken = new_session(store, content, answers=2), new_session(store, content, answers=4)
    psql(f"UPDATE intake.sessions SET record = jsonb_set(record, '{{client_label}}', '\"Käsin\"') "
         f"WHERE id = '{edited}'")  # still a valid session: its summary is made again
    psql(f"UPDATE intake.sessions SET record = record - 'state' WHERE id = '{broken}'")
    page = store.page()  # the store opened before the change sees it
    assert [type(s).__name__ for s in page] == ["DamagedSession", "SessionSummary"]
    assert (page[0].id, page[0].restorable, page[1].client_label) == (broken, True, "Käsin")
    assert [s.client_label for s in store.list("käsin")] == ["Käsin"]
    with pytest.raises(SessionDamaged, match=f"intake restore {broken}"):
        db.open().get(broken)
    with pytest.raises(StoreProblem):
        store.save(store.get(edited).model_copy(update={"id": broken}))  # a damaged row is never overwritten
    assert db.sql("SELECT record ? 'state' FROM intake.sessions WHERE id = %s", (broken,)) == [(False,)]

    record, kept = db.open().restore(broken)
    assert record.answered == 3 and kept is not None  # the version before its last save
    assert db.open().get(broken).answered == 3 and db.open().damaged() == []
    assert db.sql("SELECT record ? 'state' FROM intake.damaged_copies WHERE session_id = %s", (broken,)) == [(False,)]


@pytest.mark.parametrize("written", ["99", "two"])
def test_a_database_in_a_newer_format_is_refused_and_left_alone(db, capsys, written):
    db.open().close()  # sets the database up
    db.sql("UPDATE intake.meta SET value = %s WHERE key = 'format'", (written,))
    with pytest.raises(StoreProblem, match="newer version of intake"):
        PostgresStore(db.place)
    assert main(["--store", db.place, "list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("intake: ") and "Update intake" in err and "Traceback" not in err
    assert db.sql("SELECT value FROM intake.meta WHERE key = 'format'") == [(written,)]


# -- the access log ----------------------------------------------------------------------------

FORGE = ("UPDATE intake.access_log SET n = -n WHERE n >= 3; UPDATE intake.access_log SET n = 1 - n WHERE n < 0; "
         "INSERT INTO intake.access_log SELECT 3, at, 'export', session, who, host, pid, db_user, prev, hash "
         "FROM intake.access_log WHERE n = 2")
TAMPERING = {  # how -> (the SQL, the entry named, words of the problem); the log has 6 entries
    "change who": ("UPDATE intake.access_log SET who = 'Joku muu' WHERE n = 2", 2, "changed"),
    "change two": ("UPDATE intake.access_log SET action = 'delete' WHERE n IN (3, 5)", 3, "changed"),
    "change the last": ("UPDATE intake.access_log SET who = 'Joku muu' WHERE n = 6", 6, "changed"),
    "remove one": ("DELETE FROM intake.access_log WHERE n = 2", 2, "removed"),
    "insert one": (FORGE, 3, "inserted"),
    "cut the end": ("DELETE FROM intake.access_log WHERE n >= 5", 4, "removed from the end"),
}


@pytest.mark.parametrize("how", TAMPERING)
def test_tampering_with_the_access_log_names_the_first_entry(db, psql, content, capsys, how):
    store = db.open()
    sid = new_session(store, content, answers=2)  # create, change
    for action in ("open", "export", "open", "list"):
        store.log_access(action, None if action == "list" else sid, "Pekka")
    verified = store.verify_access_log()
    assert (verified.entries, verified.broken_at, verified.problem) == (6, None, "")
    sql, entry, words = TAMPERING[how]
    psql(sql)  # as the log's owner: nobody else may change it
    verified = db.open().verify_access_log()
    assert verified.broken_at == entry and words in verified.problem
    assert "intake.access_log" in verified.where
    assert main(["--store", db.place, "log", "--verify"]) == 2
    err = capsys.readouterr().err
    assert "tampered with or damaged" in err and f"entry {entry}" in err


# -- real processes ----------------------------------------------------------------------------

@pytest.fixture
def fork() -> Iterator[Callable[[Callable[[int], None]], tuple[int, int]]]:
    """Start a child process running work(write end of a pipe), ending with it: its pid and the read end.
    Children still running at the end of the test (it failed) are killed."""
    pids = []

    def start(work: Callable[[int], None]) -> tuple[int, int]:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.close(read_fd)
                work(write_fd)
                code = 0
            finally:
                os._exit(code)
        os.close(write_fd)
        pids.append(pid)
        return pid, read_fd

    yield start
    for pid in pids:
        with contextlib.suppress(ChildProcessError):  # reaped by the test
            if os.waitpid(pid, os.WNOHANG) == (0, 0):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)


def read_line(fd: int) -> str:
    data = b""
    while not data.endswith(b"\n"):
        chunk = os.read(fd, 1)
        assert chunk, f"the child ended after writing {data!r}"
        data += chunk
    return data.decode().strip()


def test_the_lock_of_a_process_killed_while_holding_it_is_taken_at_once(db, content, fork):
    """Round after round, with no wait between the kill and the next lock (the server notices the
    connection gone a moment after the process ends)."""
    store = db.open()
    for _ in range(15):
        sid = store.create("Asiakas", "Liisa", Interview(content).state).id

        def hold(fd: int, sid: str = sid) -> None:
            holding = PostgresStore(db.place)  # kept: the lock goes with its connection
            holding.lock_session(sid, "Liisa")
            os.write(fd, b"locked\n")
            signal.pause()

        pid, fd = fork(hold)
        assert read_line(fd) == "locked"
        with pytest.raises(SessionLocked, match="Liisa"):
            store.save(store.get(sid))
        os.kill(pid, signal.SIGKILL)
        assert os.WIFSIGNALED(os.waitpid(pid, 0)[1])
        os.close(fd)
        store.lock_session(sid, "Pekka")
        with pytest.raises(SessionLocked, match="Pekka"):
            db.open().lock_session(sid, "Maija")
        store.unlock_session(sid)


def test_two_processes_saving_from_the_same_revision_one_wins_the_other_conflicts(db, content, fork):
    store = db.open()
    for _ in range(8):
        sid = new_session(store, content, answers=1)
        go_read, go_write = os.pipe()

        def save(fd: int, sid: str = sid) -> None:
            mine = PostgresStore(db.place)
            record = mine.get(sid)
            os.write(fd, b"read\n")
            assert os.read(go_read, 1) == b"g"  # both have read before either saves
            try:
                mine.save(record.model_copy(update={"client_label": f"by {os.getpid()}"}))
            except SessionConflict:
                os.write(fd, b"conflict\n")
            else:
                os.write(fd, b"saved\n")

        children = [fork(save) for _ in range(2)]
        assert [read_line(fd) for _, fd in children] == ["read", "read"]
        os.write(go_write, b"gg")
        outcomes = {pid: read_line(fd) for pid, fd in children}
        for pid, fd in children:
            assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
            os.close(fd)
        os.close(go_read), os.close(go_write)
        assert sorted(outcomes.values()) == ["conflict", "saved"]
        [winner] = [pid for pid, outcome in outcomes.items() if outcome == "saved"]
        saved = store.get(sid)
        assert (saved.client_label, saved.revision) == (f"by {winner}", 2)


# -- no password in a message ------------------------------------------------------------------

@pytest.mark.parametrize("form", ["url", "keywords"])
def test_a_failed_connection_never_shows_the_password(form):
    with tempfile.TemporaryDirectory(prefix="intake-no-server-") as folder:  # a socket folder with no server
        conninfo = (f"postgresql://liisa:secret@/intake?host={folder}" if form == "url"
                    else f"host={folder} dbname=intake user=liisa password=secret")
        with pytest.raises(StoreProblem) as err:
            PostgresStore(conninfo)
    message = err.value.message
    assert "secret" not in message and "secret" not in str(err.value)
    assert folder in message and "liisa" in message  # it says where it tried, as whom
    assert "PGPASSWORD" in message  # and where a password belongs


def test_after_the_server_cuts_the_connection_the_next_save_connects_again(db, psql, content):
    store = db.open()
    record = store.get(new_session(store, content, answers=1))
    psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'intake'")
    with pytest.raises(StoreProblem, match="connection to the database .* failed"):
        store.save(record)  # said, not a traceback; nothing was written
    assert store.save(record).revision == record.revision + 1  # a new connection; the revision still checked
    with pytest.raises(SessionConflict):
        store.save(record)


def test_a_damaged_row_mended_by_hand_can_be_saved_again(db, psql, content):
    store = db.open()
    session_id = new_session(store, content, answers=1)
    record = store.get(session_id)
    psql(f"UPDATE intake.sessions SET record = record - 'state' WHERE id = '{session_id}'")
    assert [type(s).__name__ for s in store.page()] == ["DamagedSession"]  # checked and marked
    psql(f"UPDATE intake.sessions SET record = previous WHERE id = '{session_id}'")  # the administrator mends it
    assert store.save(record).revision == record.revision + 1
