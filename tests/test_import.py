"""`intake import`: a counsellor's export read back into a store; export file names and folder."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from intake.cli import main
from intake.export.plan_json import build_export
from intake.session import IntakeSession
from intake.settings import SettingsProblem, export_dir, read_settings
from intake.store import Store
from tests.test_plan import CONTENT, answer_all

NOW = dt.datetime(2027, 1, 5, 12, tzinfo=dt.timezone.utc)


def cli(store: Path, *args: str) -> int:
    return main(["--store", str(store), *args])  # the built-in content, as CONTENT


def whole_session(store_path: Path, agree: bool) -> str:
    with IntakeSession.start(Store(store_path), CONTENT, "X-1", "Liisa Ohjaaja", plain=True) as s:
        answer_all(s)
        s.decide(placement_id="espoo_kivenlahti_digital_guidance", visits={
            "espoo_kivenlahti_digital_guidance": dt.date(2027, 1, 4)}, start=dt.date(2027, 1, 11), months=3,
            days_per_week=3, hours_per_day=4, plan_type="multi_sector_employment_plan")
        if agree:
            assert s.agree(at=NOW).agreed is not None
    return s.record.id


def export_of(store_path: Path, sid: str) -> dict:
    return json.loads(build_export(CONTENT, Store(store_path).get(sid), now=NOW).model_dump_json())


@pytest.mark.parametrize("agree", [False, True])
def test_export_import_export_gives_the_same_document(tmp_path, capsys, agree):
    here, there = tmp_path / "here", tmp_path / "there"
    sid = whole_session(here, agree)
    out = tmp_path / "plan.json"
    assert cli(here, "export", sid, "-o", str(out)) == 0
    assert cli(there, "import", str(out)) == 0
    assert f"Imported session {sid}" in capsys.readouterr().out
    assert export_of(there, sid) == export_of(here, sid)
    moved = Store(there).get(sid)
    assert moved.plain and moved.state.decisions == Store(here).get(sid).state.decisions
    assert (moved.answered, moved.relevant, moved.status) == (Store(here).get(sid).answered,
                                                               Store(here).get(sid).relevant, "completed")
    assert Store(there).access_log(sid)[-1]["action"] == "import"
    with IntakeSession.resume(Store(there), CONTENT, sid) as s:  # and it goes on from there
        assert s.interview.is_complete


def test_an_existing_session_is_replaced_only_with_replace(tmp_path, capsys):
    store_path = tmp_path / "store"
    sid = whole_session(store_path, agree=False)
    out = tmp_path / "plan.json"
    assert cli(store_path, "export", sid, "-o", str(out)) == 0
    store = Store(store_path)
    store.save(store.get(sid).model_copy(update={"client_label": "Muutettu"}))
    assert cli(store_path, "import", str(out)) == 2
    assert "--replace" in capsys.readouterr().err
    assert Store(store_path).get(sid).client_label == "Muutettu"
    assert cli(store_path, "import", str(out), "--replace") == 0
    replaced = Store(store_path).get(sid)
    assert replaced.client_label == "X-1" and replaced.revision > 1


@pytest.mark.parametrize("how,says", [
    ("not json", "not a counsellor's export"),
    ("a client's plan", "not a counsellor's export"),
    ("other version", "version"),
    ("unknown answer", "do not fit this interview"),
    ("missing", "There is no file"),
])
def test_a_file_that_cannot_be_imported_says_why_and_imports_nothing(tmp_path, capsys, how, says):
    here, there = tmp_path / "here", tmp_path / "there"
    sid = whole_session(here, agree=False)
    out = tmp_path / "plan.json"
    assert cli(here, "export", sid, "-o", str(out)) == 0
    doc = json.loads(out.read_text())
    if how == "not json":
        out.write_text("{")
    elif how == "a client's plan":
        out.write_text(json.dumps({"goals": [], "placement": "x"}))
    elif how == "other version":
        doc["session"]["flow_version"] += 1
        out.write_text(json.dumps(doc))
    elif how == "unknown answer":
        doc["sections"][0]["answers"][0]["key"] = "no_such_question"
        out.write_text(json.dumps(doc))
    else:
        out.unlink()
    assert cli(there, "import", str(out)) == 2
    assert says in capsys.readouterr().err
    assert Store(there).list() == []


# -- where exports go ---------------------------------------------------------------------

def test_export_file_names_carry_id_reader_and_day_not_the_label(tmp_path):
    from intake.screens.export_file import export_path

    with IntakeSession.start(Store(tmp_path / "store"), CONTENT, "Liisa Virtanen", "Pekka") as s:
        path = export_path(tmp_path, s.record, "client", "html", dt.date(2027, 1, 5))
    assert path == tmp_path / f"intake-{s.record.id}-client-2027-01-05.html"
    assert "Liisa" not in path.name


def test_the_export_folder_comes_from_the_option_the_setting_or_the_documents(tmp_path):
    settings = tmp_path / "settings.toml"
    assert read_settings(settings) == {}
    assert export_dir(None, {}).name == "intake-exports"
    assert str(export_dir(None, {})).startswith(str(Path.home()))  # the tests' private home
    settings.write_text('export_dir = "~/Asiakirjat/viennit"\n')
    assert export_dir(None, read_settings(settings)) == Path.home() / "Asiakirjat" / "viennit"
    assert export_dir(tmp_path / "given", read_settings(settings)) == tmp_path / "given"


@pytest.mark.parametrize("text,says", [
    ("export_dir = 3\n", "folder name in quotes"),
    ('export_folder = "x"\n', "unknown setting(s) export_folder"),
    ("export_dir = \n", "Cannot read the settings file"),
])
def test_a_bad_settings_file_says_what_is_wrong(tmp_path, text, says):
    settings = tmp_path / "settings.toml"
    settings.write_text(text)
    with pytest.raises(SettingsProblem, match=says.replace("(", r"\(").replace(")", r"\)")):
        read_settings(settings)


def test_the_app_exports_to_the_folder_it_is_given_or_the_default(tmp_path):
    from intake.screens.app import IntakeApp

    store = Store(tmp_path / "store")
    assert IntakeApp(store=store, content=CONTENT, export_dir=tmp_path / "x").export_dir == tmp_path / "x"
    assert IntakeApp(store=store, content=CONTENT).export_dir == export_dir(None, {})
