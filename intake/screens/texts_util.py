"""Putting catalogue texts on Textual things that are declared in code (key bindings)."""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from intake.flows.display import Texts


def translate_bindings(node: DOMNode, texts: Texts) -> None:
    """Give every binding with an id and a description the description `key.<id>` from the catalogue.

    The bindings map of a node is its own shallow copy of the class bindings, so
    replacing the lists here changes only this node.
    """
    bindings = node._bindings
    for key, items in list(bindings.key_to_bindings.items()):
        bindings.key_to_bindings[key] = [
            replace(b, description=texts(f"key.{b.id}")) if b.id and b.description else b
            for b in items
        ]
