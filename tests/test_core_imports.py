"""The core (intake/flows) imports no user interface and no storage library."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO

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


def _modules_after_import(program: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", program], cwd=REPO, capture_output=True, text=True, timeout=60)
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
