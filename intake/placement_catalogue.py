"""The county's own placements (`intake placements import`) in SQLite, kept in the store folder:

  placements.sqlite          one row per imported placement, in import order (SQLite in WAL mode)
  placements.columns.npz     what matching reads of each, as arrays (a cache, see catalogue_columns.py)
  placements.json.migrated   the TinyDB file of older versions, kept after it was copied in
  employers.sqlite, employers.columns.npz   the county's jobs at employers (`intake employers import`), the same way

What a catalogue does (validation, imports, undo, the columns) is placement_catalogue_base.py's;
this is its SQL layer. An import is one durable transaction (BEGIN IMMEDIATE, under a lock file
as well): it lands whole or not at all, and changes only the rows it brings, so re-importing a
few rows into 100,000 costs what those rows cost. A file SQLite cannot read is reported
(StoreProblem), never overwritten: an import with `replace_all` keeps it aside as
`placements.sqlite.damaged` first.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sqlite3
from pathlib import Path
from typing import Any, Iterator, Sequence

from pydantic import ValidationError

from intake.errors import StoreProblem
from intake.placement_catalogue_base import (FORMAT, INSERT, CatalogueBase, CatalogueDamaged, ImportedPlacement,
                                             new_generation, row_values)
from intake.store_files import ShortLock, make_private, read_json

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE placements (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, placement TEXT NOT NULL,
                         imported_at TEXT NOT NULL, file TEXT NOT NULL, who TEXT NOT NULL);
-- What the last import changed: the rows as they were before it (placement NULL: the import added it).
CREATE TABLE undo (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, placement TEXT, imported_at TEXT, file TEXT,
                   who TEXT);
"""


def _keep_aside(path: Path) -> Path:
    """Move a damaged file to the first free name `<name>.damaged`, `.damaged.2`, … (never over an earlier one)."""
    for n in itertools.count(1):
        kept = path.with_name(path.name + (".damaged" if n == 1 else f".damaged.{n}"))
        if not kept.exists():
            os.replace(path, kept)
            return kept
    raise AssertionError("unreachable")


class PlacementCatalogue(CatalogueBase):
    """The imported placements of one store folder. `user` is written with each import."""

    ROW = "seq, id, placement, imported_at, file, who"
    NAMES = ("SELECT id, json_extract(placement, '$.name'), json_extract(placement, '$.host'), "
             "json_extract(placement, '$.municipality') FROM placements")
    TABLES = {"placements": "placements", "undo": "undo", "meta": "meta"}
    FILE, COLUMNS_FILE = "placements.sqlite", "placements.columns.npz"
    LEGACY_FILE = "placements.json"   # the TinyDB file of older versions, copied in once

    def __init__(self, folder: Path, locks_dir: Path, user: str):
        super().__init__(user, folder / self.COLUMNS_FILE)
        self.folder = folder
        self.path = folder / self.FILE
        self.legacy = folder / self.LEGACY_FILE
        self.lock_file = locks_dir / self.FILE.replace(".sqlite", ".lock")
        self._db: sqlite3.Connection | None = None

    @property
    def what(self) -> str:
        return f"The {self.NOUN} file {self.path} is"

    @property
    def hint(self) -> str:
        return (f"Import the county's list again with --replace-all (the damaged file is then kept as "
                f"{self.path.name}.damaged), or restore the store folder from a backup.")

    # --- opening ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _sql(self) -> Iterator[sqlite3.Connection]:
        """The connection; what SQLite cannot read is a StoreProblem naming the file."""
        try:
            yield self._connect()
        except sqlite3.OperationalError as exc:   # busy, or the disk: nothing says the file is damaged
            raise StoreProblem(f"Cannot use the {self.NOUN} file {self.path}: {exc}. Try again; if it "
                               "persists, check the disk and the folder's permissions.") from None
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from None
        except OSError as exc:
            raise StoreProblem(f"Cannot use the {self.NOUN} file {self.path}: {exc.strerror or exc}. "
                               "Check the disk and the folder's permissions.") from None

    def _execute(self, statement: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self._connect().execute(self._statement(statement), params)

    def _executemany(self, statement: str, rows: list[tuple[Any, ...]]) -> None:
        self._connect().executemany(self._statement(statement), rows)

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))  # SQLite gives its -wal and -shm this mode
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=FULL")
                self._initialise(db)
            except BaseException:
                db.close()
                raise
            self._db = db
            for name in (self.FILE, self.FILE + "-wal", self.FILE + "-shm"):
                make_private(self.folder / name)
        return self._db

    def _initialise(self, db: sqlite3.Connection) -> None:
        """Create the tables, copying in the placements of an older version's file, unless they are there (made
        by another process perhaps); then check the format."""
        if not self._has_tables(db):
            legacy = self._legacy_entries()   # read before anything is written: a damaged one stops here
            with self._transaction(db):
                if self._has_tables(db):
                    legacy = []   # another process was first
                else:
                    for statement in SCHEMA.split(";"):
                        if statement.strip():
                            db.execute(statement)
                    db.executemany("INSERT INTO meta VALUES (?, ?)",
                                   [("format", str(FORMAT)), ("generation", new_generation())])
                    db.executemany(self._statement(INSERT), map(row_values, legacy))
            if legacy:
                # Copied in and committed: kept under another name, so that it is never read again as the truth.
                os.replace(self.legacy, self.legacy.with_name(self.LEGACY_FILE + ".migrated"))
        version = db.execute("SELECT value FROM meta WHERE key='format'").fetchone()
        self._check_format(version and version[0])

    @staticmethod
    def _has_tables(db: sqlite3.Connection) -> bool:
        return db.execute("SELECT 1 FROM sqlite_master WHERE name='meta'").fetchone() is not None

    def _legacy_entries(self) -> list[ImportedPlacement]:
        """The placements of the TinyDB file older versions kept (none when there is none)."""
        hint = (f"Import the county's list again with --replace-all (the damaged file is then kept as "
                f"{self.legacy.name}.damaged), or put back the previous import by moving {self.legacy.name}.bak to "
                f"{self.legacy.name}.")
        data = read_json(self.legacy, "imported placements file", hint)
        if data is None:
            return []
        table = data.get("placements", {}) if isinstance(data, dict) else None
        if not isinstance(table, dict):
            raise CatalogueDamaged(f"The file {self.legacy} is not an intake placements file. {hint}")
        try:
            return [ImportedPlacement.model_validate(table[key]) for key in sorted(table, key=int)]
        except (ValidationError, ValueError, TypeError):
            raise CatalogueDamaged(f"The imported placements file {self.legacy} is damaged. {hint}") from None

    @contextlib.contextmanager
    def _transaction(self, db: sqlite3.Connection) -> Iterator[None]:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        self._get.cache_clear()

    # --- changing --------------------------------------------------------------------------

    @contextlib.contextmanager
    def _changing(self, *, replace_all: bool = False) -> Iterator[None]:
        """BEGIN IMMEDIATE under the lock file: an import's reading and writing are never interleaved with
        another's; with `replace_all`, a damaged file is kept aside first."""
        lock = ShortLock(self.lock_file)
        try:
            with lock:
                if replace_all:
                    self._set_aside_if_damaged()
                with self._sql() as db, self._transaction(db):
                    yield
        finally:
            lock.close()

    def _set_aside_if_damaged(self) -> None:
        try:
            self.generation()
        except CatalogueDamaged:   # not a newer format, nor a busy or full disk: those are never set aside
            self.close()
            damaged = self.path if self.path.exists() and not self.legacy.exists() else self.legacy
            if damaged == self.path:
                for name in (self.FILE + "-wal", self.FILE + "-shm"):
                    if (self.folder / name).exists():
                        _keep_aside(self.folder / name)
            _keep_aside(damaged)


class EmployerCatalogue(PlacementCatalogue):
    """The jobs at employers the county imported (`intake employers import`): a catalogue of its own file
    beside the placements', so that importing (or undoing) one never touches the other. Supported
    employment matches them (Rules.open_labour_market)."""

    NOUN = "imported employers' jobs"
    FILE, COLUMNS_FILE = "employers.sqlite", "employers.columns.npz"
    LEGACY_FILE = "employers.json"   # never written: older versions had no employer catalogue
