"""The keys as people read them ("F5", "Ctrl+S", "Esc"), by binding id, for the texts that name a
key ({keys[interview.edit_earlier]}): the key a screen's binding has, or the one the settings file
remapped it to, so the texts say what the key bar says."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from functools import cache

from textual.binding import Binding
from textual.dom import DOMNode

WORDS = {"escape": "Esc", "delete": "Del", "pageup": "PgUp", "pagedown": "PgDn"}


def readable(key: str) -> str:
    """'ctrl+s' as 'Ctrl+S', 'f5' as 'F5'; of several keys ("0,delete") the first."""
    return "+".join(WORDS.get(part, part[:1].upper() + part[1:]) for part in key.split(",")[0].split("+"))


def intake_classes() -> Iterator[type[DOMNode]]:
    """The app's own classes (screens, widgets, the app) among those imported so far."""
    seen, todo = set(), [DOMNode]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
                if sub.__module__.startswith("intake.screens."):
                    yield sub


def _imported_bindings() -> dict[str, Binding]:
    return {b.id: b for cls in intake_classes() for b in vars(cls).get("BINDINGS", [])
            if isinstance(b, Binding) and b.id}


@cache
def default_key(binding_id: str) -> str:
    """The key of a binding as its screen declares it. The screen is imported only if it is not yet:
    the module named like the id's first part (the start path stays light)."""
    module = f"intake.screens.{binding_id.split('.')[0]}"
    if importlib.util.find_spec(module) is not None:
        importlib.import_module(module)
    bindings = _imported_bindings()
    if binding_id not in bindings:
        raise KeyError(f"no key binding has the id {binding_id!r}")
    return bindings[binding_id].key


class KeyNames:
    """Looked up by Texts when a text names a key; `keymap` is the settings' remaps (binding id → keys)."""

    def __init__(self, keymap: dict[str, str] | None = None):
        self.keymap = dict(keymap or {})

    def __getitem__(self, binding_id: str) -> str:
        return readable(self.keymap.get(binding_id) or default_key(binding_id))
