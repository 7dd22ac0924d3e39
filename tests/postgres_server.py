"""A throwaway PostgreSQL server for the tests (issue 15): one per test session, in a temporary folder,
listening on a unix socket only (never TCP), stopped at the end.

initdb refuses root, and CI runs as root: there the server runs as the `postgres` user of Debian's
package. Any other user runs it as themselves. Where no server can be had, `start_server` raises
`Unavailable` with one line saying what is missing and how to get it.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

# Debian puts each major version's programs in its own folder, off PATH.
DEBIAN_BINARIES = Path("/usr/lib/postgresql")
BIN_DIR_VARIABLE = "INTAKE_TEST_PG_BIN"  # points the tests at another server's programs
SUPERUSER = "postgres"
INSTALL_HINT = "apt-get install postgresql; .ci/run installs it"
TIMEOUT = 60  # seconds, for each server command


class Unavailable(Exception):
    """No PostgreSQL server can be started here; the message says why in one line."""


def default_bin_dir() -> Path | None:
    """The folder holding initdb and pg_ctl: the variable's, else Debian's newest, else PATH's."""
    if os.environ.get(BIN_DIR_VARIABLE):
        return Path(os.environ[BIN_DIR_VARIABLE])
    versions = [p for p in DEBIAN_BINARIES.glob("*/bin") if p.parent.name.isdigit()]
    if versions:
        return max(versions, key=lambda p: int(p.parent.name))
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _run_as() -> tuple[list[str], str | None]:
    """The command prefix that runs the server's programs, and the account that must own its folder."""
    if os.geteuid() != 0:
        return [], None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise Unavailable(f"running as root needs the 'postgres' user to start PostgreSQL ({INSTALL_HINT})") from None
    if shutil.which("runuser") is None:
        raise Unavailable("running as root needs runuser (util-linux) to start PostgreSQL as 'postgres'")
    return ["runuser", "-u", "postgres", "--"], "postgres"


@dataclass
class PostgresServer:
    root: Path  # holds the data folder, the socket and the log
    bin_dir: Path
    prefix: list[str]

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "postmaster.pid"

    def url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        """A libpq URL over the unix socket (its folder in the host parameter)."""
        return f"postgresql://{quote(user)}@/{quote(database)}?host={quote(str(self.socket_dir), safe='')}"

    def _pg(self, program: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*self.prefix, str(self.bin_dir / program), *args], capture_output=True,
                              text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)

    def admin(self, statement: str, name: str, database: str = "postgres") -> None:
        """Run one statement naming a database or role (quoted as an identifier) as the superuser."""
        import psycopg  # optional (the postgres extra): start_server checks it is there
        from psycopg import sql

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(sql.SQL(statement).format(sql.Identifier(name)))

    def create_database(self, name: str) -> str:
        self.admin("CREATE DATABASE {}", name)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)

    def stop(self) -> None:
        """Stop the server (fast: open connections are cut) and remove its folder; say so if it would not stop."""
        stopped = None
        try:
            if self.pid_file.exists():
                stopped = self._pg("pg_ctl", "-D", str(self.data_dir), "stop", "-m", "fast", "-w")
        finally:
            # Even then: a postmaster whose postmaster.pid is gone shuts itself down within a minute.
            shutil.rmtree(self.root, ignore_errors=True)
        if stopped is not None and stopped.returncode:
            raise RuntimeError(f"pg_ctl could not stop the test server: {_last_line(stopped.stderr)}")


def start_server(bin_dir: Path | None = None) -> PostgresServer:
    """Create a cluster in a new temporary folder and start it; raise Unavailable when that cannot be done."""
    bin_dir = bin_dir or default_bin_dir()
    if bin_dir is None or not (bin_dir / "initdb").is_file() or not (bin_dir / "pg_ctl").is_file():
        raise Unavailable(f"no initdb and pg_ctl in {bin_dir or 'PATH'} ({INSTALL_HINT})")
    if importlib.util.find_spec("psycopg") is None:
        raise Unavailable("psycopg is not installed (pip install -e '.[postgres]'; the test extra has it)")
    prefix, owner = _run_as()
    # Short and under /tmp: a unix socket's path is limited to about 100 characters.
    root = Path(tempfile.mkdtemp(prefix="intake-pg-", dir="/tmp"))
    if owner:
        shutil.chown(root, owner)
    server = PostgresServer(root, bin_dir, prefix)
    try:
        init = server._pg("initdb", "-D", str(server.data_dir), "-U", SUPERUSER, "--auth=trust",
                          "--no-sync", "--encoding=UTF8", "--locale=C")
        if init.returncode:
            raise Unavailable(f"initdb failed: {_last_line(init.stderr)}")
        # No TCP (listen_addresses empty); no fsync: the data is thrown away at the end.
        started = server._pg("pg_ctl", "-D", str(server.data_dir), "-l", str(root / "server.log"), "-w",
                             "-o", f"-k {root} -h '' -F", "start")
        if started.returncode:
            log = root / "server.log"
            why = log.read_text() if log.exists() else started.stderr
            raise Unavailable(f"PostgreSQL did not start: {_last_line(why)}")
    except BaseException:
        server.stop()
        raise
    return server


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"
