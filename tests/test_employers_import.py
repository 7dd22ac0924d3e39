"""The employer catalogue (issue 14, item 4): a county's jobs at employers imported from the same CSV
columns as its placements, kept apart from them in both databases (neither import, nor undo, touches the
other), with companies allowed because supported employment's rule allows them; a company is still
refused in the placement catalogue. An imported job is proposed for supported employment and never for
rehabilitative work activity."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest

from intake.flows.matching import ClientProfile
from intake.flows.rules import Rules
from intake.merged_catalogue import matching_catalogue
from intake.placements_import import (EMPLOYERS, PLACEMENTS, PlacementsImportProblem, catalogue_entries, import_csv,
                                      read_placements_csv, template_rows)
from intake.session import plan_placements
from tests.catalogue_backends import Backend, backend  # noqa: F401  (the fixture: each database)
from tests.test_content import CONTENT
from tests.test_placement_catalogue import county
from tests.test_placements_import import run

START = dt.date(2027, 1, 11)
RULES = Rules(CONTENT.rules)


def jobs(n: int, seed: int = 7) -> list:
    """n jobs at companies (valid placements whose host is a company)."""
    return [p.model_copy(update={"host_type": "company", "host": f"Yritys {i} Oy", "legal_form": "osakeyhtiö (Oy)"})
            for i, p in enumerate(county(n, seed))]


def csv_of(path: Path, placements: list) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(template_rows(placements))
    return path


def both(backend: Backend) -> SimpleNamespace:
    return backend.store()


def test_an_employer_import_takes_companies_and_never_touches_the_placements(backend: Backend, tmp_path):
    store = both(backend)
    placements, companies = county(3), jobs(4)
    import_csv(store, csv_of(tmp_path / "county.csv", placements), CONTENT)
    done = import_csv(store, csv_of(tmp_path / "jobs.csv", companies), CONTENT, kind=EMPLOYERS)
    assert done.outcome.added == [p.id for p in companies] and not done.found.problems
    # A replace-all of the jobs removes earlier jobs only; the placements stay as they were, and so on back.
    import_csv(store, csv_of(tmp_path / "fewer.csv", companies[:1]), CONTENT, kind=EMPLOYERS, replace_all=True)
    assert [e.placement for e in store.employers.entries()] == companies[:1]
    assert [e.placement for e in store.placements.entries()] == placements
    import_csv(store, csv_of(tmp_path / "county2.csv", placements[:2]), CONTENT, replace_all=True)
    assert [e.placement for e in store.employers.entries()] == companies[:1]
    # Undo puts back the last import of its own catalogue only.
    assert store.employers.undo() == ([p.id for p in companies], [])
    assert [e.placement for e in store.placements.entries()] == placements[:2]
    assert [e.placement for e in store.employers.entries()] == companies
    assert [e.placement.id for e in catalogue_entries(store, CONTENT, EMPLOYERS)] == \
        [*(p.id for p in CONTENT.employers), *(p.id for p in companies)]


def test_a_company_is_still_refused_in_the_placement_catalogue(backend: Backend, tmp_path):
    store = both(backend)
    with pytest.raises(PlacementsImportProblem, match="a company cannot host rehabilitative work activity"):
        import_csv(store, csv_of(tmp_path / "jobs.csv", jobs(2)), CONTENT, kind=PLACEMENTS)
    assert store.placements.entries() == [] and store.employers.entries() == []


def test_an_id_of_the_other_catalogue_is_refused_and_nothing_is_imported(backend: Backend, tmp_path):
    store = both(backend)
    placements = county(2)
    import_csv(store, csv_of(tmp_path / "county.csv", placements), CONTENT)
    clash = jobs(2)
    clash[1] = clash[1].model_copy(update={"id": placements[0].id})
    built_in = clash[0].model_copy(update={"id": CONTENT.placements[0].id})
    for rows in (clash, [built_in]):
        with pytest.raises(PlacementsImportProblem, match="already used in the placements catalogue"):
            import_csv(store, csv_of(tmp_path / "jobs.csv", rows), CONTENT, kind=EMPLOYERS)
    assert store.employers.entries() == []
    import_csv(store, csv_of(tmp_path / "jobs.csv", clash[:1]), CONTENT, kind=EMPLOYERS)
    association = clash[0].model_copy(update={"host_type": "association", "host": "Yhdistys ry", "legal_form": "ry"})
    with pytest.raises(PlacementsImportProblem, match="already used in the employers catalogue"):
        import_csv(store, csv_of(tmp_path / "again.csv", [association]), CONTENT)
    assert [e.placement for e in store.placements.entries()] == placements


def test_an_imported_company_job_is_proposed_for_supported_employment_and_never_for_rehabilitative_work_activity(
        backend: Backend, tmp_path):
    store = both(backend)
    companies = jobs(5)
    import_csv(store, csv_of(tmp_path / "jobs.csv", companies), CONTENT, kind=EMPLOYERS)
    catalogue = matching_catalogue(store, CONTENT)
    ids = {p.id for p in companies}
    se = catalogue.match(ClientProfile(start=START, service="supported_employment"), RULES)
    assert ids <= set(se.ranked_ids)
    ktt = catalogue.match(ClientProfile(start=START), RULES)
    assert not ids & set(ktt.ranked_ids)
    for pid in ids:
        assert {r.key for r in ktt.why_not(pid)} >= {"exclude.job", "exclude.company"}
    # A plan names the job it chose: it is found among the imported jobs.
    assert plan_placements(store, CONTENT, companies[2].id) == [companies[2]]


def test_the_cli_imports_lists_and_undoes_jobs_apart_from_the_placements(store_path, tmp_path, capsys):
    companies = jobs(2)
    f = csv_of(tmp_path / "jobs.csv", companies)
    code, out, err = run(capsys, "--store", str(store_path), "employers", "import", str(f))
    assert (code, err) == (0, "")
    assert f"Imported 2 job(s) from {f}: 2 new" in out and "'intake employers undo'" in out
    code, out, _ = run(capsys, "--store", str(store_path), "employers", "list")
    assert companies[0].id in out and f"{len(CONTENT.employers)} built-in, 2 imported" in out
    code, out, _ = run(capsys, "--store", str(store_path), "placements", "list")
    assert companies[0].id not in out and ", 0 imported" in out
    code, out, _ = run(capsys, "--store", str(store_path), "placements", "undo")
    assert code == 2   # nothing imported into the placements: nothing to undo there
    code, out, _ = run(capsys, "--store", str(store_path), "employers", "undo")
    assert code == 0 and "2 removed" in out


def test_the_employer_template_reads_without_problems_and_its_company_is_refused_as_a_placement():
    template = Path(__file__).resolve().parent.parent / "docs" / "employers-template.csv"
    found = read_placements_csv(template, rules=CONTENT.rules, kind=EMPLOYERS)
    assert not found.problems and {p.host_type for _, p in found.placements} == {"company", "foundation"}
    as_placements = read_placements_csv(template, rules=CONTENT.rules)
    assert [(p.row, p.column) for p in as_placements.problems] == [(2, "host_type")]
