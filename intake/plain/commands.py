"""Commands typed at any prompt in place of an answer: a slash and a word, such as /back.

Each command's word comes from the text catalogue (plain.command.<name>) in every language, and
a word of any language works whatever the session speaks, so that a command learnt before a
change of language still works after it. The languages are switched by their codes: /fi /sv /en.
"""

from __future__ import annotations

from intake.flows.display import Texts
from intake.flows.text import LANGUAGES

PREFIX = "/"
# Everywhere; the interview's own commands are offered only there.
EVERYWHERE = ("help", "plain", "quit")
IN_INTERVIEW = ("back", "skip", "change", "guidance", "answers", "all")
NAMES = EVERYWHERE + IN_INTERVIEW


def command(typed: str, t: Texts) -> str | None:
    """The command typed (a name of NAMES, or a language code), "unknown" for another word after
    the slash, None for an answer."""
    word = typed.strip().casefold()
    if not word.startswith(PREFIX) or word == PREFIX:
        return None
    if word.removeprefix(PREFIX) in LANGUAGES:
        return word.removeprefix(PREFIX)
    for name in NAMES:
        text = t.content.texts.get(f"plain.command.{name}")
        if text is not None and word in {w.casefold() for w in (text.fi, text.sv, text.en)}:
            return name
    return "unknown"


def word(t: Texts, name: str) -> str:
    return PREFIX + name if name in LANGUAGES else t(f"plain.command.{name}")


def help_lines(t: Texts, names: tuple[str, ...]) -> list[str]:
    """One line for each command, in the session's language; the languages on one line."""
    languages = " ".join(PREFIX + code for code in LANGUAGES)
    return ([f"  {word(t, name)}  {t(f'plain.help.{name}')}" for name in names]
            + [f"  {languages}  {t('plain.help.language')}"])
