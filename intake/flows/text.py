"""Translated texts: every text a person reads has Finnish, Swedish and English."""

from __future__ import annotations

from typing import Literal

from intake.flows.base import Strict

Language = Literal["fi", "sv", "en"]
LANGUAGES: tuple[Language, ...] = ("fi", "sv", "en")


class Plain(Strict):
    """Plain-language (selkokieli) variants; Finnish first, the others where written."""

    fi: str
    sv: str | None = None
    en: str | None = None


class Text(Strict):
    """A client-facing text: all three languages, and optionally a plain-language variant."""

    fi: str
    sv: str
    en: str
    plain: Plain | None = None

    def get(self, language: Language, plain: bool = False) -> str:
        if plain and self.plain is not None:
            variant = getattr(self.plain, language)
            if variant:
                return variant
        return getattr(self, language)


class CounsellorText(Strict):
    """A text for the counsellor only (guidance, reasons): all three languages, no plain variant."""

    fi: str
    sv: str
    en: str

    def get(self, language: Language, plain: bool = False) -> str:
        return getattr(self, language)
