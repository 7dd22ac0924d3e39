"""A dialog that asks to pick one of more options than buttons have room for (the forms of a service),
from a list that scrolls; Esc cancels."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from intake.screens.choice_dialog import ChoiceDialog
from intake.screens.texts_util import plain


class ListDialog(ChoiceDialog):
    """Answers the chosen option's id, or None when cancelled."""

    DEFAULT_CSS = "ListDialog #dialog-options { height: auto; max-height: 20; }"

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(plain(self.title_text), id="dialog-title")
            if self.message:
                yield Static(plain(self.message), id="dialog-message")
            yield OptionList(*(Option(plain(label), id=option) for option, label in self.options), id="dialog-options",
                             classes="choice")
            yield Button(self.cancel_label, id="dialog-cancel")

    @on(OptionList.OptionSelected, "#dialog-options")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
