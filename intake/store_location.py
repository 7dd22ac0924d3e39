"""Where the sessions are kept: a folder (the embedded TinyDB store) or a county's PostgreSQL database.

`--store` takes either; without it the `INTAKE_STORE` environment variable, then the `store` setting,
then the folder in the user's data folder. A database password belongs in ~/.pgpass or PGPASSWORD
(or the environment variable or the settings file): one on the command line would be seen by every
user of the computer (`ps`), so `--store` refuses it.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import os
from collections.abc import Callable
from pathlib import Path

from intake.errors import StoreProblem
from intake.store_api import SessionStore

ENVIRONMENT = "INTAKE_STORE"
Location = Path | str  # a folder, or a postgresql:// URL
DATABASE_SCHEMES = ("postgresql://", "postgres://")
NO_DRIVER = ("a county's database needs PostgreSQL's driver for Python, which is not installed: "
             "pip install 'intake[postgres]' (or: pip install 'psycopg[binary]')")


def is_database(location: Location) -> bool:
    return isinstance(location, str)


def store_argument(text: str) -> Location:
    """`--store` as argparse reads it: a URL stays text, anything else is a folder."""
    if not text.startswith(DATABASE_SCHEMES):
        return Path(text)
    try:
        from intake.store_pg import has_password  # psycopg only for a database
    except ImportError:
        raise argparse.ArgumentTypeError(NO_DRIVER) from None
    if has_password(text):
        raise argparse.ArgumentTypeError(
            "the database address holds a password, which every user of this computer could read on the command "
            f"line; put it in ~/.pgpass or the PGPASSWORD environment variable (or the whole address in {ENVIRONMENT}) "
            "and give the address without it")
    return text


def chosen_location(given: Location | None, settings: dict, default: Path) -> Location:
    """--store, else the environment variable, else the setting, else the default folder."""
    if given is not None:
        return given
    for text in (os.environ.get(ENVIRONMENT), settings.get("store")):
        if text:
            return text if text.startswith(DATABASE_SCHEMES) else Path(text).expanduser()
    return default


def open_location(location: Location, progress: Callable[[int, int], None] | None = None,
                  legacy: Path | None = None, cache: Path | None = None) -> SessionStore:
    """The store at a location; `cache` is the user's cache folder, for a database's placements (each
    database its own folder in it, named by its address without the password)."""
    if is_database(location):
        database = _database_module()
        name = hashlib.sha256(database.safe_url(location).encode()).hexdigest()[:16]
        return database.PostgresStore(location, cache / name if cache is not None else None)
    from intake.store import Store  # the store (and TinyDB) only for commands that need it

    return Store(location, legacy=legacy, progress=progress)


def set_up(location: str) -> str:
    """`intake store init`: the database made ready for intake; its address without the password."""
    database = _database_module()
    database.install(location)
    return database.safe_url(location)


def _database_module():
    """store_pg, which needs psycopg (the postgres extra): StoreProblem says what to install without it."""
    try:
        return importlib.import_module("intake.store_pg")
    except ImportError:
        raise StoreProblem(NO_DRIVER) from None
