"""What is typed, ticked or highlighted in an answer field and not answered yet, kept when the
interview screen is built again (in another language) and put back in the same question's field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.widgets import Input, OptionList, SelectionList, TextArea

from intake.screens.answer_fields import AnswerField


@dataclass(frozen=True)
class Draft:
    key: str    # the step whose field it was
    value: Any  # the text typed, the values ticked, or the row highlighted


def draft_of(field: AnswerField) -> Draft:
    widget = field.input
    if isinstance(widget, Input):
        value: Any = widget.value
    elif isinstance(widget, TextArea):
        value = widget.text
    elif isinstance(widget, SelectionList):
        value = list(widget.selected)
    else:
        value = widget.highlighted
    return Draft(field.step.key, value)


def restore(field: AnswerField, draft: Draft) -> None:
    """Put `draft` back in `field`, when it is the same question's (the same kinds of widget)."""
    if draft.key != field.step.key:
        return
    widget = field.input
    if isinstance(widget, Input):
        widget.value = draft.value
        widget.cursor_position = len(draft.value)
    elif isinstance(widget, TextArea):
        widget.load_text(draft.value)
        widget.move_cursor(widget.document.end)
    elif isinstance(widget, SelectionList):
        widget.deselect_all()
        for value in draft.value:
            widget.select(value)
    elif isinstance(widget, OptionList) and draft.value is not None:
        widget.highlighted = draft.value
