"""The core (intake/flows) imports no user interface and no storage library; the way to the start
screen imports no more than it needs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

from tests.conftest import CONTENT_DIR, REPO

CORE_MODULES = [
    "intake.flows.engine",
    "intake.flows.loader",
    "intake.flows.expr",
    "intake.flows.display",
    "intake.flows.parse",
    "intake.flows.validate",
]
FORBIDDEN = ("textual", "questionary", "tinydb")

PROGRAM = f"""
import importlib, json, sys
for name in {CORE_MODULES!r}:
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""


def _modules_after_import(program: str, args: list[str] = []) -> list[str]:
    result = subprocess.run([sys.executable, "-c", program, *args], cwd=REPO, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _forbidden(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)]


def test_core_imports_no_ui_or_storage_library() -> None:
    modules = _modules_after_import(PROGRAM)
    for name in CORE_MODULES:
        assert name in modules  # the imports really happened
    assert _forbidden(modules) == []


def test_the_check_would_see_a_forbidden_import() -> None:
    # The same subprocess check does notice when one of them is imported.
    modules = _modules_after_import(PROGRAM.replace("print(", "import tinydb.storages\nprint("))
    assert "tinydb" in _forbidden(modules)
    assert "tinydb.storages" in _forbidden(modules)


START_PATH = """
import json, sys
from intake.cli import make_app, parser
app = make_app(parser().parse_args(["--store", sys.argv[1], "--content", sys.argv[2], "run"]))
import intake.screens.start
from intake.flows.engine import Interview
Interview(app.content).current()  # the first question: its conditions were read before
print(json.dumps(sorted(sys.modules)))
"""
# Loaded where they are used: the YAML parser on a cache miss, Lark for the first condition, numpy
# for matching, the exports for a summary (the command line's parser reads only their kinds).
NOT_ON_THE_START_PATH = ("numpy", "lark", "ruamel", "intake.export", "intake.flows.matching", "intake.flows.plan")
LIGHT = ("intake.export", "intake.export.kinds")


def test_the_start_screen_imports_no_yaml_parser_numpy_lark_or_exports(tmp_path) -> None:
    content = shutil.copytree(CONTENT_DIR, tmp_path / "content")
    past = time.time() - 3600
    for path in content.rglob("*"):
        os.utime(path, (past, past))  # content edited a moment ago is not cached
    args = [str(tmp_path / "store"), str(content)]
    first = _modules_after_import(START_PATH, args)  # reads the YAML and fills the cache
    assert "ruamel.yaml" in first and "intake.screens.app" in first
    warm = _modules_after_import(START_PATH, args)
    assert "intake.screens.start" in warm and "pydantic" in warm
    heavy = [m for m in warm if any(m == f or m.startswith(f + ".") for f in NOT_ON_THE_START_PATH)]
    assert [m for m in heavy if m not in LIGHT] == []
