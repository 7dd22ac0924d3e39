"""A county's imported placements, whatever database keeps them: what a row is and how it is validated
when read, what an import changes and how `undo()` puts it back, and the matching columns kept as a
cache under the catalogue's generation (a new one at every change).

The SQL layers, placement_catalogue.py (SQLite in the store folder) and placement_catalogue_pg.py
(a county's PostgreSQL), give the connection, the transaction that no other change interleaves
with, the table names and the few statements their dialects write differently. Statements here
name the tables as {placements}, {undo} and {meta} and take `?` parameters; each layer fills them in.

Tables (the layers create them): placements (seq, id unique, placement JSON, imported_at, file,
who) in import order; undo, what the last import changed: the rows as they were before it
(placement NULL: the import added it); meta, the format and the generation.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
import uuid
from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Iterable, Iterator, Protocol, Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError

from intake.errors import StoreProblem
from intake.flows.catalogue_columns import Columns, ColumnsBuilder
from intake.flows.matching import placement_text
from intake.flows.placements import Placement
from intake.store_files import write_atomic

FORMAT = 1
COLUMNS = "seq, id, placement, imported_at, file, who"   # a row, as copied between placements and undo
BATCH = 1000   # rows written with one statement when an import starts from nothing
INSERT = "INSERT INTO {placements} (id, placement, imported_at, file, who) VALUES (?, ?, ?, ?, ?)"


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
    """The imported placements cannot be read: `--replace-all` may start again."""


class Cursor(Protocol):
    """What both databases' cursors give: the rows one by one, or the first."""

    def fetchone(self) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...


class CatalogueBase(ABC):
    """The imported placements of one store, on the database its SQL layer talks to."""

    ROW: ClassVar[str]     # the columns of a row as read: seq, id, placement (JSON text), imported_at, file, who
    NAMES: ClassVar[str]   # SELECT id, name, host, municipality of every row
    TABLES: ClassVar[dict[str, str]]   # placements, undo, meta: the tables' names in this database
    NOUN: ClassVar[str] = "imported placements"   # what the catalogue holds, as messages name it

    def __init__(self, user: str, columns_file: Path | None):
        self.user = user
        self.columns_file = columns_file   # None: the columns are kept in memory only
        self._kept: tuple[str, Columns] | None = None
        self._get = lru_cache(maxsize=256)(self._read_one)   # the proposals of one screen are read again and again

    # --- what each SQL layer provides ---------------------------------------------------------

    @property
    @abstractmethod
    def what(self) -> str:
        """The catalogue as messages name it, with its verb: "The imported placements file … is"."""

    @property
    @abstractmethod
    def hint(self) -> str:
        """What to do when the catalogue is damaged."""

    @abstractmethod
    def _sql(self) -> AbstractContextManager[object]:
        """The connection open, for the statements run inside; what the database reports is a StoreProblem."""

    @abstractmethod
    def _execute(self, statement: str, params: Sequence[Any] = ()) -> Cursor: ...

    @abstractmethod
    def _executemany(self, statement: str, rows: list[tuple[Any, ...]]) -> None: ...

    @abstractmethod
    def _changing(self, *, replace_all: bool = False) -> AbstractContextManager[object]:
        """One transaction that no other import or undo, in this process or another, interleaves with."""

    @abstractmethod
    def close(self) -> None: ...

    def _statement(self, statement: str) -> str:
        return statement.format(columns=COLUMNS, row=self.ROW, **self.TABLES)

    # --- reading ---------------------------------------------------------------------------

    def _damaged(self, problem: object) -> StoreProblem:
        return CatalogueDamaged(f"{self.what} damaged ({problem}). {self.hint}")

    def _check_format(self, version: str | None) -> None:
        """Refuse a catalogue without a format, or in a newer one than this version of intake writes."""
        if version is None or not version.isdigit():
            raise self._damaged("it has no format")
        if int(version) > FORMAT:
            raise StoreProblem(f"{self.what} in format {version}, newer than this version of intake understands "
                               f"(format {FORMAT}). Update intake; nothing was changed.")

    def _validated(self, row: tuple) -> ImportedPlacement:
        seq, pid, doc, imported_at, file, who = row
        try:
            return ImportedPlacement(placement=Placement.model_validate_json(doc), imported_at=imported_at,
                                     file=file, who=who)
        except ValidationError as exc:
            raise self._damaged(f"placement {pid!r}: {exc.error_count()} problems") from None

    def entries(self) -> list[ImportedPlacement]:
        """Every imported placement, in import order, validated."""
        with self._sql():
            return [self._validated(row) for row in self._execute("SELECT {row} FROM {placements} ORDER BY seq")]

    def get(self, placement_id: str) -> Placement | None:
        """The imported placement with this id, validated (None when there is none)."""
        return self._get(placement_id)

    def _read_one(self, placement_id: str) -> Placement | None:
        with self._sql():
            row = self._execute("SELECT {row} FROM {placements} WHERE id = ?", (placement_id,)).fetchone()
        return None if row is None else self._validated(row).placement

    def generation(self) -> str:
        with self._sql():
            row = self._execute("SELECT value FROM {meta} WHERE key = 'generation'").fetchone()
        if row is None:
            raise self._damaged("it has no generation")
        return row[0]

    def texts(self) -> list[str]:
        """placement_text of each imported placement, in import order (for the full ranking of a client with
        words to avoid: every placement is read)."""
        return [placement_text(e.placement) for e in self.entries()]

    def names(self) -> dict[str, tuple[str, str, str]]:
        """The name, host and municipality of each imported placement, by id."""
        with self._sql():
            return {pid: (name, host, municipality) for pid, name, host, municipality in self._execute(self.NAMES)}

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
        if self.columns_file is None:
            return self._kept[1] if self._kept is not None and self._kept[0] == generation else None
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
        if self.columns_file is None:
            self._kept = (generation, columns)
            return
        out = io.BytesIO()
        np.savez(out, generation=np.array(generation), **columns.to_arrays())
        try:
            write_atomic(self.columns_file, out.getvalue(), durable=False)  # a cache: rebuilt when lost
        except OSError:
            pass  # built again next time

    # --- changing --------------------------------------------------------------------------

    @contextlib.contextmanager
    def importing(self, file: str, *, replace_all: bool = False, who: str | None = None) -> Iterator[Importer]:
        """An import, as one transaction: add placements with `Importer.add`; an error raised inside leaves
        everything as it was. Each placement replaces the imported one with its id
        (in place); with `replace_all`, every earlier one is removed."""
        with self._changing(replace_all=replace_all):
            before = self.generation()
            importer = Importer(self, file, who or self.user, replace_all)
            yield importer
            importer.finish()
        self._get.cache_clear()
        # After the commit: columns kept under this generation are never taken for a later import's.
        self._update_columns(importer, before)

    def import_all(self, placements: Iterable[Placement], file: str, *, replace_all: bool = False,
                   who: str | None = None) -> PlacementsImport:
        with self.importing(file, replace_all=replace_all, who=who) as importer:
            for p in placements:
                importer.add(p)
        return importer.outcome

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

    def take_copy(self, entries: Iterable[ImportedPlacement]) -> None:
        """Fill an empty catalogue with another store's placements as they are (when, from which file and by
        whom each was imported), in their order (`intake store copy`); there is no import to undo after it."""
        with self._changing():
            if self._execute("SELECT 1 FROM {placements} LIMIT 1").fetchone() is not None:
                raise StoreProblem(f"{self.what} not empty: nothing was copied. Copy into a new store, so that no "
                                   "placement is mixed up with another or overwritten.")
            self._execute("DELETE FROM {undo}")
            rows = map(row_values, entries)
            while batch := list(itertools.islice(rows, BATCH)):
                self._executemany(INSERT, batch)
            self._execute("UPDATE {meta} SET value = ? WHERE key = 'generation'", (new_generation(),))
        self._get.cache_clear()

    def undo(self) -> tuple[list[str], list[str]]:
        """Put back what the last import changed (once): the placements it replaced or removed come back as
        they were, the ones it added go. Returns the ids put back and the ids removed; StoreProblem when
        there is nothing to undo."""
        with self._changing():
            added = [pid for (pid,) in self._execute("SELECT id FROM {undo} WHERE placement IS NULL ORDER BY seq")]
            back = [pid for (pid,) in self._execute("SELECT id FROM {undo} WHERE placement IS NOT NULL ORDER BY seq")]
            if not added and not back:
                raise StoreProblem("There is no import to undo: only the last import can be undone, once, and "
                                   "nothing has been imported since the last undo.")
            # Every row the import touched goes; the ones it replaced or removed come back under their own seq.
            self._execute("DELETE FROM {placements} WHERE seq IN (SELECT seq FROM {undo})")
            self._execute("INSERT INTO {placements} ({columns}) SELECT {columns} FROM {undo} "
                          "WHERE placement IS NOT NULL")
            self._execute("DELETE FROM {undo}")
            self._execute("UPDATE {meta} SET value = ? WHERE key = 'generation'", (new_generation(),))
        self._get.cache_clear()
        kept = set(back)
        return back, [pid for pid in added if pid not in kept]


class Importer:
    """The placements of one import, written as they come (inside CatalogueBase.importing)."""

    def __init__(self, catalogue: CatalogueBase, file: str, who: str, replace_all: bool):
        self.sql, self.file, self.who, self.replace_all = catalogue._execute, file, who, replace_all
        self.sql_many = catalogue._executemany
        self.now = dt.datetime.now(dt.timezone.utc).isoformat()
        self.columns: ColumnsBuilder | None = ColumnsBuilder()   # None: not the rows in order any more
        self.outcome = PlacementsImport()
        self.generation = new_generation()
        self.seen: set[str] = set()
        self.batch: list[tuple[str, ...]] = []
        self.sql("DELETE FROM {undo}")
        # Nothing imported earlier stays: the rows of this import are the whole catalogue, in order.
        self.fresh = replace_all or self.sql("SELECT 1 FROM {placements} LIMIT 1").fetchone() is None
        if replace_all:
            self.sql("INSERT INTO {undo} ({columns}) SELECT {columns} FROM {placements}")
            self.sql("DELETE FROM {placements}")

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
        if self.batch:
            self.sql_many(INSERT, self.batch)
            self.batch.clear()

    def _add_one(self, p: Placement, values: tuple[str, ...]) -> None:
        if p.id in self.seen:   # the later one wins, in the place of the first
            self.columns = None
        row = self.sql("SELECT seq FROM {placements} WHERE id = ?", (p.id,)).fetchone()
        if row is not None:
            if p.id not in self.seen:   # as it was before this import
                self.sql("INSERT INTO {undo} ({columns}) SELECT {columns} FROM {placements} WHERE seq = ?", row)
            self.sql("UPDATE {placements} SET placement = ?, imported_at = ?, file = ?, who = ? WHERE seq = ?",
                     (*values, row[0]))
            if p.id not in self.seen:
                self.outcome.replaced.append(p.id)
        else:
            (seq,) = self.sql("INSERT INTO {placements} (id, placement, imported_at, file, who) "
                              "VALUES (?, ?, ?, ?, ?) RETURNING seq", (p.id, *values)).fetchone()
            self.sql("INSERT INTO {undo} (seq, id) VALUES (?, ?)", (seq, p.id))
            was_there = self.replace_all and self.sql(
                "SELECT 1 FROM {undo} WHERE id = ? AND placement IS NOT NULL", (p.id,)).fetchone()
            (self.outcome.replaced if was_there else self.outcome.added).append(p.id)

    def finish(self) -> None:
        self._flush()
        if self.fresh:   # every row is new: undo removes them all, and puts back what replace_all removed
            self.sql("INSERT INTO {undo} (seq, id) SELECT seq, id FROM {placements} WHERE seq NOT IN "
                     "(SELECT seq FROM {undo})")
            self.outcome.replaced = [pid for (pid,) in self.sql(
                "SELECT id FROM {placements} WHERE id IN (SELECT id FROM {undo} WHERE placement IS NOT NULL) "
                "ORDER BY seq")]
            self.outcome.added = [pid for (pid,) in self.sql(
                "SELECT id FROM {placements} WHERE id NOT IN (SELECT id FROM {undo} WHERE placement IS NOT NULL) "
                "ORDER BY seq")]
        if self.replace_all:
            self.outcome.removed = [pid for (pid,) in self.sql(
                "SELECT id FROM {undo} WHERE placement IS NOT NULL AND id NOT IN (SELECT id FROM {placements}) "
                "ORDER BY seq")]
        self.sql("UPDATE {meta} SET value = ? WHERE key = 'generation'", (self.generation,))


def new_generation() -> str:
    return uuid.uuid4().hex


def row_values(entry: ImportedPlacement) -> tuple[str, ...]:
    """An imported placement as INSERT writes it."""
    p = entry.placement
    return p.id, p.model_dump_json(), entry.imported_at.isoformat(), entry.file, entry.who
