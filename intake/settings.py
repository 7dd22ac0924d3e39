"""The user's own settings, in `settings.toml` in the user's config folder (`intake --help` names
it):

    export_dir = "~/Documents/intake-exports"   # where the app writes exports
    store = "postgresql://anna@db.example.fi/intake"  # a county's database (or a folder)
    theme = "high-contrast"                     # the app's colours (any Textual theme too)

    [keys]                                      # keys remapped, by binding id
    "interview.skip" = "f9"

A setting given on the command line wins over the file. The file is read once, at start-up.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from platformdirs import user_config_path, user_documents_path

from intake.errors import IntakeError

KEYS = {"export_dir": "the folder the app writes exports to",
        "store": "the session store: a folder, or a county's database, e.g. 'postgresql://anna@db.example.fi/intake'",
        "theme": 'the colours of the app, e.g. "high-contrast"',
        "keys": 'a table [keys] of keys remapped, e.g. "interview.skip" = "f9"'}


class SettingsProblem(IntakeError):
    title = "The settings file has a problem"


def settings_file() -> Path:
    return user_config_path("intake", appauthor=False) / "settings.toml"


def read_settings(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsProblem(f"Cannot read the settings file {path}: {exc}. Fix it, or move it away to use "
                              "the defaults.") from None
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        known = "; ".join(f"{k}: {what}" for k, what in KEYS.items())
        raise SettingsProblem(f"The settings file {path} has unknown setting(s) {', '.join(unknown)}. "
                              f"Known settings: {known}.")
    if "export_dir" in data and not (isinstance(data["export_dir"], str) and data["export_dir"].strip()):
        raise SettingsProblem(f"In the settings file {path}, export_dir must be a folder name in quotes, "
                              'for example export_dir = "~/Documents/intake-exports".')
    if "store" in data and not (isinstance(data["store"], str) and data["store"].strip()):
        raise SettingsProblem(f"In the settings file {path}, store must be a folder or a postgresql:// address in "
                              'quotes, for example store = "postgresql://anna@db.example.fi/intake".')
    if "theme" in data and not (isinstance(data["theme"], str) and data["theme"].strip()):
        raise SettingsProblem(f"In the settings file {path}, theme must be a theme name in quotes, "
                              'for example theme = "high-contrast".')
    return data


def export_dir(given: Path | None, settings: dict) -> Path:
    """Where the app writes exports: --export-dir, else the setting, else a folder in the user's
    documents (made private when the first export is written)."""
    if given is not None:
        return given.expanduser()
    if "export_dir" in settings:
        return Path(settings["export_dir"]).expanduser()
    return user_documents_path() / "intake-exports"
