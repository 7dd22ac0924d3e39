"""What every intake screen shares: catalogue texts, translated keys, failures shown in a dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from intake.errors import IntakeError
from intake.flows.display import Texts
from intake.flows.engine import NotAllowed
from intake.screens.texts_util import translate_bindings

if TYPE_CHECKING:
    from intake.screens.app import IntakeApp


FAILED = object()  # what `guarded` gives when the call failed (a call may itself return None or False)


KEPT = "Input, Select, Switch"  # the fields a screen built again in another language keeps as they were


class IntakeScreen(Screen):
    app: IntakeApp
    typed: dict[str, object] = {}  # KEPT fields' values, by id, of the screen this one replaces

    def __init__(self, texts: Texts, **kwargs):
        super().__init__(**kwargs)
        self.t = texts
        translate_bindings(self, texts)

    def respoken(self) -> IntakeScreen:
        """This screen afresh in the language now spoken, for the app to put in its place after a
        change of language. A screen of a session reads the language from the session; the start
        screen and the report, which have none, say their own."""
        session = self.session  # type: ignore[attr-defined]
        return type(self)(self.app.session_texts(session), session)

    def keeping_typed(self, fresh: IntakeScreen) -> IntakeScreen:
        """`fresh`, to be given what is typed or chosen here and not saved (see `put_back_typed`)."""
        fresh.typed = {field.id: field.value for field in self.query(KEPT) if field.id}
        return fresh

    def put_back_typed(self) -> None:
        """Once the screen has filled its fields, the values typed on the screen it replaces."""
        for field_id, value in self.typed.items():
            self.query_one(f"#{field_id}").value = value

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        # Worker messages do not bubble, so each screen passes its own failures on.
        if event.state == WorkerState.ERROR:
            self.app.show_error(event.worker.error)

    def guarded(self, call):
        """Run a session call; a store failure (or a move the interview does not allow) opens the
        error dialog and gives FAILED, so that nothing the user typed is lost."""
        try:
            return call()
        except (IntakeError, NotAllowed) as exc:
            self.app.show_error(exc)
            return FAILED
