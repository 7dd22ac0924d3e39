"""A county's own placement list: CSV import (every row validated), storage, listing, the merged catalogue."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import stat
import sys
from pathlib import Path

import pytest

from intake.cli import main
from intake.flows.matching import Catalogue
from intake.placements_import import COLUMNS, parse_csv, read_placements_csv
from intake.session import catalogue_placements
from intake.store import Store
from tests.conftest import REAL_CONTENT

pytestmark = pytest.mark.usefixtures("default_content_is_first_flow")

TEMPLATE = Path(__file__).resolve().parent.parent / "docs" / "placements-template.csv"


def template() -> tuple[list[str], list[dict[str, str]]]:
    with open(TEMPLATE, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] | None = None, *,
              delimiter: str = ",", bom: bool = False) -> Path:
    header = header or list(COLUMNS)
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(header)
    for row in rows:
        w.writerow([row.get(c, "") for c in header])
    path.write_bytes(("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8"))
    return path


def good_rows() -> list[dict[str, str]]:
    _, rows = template()
    third = dict(rows[0], id="vantaa_myyrmaki_library", name="Myyrmäen kirjasto", host="Vantaan kaupunki",
                 host_type="public_unit", legal_form="kunta", days_per_week="1;2;3", hours_per_day="4,5;6",
                 work_coach="kyllä", step_free="EI", accessible_toilet="true", public_transport="false")
    return [*rows, third]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def imported_ids(store_path: Path) -> list[str]:
    return [e.placement.id for e in Store(store_path).placements.entries()]


def test_good_file_imports_and_lists(store_path, tmp_path, capsys):
    f = write_csv(tmp_path / "county.csv", good_rows())
    code, out, err = run(capsys, "--store", str(store_path), "placements", "import", str(f))
    assert code == 0, err
    assert "Imported 3 placement(s)" in out and "3 new" in out
    assert "Warning" not in out  # Vantaa and Forssa are in content/matching.yaml
    assert imported_ids(store_path) == ["vantaa_tikkurila_flea_market", "forssa_parish_garden_group",
                                        "vantaa_myyrmaki_library"]
    [library] = [e.placement for e in Store(store_path).placements.entries() if e.placement.id.endswith("library")]
    assert library.schedule.days_per_week == [1, 2, 3] and library.schedule.hours_per_day == [4.5, 6]
    assert library.support.work_coach is True and library.accessibility.step_free is False
    assert library.accessibility.accessible_toilet is True and library.public_transport is False

    code, out, _ = run(capsys, "--store", str(store_path), "placements", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "NAME", "HOST", "MUNICIPALITY", "FORM", "OPEN", "SOURCE", "PROPOSED"]
    assert any(line.startswith("vantaa_myyrmaki_library") and line.endswith("imported  yes") for line in lines)
    assert any(line.startswith("espoo_leppavaara_library") and line.endswith("built-in  yes") for line in lines)
    assert any(line.endswith("3 imported.") for line in lines)


def test_list_json_and_municipality_filter(store_path, tmp_path, capsys):
    f = write_csv(tmp_path / "county.csv", good_rows())
    assert main(["--store", str(store_path), "placements", "import", str(f)]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "--store", str(store_path), "placements", "list", "--json", "--municipality", "FORSSA")
    assert code == 0
    rows = json.loads(out)
    assert rows and {r["municipality"] for r in rows} == {"Forssa"}
    by_id = {r["id"]: r for r in rows}
    garden = by_id["forssa_parish_garden_group"]
    assert "rehabilitative_work_activity" in garden.pop("services")  # a parish may host it
    assert garden == {"id": "forssa_parish_garden_group", "name": "Puutarharyhmä Kasvimaa",
                      "host": "Forssan seurakunta", "municipality": "Forssa", "form": "group", "open_places": 4,
                      "source": "imported", "replaces_built_in": False, "file": "county.csv"}
    assert all(r["source"] == "built-in" for i, r in by_id.items() if i != "forssa_parish_garden_group")


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_imported(store_path, tmp_path, capsys):
    rows = good_rows()
    rows[0] = dict(rows[0], lifting="medium")
    rows[2] = dict(rows[2], days_per_week="2;6", tasks_sv="", work_coach="maybe", contact_email="nobody")
    f = write_csv(tmp_path / "county.csv", rows)
    code, out, err = run(capsys, "--store", str(store_path), "placements", "import", str(f))
    assert code == 2 and out == ""
    assert err.startswith("intake: ") and "nothing was imported" in err and "--skip-bad" in err
    problems = [line for line in err.splitlines() if line.startswith(f"{f}:")]
    assert problems == [
        f"{f}:2: lifting: 'medium': input should be 'none', 'light' or 'heavy'",
        f"{f}:4: tasks_sv: required, but the cell is empty",
        f"{f}:4: work_coach: 'maybe': should be yes or no (also true/false, kyllä/ei)",
        f"{f}:4: days_per_week: item 2 '6': input should be less than or equal to 5",
        f"{f}:4: contact_email: 'nobody': string should match pattern '^[^@\\s]+@[^@\\s]+\\.[a-z]{{2,}}$'",
    ]
    assert imported_ids(store_path) == []


def test_skip_bad_imports_the_good_rows_and_lists_the_bad(store_path, tmp_path, capsys):
    rows = good_rows()
    rows[1] = dict(rows[1], lifting="medium")
    f = write_csv(tmp_path / "county.csv", rows)
    code, out, err = run(capsys, "--store", str(store_path), "placements", "import", str(f), "--skip-bad")
    assert code == 0
    assert "Imported 2 placement(s)" in out
    assert "Skipped 1 bad row(s)" in err and f"{f}:3: lifting:" in err
    assert imported_ids(store_path) == ["vantaa_tikkurila_flea_market", "vantaa_myyrmaki_library"]


def test_nothing_good_with_skip_bad_exits_2(store_path, tmp_path, capsys):
    rows = [dict(r, lifting="medium") for r in good_rows()]
    f = write_csv(tmp_path / "county.csv", rows)
    code, _, err = run(capsys, "--store", str(store_path), "placements", "import", str(f), "--skip-bad")
    assert code == 2 and "nothing was imported" in err
    assert imported_ids(store_path) == []


def test_semicolons_and_bom_as_finnish_excel_writes_them(store_path, tmp_path, capsys):
    f = write_csv(tmp_path / "excel.csv", good_rows(), delimiter=";", bom=True)
    assert f.read_bytes().startswith(b"\xef\xbb\xbf")
    assert f.read_text(encoding="utf-8-sig").splitlines()[0].startswith("id;name;host;")
    code, out, err = run(capsys, "--store", str(store_path), "placements", "import", str(f))
    assert code == 0, err
    assert "Imported 3 placement(s)" in out
    [library] = [e.placement for e in Store(store_path).placements.entries() if e.placement.id.endswith("library")]
    assert library.schedule.days_per_week == [1, 2, 3] and library.support.guidance_languages == ["fi", "sv"]


def test_template_imports_cleanly(store_path, capsys):
    found = read_placements_csv(TEMPLATE)
    assert found.problems == [] and len(found.placements) == 2
    code, out, err = run(capsys, "--store", str(store_path), "placements", "import", str(TEMPLATE))
    assert (code, err) == (0, "")
    assert "Imported 2 placement(s)" in out and "Warning" not in out


def test_unknown_and_missing_columns_reported_once(tmp_path, store_path, capsys):
    header = [c for c in COLUMNS if c not in ("tasks_sv", "lifting")] + ["colour"]
    f = write_csv(tmp_path / "county.csv", good_rows(), header=header)
    code, _, err = run(capsys, "--store", str(store_path), "placements", "import", str(f), "--skip-bad")
    assert code == 2
    [problem] = [line for line in err.splitlines() if line.startswith(f"{f}:")]
    assert problem.startswith(f"{f}:1: columns: unknown columns: colour; missing columns: tasks_sv, lifting. "
                              "Expected columns: id, name, host,")
    assert imported_ids(store_path) == []


def test_optional_columns_may_be_left_out_and_header_case_is_free():
    header = [c for c in COLUMNS if c not in ("tasks_plain_fi", "contact_phone", "contact_email", "skills")]
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([c.upper() for c in header])
    w.writerow([good_rows()[0][c] for c in header])
    w.writerow([""] * len(header))  # an empty row, as Excel leaves them, is ignored
    found = parse_csv(out.getvalue(), "x.csv")
    assert found.problems == []
    [(row, placement)] = found.placements
    assert row == 2 and placement.skills == [] and placement.contact.email is None and placement.tasks.plain is None


def test_duplicate_ids_in_one_file(tmp_path):
    rows = good_rows()
    found = parse_csv(write_csv(tmp_path / "d.csv", [rows[0], rows[1], rows[0]]).read_text(), "d.csv")
    assert [p.format("d.csv") for p in found.problems] == [
        "d.csv:4: id: 'vantaa_tikkurila_flea_market' is already on row 2"]


def test_rows_are_spreadsheet_rows_even_with_line_breaks_in_cells(tmp_path):
    rows = good_rows()
    rows[0] = dict(rows[0], tasks_fi="Ensimmäinen rivi.\nToinen rivi.")
    rows[1] = dict(rows[1], open_places="-1")
    found = parse_csv(write_csv(tmp_path / "m.csv", rows).read_text(encoding="utf-8"), "m.csv")
    assert [p.format("m.csv") for p in found.problems] == [
        "m.csv:3: open_places: '-1': input should be greater than or equal to 0"]


def test_not_utf8_is_explained(tmp_path, store_path, capsys):
    f = tmp_path / "ansi.csv"
    f.write_bytes(",".join(COLUMNS).encode() + "\nää".encode("cp1252"))
    code, _, err = run(capsys, "--store", str(store_path), "placements", "import", str(f))
    assert code == 2 and "not UTF-8" in err and "CSV UTF-8" in err


def test_missing_file(tmp_path, store_path, capsys):
    code, _, err = run(capsys, "--store", str(store_path), "placements", "import", str(tmp_path / "nope.csv"))
    assert code == 2 and "No such file" in err


def test_reimport_replaces_by_id_and_replace_all_drops_the_rest(store_path, tmp_path, capsys):
    rows = good_rows()
    assert main(["--store", str(store_path), "placements", "import", str(write_csv(tmp_path / "a.csv", rows))]) == 0
    capsys.readouterr()
    changed = dict(rows[1], open_places="0")
    code, out, _ = run(capsys, "--store", str(store_path), "placements", "import",
                       str(write_csv(tmp_path / "b.csv", [changed])))
    assert code == 0 and "0 new, 1 replacing an earlier import" in out
    entries = Store(store_path).placements.entries()
    assert [e.placement.id for e in entries] == [r["id"] for r in rows]  # replaced in place
    assert entries[1].placement.open_places == 0 and entries[1].file == "b.csv"

    code, out, _ = run(capsys, "--store", str(store_path), "placements", "import",
                       str(write_csv(tmp_path / "c.csv", [changed])), "--replace-all")
    assert code == 0 and "Removed 2 placement(s)" in out
    assert imported_ids(store_path) == [changed["id"]]

    # The previous import comes back, once.
    code, out, _ = run(capsys, "--store", str(store_path), "placements", "undo")
    assert code == 0 and "3 placement(s) put back as they were, 0 removed" in out
    entries = Store(store_path).placements.entries()
    assert [e.placement.id for e in entries] == [r["id"] for r in rows]
    assert entries[1].placement.open_places == 0 and entries[1].file == "b.csv"
    code, _, err = run(capsys, "--store", str(store_path), "placements", "undo")
    assert code == 2 and "no import to undo" in err


def test_imported_id_overrides_built_in_and_unknown_municipality_warns(store_path, tmp_path, content, capsys):
    builtin = content.placements[0]
    rows = good_rows()
    override = dict(rows[0], id=builtin.id, name="Uusi nimi", open_places="9")
    elsewhere = dict(rows[1], id="atlantis_park_group", municipality="Atlantis")
    f = write_csv(tmp_path / "county.csv", [override, elsewhere])
    code, out, _ = run(capsys, "--store", str(store_path), "placements", "import", str(f))
    assert code == 0
    assert f"replace the built-in placement with the same id (the imported one is used): {builtin.id}" in out
    assert "Warning: Atlantis not in the municipalities of content/municipalities.yaml" in out

    store = Store(store_path)
    merged = catalogue_placements(store, content)
    ids = [p.id for p in merged]
    assert len(ids) == len(set(ids)) == len(content.placements) + 1
    assert ids[0] == builtin.id and merged[0].name == "Uusi nimi" and merged[0].open_places == 9
    assert ids[-1] == "atlantis_park_group"
    catalogue = Catalogue(merged, content.matching)  # the matching step can compile it
    assert catalogue.by_id["atlantis_park_group"] == len(merged) - 1

    code, out, _ = run(capsys, "--store", str(store_path), "placements", "list", "--json")
    row = next(r for r in json.loads(out) if r["id"] == builtin.id)
    assert row["source"] == "imported" and row["replaces_built_in"] is True


def test_merged_catalogue_contains_the_imported_placement(store_path, content, tmp_path):
    store = Store(store_path)
    assert catalogue_placements(store, content) == list(content.placements)  # nothing imported yet
    found = read_placements_csv(write_csv(tmp_path / "county.csv", good_rows()))
    store.placements.import_all([p for _, p in found.placements], "county.csv")
    merged = catalogue_placements(store, content)
    assert [p.id for p in merged[-3:]] == ["vantaa_tikkurila_flea_market", "forssa_parish_garden_group",
                                           "vantaa_myyrmaki_library"]
    assert merged[:len(content.placements)] == list(content.placements)


def test_stored_file_is_private_and_validated_on_read(store_path, tmp_path, capsys):
    assert main(["--store", str(store_path), "placements", "import", str(TEMPLATE)]) == 0
    assert main(["--store", str(store_path), "placements", "import", str(TEMPLATE)]) == 0
    capsys.readouterr()
    files = [p for p in store_path.iterdir() if p.name.startswith("placements.")]
    assert {p.name for p in files} >= {"placements.sqlite", "placements.columns.npz"}
    for p in files:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    assert stat.S_IMODE(store_path.stat().st_mode) == 0o700

    with sqlite3.connect(store_path / "placements.sqlite") as db:   # damaged by hand: still valid SQLite
        [(doc,)] = db.execute("SELECT placement FROM placements WHERE seq = (SELECT min(seq) FROM placements)")
        db.execute("UPDATE placements SET placement = ? WHERE placement = ?",
                   (re.sub(r'"lifting":"\w+"', '"lifting":"medium"', doc), doc))
    db.close()
    code, _, err = run(capsys, "--store", str(store_path), "placements", "list")
    assert code == 2 and "placements.sqlite is damaged (placement" in err and "--replace-all" in err

    (store_path / "placements.sqlite").write_bytes(b"not a database" * 100)   # damaged beyond SQLite
    for name in ("placements.sqlite-wal", "placements.sqlite-shm"):
        (store_path / name).unlink(missing_ok=True)
    code, _, err = run(capsys, "--store", str(store_path), "placements", "list")
    assert code == 2 and "imported placements file" in err and "damaged" in err
    code, _, err = run(capsys, "--store", str(store_path), "placements", "import", str(TEMPLATE))
    assert code == 2 and "damaged" in err
    assert (store_path / "placements.sqlite").read_bytes().startswith(b"not a database")   # never overwritten
    code, out, err = run(capsys, "--store", str(store_path), "placements", "import", str(TEMPLATE), "--replace-all")
    assert code == 0, err
    assert (store_path / "placements.sqlite.damaged").read_bytes().startswith(b"not a database")
    assert len(imported_ids(store_path)) == 2


def test_unknown_skill_is_warned_about(store_path, tmp_path, capsys):
    rows = good_rows()
    typo = dict(rows[0], id="espoo_typo_skill", skills="computers_basic;carpentri")
    f = write_csv(tmp_path / "county.csv", [typo])
    code, out, _ = run(capsys, "--content", str(REAL_CONTENT), "--store", str(store_path), "placements", "import",
                       str(f))
    assert code == 0
    assert "Warning: the skills carpentri are not in the interview's skill list" in out
    assert "computers_basic" not in out.split("Warning: the skills")[1].split("are not")[0]


def test_every_built_in_placement_survives_a_round_trip_through_csv():
    """The column mapping loses nothing: the catalogue written as CSV reads back the same."""
    from intake.flows.loader import load_content
    from intake.placements_import import template_rows

    placements = load_content(REAL_CONTENT).placements
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(template_rows(placements))
    found = parse_csv(out.getvalue(), "catalogue.csv")
    # The built-in catalogue keeps one company on purpose (matching must say why it is never proposed);
    # an import refuses it.
    [company] = [i for i, p in enumerate(placements) if p.host_type == "company"]
    assert [(p.row, p.column) for p in found.problems] == [(company + 2, "host_type")]
    assert [p for _, p in found.placements] == placements[:company] + placements[company + 1:]


# -- refused: companies, formulas, control characters; limits -----------------------------------


def problems_of(tmp_path: Path, rows: list[dict[str, str]], rules=None) -> list[str]:
    f = write_csv(tmp_path / "county.csv", rows)
    return read_placements_csv(f, "county.csv", rules).report()


@pytest.mark.parametrize(("changes", "column", "form"), [
    ({"host_type": "company"}, "host_type", "company"),
    ({"legal_form": "osakeyhtiö (Oy)"}, "legal_form", "osakeyhtiö"),
    ({"legal_form": "Aktiebolag"}, "legal_form", "Aktiebolag"),
    ({"legal_form": "Tmi"}, "legal_form", "Tmi"),
    ({"host": "Kouvolan Kauppa Oy"}, "host", "Oy"),
    ({"host": "Oy Yritys Ab"}, "host", "Oy"),
    ({"host": "Tmi Virtanen"}, "host", "Tmi"),
    ({"name": "Kouvolan Kauppa Oy"}, "name", "Oy"),
    ({"name": "Varasto, Logistiikka Oyj."}, "name", "Oyj."),
])
def test_a_company_row_is_refused_with_the_legal_reason(tmp_path, changes, column, form):
    from intake.flows.loader import load_content

    rules = load_content(REAL_CONTENT).rules
    row = dict(good_rows()[0], **changes)  # the host type stays 'association' unless changed
    [problem] = problems_of(tmp_path, [row], rules)
    assert problem.startswith(f"county.csv:2: {column}: ")
    assert f"'{form}'" in problem and "a company cannot host rehabilitative work activity" in problem
    [rule] = [r for r in rules.rules if r.kind == "allowed_hosts" and "rehabilitative_work_activity" in r.services]
    assert rule.explanation.en in problem and rule.source.en in problem


def test_the_cli_refuses_a_company_row_with_the_reason_from_the_rules(store_path, tmp_path, capsys):
    rows = good_rows()
    rows[1] = dict(rows[1], id="kouvola_kauppa", name="Kouvolan Kauppa Oy", legal_form="osakeyhtiö")
    f = write_csv(tmp_path / "county.csv", rows)
    code, out, err = run(capsys, "--store", str(store_path), "placements", "import", str(f))
    assert code == 2 and out == "" and "nothing was imported" in err
    [problem] = [line for line in err.splitlines() if line.startswith(f"{f}:")]
    assert problem.startswith(f"{f}:3: legal_form: 'osakeyhtiö': 'osakeyhtiö' is a company form")
    assert "Act on Rehabilitative Work Activity 189/2001" in problem
    assert imported_ids(store_path) == []


@pytest.mark.parametrize("changes", [
    {"name": "Joy ry:n kahvila", "host": "Kylän Ayla ry"},
    {"name": "Abbey Road -kahvila", "host": "Tmipaja ry", "legal_form": "rekisteröity yhdistys (ry)"},
    {"name": "Kyläkauppa", "host": "Oyster Club ry", "legal_form": "kyläyhdistys"},
])
def test_company_words_inside_other_words_are_not_companies(tmp_path, changes):
    assert problems_of(tmp_path, [dict(good_rows()[0], **changes)]) == []


@pytest.mark.parametrize(("column", "cell"), [
    ("name", "=HYPERLINK(\"http://x.example\",\"Kirpputori\")"),
    ("host", "+cmd|' /C calc'!A0"),
    ("contact_name", "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("tasks_en", "-2+3+cmd|' /C calc'!A0"),
    ("legal_form", "  =1+2"),
])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_refused(tmp_path, column, cell):
    [problem] = problems_of(tmp_path, [dict(good_rows()[0], **{column: cell})])
    sign = cell.strip()[0]
    assert problem == (f"county.csv:2: {column}: starts with '{sign}', which a spreadsheet would run as a formula; "
                       "remove the sign or rephrase the cell")


def test_numbers_and_phone_numbers_with_a_sign_are_not_formulas(tmp_path):
    row = dict(good_rows()[0], contact_phone="+358 40 111 2223", open_places="-1")
    assert problems_of(tmp_path, [row]) == [
        "county.csv:2: open_places: '-1': input should be greater than or equal to 0"]
    row = dict(row, open_places="+2")
    assert problems_of(tmp_path, [row]) == []


@pytest.mark.parametrize(("column", "cell", "code"), [
    ("name", "Kirppu\x07tori", "0007"),
    ("host", "Tikkurilan\tKierrätys ry", "0009"),
    ("contact_name", "Maija\nEsimerkki", "000A"),
    ("municipality", "Vantaa\x7f", "007F"),
    ("tasks_fi", "Lajittelet\x85vaatteita.", "0085"),
    ("tasks_sv", "\x00", "0000"),
])
def test_control_characters_are_refused_naming_the_column(tmp_path, column, cell, code):
    found = problems_of(tmp_path, [dict(good_rows()[0], **{column: cell})])
    assert found == [f"county.csv:2: {column}: contains the control character U+{code}, which cannot be shown; "
                     "delete it (retype the cell)"]


def test_line_breaks_in_task_texts_are_kept_whatever_the_line_ending(tmp_path):
    row = dict(good_rows()[0], tasks_fi="Ensimmäinen rivi.\r\nToinen rivi.\rKolmas rivi.")
    f = write_csv(tmp_path / "county.csv", [row])
    [(_, placement)] = read_placements_csv(f).placements
    assert placement.tasks.fi == "Ensimmäinen rivi.\nToinen rivi.\nKolmas rivi."
    old_mac = tmp_path / "old-mac.csv"
    old_mac.write_bytes(f.read_bytes().replace(b"\r\n", b"\r"))
    found = read_placements_csv(old_mac)
    assert found.problems == [] and [p.id for _, p in found.placements] == [row["id"]]


def test_not_utf8_names_the_line(tmp_path, store_path, capsys):
    rows = good_rows()
    f = write_csv(tmp_path / "ansi.csv", rows)
    f.write_bytes(f.read_bytes().replace("Forssan seurakunta".encode(), "Forssan seurakunta ä".encode("cp1252")))
    code, _, err = run(capsys, "--store", str(store_path), "placements", "import", str(f))
    assert code == 2 and f"{f}:3: the file is not UTF-8 text" in err


def test_too_many_rows_stop_the_reading_and_nothing_is_imported(store_path, tmp_path, capsys, monkeypatch):
    import intake.placements_import as imp

    monkeypatch.setattr(imp, "MAX_ROWS", 2)
    rows = good_rows() + [dict(good_rows()[0], id=f"extra_{i}") for i in range(3)]
    f = write_csv(tmp_path / "county.csv", rows)
    found = read_placements_csv(f, "county.csv")
    assert found.header_broken and len(found.placements) == 2
    assert found.report() == ["county.csv:4: rows: the file has more than 2 placements; split it into smaller files "
                              "and import them one after the other"]
    code, out, err = run(capsys, "--store", str(store_path), "placements", "import", str(f), "--skip-bad")
    assert code == 2 and out == "" and "nothing was imported" in err
    assert imported_ids(store_path) == []


def test_a_file_too_large_is_refused_before_it_is_read(store_path, tmp_path, capsys, monkeypatch):
    import intake.placements_import as imp

    f = write_csv(tmp_path / "county.csv", good_rows())
    monkeypatch.setattr(imp, "MAX_BYTES", f.stat().st_size - 1)
    code, out, err = run(capsys, "--store", str(store_path), "placements", "import", str(f))
    assert code == 2 and out == ""
    assert f"{f} has {f.stat().st_size:,} bytes; a placement list may have at most {imp.MAX_BYTES:,} bytes" in err
    assert "Split a longer list into smaller files" in err
    assert imported_ids(store_path) == []


def test_list_names_the_services_the_rules_let_propose_each_placement(store_path, capsys):
    code, out, _ = run(capsys, "--store", str(store_path), "placements", "list", "--json")
    assert code == 0
    services = {r["id"]: r["services"] for r in json.loads(out)}
    assert services["vantaa_kehalogistiikka_warehouse"] == ["supported_employment"]   # a company: its rule only
    assert "rehabilitative_work_activity" in services["vantaa_tikkurila_parish_food_aid"]  # parishes may host it
    code, out, _ = run(capsys, "--store", str(store_path), "employers", "list", "--json")
    assert {job["id"]: job["services"] for job in json.loads(out)}["seinajoki_lakeus_care_assistant_job"] == [
        "supported_employment"]   # a job at a foundation: for the open labour market only


def test_list_marks_the_placements_no_rule_lets_be_proposed_and_says_why(store_path, content_copy, capsys):
    content = content_copy
    rules = (content / "rules.yaml").read_text(encoding="utf-8")
    # Without company in supported employment's rule no service lets a company offer it.
    (content / "rules.yaml").write_text(rules.replace(
        "host_types: [public_unit, association, foundation, state_agency, religious_community, company]",
        "host_types: [public_unit, association, foundation, state_agency, religious_community]"), encoding="utf-8")
    code, out, _ = run(capsys, "--store", str(store_path), "--content", str(content), "placements", "list")
    assert code == 0
    company = next(line for line in out.splitlines() if line.startswith("vantaa_kehalogistiikka_warehouse"))
    assert company.rstrip().endswith("NEVER")
    assert ("Never proposed: vantaa_kehalogistiikka_warehouse (Kehä-Logistiikka Oy): no rule in force lets a host "
            "of type 'company' offer any service") in out
    parish = next(line for line in out.splitlines() if line.startswith("vantaa_tikkurila_parish_food_aid"))
    assert parish.rstrip().endswith("yes")


def test_a_progress_bar_only_on_a_terminal(store_path, tmp_path, capsys, monkeypatch):
    import intake.placements_import as imp

    monkeypatch.setattr(imp, "PROGRESS_ROWS", 1)
    f = write_csv(tmp_path / "county.csv", good_rows())
    code, _, err = run(capsys, "--store", str(store_path), "placements", "import", str(f))
    assert (code, err) == (0, "")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, out, err = run(capsys, "--store", str(store_path), "placements", "import", str(f))
    assert code == 0 and "Imported 3 placement(s)" in out
    assert err.startswith("\rImporting county.csv [") and err.endswith("] 100%\n")
