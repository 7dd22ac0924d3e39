"""Putting texts on Textual things: catalogue texts on key bindings, stored texts as plain text."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.dom import DOMNode

from intake.flows.display import Texts
from intake.text_safety import printable


def translate_bindings(node: DOMNode, texts: Texts, renamed: dict[str, str] | None = None) -> None:
    """Give every binding with an id and a description the description `key.<id>` from the catalogue
    (`key.<renamed[id]>` for a binding that does something else here).

    The bindings map of a node is its own shallow copy of the class bindings, so
    replacing the lists here changes only this node.
    """
    bindings = node._bindings
    for key, items in list(bindings.key_to_bindings.items()):
        bindings.key_to_bindings[key] = [
            replace(b, description=texts(f"key.{(renamed or {}).get(b.id, b.id)}")) if b.id and b.description else b
            for b in items
        ]


def plain(text: str) -> Text:
    """Text for any widget (Static, DataTable cell, Option) shown as it is: never read as markup,
    so "[/]" or "[link=...]" in a label or a placement name is just text, and with control
    characters made visible, so that a stored ESC cannot reach the terminal."""
    return Text(printable(text, keep="\n\t"))
