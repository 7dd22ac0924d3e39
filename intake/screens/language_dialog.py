"""The dialog that changes the language, and plain language, at any time (the app's Ctrl+L)."""

from __future__ import annotations

from typing import NamedTuple

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from intake.flows.display import Texts
from intake.flows.text import LANGUAGES, Language
from intake.screens.texts_util import plain


class Speech(NamedTuple):
    language: Language
    plain: bool


class LanguageDialog(ModalScreen[Speech | None]):
    """Answers the language chosen (Enter or a click on it) and plain language on or off, or None
    when cancelled (Esc).

    Each language is named in its own language first, so that a client who does not read the one on
    screen finds theirs; the one spoken now is marked ✓, and plain language says on or off in words
    (never by colour alone). `offer_plain`: a session is open (the start screen has its own switch)."""

    BINDINGS = [Binding("escape", "cancel", show=False, id="dialog.cancel")]
    DEFAULT_CSS = """
    LanguageDialog #language-choice { height: auto; margin-bottom: 1; }
    LanguageDialog #language-plain { width: 100%; }
    """

    def __init__(self, texts: Texts, message: str, *, offer_plain: bool):
        super().__init__(classes="dialog-screen")
        self.t = texts
        self.message = message
        self.offer_plain = offer_plain
        self.plain_language = texts.plain

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(id="dialog", classes="dialog"):
            yield Static(plain(t("language.dialog.title")), id="dialog-title")
            how = t("language.dialog.how_plain" if self.offer_plain else "language.dialog.how")
            yield Static(plain(f"{self.message}\n{how}"), id="dialog-message")
            yield OptionList(*(Option(self._language_name(language), id=f"speak-{language}") for language in LANGUAGES),
                             id="language-choice")
            if self.offer_plain:
                yield Button(self._plain_label(), id="language-plain", compact=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("button.cancel"), id="dialog-no", compact=True)

    def _language_name(self, language: Language) -> str:
        mark = "✓" if language == self.t.language else " "
        return f"{mark} {self.t(f'language.{language}')}"

    def _plain_label(self) -> str:
        return self.t("language.dialog.plain_on" if self.plain_language else "language.dialog.plain_off")

    def on_mount(self) -> None:
        choice = self.query_one(OptionList)
        choice.highlighted = LANGUAGES.index(self.t.language)
        choice.focus()

    @on(Button.Pressed, "#language-plain")
    def _toggle_plain(self) -> None:
        self.plain_language = not self.plain_language
        self.query_one("#language-plain", Button).label = self._plain_label()

    @on(OptionList.OptionSelected, "#language-choice")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(Speech(LANGUAGES[event.option_index], self.plain_language))

    @on(Button.Pressed, "#dialog-no")
    def action_cancel(self) -> None:
        self.dismiss(None)
