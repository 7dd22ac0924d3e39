"""A dialog that asks to pick one of a few options (who an export is for, its format); Esc cancels."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from intake.screens.texts_util import plain


class ChoiceDialog(ModalScreen[str | None]):
    """Answers the chosen option's id, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", show=False, id="dialog.cancel")]
    DEFAULT_CSS = "ChoiceDialog Button { width: 100%; margin-top: 1; }"

    def __init__(self, title: str, message: str, options: list[tuple[str, str]], cancel_label: str):
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.message = message
        self.options = options
        self.cancel_label = cancel_label

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(plain(self.title_text), id="dialog-title")
            if self.message:
                yield Static(plain(self.message), id="dialog-message")
            for option, label in self.options:
                yield Button(label, id=f"choice-{option}", classes="choice", name=option)
            yield Button(self.cancel_label, id="dialog-cancel")

    def on_mount(self) -> None:
        self.query(".choice").first().focus()  # the first option (or the list of them, in a ListDialog)

    @on(Button.Pressed, ".choice")
    def _chosen(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.name)

    @on(Button.Pressed, "#dialog-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
