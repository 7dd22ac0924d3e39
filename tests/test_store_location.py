"""Where the sessions are (issue 15): `--store` takes a folder or a postgresql:// address, else INTAKE_STORE,
else the store setting; a password is never taken from the command line."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

import pytest

from intake.cli import main, parser
from intake.serve import app_command
from intake.settings import SettingsProblem, read_settings
from intake.store_location import ENVIRONMENT, chosen_location, store_argument

URL = "postgresql://anna@db.example.fi/intake"


def test_a_folder_is_a_path_and_an_address_stays_as_written():
    assert store_argument("some/folder") == Path("some/folder")
    assert store_argument(URL) == URL
    assert store_argument("postgres://anna@db/intake?sslmode=require") == "postgres://anna@db/intake?sslmode=require"


@pytest.mark.parametrize("address", ["postgresql://anna:secret@db.example.fi/intake",
                                     "postgresql://anna@db.example.fi/intake?password=secret"])
def test_an_address_with_a_password_is_refused_without_repeating_it(address):
    with pytest.raises(argparse.ArgumentTypeError) as refused:
        store_argument(address)
    assert "~/.pgpass" in str(refused.value) and "secret" not in str(refused.value)


def test_the_command_line_wins_then_the_environment_then_the_setting(monkeypatch, tmp_path):
    default = tmp_path / "default"
    monkeypatch.delenv(ENVIRONMENT, raising=False)
    assert chosen_location(None, {}, default) == default
    assert chosen_location(None, {"store": "~/county"}, default) == Path.home() / "county"
    monkeypatch.setenv(ENVIRONMENT, "postgresql://anna:in-the-environment@db/intake")
    assert chosen_location(None, {"store": "~/county"}, default) == "postgresql://anna:in-the-environment@db/intake"
    assert chosen_location(tmp_path / "given", {"store": "~/county"}, default) == tmp_path / "given"


def test_a_bad_store_setting_says_what_to_write(tmp_path):
    settings = tmp_path / "settings.toml"
    settings.write_text("store = 5\n")
    with pytest.raises(SettingsProblem, match="postgresql:// address in quotes"):
        read_settings(settings)


def test_each_served_tab_gets_the_address_as_given():
    command = shlex.split(app_command(parser().parse_args(["--store", URL, "serve"])))
    assert command[command.index("--store") + 1] == URL


def test_the_environment_variable_opens_the_database(postgres_url, monkeypatch, capsys):
    monkeypatch.setenv(ENVIRONMENT, postgres_url)
    assert main(["list"]) == 0
    assert "No sessions yet" in capsys.readouterr().out
    assert main(["log", "--verify"]) == 0
    assert "intact: 1 entry" in capsys.readouterr().out  # the list, logged in the database


def test_a_database_that_cannot_be_reached_says_so_without_the_password(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(ENVIRONMENT, f"postgresql://anna:secret@/intake?host={tmp_path}")  # no server there
    assert main(["list"]) == 2
    err = capsys.readouterr().err
    assert "Cannot connect to the database" in err and "secret" not in err and str(tmp_path) in err


def test_store_init_wants_a_database(tmp_path, capsys):
    assert main(["--store", str(tmp_path), "store", "init"]) == 2
    assert "sets up a database" in capsys.readouterr().err


def test_without_the_driver_an_address_says_what_to_install(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the postgres extra were not installed
    monkeypatch.delitem(sys.modules, "intake.store_pg", raising=False)
    with pytest.raises(SystemExit):
        main(["--store", URL, "list"])
    assert "pip install 'intake[postgres]'" in capsys.readouterr().err
    monkeypatch.setenv(ENVIRONMENT, URL)
    assert main(["list"]) == 2
    assert "pip install 'intake[postgres]'" in capsys.readouterr().err
