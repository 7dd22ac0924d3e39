"""Small modal dialogs: an error, a piece of information, a yes/no question."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from intake.screens.texts_util import plain


class MessageDialog(ModalScreen[None]):
    """A title, a message and one button that closes it (Esc and Enter close it too)."""

    BINDINGS = [Binding("escape", "close", show=False, id="dialog.close")]

    def __init__(self, title: str, message: str, close_label: str, *, kind: str = "info"):
        super().__init__(classes=f"dialog-screen {kind}")
        self.title_text = title
        self.message = message
        self.close_label = close_label

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(plain(self.title_text), id="dialog-title")
            with VerticalScroll(id="dialog-body"):
                yield Static(plain(self.message), id="dialog-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.close_label, id="dialog-close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#dialog-close", Button).focus()

    @on(Button.Pressed, "#dialog-close")
    def action_close(self) -> None:
        self.dismiss(None)


class ErrorDialog(MessageDialog):
    def __init__(self, title: str, message: str, close_label: str):
        super().__init__(title, message, close_label, kind="error")


class ConfirmDialog(ModalScreen[bool]):
    """A question answered yes (True) or no (False); Esc answers no."""

    BINDINGS = [Binding("escape", "no", show=False, id="dialog.cancel")]

    def __init__(self, title: str, message: str, yes_label: str, no_label: str):
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.message = message
        self.yes_label = yes_label
        self.no_label = no_label

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(plain(self.title_text), id="dialog-title")
            yield Static(plain(self.message), id="dialog-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes_label, id="dialog-yes", variant="primary")
                yield Button(self.no_label, id="dialog-no")

    def on_mount(self) -> None:
        self.query_one("#dialog-no", Button).focus()

    @on(Button.Pressed, "#dialog-yes")
    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#dialog-no")
    def action_no(self) -> None:
        self.dismiss(False)
