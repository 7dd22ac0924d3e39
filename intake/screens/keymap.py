"""Keys remapped in the settings file's `[keys]` table (`"interview.skip" = "f9"`), checked
before the app starts: every binding id must exist, every key must be one Textual knows, and no
key may do two things on one screen. Textual's keymap then applies them (App.set_keymap), so the
key bar, the palette and the list of keys show the keys as remapped.

Checking imports every screen (numpy with the matching screen): done only when the table has keys.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import Keys

import intake.screens
from intake.screens.key_names import intake_classes
from intake.settings import SettingsProblem

MODIFIERS = {"ctrl", "shift", "alt", "super", "meta", "hyper"}
NAMED = {key.value for key in Keys if key.value.isalnum() and key.value != "return"}
# Typing and moving in the fields, lists and the transcript: a binding moved here would take
# them away (or never be reached while a field has the keyboard).
EDITING = {"enter", "tab", "shift+tab", "space", "backspace", "delete", "up", "down", "left", "right",
           "home", "end", "pageup", "pagedown", "escape"}


def _places() -> Iterator[type[DOMNode]]:
    """Every screen and widget class of the app that has key bindings of its own."""
    for module in pkgutil.iter_modules(intake.screens.__path__):
        importlib.import_module(f"intake.screens.{module.name}")
    for cls in intake_classes():
        if "BINDINGS" in vars(cls) and not issubclass(cls, App):  # the app is the first place of every screen
            yield cls


def _bindings(cls: type[DOMNode]) -> list[Binding]:
    return [binding for _, binding in cls._merged_bindings]


def _key_problem(key: str) -> str | None:
    *modifiers, base = key.split("+")
    unknown = [m for m in modifiers if m not in MODIFIERS]
    if unknown:
        return f"{unknown[0]!r} is not a modifier key (use {', '.join(sorted(MODIFIERS))})"
    if len(base) == 1 and base.isprintable() and not base.isspace():
        return None
    if base in NAMED:
        return None
    try:
        unicodedata.lookup(base.replace("_", " "))  # a character by its name: question_mark
        return None
    except KeyError:
        return (f"{base!r} is not a key name (use for example f1 to f24, ctrl+s, escape, home, "
                f"pageup, a letter or a digit)")


def _typed(key: str) -> bool:
    """A key the fields take: typing (a character, unmodified) or moving."""
    return key in EDITING or ("+" not in key and key not in NAMED)


def _keys(text: str) -> list[str]:
    return [key.strip() for key in text.split(",") if key.strip()]


def line_of(path: Path, binding_id: str) -> int | None:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    pattern = re.compile(rf"""^\s*(["']?){re.escape(binding_id)}\1\s*=""")
    return next((n for n, line in enumerate(lines, 1) if pattern.match(line)), None)


def _flat(table: dict, prefix: str = "") -> Iterator[tuple[str, object]]:
    """Binding ids written without quotes (interview.skip = "f9") are, to TOML, nested tables."""
    for name, value in table.items():
        if isinstance(value, dict):
            yield from _flat(value, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", value


def check_keymap(keys: object, path: Path) -> dict[str, str]:
    """The `[keys]` table as a keymap for App.set_keymap; SettingsProblem naming each bad line."""
    if not isinstance(keys, dict):
        raise SettingsProblem(f"In the settings file {path}, keys must be a table: a line [keys] and "
                              'below it lines such as "interview.skip" = "f9".')
    from intake.screens.app import IntakeApp

    places = [IntakeApp, *_places()]
    defaults: dict[str, Binding] = {b.id: b for cls in places for b in _bindings(cls) if b.id}
    problems = []

    def problem(binding_id: str, what: str) -> None:
        line = line_of(path, binding_id)
        problems.append(f"line {line}: {what}" if line else what)

    keymap: dict[str, str] = {}
    unknown = False
    for binding_id, value in _flat(keys):
        if binding_id not in defaults:
            unknown = True
            problem(binding_id, f"{binding_id!r} is not a key binding of the app; use one of the ids below.")
        elif not (isinstance(value, str) and _keys(value)):
            problem(binding_id, f'the key of {binding_id} must be a key name in quotes, for example '
                                f'"{binding_id}" = "f9" (several keys: "f9,ctrl+k").')
        else:
            bad = [p for p in map(_key_problem, _keys(value)) if p]
            # A binding that already has such a key (the attendance marks 1 to 4) is where no field is.
            own = _keys(defaults[binding_id].key)
            taken = [] if any(map(_typed, own)) else [k for k in _keys(value) if _typed(k)]
            if bad:
                problem(binding_id, f"{binding_id} = {value!r}: {bad[0]}.")
            elif taken:
                problem(binding_id, f"{binding_id} = {value!r}: {taken[0]} is for typing and moving in the "
                                    "fields and lists; choose another key, for example a function key.")
            else:
                keymap[binding_id] = ",".join(_keys(value))
    if not problems:
        problems = list(_clashes(keymap, places, path))
    if unknown:
        problems.append(f"The binding ids: {', '.join(sorted(defaults))}.")
    if problems:
        raise SettingsProblem(f"The [keys] table of the settings file {path} has a problem:\n  "
                              + "\n  ".join(problems))
    return keymap


def _clashes(keymap: dict[str, str], places: list[type[DOMNode]], path: Path) -> Iterator[str]:
    """A remapped key that another binding of the same screen (the app's, the screen's or a
    widget's own) still has: both cannot work."""
    app_bindings = _bindings(places[0])
    said = set()
    for cls in places:
        bindings = app_bindings + _bindings(cls) if cls is not places[0] else app_bindings
        keys: dict[str, list[Binding]] = {}
        for binding in bindings:
            for key in _keys(keymap.get(binding.id, binding.key) if binding.id else binding.key):
                keys.setdefault(key, []).append(binding)
        for key, sharing in keys.items():
            moved = [b for b in sharing if b.id in keymap]
            if not moved or len({b.action for b in sharing}) < 2:
                continue
            binding = moved[0]
            others = sorted({b.id or b.action for b in sharing if b.action != binding.action})
            if (binding.id, key) in said:
                continue
            said.add((binding.id, key))
            line = line_of(path, binding.id)
            yield (f"{'line ' + str(line) + ': ' if line else ''}{binding.id} = {keymap[binding.id]!r}: {key} "
                   f"is also the key of {', '.join(others)} on the same screen; give one of them another key.")
