"""The dialog that changes the language, and plain language, at any time (the app's Ctrl+L)."""

from __future__ import annotations

from typing import NamedTuple

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, RadioButton, RadioSet, Static, Switch

from intake.flows.display import Texts
from intake.flows.text import LANGUAGES, Language
from intake.screens.texts_util import plain


class Speech(NamedTuple):
    language: Language
    plain: bool


class LanguageDialog(ModalScreen[Speech | None]):
    """Answers the language and plain language chosen, or None when cancelled (Esc).

    Each language is named in its own language first, so that a client who does not read the one on
    screen finds theirs. `offer_plain`: a session is open (the start screen has its own switch)."""

    BINDINGS = [Binding("escape", "cancel", show=False, id="dialog.cancel")]
    DEFAULT_CSS = "LanguageDialog #language-plain-row { height: auto; margin-top: 1; }"

    def __init__(self, texts: Texts, message: str, *, offer_plain: bool):
        super().__init__(classes="dialog-screen")
        self.t = texts
        self.message = message
        self.offer_plain = offer_plain

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(id="dialog", classes="dialog"):
            yield Static(plain(t("language.dialog.title")), id="dialog-title")
            yield Static(plain(self.message), id="dialog-message")
            with RadioSet(id="language-choice"):
                for language in LANGUAGES:
                    yield RadioButton(t(f"language.{language}"), value=language == t.language,
                                      id=f"speak-{language}")
            if self.offer_plain:
                with Horizontal(id="language-plain-row"):
                    yield Switch(t.plain, id="language-plain")
                    yield Label(t("start.plain"))
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("button.change_language"), id="dialog-yes", variant="primary")
                yield Button(t("button.cancel"), id="dialog-no")

    def on_mount(self) -> None:
        self.query_one(RadioSet).focus()

    @on(Button.Pressed, "#dialog-yes")
    def action_change(self) -> None:
        pressed = self.query_one(RadioSet).pressed_button
        language = pressed.id.removeprefix("speak-") if pressed is not None else self.t.language
        chosen = self.query_one("#language-plain", Switch).value if self.offer_plain else self.t.plain
        self.dismiss(Speech(language, chosen))

    @on(Button.Pressed, "#dialog-no")
    def action_cancel(self) -> None:
        self.dismiss(None)
