"""The imported placements, in SQLite (with the migration from the TinyDB file) and in a county's
PostgreSQL: the matching columns kept beside them (right after a re-import, rebuilt when damaged or
stale), atomic imports, re-imports, replace-all, undo, validation of what was changed by hand, and
the merged catalogue that matching reads without building every placement."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from bench.match import generate
from intake.errors import StoreProblem
from intake.flows.catalogue_columns import CODED, SMALL, Columns
from intake.flows.matching import Catalogue, ClientProfile
from intake.placement_catalogue_base import ImportedPlacement
from intake.merged_catalogue import matching_catalogue
from intake.flows.rules import Rules
from intake.placements_import import EMPLOYERS, catalogue_entries
from intake.session import catalogue_placements
from intake.store import Store
from tests.catalogue_backends import Backend, backend  # noqa: F401  (the fixture: each database)
from tests.test_content import CONTENT

START = dt.date(2027, 1, 11)
RULES = Rules(CONTENT.rules)


def county(n: int, seed: int = 1) -> list:
    """n valid placements of a county's list (no companies: an import refuses them)."""
    found = [p for p in generate(n * 2, list(CONTENT.placements), CONTENT.matching, random.Random(seed))
             if p.host_type != "company"][:n]
    return [p.model_copy(update={"id": f"{p.id}_{seed}"}) for p in found]


def decoded(columns: Columns) -> list[tuple]:
    """Each placement as the columns say it, whatever the order of the distinct values."""
    rows = []
    for i, pid in enumerate(columns.ids.tolist()):
        coded = tuple(columns.values[name][columns.rows[name][i]] for name in CODED)
        small = tuple(int(columns.rows[name][i]) for name in SMALL)
        skills = frozenset(s for k, s in enumerate(columns.skills) if columns.skill_rows[k, i])
        rows.append((pid, coded, small, skills))
    return rows


def test_a_placements_json_of_an_older_version_is_migrated_on_first_use(store_path):
    placements = county(3)
    store = Store(store_path)
    store.close()
    at = dt.datetime(2026, 5, 1, 12, tzinfo=dt.timezone.utc)
    legacy = {"placements": {str(i): ImportedPlacement(placement=p, imported_at=at, file="old.csv", who="Liisa")
                             .model_dump(mode="json") for i, p in enumerate(placements, start=1)},
              "meta": {"1": {"format": 2}}}
    (store_path / "placements.json").write_text(json.dumps(legacy))

    entries = Store(store_path).placements.entries()
    assert [e.placement for e in entries] == placements
    assert {(e.imported_at, e.file, e.who) for e in entries} == {(at, "old.csv", "Liisa")}
    assert not (store_path / "placements.json").exists()
    assert json.loads((store_path / "placements.json.migrated").read_text()) == legacy   # kept as it was
    assert [e.placement for e in Store(store_path).placements.entries()] == placements   # once only


def test_a_damaged_placements_json_is_reported_and_left_as_it_is(store_path):
    Store(store_path).close()
    (store_path / "placements.json").write_text('{"placements": {"1": {"placement": {"id": "x"}}}}')
    with pytest.raises(StoreProblem, match="placements.json is damaged"):
        Store(store_path).placements.entries()
    assert (store_path / "placements.json").read_text().startswith('{"placements"')
    with pytest.raises(StoreProblem, match="placements.json is damaged"):   # and still on the next try
        Store(store_path).placements.entries()


def test_the_columns_kept_after_a_reimport_are_the_columns_of_the_placements(backend: Backend):
    first, more = county(60), county(5, seed=2)
    catalogue = backend.open()
    catalogue.import_all(first, "a.csv")
    changed = [p.model_copy(update={"open_places": 0, "skills": ["cooking"], "municipality": "Atlantis"})
               for p in first[10:13]]
    catalogue.import_all([*changed, *more], "b.csv")

    expected = [*first[:10], *changed, *first[13:], *more]
    assert [e.placement for e in catalogue.entries()] == expected
    kept = backend.open()._cached_columns(catalogue.generation())
    assert kept is not None   # updated by the import, not left to be rebuilt
    assert decoded(kept) == decoded(Columns.of(expected))


def test_damaged_or_stale_columns_are_built_again_from_the_rows(backend: Backend):
    placements = county(20)
    catalogue = backend.open()
    catalogue.import_all(placements, "a.csv")
    catalogue.columns_file.write_bytes(b"PK garbage")
    assert decoded(backend.open().columns()) == decoded(Columns.of(placements))
    assert catalogue._cached_columns(catalogue.generation()) is not None   # and kept again

    other = backend.open()   # another process imports: the cache here is then stale
    other.import_all(county(2, seed=3), "b.csv")
    catalogue.columns_file.unlink()
    assert len(catalogue.columns()) == 22


def test_an_import_that_fails_halfway_leaves_everything_as_it_was(backend: Backend):
    placements = county(10)
    catalogue = backend.open()
    catalogue.import_all(placements, "a.csv")
    generation = catalogue.generation()
    with pytest.raises(RuntimeError):
        with catalogue.importing("b.csv", replace_all=True) as importer:
            importer.add(placements[0].model_copy(update={"name": "Uusi"}))
            raise RuntimeError("the file could not be read to the end")
    assert [e.placement for e in backend.open().entries()] == placements
    assert catalogue.generation() == generation
    assert catalogue._cached_columns(generation) is not None
    back, removed = catalogue.undo()   # the undo of the last import that landed
    assert back == [] and removed == [p.id for p in placements]
    assert catalogue.entries() == []


def test_matching_reads_the_merged_catalogue_as_the_placements_would_give_it(backend: Backend):
    built_in = CONTENT.placements[0]
    store = backend.store()
    store.placements.import_all([built_in.model_copy(update={"name": "Kunnan oma", "open_places": 0}),
                                 *county(200)], "county.csv")
    store.employers.import_all(county(20, seed=3), "jobs.csv")
    merged = matching_catalogue(store, CONTENT)
    jobs = [e.placement for e in catalogue_entries(store, CONTENT, EMPLOYERS)]
    full = Catalogue.of(catalogue_placements(store, CONTENT), jobs, CONTENT.matching)
    assert merged.ids == full.ids and merged.placements[0].name == "Kunnan oma"
    for client in (ClientProfile(start=START, interest_code="RS", skills=frozenset({"cooking"})),
                   ClientProfile(start=START, home="espoo", max_journey=45, restrictions=frozenset({"no_lifting"}),
                                 languages=frozenset({"fi", "sv"}), avoid=frozenset({"kahvila"}), age=40),
                   ClientProfile(start=START, interest_code="SA", avoid=frozenset({"paikka", "asiakas"})),
                   ClientProfile(start=START, service="supported_employment", restrictions=frozenset({"no_lifting"}))):
        a, b = merged.match(client, RULES), full.match(client, RULES)
        proposals = a.proposals()   # the best few, found without sorting (or reading) the rest
        assert a.ranked_ids == b.ranked_ids
        assert [p.placement.id for p in proposals] == a.ranked_ids[:len(proposals)]
        assert proposals == b.proposals()
        assert a.excluded() == b.excluded()
        assert all(a.why_not(pid) == b.why_not(pid) for pid in full.ids)


def test_the_merged_catalogue_builds_only_the_placements_asked_for(backend: Backend, monkeypatch):
    store = backend.store()
    store.placements.import_all(county(300), "county.csv")
    built = []
    real = store.placements._validated
    monkeypatch.setattr(store.placements, "_validated", lambda row: built.append(row[1]) or real(row))
    catalogue = matching_catalogue(store, CONTENT)
    result = catalogue.match(ClientProfile(start=START, interest_code="RS"))
    proposals = result.proposals()
    assert result.why_not(result.catalogue.ids[-1]) is not None
    assert len(built) <= len(proposals)
    assert len(catalogue.ids) == len(CONTENT.placements) + 300 + len(CONTENT.employers)


def test_a_catalogue_of_a_newer_version_is_refused_and_never_set_aside(backend: Backend, store_path):
    catalogue = backend.open()
    catalogue.import_all(county(2), "a.csv")
    backend.sql("UPDATE {meta} SET value = '99' WHERE key = 'format'")
    catalogue.close()
    for replace_all in (False, True):
        with pytest.raises(StoreProblem, match="newer than this version of intake"):
            backend.open().import_all(county(1, seed=5), "b.csv", replace_all=replace_all)
    assert not (store_path / "placements.sqlite.damaged").exists()
    backend.sql("UPDATE {meta} SET value = '1' WHERE key = 'format'")
    assert len(backend.open().entries()) == 2   # nothing was changed


def test_a_reimport_of_a_few_rows_changes_only_those_and_undo_puts_them_back(backend: Backend):
    first, more = county(10), county(2, seed=2)
    catalogue = backend.open()
    assert catalogue.import_all(first, "a.csv").added == [p.id for p in first]
    changed = [p.model_copy(update={"name": f"Uusi {p.name}"}) for p in (first[7], first[2])]
    outcome = catalogue.import_all([*changed, *more], "b.csv", who="Pekka")

    assert (outcome.added, outcome.replaced, outcome.removed) == ([p.id for p in more], [first[7].id, first[2].id], [])
    entries = backend.open().entries()
    assert [e.placement for e in entries] == [*first[:2], changed[1], *first[3:7], changed[0], *first[8:], *more]
    assert {e.placement.id: (e.file, e.who) for e in entries}[first[2].id] == ("b.csv", "Pekka")
    assert entries[0].who == "Liisa" and catalogue.get(first[7].id) == changed[0]

    back, removed = catalogue.undo()
    assert (back, removed) == ([first[2].id, first[7].id], [p.id for p in more])
    assert [e.placement for e in backend.open().entries()] == first
    assert catalogue.get(first[7].id) == first[7]   # not what was read before the undo
    with pytest.raises(StoreProblem, match="There is no import to undo"):   # once only
        catalogue.undo()


def test_replace_all_removes_the_rest_and_undo_brings_the_earlier_list_back(backend: Backend):
    first, more = county(6), county(3, seed=2)
    catalogue = backend.open()
    catalogue.import_all(first, "a.csv")
    kept = first[4].model_copy(update={"open_places": 0})
    outcome = catalogue.import_all([*more, kept], "b.csv", replace_all=True)

    assert outcome.added == [p.id for p in more] and outcome.replaced == [kept.id]
    assert outcome.removed == [p.id for p in first if p.id != kept.id]
    assert [e.placement for e in backend.open().entries()] == [*more, kept]
    assert decoded(catalogue.columns()) == decoded(Columns.of([*more, kept]))
    back, removed = catalogue.undo()
    assert back == [p.id for p in first] and removed == [p.id for p in more]
    assert [e.placement for e in backend.open().entries()] == first
    assert decoded(catalogue.columns()) == decoded(Columns.of(first))


def test_a_placement_changed_by_hand_is_refused_by_name_until_imported_again(backend: Backend):
    placements = county(3)
    catalogue = backend.open()
    catalogue.import_all(placements, "a.csv")
    bad = placements[1].model_dump(mode="json") | {"open_places": "many"}
    backend.sql("UPDATE {placements} SET placement = ? WHERE id = ?", (json.dumps(bad), placements[1].id))

    for read in (lambda c: c.entries(), lambda c: c.get(placements[1].id), lambda c: c.texts()):
        with pytest.raises(StoreProblem, match=f"damaged \\(placement '{placements[1].id}': 1 problems\\)"):
            read(backend.open())
    assert backend.open().get(placements[0].id) == placements[0]   # the others are read as they are
    backend.open().import_all(placements, "again.csv", replace_all=True)
    assert [e.placement for e in backend.open().entries()] == placements


def test_a_copy_fills_an_empty_catalogue_as_the_placements_were_imported(backend: Backend, tmp_path):
    source = Store(tmp_path / "source").placements
    source.import_all(county(3), "a.csv", who="Pekka")
    source.import_all(county(2, seed=2), "b.csv")
    catalogue = backend.open()
    catalogue.take_copy(source.entries())

    assert backend.open().entries() == source.entries()   # with when, from which file and by whom
    assert decoded(catalogue.columns()) == decoded(Columns.of([e.placement for e in source.entries()]))
    with pytest.raises(StoreProblem, match="There is no import to undo"):
        catalogue.undo()
    with pytest.raises(StoreProblem, match="not empty: nothing was copied"):
        catalogue.take_copy(source.entries()[:1])
    assert len(backend.open().entries()) == 5
    source.close()
