"""The command line: check-content, list and export, with exit codes and messages."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from intake.cli import main
from intake.session import IntakeSession
from intake.store import Store
from tests.helpers import answer_until

pytestmark = pytest.mark.usefixtures("default_content_is_first_flow")

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "export.schema.json").read_text())


def make_sessions(store_path: Path, content) -> tuple[str, str]:
    store = Store(store_path)
    done = IntakeSession.start(store, content, "Asiakas A", "Liisa")
    answer_until(done)
    half = IntakeSession.start(store, content, "Asiakas B", "Pekka", language="en")
    answer_until(half, stop_after=5)
    store.close()
    return done.record.id, half.record.id


def test_check_content_ok(capsys):
    assert main(["check-content"]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and "4 sections" in out


def test_check_content_reports_broken_copy_with_file_and_line(content_copy, capsys):
    f = content_copy / "sections" / "interests.yaml"
    f.write_text(f.read_text().replace("      max_selected: 4\n", "      max_selectd: 4\n"))
    assert main(["check-content", str(content_copy)]) == 2
    err = capsys.readouterr().err
    assert "sections/interests.yaml:" in err and "max_selectd: unknown key" in err


def test_check_content_missing_directory(tmp_path, capsys):
    assert main(["check-content", str(tmp_path / "nowhere")]) == 2
    assert "content directory not found" in capsys.readouterr().err


def test_list_empty_and_full(store_path, content, capsys):
    assert main(["--store", str(store_path), "list"]) == 0
    assert "No sessions yet" in capsys.readouterr().out
    done_id, half_id = make_sessions(store_path, content)
    assert main(["--store", str(store_path), "list"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "CLIENT", "COUNSELLOR", "PERIOD", "STATUS", "PROGRESS", "NEXT", "REVIEW", "LAST",
                                "CHANGE"]
    assert any(done_id in line and "completed" in line for line in lines)
    assert any(half_id in line and "in progress" in line and "5/" in line for line in lines)


def test_list_json(store_path, content, capsys):
    done_id, half_id = make_sessions(store_path, content)
    assert main(["--store", str(store_path), "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_id = {r["id"]: r for r in rows}
    assert by_id[done_id]["status"] == "completed" and by_id[done_id]["answered"] == by_id[done_id]["relevant"]
    assert by_id[half_id]["status"] == "in_progress" and by_id[half_id]["answered"] == 5
    assert all("state" not in r for r in rows)  # the list never carries answers


def test_export_to_file_validates_and_is_private(store_path, content, tmp_path, capsys):
    done_id, _ = make_sessions(store_path, content)
    out = tmp_path / "plan.json"
    assert main(["--store", str(store_path), "export", done_id, "-o", str(out)]) == 0
    data = json.loads(out.read_text())
    jsonschema.validate(data, SCHEMA)
    assert data["session"]["id"] == done_id and data["session"]["status"] == "completed"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    background = data["sections"][0]
    assert background["id"] == "background"
    reason = background["answers"][0]
    assert reason["question_id"] == "reason" and reason["answered_by"] == "client"
    assert reason["text"].startswith("Kertoisitko")


def test_export_to_stdout_in_session_language(store_path, content, capsys):
    _, half_id = make_sessions(store_path, content)
    assert main(["--store", str(store_path), "export", half_id]) == 0
    data = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, SCHEMA)
    assert data["session"]["language"] == "en"
    assert data["sections"][0]["title"] == "Start and background"
    assert sum(len(s["answers"]) for s in data["sections"]) == 5


def test_export_missing_session(store_path, content, capsys):
    make_sessions(store_path, content)
    assert main(["--store", str(store_path), "export", "no-such-id"]) == 2
    err = capsys.readouterr().err
    assert "No session with id 'no-such-id'" in err and "intake list" in err


def test_console_script_exit_code(tmp_path):
    """The real entry point, in a process of its own: clean message and exit code 2, no traceback."""
    result = subprocess.run([sys.executable, "-m", "intake.cli", "--store", str(tmp_path / "s.json"),
                             "export", "nope"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "No session with id 'nope'" in result.stderr
