"""The county's placements in its PostgreSQL database, beyond what both databases share
(test_placement_catalogue.py): two imports at once wait for each other, the group roles get what
they need and no more, a lost connection or a database without the tables is a StoreProblem that
says what to do, and the columns cache follows the generation, in memory or in a private folder."""

from __future__ import annotations

import stat
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Iterator

import pytest

psycopg = pytest.importorskip("psycopg")

from intake.errors import StoreProblem  # noqa: E402
from intake.placement_catalogue_pg import COUNSELLOR, GRANTS_SQL, LEAD, PgPlacementCatalogue  # noqa: E402
from tests.catalogue_backends import install, pg_connect  # noqa: E402
from tests.test_placement_catalogue import county  # noqa: E402

WAIT = 60  # seconds at most for another connection to reach the state a test waits for


def admin(url: str, statement: str) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as db:
        cursor = db.execute(statement)
        return cursor.fetchall() if cursor.description else []


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"waited {WAIT} s for {what}"
        time.sleep(0.05)


@pytest.fixture
def installed(postgres_url: str) -> str:
    install(postgres_url)
    return postgres_url


@pytest.fixture
def opened(installed: str) -> Iterator[Callable[..., PgPlacementCatalogue]]:
    """Opens catalogues on the test's database (as the given role, with the given cache), closed after."""
    made: list[PgPlacementCatalogue] = []

    def open_catalogue(user: str | None = None, cache_dir: Path | None = None) -> PgPlacementCatalogue:
        options = {"user": user} if user else {}
        catalogue = PgPlacementCatalogue(pg_connect(installed, **options), user or "Liisa", cache_dir)
        made.append(catalogue)
        return catalogue

    yield open_catalogue
    for catalogue in made:
        catalogue.close()


def test_two_imports_at_once_wait_for_each_other(installed, opened):
    first, second = county(5), county(4, seed=2)
    changed = first[0].model_copy(update={"name": "Toisen tuoma"})
    a, b = opened(), opened()
    with ThreadPoolExecutor(1) as pool:
        with a.importing("a.csv") as importer:
            for p in first:
                importer.add(p)
            later = pool.submit(b.import_all, [*second, changed], "b.csv", who="Pekka")
            wait_until(lambda: later.done() or admin(installed, "SELECT count(*) FROM pg_stat_activity WHERE "
                                                     "wait_event_type = 'Lock' AND datname = current_database()"
                                                     )[0][0] == 1, "b to wait for a")
            assert not later.done(), later.exception()
        outcome = later.result(timeout=WAIT)

    # b read what a committed: it replaced a's placement instead of failing on its id
    assert outcome.added == [p.id for p in second] and outcome.replaced == [changed.id]
    assert [e.placement for e in opened().entries()] == [changed, *first[1:], *second]
    assert a.undo() == ([changed.id], [p.id for p in second])   # the last import is b's
    assert [e.placement for e in opened().entries()] == first


@pytest.fixture
def roles(installed: str) -> Iterator[tuple[str, str]]:
    """A counsellor's and a lead's login roles, members of the group roles that GRANTS_SQL gives rights to."""
    admin(installed, f"""DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{COUNSELLOR}') THEN CREATE ROLE {COUNSELLOR} NOLOGIN; END IF;
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{LEAD}') THEN CREATE ROLE {LEAD} NOLOGIN; END IF;
    END $$""")
    admin(installed, GRANTS_SQL)
    counsellor, lead = f"c_{uuid.uuid4().hex[:12]}", f"l_{uuid.uuid4().hex[:12]}"
    admin(installed, f"CREATE ROLE {counsellor} LOGIN IN ROLE {COUNSELLOR}")
    admin(installed, f"CREATE ROLE {lead} LOGIN IN ROLE {LEAD}")
    yield counsellor, lead
    admin(installed, f"DROP ROLE {counsellor}, {lead}")


def test_a_counsellor_imports_and_a_lead_only_reads(opened, roles):
    counsellor, lead = roles
    first = county(4)
    as_counsellor = opened(counsellor)
    as_counsellor.import_all(first, "a.csv")
    as_counsellor.import_all([first[1].model_copy(update={"open_places": 0}), *county(1, seed=2)], "b.csv")
    as_counsellor.undo()

    as_lead = opened(lead)
    assert [e.placement for e in as_lead.entries()] == first and len(as_lead.columns()) == 4
    assert as_lead.names()[first[0].id] == (first[0].name, first[0].host, first[0].municipality)
    for change in (lambda: as_lead.import_all(county(1, seed=3), "c.csv"), as_lead.undo):
        with pytest.raises(StoreProblem, match=f"Your database role may not .*\\(permission denied .*{COUNSELLOR} "
                                               f"\\(to import\\)"):
            change()
    assert [e.placement for e in opened().entries()] == first


def test_a_lost_connection_is_a_store_problem_and_the_next_use_connects_again(installed, opened):
    placements = county(3)
    catalogue = opened()
    catalogue.import_all(placements, "a.csv")

    def cut() -> None:
        admin(installed, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = current_database() AND pid <> pg_backend_pid()")

    cut()
    with pytest.raises(StoreProblem, match="connection to the county's database failed .* try again"):
        catalogue.entries()
    assert [e.placement for e in catalogue.entries()] == placements

    with pytest.raises(StoreProblem, match="An import that was cut off left everything as it was"):
        with catalogue.importing("b.csv", replace_all=True) as importer:
            importer.add(placements[0].model_copy(update={"name": "Kesken"}))
            cut()
    assert [e.placement for e in catalogue.entries()] == placements


def test_a_database_without_the_tables_or_out_of_reach_says_what_to_do(postgres_url, tmp_path):
    bare = PgPlacementCatalogue(pg_connect(postgres_url), "Liisa", None)   # the installer never ran
    with pytest.raises(StoreProblem, match="no tables for the imported placements .* 'intake store init' again"):
        bare.entries()
    admin(postgres_url, "CREATE SCHEMA intake")
    with pytest.raises(StoreProblem, match="no tables for the imported placements"):
        bare.import_all(county(1), "a.csv")

    nowhere = f"postgresql://postgres@/none?host={tmp_path}"   # no server listens there
    with pytest.raises(StoreProblem, match="connection to the county's database failed"):
        PgPlacementCatalogue(pg_connect(nowhere), "Liisa", None).entries()


def test_the_columns_in_memory_follow_the_generation(opened):
    catalogue, other = opened(), opened()
    catalogue.import_all(county(5), "a.csv")
    columns = catalogue.columns()
    assert catalogue.columns() is columns   # kept, not built again
    other.import_all(county(3, seed=2), "b.csv")   # another computer: the generation changes
    assert len(catalogue.columns()) == 8
    other.undo()
    assert catalogue.columns().ids.tolist() == columns.ids.tolist()


def test_the_columns_file_is_kept_in_a_private_folder(opened, tmp_path):
    cache = tmp_path / "cache" / "placements"
    catalogue = opened(cache_dir=cache)
    catalogue.import_all(county(5), "a.csv")
    file = cache / "placements.columns.npz"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700 and stat.S_IMODE(file.stat().st_mode) == 0o600
    assert opened(cache_dir=cache)._cached_columns(catalogue.generation()) is not None   # kept by the import
