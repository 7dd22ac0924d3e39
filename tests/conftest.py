"""Shared fixtures. No test ever touches the user's real data or config."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import pytest

from intake.flows.loader import load_content
from intake.flows.model import Content
from intake.store_api import SessionStore
from tests.postgres_server import PostgresServer, Unavailable, start_server
from tests.store_backends import Backend, FilesBackend, PostgresBackend

REPO = Path(__file__).resolve().parent.parent
REAL_CONTENT = REPO / "content"
FIRST_FLOW = Path(__file__).resolve().parent / "fixtures" / "first_flow"


@cache
def first_flow_dir() -> Path:
    """The real content with the small first flow in place of the real interview.

    Tests of the machinery (engine, app, CLI) run on this fixed flow, so the real
    interview can grow without rewriting them; texts, rules and placements stay real.
    """
    target = Path(tempfile.mkdtemp(prefix="intake-first-flow-")) / "content"
    shutil.copytree(REAL_CONTENT, target, ignore=shutil.ignore_patterns("sections", "scoring.yaml",
                                                                        "suggestions.yaml"))
    shutil.copytree(FIRST_FLOW, target, dirs_exist_ok=True)
    return target


CONTENT_DIR = first_flow_dir()


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
    """A writable copy of the first-flow content, for tests that break it on purpose."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def default_content_is_first_flow(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the CLI's default content the first flow, for commands run without --content."""
    import intake.cli

    monkeypatch.setattr(intake.cli, "DEFAULT_CONTENT", CONTENT_DIR)



@pytest.fixture(scope="session")
def _postgres() -> Iterator[PostgresServer | Unavailable]:
    """One PostgreSQL server for the whole session (unix socket only), stopped at the end;
    or why none could be started, for the fixtures below to skip with."""
    try:
        server = start_server()
    except Unavailable as why:
        yield why
        return
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_server(_postgres: PostgresServer | Unavailable) -> PostgresServer:
    """The session's PostgreSQL server; the test is skipped, saying what to install, where there is none."""
    if isinstance(_postgres, Unavailable):
        pytest.skip(f"no PostgreSQL server: {_postgres}")
    return _postgres


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A `postgresql://` URL (the socket's folder in the host parameter) to a fresh database, dropped after."""
    name = f"test_{uuid.uuid4().hex}"
    yield postgres_server.create_database(name)
    postgres_server.drop_database(name)


@pytest.fixture(params=["tinydb", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """Each store backend in turn, on one place of its own (a folder; a fresh database, or the
    postgres fixtures' one-line skip); every store opened on it is closed after the test."""
    if request.param == "postgresql":
        place: Backend = PostgresBackend(request.getfixturevalue("postgres_url"))
    else:
        place = FilesBackend(tmp_path / "store")
    yield place
    place.close_all()


@pytest.fixture
def open_store(backend: Backend) -> Callable[[], SessionStore]:
    """A new store object on the backend's one place each time it is called."""
    return backend.open
