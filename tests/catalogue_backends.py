"""The placement catalogue's two databases, for tests that run on each: SQLite in a store folder and
a county's PostgreSQL (a fresh database of the test server; skipped, saying why, where there is none)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from intake.placement_catalogue import PlacementCatalogue
from intake.placement_catalogue_base import CatalogueBase
from intake.store import Store

USER = "Liisa"   # who imports, unless an import names another


@dataclass
class Backend:
    name: str
    new: Callable[[], CatalogueBase]   # a catalogue on the same data, as another process would open it
    run: Callable[[str, tuple], None]  # a statement run by hand, as with psql or sqlite3
    new_employers: Callable[[], CatalogueBase]   # the jobs at employers kept beside the placements
    opened: list[CatalogueBase] = field(default_factory=list)

    def open(self, new: Callable[[], CatalogueBase] | None = None) -> CatalogueBase:
        catalogue = (new or self.new)()
        self.opened.append(catalogue)
        return catalogue

    def store(self) -> Any:
        """A store of which only the placements and the jobs are used (matching_catalogue, catalogue_placements)."""
        return SimpleNamespace(placements=self.open(), employers=self.open(self.new_employers))

    def sql(self, statement: str, params: tuple = ()) -> None:
        """Run a statement naming the tables {placements}, {undo}, {meta}, with ? parameters."""
        catalogue = self.opened[0] if self.opened else self.open()
        self.run(catalogue._statement(statement), params)


def pg_connect(url: str, **options: Any) -> Callable[[], Any]:
    import psycopg

    return lambda: psycopg.connect(url, **options)


def install(url: str) -> None:
    """What the store's installer does for the catalogue: the schema, then SCHEMA_SQL (twice: it is idempotent)."""
    import psycopg

    from intake.placement_catalogue_pg import SCHEMA_SQL

    with psycopg.connect(url, autocommit=True) as db:
        db.execute("CREATE SCHEMA IF NOT EXISTS intake")
        db.execute(SCHEMA_SQL)
        db.execute(SCHEMA_SQL)


def _sqlite(store_path: Path) -> Backend:
    Store(store_path).close()

    def run(statement: str, params: tuple) -> None:
        with sqlite3.connect(store_path / "placements.sqlite") as db:
            db.execute(statement, params)

    return Backend("sqlite", lambda: Store(store_path, user=USER).placements, run,
                   lambda: Store(store_path, user=USER).employers)


def _postgres(url: str, cache_dir: Path) -> Backend:
    from intake.placement_catalogue_pg import PgEmployerCatalogue, PgPlacementCatalogue

    install(url)

    def run(statement: str, params: tuple) -> None:
        with pg_connect(url, autocommit=True)() as db:
            db.execute(statement, params)

    return Backend("postgres", lambda: PgPlacementCatalogue(pg_connect(url), USER, cache_dir), run,
                   lambda: PgEmployerCatalogue(pg_connect(url), USER, cache_dir))


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, store_path: Path, tmp_path: Path) -> Iterator[Backend]:
    """Each database the catalogue can be kept in."""
    made = (_sqlite(store_path) if request.param == "sqlite"
            else _postgres(request.getfixturevalue("postgres_url"), tmp_path / "cache"))
    yield made
    for catalogue in made.opened:
        catalogue.close()
