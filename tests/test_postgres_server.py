"""The throwaway PostgreSQL server the shared store's tests will stand on (issue 15): it starts, each test
gets its own database, roles are enforced, it is gone after the session, and where there is no server the
tests skip saying what to install. Skipped, saying why, where PostgreSQL is not installed (`.ci/run`
installs it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import uuid
from pathlib import Path

import pytest

from tests.postgres_server import BIN_DIR_VARIABLE, Unavailable, start_server

psycopg = pytest.importorskip("psycopg", reason="needs psycopg (pip install -e '.[postgres]')")
REPO = Path(__file__).resolve().parent.parent


def test_the_url_connects_over_the_socket_and_runs_sql(postgres_url):
    assert "host=%2F" in postgres_url  # a socket folder, not a TCP host
    with psycopg.connect(postgres_url) as conn:
        conn.execute("CREATE TABLE t (n int)")
        conn.execute("INSERT INTO t VALUES (1), (2)")
        assert conn.execute("SELECT sum(n) FROM t").fetchone() == (3,)
        assert conn.execute("SHOW listen_addresses").fetchone() == ("",)


def test_two_test_databases_are_separate(postgres_server, postgres_url):
    other = f"test_{uuid.uuid4().hex}"
    other_url = postgres_server.create_database(other)
    try:
        with psycopg.connect(postgres_url) as conn:
            conn.execute("CREATE TABLE only_here (n int)")
        with psycopg.connect(other_url) as conn:
            assert conn.execute("SELECT to_regclass('only_here')").fetchone() == (None,)
    finally:
        postgres_server.drop_database(other)


@pytest.fixture
def owner_and_stranger(postgres_server, postgres_url):
    """Two login roles (cluster-wide, so named uniquely and dropped after): one owns a table, one has no rights."""
    tag = uuid.uuid4().hex[:8]
    owner, stranger = f"owner_{tag}", f"stranger_{tag}"
    database = psycopg.conninfo.conninfo_to_dict(postgres_url)["dbname"]
    for role in (owner, stranger):
        postgres_server.admin("CREATE ROLE {} LOGIN", role)
    postgres_server.admin("GRANT CREATE ON SCHEMA public TO {}", owner, database)
    yield database, owner, stranger
    for role in (owner, stranger):
        postgres_server.admin("DROP OWNED BY {}", role, database)
        postgres_server.admin("DROP ROLE {}", role)


def test_a_role_without_privileges_cannot_read_another_roles_table(postgres_server, owner_and_stranger):
    database, owner, stranger = owner_and_stranger
    with psycopg.connect(postgres_server.url(database, user=owner)) as conn:
        conn.execute("CREATE TABLE notes (text text)")
        conn.execute("INSERT INTO notes VALUES ('owner only')")
        conn.commit()
        assert conn.execute("SELECT text FROM notes").fetchall() == [("owner only",)]
    with psycopg.connect(postgres_server.url(database, user=stranger)) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT text FROM notes")


def run_pytest(tmp_path: Path, test_source: str, **env: str) -> subprocess.CompletedProcess:
    """Run pytest in a new process on one small test file that uses this project's fixtures."""
    (tmp_path / "conftest.py").write_text("from tests.conftest import _postgres, postgres_server, postgres_url\n")
    (tmp_path / "test_tiny.py").write_text(textwrap.dedent(test_source))
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                           "--rootdir", str(tmp_path), str(tmp_path / "test_tiny.py")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO), **env})


def test_the_server_is_gone_after_the_session(postgres_server, tmp_path):
    # postgres_server only skips this where there is none: the session in the new process starts its own.
    seen = tmp_path / "seen.json"
    run = run_pytest(tmp_path, f"""
        import json
        def test_record(postgres_server, postgres_url):
            pid = int(postgres_server.pid_file.read_text().split()[0])
            open({str(seen)!r}, "w").write(json.dumps([str(postgres_server.root), pid]))
    """)
    assert run.returncode == 0, run.stdout + run.stderr
    root, pid = json.loads(seen.read_text())
    assert not Path(root).exists()  # with its postmaster.pid
    assert not running(pid)


def running(pid: int) -> bool:
    """Whether the process runs; an exited one not yet reaped (its parent, pid 1 here, may be slow) does not."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_without_the_server_programs_the_tests_skip_saying_what_to_install(tmp_path):
    missing = tmp_path / "no-such-postgresql" / "bin"
    run = run_pytest(tmp_path, """
        def test_needs_a_database(postgres_url):
            raise AssertionError("ran without a server")
    """, **{BIN_DIR_VARIABLE: str(missing)})
    assert run.returncode == 0, run.stdout + run.stderr
    skips = [line for line in run.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skips) == 1
    assert f"no initdb and pg_ctl in {missing}" in skips[0] and "apt-get install postgresql" in skips[0]


def test_a_missing_binary_folder_is_one_line_saying_what_to_install(tmp_path):
    with pytest.raises(Unavailable) as why:
        start_server(tmp_path / "bin")
    assert "\n" not in str(why.value) and "apt-get install postgresql" in str(why.value)


@pytest.fixture
def failing_programs() -> Path:
    """initdb and pg_ctl that only fail, in a folder the postgres user can read (tmp_path is root's only)."""
    folder = Path(tempfile.mkdtemp(prefix="intake-fake-pg-"))
    folder.chmod(0o755)
    for program in ("initdb", "pg_ctl"):
        (folder / program).write_text("#!/bin/sh\necho 'initdb: error: cannot create the cluster' >&2\nexit 1\n")
        (folder / program).chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def test_a_failed_initdb_is_one_line_and_leaves_nothing_behind(failing_programs):
    before = set(Path("/tmp").glob("intake-pg-*"))
    with pytest.raises(Unavailable, match="^initdb failed: initdb: error: cannot create the cluster$"):
        start_server(failing_programs)
    assert set(Path("/tmp").glob("intake-pg-*")) == before
