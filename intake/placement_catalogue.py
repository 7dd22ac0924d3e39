"""The county's own placements (`intake placements import`), kept in the store folder:

  placements.sqlite          one row per imported placement, in import order (SQLite in WAL mode)
  placements.columns.npz     what matching reads of each, as arrays (a cache, see catalogue_columns.py)
  placements.json.migrated   the TinyDB file of older versions, kept after it was copied in

An import is one durable transaction: it lands whole or not at all, and changes only the rows it
brings, so re-importing a few rows into 100,000 costs what those rows cost. It keeps the rows it
replaced or removed, and `undo()` puts them back. Every placement is validated when it is read;
a file SQLite cannot read is reported (StoreProblem), never overwritten: an import with
`replace_all` keeps it aside as `placements.sqlite.damaged` first. The columns are trusted only
when they carry the catalogue's current generation (a new one at every change); otherwise, or
when damaged, they are built again from the rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
import os
import sqlite3
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError

from intake.errors import StoreProblem
from intake.flows.catalogue_columns import Columns, ColumnsBuilder
from intake.flows.matching import placement_text
from intake.flows.placements import Placement
from intake.store_files import ShortLock, make_private, read_json, write_atomic

FILE = "placements.sqlite"
COLUMNS_FILE = "placements.columns.npz"
LEGACY_FILE = "placements.json"
FILES = (FILE, FILE + "-wal", FILE + "-shm", COLUMNS_FILE, LEGACY_FILE, LEGACY_FILE + ".bak",
         LEGACY_FILE + ".migrated")
FORMAT = 1
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE placements (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, placement TEXT NOT NULL,
                         imported_at TEXT NOT NULL, file TEXT NOT NULL, who TEXT NOT NULL);
-- What the last import changed: the rows as they were before it (placement NULL: the import added it).
CREATE TABLE undo (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, placement TEXT, imported_at TEXT, file TEXT,
                   who TEXT);
"""
ROW = "seq, id, placement, imported_at, file, who"
BATCH = 1000   # rows written with one statement when an import starts from nothing


class ImportedPlacement(BaseModel):
    """A placement from a county's own list, as stored: validated again whenever it is read."""

    model_config = ConfigDict(extra="forbid")

    placement: Placement
    imported_at: dt.datetime
    file: str
    who: str


class PlacementsImport(BaseModel):
    """What an import changed: ids added, ids that replaced an earlier import, ids removed (--replace-all)."""

    added: list[str] = []
    replaced: list[str] = []
    removed: list[str] = []


class CatalogueDamaged(StoreProblem):
    """The imported placements cannot be read: `--replace-all` may keep the file aside and start again."""


def _keep_aside(path: Path) -> Path:
    """Move a damaged file to the first free name `<name>.damaged`, `.damaged.2`, … (never over an earlier one)."""
    for n in itertools.count(1):
        kept = path.with_name(path.name + (".damaged" if n == 1 else f".damaged.{n}"))
        if not kept.exists():
            os.replace(path, kept)
            return kept
    raise AssertionError("unreachable")


class PlacementCatalogue:
    """The imported placements of one store. `user` is written with each import."""

    def __init__(self, folder: Path, locks_dir: Path, user: str):
        self.folder = folder
        self.path = folder / FILE
        self.legacy = folder / LEGACY_FILE
        self.columns_file = folder / COLUMNS_FILE
        self.lock_file = locks_dir / "placements.lock"
        self.user = user
        self._db: sqlite3.Connection | None = None
        self.get = lru_cache(maxsize=256)(self._get)   # the proposals of one screen are read again and again

    @property
    def hint(self) -> str:
        return (f"Import the county's list again with --replace-all (the damaged file is then kept as "
                f"{self.path.name}.damaged), or restore the store folder from a backup.")

    def _damaged(self, problem: object) -> StoreProblem:
        return CatalogueDamaged(f"The imported placements file {self.path} is damaged ({problem}). {self.hint}")

    # --- opening ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _sql(self) -> Iterator[sqlite3.Connection]:
        """The connection; what SQLite cannot read is a StoreProblem naming the file."""
        try:
            yield self._connect()
        except sqlite3.OperationalError as exc:   # busy, or the disk: nothing says the file is damaged
            raise StoreProblem(f"Cannot use the imported placements file {self.path}: {exc}. Try again; if it "
                               "persists, check the disk and the folder's permissions.") from None
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from None
        except OSError as exc:
            raise StoreProblem(f"Cannot use the imported placements file {self.path}: {exc.strerror or exc}. "
                               "Check the disk and the folder's permissions.") from None

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
            for name in FILES[:3]:
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
                    db.executemany("INSERT INTO meta VALUES (?, ?)", [("format", str(FORMAT)), ("generation", _new())])
                    db.executemany("INSERT INTO placements (id, placement, imported_at, file, who) "
                                   "VALUES (?, ?, ?, ?, ?)", (_values(e) for e in legacy))
            if legacy:
                # Copied in and committed: kept under another name, so that it is never read again as the truth.
                os.replace(self.legacy, self.legacy.with_name(LEGACY_FILE + ".migrated"))
        version = db.execute("SELECT value FROM meta WHERE key='format'").fetchone()
        if version is None or not version[0].isdigit():
            raise sqlite3.DatabaseError("it has no format")
        if int(version[0]) > FORMAT:
            raise StoreProblem(f"The imported placements file {self.path} is in format {version[0]}, newer than "
                               f"this version of intake understands (format {FORMAT}). Update intake; nothing "
                               "was changed.")

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
        self.get.cache_clear()

    # --- reading ---------------------------------------------------------------------------

    def _validated(self, row: tuple) -> ImportedPlacement:
        seq, pid, doc, imported_at, file, who = row
        try:
            return ImportedPlacement(placement=Placement.model_validate_json(doc), imported_at=imported_at,
                                     file=file, who=who)
        except ValidationError as exc:
            raise CatalogueDamaged(f"The imported placements file {self.path} is damaged (placement {pid!r}: "
                               f"{exc.error_count()} problems). {self.hint}") from None

    def entries(self) -> list[ImportedPlacement]:
        """Every imported placement, in import order, validated."""
        with self._sql() as db:
            return [self._validated(row) for row in db.execute(f"SELECT {ROW} FROM placements ORDER BY seq")]

    def _get(self, placement_id: str) -> Placement | None:
        with self._sql() as db:
            row = db.execute(f"SELECT {ROW} FROM placements WHERE id = ?", (placement_id,)).fetchone()
        return None if row is None else self._validated(row).placement

    def generation(self) -> str:
        with self._sql() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        if row is None:
            raise self._damaged("it has no generation")
        return row[0]

    def texts(self) -> list[str]:
        """placement_text of each imported placement, in import order (for the full ranking of a client with
        words to avoid: every placement is read)."""
        return [placement_text(e.placement) for e in self.entries()]

    def names(self) -> dict[str, tuple[str, str, str]]:
        """The name, host and municipality of each imported placement, by id."""
        with self._sql() as db:
            return {pid: (name, host, municipality) for pid, name, host, municipality in db.execute(
                "SELECT id, json_extract(placement, '$.name'), json_extract(placement, '$.host'), "
                "json_extract(placement, '$.municipality') FROM placements")}

    def columns(self) -> Columns:
        """What matching reads of each imported placement, in import order: the cache when it is the current
        generation's, or built again from the rows (and kept)."""
        generation = self.generation()
        cached = self._cached_columns(generation)
        if cached is not None:
            return cached
        builder = ColumnsBuilder()
        for entry in self.entries():
            builder.add(entry.placement)
        columns = builder.build()
        self._keep_columns(columns, generation)
        return columns

    def _cached_columns(self, generation: str) -> Columns | None:
        try:
            with np.load(self.columns_file, allow_pickle=False) as arrays:
                if str(arrays["generation"]) != generation:
                    return None
                return Columns.from_arrays(arrays)
        except FileNotFoundError:
            return None
        except Exception:  # noqa: BLE001 - a damaged cache, whatever is wrong with it, is built again
            return None

    def _keep_columns(self, columns: Columns, generation: str) -> None:
        out = io.BytesIO()
        np.savez(out, generation=np.array(generation), **columns.to_arrays())
        try:
            write_atomic(self.columns_file, out.getvalue(), durable=False)  # a cache: rebuilt when lost
        except OSError:
            pass  # built again next time

    # --- changing --------------------------------------------------------------------------

    @contextlib.contextmanager
    def importing(self, file: str, *, replace_all: bool = False, who: str | None = None
                  ) -> Iterator[Importer]:
        """An import, as one transaction: add placements with `Importer.add`; an error raised inside leaves
        everything as it was. Each placement replaces the imported one with its id
        (in place); with `replace_all`, every earlier one is removed."""
        lock = ShortLock(self.lock_file)
        try:
            with lock:
                if replace_all:
                    self._set_aside_if_damaged()
                with self._sql() as db:
                    before = self.generation()
                    with self._transaction(db):
                        importer = Importer(db, file, who or self.user, replace_all)
                        yield importer
                        importer.finish()
                    self.get.cache_clear()
                    self._update_columns(importer, before)
        finally:
            lock.close()

    def import_all(self, placements: Iterable[Placement], file: str, *, replace_all: bool = False,
                   who: str | None = None) -> PlacementsImport:
        with self.importing(file, replace_all=replace_all, who=who) as importer:
            for p in placements:
                importer.add(p)
        return importer.outcome

    def _set_aside_if_damaged(self) -> None:
        try:
            self.generation()
        except CatalogueDamaged:   # not a newer format, nor a busy or full disk: those are never set aside
            self.close()
            damaged = self.path if self.path.exists() and not self.legacy.exists() else self.legacy
            if damaged == self.path:
                for name in (FILE + "-wal", FILE + "-shm"):
                    if (self.folder / name).exists():
                        _keep_aside(self.folder / name)
            _keep_aside(damaged)

    def _update_columns(self, importer: Importer, before: str) -> None:
        """The cache for the new generation, from the old one and the rows just imported (in seq order)."""
        if importer.columns is None:
            return  # an id came twice: built from the rows when next needed
        new = importer.columns.build()
        if importer.fresh:
            self._keep_columns(new, importer.generation)
            return
        old = self._cached_columns(before)
        if old is None:
            return  # built from the rows when next needed
        at = {pid: i for i, pid in enumerate(old.ids.tolist())}
        order = np.arange(len(old) + len(new))
        replaced = [(at[pid], j) for j, pid in enumerate(new.ids.tolist()) if pid in at]
        for i, j in replaced:
            order[i] = len(old) + j
        added = np.array([len(old) + j for j, pid in enumerate(new.ids.tolist()) if pid not in at], dtype=np.int64)
        order = np.concatenate([order[:len(old)], added])
        self._keep_columns(Columns.concat([old, new]).take(order), importer.generation)

    def undo(self) -> tuple[list[str], list[str]]:
        """Put back what the last import changed (once): the placements it replaced or removed come back as
        they were, the ones it added go. Returns the ids put back and the ids removed; StoreProblem when
        there is nothing to undo."""
        lock = ShortLock(self.lock_file)
        try:
            with lock, self._sql() as db, self._transaction(db):
                added = [pid for (pid,) in db.execute("SELECT id FROM undo WHERE placement IS NULL ORDER BY seq")]
                back = [pid for (pid,) in db.execute("SELECT id FROM undo WHERE placement IS NOT NULL ORDER BY seq")]
                if not added and not back:
                    raise StoreProblem("There is no import to undo: only the last import can be undone, once, and "
                                       "nothing has been imported since the last undo.")
                db.execute("DELETE FROM placements WHERE seq IN (SELECT seq FROM undo WHERE placement IS NULL)")
                db.execute(f"INSERT OR REPLACE INTO placements ({ROW}) SELECT {ROW} FROM undo "
                           "WHERE placement IS NOT NULL")
                db.execute("DELETE FROM undo")
                db.execute("UPDATE meta SET value = ? WHERE key = 'generation'", (_new(),))
            self.get.cache_clear()
        finally:
            lock.close()
        kept = set(back)
        return back, [pid for pid in added if pid not in kept]


class Importer:
    """The placements of one import, written as they come (inside PlacementCatalogue.importing)."""

    def __init__(self, db: sqlite3.Connection, file: str, who: str, replace_all: bool):
        self.db, self.file, self.who, self.replace_all = db, file, who, replace_all
        self.now = dt.datetime.now(dt.timezone.utc).isoformat()
        self.columns: ColumnsBuilder | None = ColumnsBuilder()   # None: not the rows in order any more
        self.outcome = PlacementsImport()
        self.generation = _new()
        self.seen: set[str] = set()
        self.batch: list[tuple[str, ...]] = []
        db.execute("DELETE FROM undo")
        # Nothing imported earlier stays: the rows of this import are the whole catalogue, in order.
        self.fresh = replace_all or db.execute("SELECT 1 FROM placements LIMIT 1").fetchone() is None
        if replace_all:
            db.execute(f"INSERT INTO undo ({ROW}) SELECT {ROW} FROM placements")
            db.execute("DELETE FROM placements")

    def add(self, p: Placement) -> None:
        values = (p.model_dump_json(), self.now, self.file, self.who)
        if self.fresh and p.id not in self.seen:
            self.batch.append((p.id, *values))   # nothing to replace: written many at once
            if len(self.batch) >= BATCH:
                self._flush()
        else:
            self._flush()
            self._add_one(p, values)
        self.seen.add(p.id)
        if self.columns is not None:
            self.columns.add(p)

    def _flush(self) -> None:
        self.db.executemany("INSERT INTO placements (id, placement, imported_at, file, who) "
                            "VALUES (?, ?, ?, ?, ?)", self.batch)
        self.batch.clear()

    def _add_one(self, p: Placement, values: tuple[str, ...]) -> None:
        if p.id in self.seen:   # the later one wins, in the place of the first
            self.columns = None
        row = self.db.execute("SELECT seq FROM placements WHERE id = ?", (p.id,)).fetchone()
        if row is not None:
            if p.id not in self.seen:   # as it was before this import
                self.db.execute(f"INSERT INTO undo ({ROW}) SELECT {ROW} FROM placements WHERE seq = ?", row)
            self.db.execute("UPDATE placements SET placement = ?, imported_at = ?, file = ?, who = ? "
                            "WHERE seq = ?", (*values, row[0]))
            if p.id not in self.seen:
                self.outcome.replaced.append(p.id)
        else:
            seq = self.db.execute("INSERT INTO placements (id, placement, imported_at, file, who) "
                                  "VALUES (?, ?, ?, ?, ?)", (p.id, *values)).lastrowid
            self.db.execute("INSERT INTO undo (seq, id) VALUES (?, ?)", (seq, p.id))
            was_there = self.replace_all and self.db.execute(
                "SELECT 1 FROM undo WHERE id = ? AND placement IS NOT NULL", (p.id,)).fetchone()
            (self.outcome.replaced if was_there else self.outcome.added).append(p.id)

    def finish(self) -> None:
        self._flush()
        if self.fresh:   # every row is new: undo removes them all, and puts back what replace_all removed
            self.db.execute("INSERT INTO undo (seq, id) SELECT seq, id FROM placements WHERE seq NOT IN "
                            "(SELECT seq FROM undo)")
            self.outcome.replaced = [pid for (pid,) in self.db.execute(
                "SELECT id FROM placements WHERE id IN (SELECT id FROM undo WHERE placement IS NOT NULL) "
                "ORDER BY seq")]
            self.outcome.added = [pid for (pid,) in self.db.execute(
                "SELECT id FROM placements WHERE id NOT IN (SELECT id FROM undo WHERE placement IS NOT NULL) "
                "ORDER BY seq")]
        if self.replace_all:
            self.outcome.removed = [pid for (pid,) in self.db.execute(
                "SELECT id FROM undo WHERE placement IS NOT NULL AND id NOT IN (SELECT id FROM placements) "
                "ORDER BY seq")]
        self.db.execute("UPDATE meta SET value = ? WHERE key = 'generation'", (self.generation,))


def _new() -> str:
    return uuid.uuid4().hex


def _values(entry: ImportedPlacement) -> tuple[str, ...]:
    p = entry.placement
    return p.id, p.model_dump_json(), entry.imported_at.isoformat(), entry.file, entry.who
