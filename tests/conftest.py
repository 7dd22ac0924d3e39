"""Shared fixtures. No test ever touches the user's real data or config."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from intake.flows.loader import load_content
from intake.flows.model import Content

REPO = Path(__file__).resolve().parent.parent
CONTENT_DIR = REPO / "content"


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point HOME and the XDG directories at a temporary folder for every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(CONTENT_DIR)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the content directory, for tests that break it on purpose."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store"
