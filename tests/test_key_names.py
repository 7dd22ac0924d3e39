"""Texts that name a key say the key the user has: remapped in settings.toml, the button and the
hint follow; and no text names literally a key that a binding with an id has (issue 13, item 4)."""

from __future__ import annotations

import re
import string

import pytest
from textual.widgets import Button

from intake.flows.display import Texts
from intake.screens.app import IntakeApp
from intake.screens.key_names import KeyNames, readable
from intake.screens.keymap import EDITING, _bindings, _places
from intake.session import IntakeSession
from intake.store import Store
from tests.test_content import CONTENT

SIZE = (100, 30)


async def save_button_label(content, store_path, tmp_path, keymap) -> str:
    store = Store(store_path)
    session = IntakeSession.start(store, content, "E-1", "Liisa", language="en")
    app = IntakeApp(store=store, content=content, export_dir=tmp_path / "exports", keymap=keymap)
    async with app.run_test(size=SIZE) as pilot:
        app.open_session(session)
        for _ in range(50):
            await pilot.pause()
            if app.screen.query("#answer-save"):
                break
        return str(app.screen.query_one("#answer-save", Button).label)


async def test_the_save_button_names_the_key_as_remapped(content, store_path, tmp_path):
    assert await save_button_label(content, store_path, tmp_path, None) == "Save the answer (Ctrl+S)"
    remapped = await save_button_label(content, store_path / "2", tmp_path, {"interview.submit": "f9"})
    assert remapped == "Save the answer (F9)"


def test_a_text_names_the_remapped_key_and_by_default_the_screens_key():
    assert Texts(CONTENT, "fi", keys=KeyNames())("interview.hint.kind.confirm").endswith("F5 avaa aiemmat vastaukset")
    remapped = Texts(CONTENT, "fi", keys=KeyNames({"interview.edit_earlier": "f9,ctrl+k"}))
    assert remapped("interview.hint.kind.confirm").endswith("F9 avaa aiemmat vastaukset")
    assert remapped("start.due_filter.all", count=3) == "Kaikki haastattelut: 3. Ctrl+R näyttää myöhässä olevat arvioinnit."


@pytest.mark.parametrize("key, said", [("f5", "F5"), ("ctrl+s", "Ctrl+S"), ("escape", "Esc"), ("0,delete", "0")])
def test_keys_read_as_people_write_them(key, said):
    assert readable(key) == said


def _default_keys() -> dict[str, str]:
    """Binding id → its key as a text would name it, for every binding with an id."""
    return {b.id: readable(b.key) for cls in [IntakeApp, *_places()] for b in _bindings(cls) if b.id}


def _variants():
    for key, text in CONTENT.texts.items():
        for language in ("fi", "sv", "en"):
            yield key, text.get(language, False)
        yield key, text.get("fi", True)


def test_no_text_names_literally_a_key_that_can_be_remapped():
    # Enter, the arrows... in hints are the fields' own keys, which stay (the transcript's binding on
    # Enter is not what they mean); "1" is too common a word. Esc leaves a screen: named.
    fields_own = {readable(key) for key in EDITING if key != "escape"}
    named = {name for name in _default_keys().values() if len(name) > 1 and name not in fields_own}
    pattern = re.compile(r"(?<![\w+\[])(" + "|".join(map(re.escape, sorted(named, key=len, reverse=True))) + r")(?![\w+])")
    literal = [(key, found) for key, variant in _variants() for found in pattern.findall(variant)]
    assert literal == [], "name these keys as {keys[binding.id]}"


def test_every_key_a_text_names_is_a_binding():
    ids = set(_default_keys())
    named = {field[1][len("keys["):-1] for _, variant in _variants()
             for field in string.Formatter().parse(variant) if field[1] and field[1].startswith("keys[")}
    assert named and named <= ids, named - ids
