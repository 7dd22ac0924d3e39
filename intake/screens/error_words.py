"""An error as the person at the screen reads it: in the language on screen where the catalogue
says it, as the command line says it (in English) where it does not yet."""

from __future__ import annotations

import datetime as dt
import re

from intake.errors import IntakeError
from intake.flows.display import Texts


def error_words(texts: Texts, error: IntakeError) -> tuple[str, str]:
    """The title by the error's kind (`error.title.<kind>`, the nearest kind the catalogue names) and
    the message from the text the error names (its `key`)."""
    catalogue = texts.content.texts
    kinds = (f"error.title.{_snake(kind.__name__)}" for kind in type(error).__mro__)
    title = next((texts(key) for key in kinds if key in catalogue), error.title)
    if error.key is None or error.key not in catalogue:
        return title, error.message
    return title, texts(error.key, **{name: _shown(texts, value) for name, value in error.params.items()})


def _shown(texts: Texts, value: object) -> object:
    if isinstance(value, dt.datetime):
        return texts.moment(value)
    if isinstance(value, dt.date):
        return texts.date(value)
    return value


def _snake(name: str) -> str:
    """SessionLocked -> session_locked."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
