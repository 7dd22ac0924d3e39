"""Asking in plain mode: a console, the words of the moment, and the commands that work at every
prompt (help, a language, plain language, quit) handled in one place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from intake.flows.display import Texts
from intake.flows.text import LANGUAGES
from intake.plain.commands import EVERYWHERE, command, help_lines, word
from intake.plain.console import Console
from intake.text_safety import printable

if TYPE_CHECKING:
    from intake.session import IntakeSession, ReviewSession


@dataclass(frozen=True)
class Command:
    """A command the caller handles: one of the `extra` it asked with, or "spoke" after a change
    of language or plain language (the caller says its question again in the new words)."""

    name: str


SPOKE = Command("spoke")


class Talk:
    def __init__(self, console: Console, texts: Texts):
        self.console = console
        self.t = texts
        self.session: IntakeSession | ReviewSession | None = None

    def open(self, session: IntakeSession | ReviewSession) -> None:
        """From now on in the session's language: a change of language is saved with the session."""
        self.session = session
        self.t = session.texts

    def say(self, text: str = "") -> None:
        self.console.say(text)

    def say_stored(self, text: str) -> None:
        """Text that comes from people or files (labels, answers): no terminal commands in it."""
        self.console.say(printable(text, keep="\n"))

    def ask(self, prompt_key: str, offered: str = "", extra: tuple[str, ...] = (),
            help_text: str | None = None, editable: bool = False) -> str | Command | None:
        """What was typed at the prompt `prompt_key` (a text key): an answer, a Command, or None
        when the person quits. Help and unknown commands are answered here, and asked again.

        An empty line takes what is `offered` (an earlier answer, a decision so far). Text that
        is `editable` (a name, a date, a number, text) is put at the prompt to edit; a number
        to choose is not, since a digit typed after it would make another number."""
        while True:
            if offered and not editable:
                self.say(self.t("plain.keep", value=printable(offered)))
            typed = self.console.ask(self.t(prompt_key), offered if editable else "")
            if typed is None:
                return None
            if not typed.strip() and offered:
                typed = offered
            name = command(typed, self.t)
            if name is None:
                return typed
            if name in extra:
                return Command(name)
            if name == "quit":
                return None
            if name == "help":
                if help_text:
                    self.say(help_text)
                self.say(self.t("plain.help_title"))
                for line in help_lines(self.t, EVERYWHERE + extra):
                    self.say(line)
            elif name in LANGUAGES or name == "plain":
                self.speak(name if name in LANGUAGES else self.t.language,
                           (not self.t.plain) if name == "plain" else self.t.plain)
                return SPOKE
            else:
                self.say(self.t("plain.error.unknown_command", typed=printable(typed.strip()),
                                help=word(self.t, "help")))

    def speak(self, language: str, plain: bool) -> None:
        if self.session is not None:
            self.session.speak(language, plain)
            self.t = self.session.texts
        else:
            self.t = Texts(self.t.content, language, plain)
        self.say(self.t("plain.now_speaking", language=self.t(f"language.{language}")) + (
            " " + self.t("plain.now_plain") if plain else ""))

    def choose(self, prompt_key: str, options: list[tuple[Any, str]], offered: str = "",
               extra: tuple[str, ...] = ()) -> Any:
        """One of `options` (value, words) by its number (`offered`: the number Enter takes); asked
        again until one is chosen. A Command, or None when the person quits."""
        for i, (_, label) in enumerate(options, 1):
            self.say(f"  {i}) {label}")
        while True:
            reply = self.ask(prompt_key, offered, extra)
            if reply is None or isinstance(reply, Command):
                return reply
            picked = reply.strip()
            if picked.isdigit() and 1 <= int(picked) <= len(options):
                return options[int(picked) - 1][0]
            self.say(self.t("plain.error.number", count=len(options)))
