"""What every intake screen shares: catalogue texts, translated keys, failures shown in a dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from intake.flows.display import Texts
from intake.screens.texts_util import translate_bindings

if TYPE_CHECKING:
    from intake.screens.app import IntakeApp


class IntakeScreen(Screen):
    app: IntakeApp

    def __init__(self, texts: Texts, **kwargs):
        super().__init__(**kwargs)
        self.t = texts
        translate_bindings(self, texts)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        # Worker messages do not bubble, so each screen passes its own failures on.
        if event.state == WorkerState.ERROR:
            self.app.show_error(event.worker.error)
