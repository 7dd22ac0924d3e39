"""The input for the current step, shaped by the kind of question.

Each field reads what the person entered as `(error, value)`; the interview
screen hands the value to the session, which validates and saves it. A field
never clears what was typed: after an error the text stays where it was.
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.strip import Strip
from textual.widgets import Button, Input, OptionList, SelectionList, TextArea
from textual.widgets._toggle_button import ToggleButton  # the box SelectionList draws (Textual pinned)
from textual.widgets.option_list import Option, OptionDoesNotExist

from intake.flows.display import Texts
from intake.flows.engine import Answer, Step
from intake.flows.model import DateQuestion, LongText, MultiChoice, NumberQuestion, ScaleQuestion, SingleChoice
from intake.flows.parse import parse_typed
from intake.flows.validate import NOT_APPLICABLE, NOT_DISCUSSED, AnswerError
from intake.text_safety import printable


class KeyGate:
    """Mixed into the widgets that take keys on the interview screen: while that screen holds the
    keys typed ahead (`InterviewScreen.holds`), a key the app hands here waits there with them."""

    def _forward_event(self, event: events.Event) -> None:
        holds = getattr(self.screen, "holds", None)
        if not (isinstance(event, events.Key) and holds is not None and holds(event)):
            super()._forward_event(event)


class AnswerInput(KeyGate, Input):
    pass


class AnswerTextArea(KeyGate, TextArea):
    pass


class AnswerOptionList(KeyGate, OptionList):
    pass


class AnswerSelectionList(KeyGate, SelectionList[str]):
    """Space ticks and Enter answers (as in every other field); a ticked box carries a mark, an
    empty one none, so that the two never differ by colour alone."""

    BINDINGS = [Binding("enter", "answer", show=False)]
    TICKED, EMPTY = "✓", " "

    def action_answer(self) -> None:
        field = next(node for node in self.ancestors if isinstance(node, MultiChoiceField))
        field.post_message(field.Submit(field, field.read()))

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        if len(segments) < 2 or segments[1].text != ToggleButton.BUTTON_INNER:
            return strip  # not the box Textual draws (another version): leave it as it is
        mark = self.TICKED if selection.value in self.selected else self.EMPTY
        segments[1] = Segment(mark, segments[1].style)
        return Strip(segments, strip.cell_length)


class AnswerButton(KeyGate, Button):
    pass


class AnswerField(Vertical):
    """Base class: one step's input. `Submit` asks the screen to take the answer now."""

    class Submit(Message):
        """`reading` is the field's `read()` at the moment the person answered, so that keys
        pressed after the answer cannot change it."""

        def __init__(self, field: AnswerField, reading: tuple[AnswerError | None, Any]):
            super().__init__()
            self.field = field
            self.reading = reading

    def __init__(self, step: Step, texts: Texts, previous: Answer | None):
        super().__init__(id="answer-field")
        self.step = step
        self.t = texts
        # A skipped answer has no value to show again.
        self.previous = None if previous is None or previous.skipped else previous.value

    def read(self) -> tuple[AnswerError | None, Any]:
        raise NotImplementedError

    @property
    def input(self) -> Widget:
        return self.query_one(".answer-input")

    def focus_input(self) -> None:
        self.input.focus()


class TypedField(AnswerField):
    """Short text, a number or a date, typed on one line; Enter answers."""

    def compose(self) -> ComposeResult:
        q = self.step.question
        placeholder = ""
        if isinstance(q, NumberQuestion):
            placeholder = self.t("field.number_placeholder")
        elif isinstance(q, DateQuestion):
            placeholder = self.t("field.date_placeholder")
        yield AnswerInput(self._prefill(), id="answer-input", classes="answer-input", placeholder=placeholder,
                    select_on_focus=False)

    def _prefill(self) -> str:
        value, q = self.previous, self.step.question
        if value is None:
            return ""
        if isinstance(q, DateQuestion):
            return self.t.date_field(value)
        if isinstance(q, NumberQuestion):
            return self.t.number(value)
        return printable(str(value))  # an input shows control characters raw, to the terminal

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submit(self, parse_typed(self.step.question, event.value)))

    def read(self) -> tuple[AnswerError | None, Any]:
        return parse_typed(self.step.question, self.query_one(Input).value)


class LongTextField(AnswerField):
    """Free text over several lines; Enter starts a new line, ctrl+s or the button answers."""

    def compose(self) -> ComposeResult:
        yield AnswerTextArea(printable(self.previous or "", keep="\n\t"), id="answer-input", classes="answer-input",
                       soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
        yield AnswerButton(self.t("field.save_answer"), id="answer-save", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Submit(self, self.read()))

    def read(self) -> tuple[AnswerError | None, Any]:
        return None, self.query_one(TextArea).text


LONG_CHOICE = 100  # characters: a choice longer than this wraps over lines in the answer area


def described(prompt: Text, description: Any, t: Texts) -> Text:
    """A choice as offered: its label, and its description (when it has one) indented below it."""
    if description is not None:
        prompt.append(f"\n    {description.get(t.language, t.plain)}", style="not bold")
    return prompt


class ChoiceField(AnswerField):
    """One choice from a list: single choice, a scale, yes/no, 'add another?'. Enter or a click answers."""

    def __init__(self, step: Step, texts: Texts, previous: Answer | None):
        super().__init__(step, texts, previous)
        self.values: list[Any] = []
        self.prompts: list[Any] = []
        self.separators: set[int] = set()  # a line before each of these options
        self._build()

    def _build(self) -> None:
        q, t = self.step.question, self.t

        def add(value: Any, prompt: Any) -> None:
            self.values.append(value)
            self.prompts.append(prompt)

        if isinstance(q, SingleChoice):
            labels = [c.text.get(t.language, t.plain) for c in q.choices]
            # Statements over several lines, or with a description, are set apart: bold labels, a line between.
            spaced = any(c.description is not None or len(label) > LONG_CHOICE for c, label in zip(q.choices, labels))
            for c, label in zip(q.choices, labels):
                if spaced and self.values:
                    self.separators.add(len(self.values))
                add(c.value, described(Text(label, style="bold"), c.description, t) if spaced else label)
        elif isinstance(q, ScaleQuestion):
            for point in t.content.scales[q.scale].points:
                label = Text(f"{point.value} – {point.label.get(t.language, t.plain)}", style="bold")
                add(point.value, described(label, point.description, t))
            self.separators.add(len(self.values))
            if q.allow_not_discussed:
                add(NOT_DISCUSSED, t("answer.not_discussed"))
            if q.allow_not_applicable:
                add(NOT_APPLICABLE, t("answer.not_applicable"))
        else:  # yes/no, and 'add another entry?'
            add(True, t("answer.yes"))
            add(False, t("answer.no"))

    def compose(self) -> ComposeResult:
        options: list[Option | None] = []
        for i, prompt in enumerate(self.prompts):
            if i in self.separators:
                options.append(None)
            options.append(Option(prompt, id=f"choice-{i}"))
        yield AnswerOptionList(*options, id="answer-input", classes="answer-input")

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        if self.previous is not None and self.previous in self.values:
            option_list.highlighted = option_list.get_option_index(f"choice-{self.values.index(self.previous)}")
        else:
            option_list.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Submit(self, self._chosen(event.option_index)))

    def read(self) -> tuple[AnswerError | None, Any]:
        return self._chosen(self.query_one(OptionList).highlighted)

    def _chosen(self, index: int | None) -> tuple[AnswerError | None, Any]:
        if index is None:
            return AnswerError("error.choose_one"), None
        option_id = self.query_one(OptionList).get_option_at_index(index).id
        return None, self.values[int(option_id.removeprefix("choice-"))]


class MultiChoiceField(AnswerField):
    """Several choices: space or a click ticks one; Enter, ctrl+s or the button answers."""

    def compose(self) -> ComposeResult:
        q: MultiChoice = self.step.question
        chosen = set(self.previous or [])
        yield AnswerSelectionList(
            *((c.text.get(self.t.language, self.t.plain), c.value, c.value in chosen) for c in q.choices),
            id="answer-input", classes="answer-input",
        )
        yield AnswerButton(self.t("field.save_answer"), id="answer-save", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Submit(self, self.read()))

    def read(self) -> tuple[AnswerError | None, Any]:
        return None, list(self.query_one(SelectionList).selected)


class ConfirmField(AnswerField):
    """The client's answer to a section's summary: "yes, that's right" answers True; "I want to
    correct something" asks the screen to open the transcript, to pick the answer to change."""

    class Correct(Message):
        pass

    def compose(self) -> ComposeResult:
        yield AnswerOptionList(Option(self.t("interview.confirm.yes"), id="confirm-yes"),
                         Option(self.t("interview.confirm.correct"), id="confirm-correct"),
                         id="answer-input", classes="answer-input")

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Submit(self, (None, True)) if event.option_id == "confirm-yes" else self.Correct())

    def read(self) -> tuple[AnswerError | None, Any]:
        option = self.query_one(OptionList).highlighted_option
        if option is not None and option.id == "confirm-yes":
            return None, True
        return AnswerError("error.confirm_or_correct"), None


def field_for(step: Step, texts: Texts, previous: Answer | None) -> AnswerField:
    q = step.question
    if step.is_confirm:
        return ConfirmField(step, texts, previous)
    if isinstance(q, LongText):
        return LongTextField(step, texts, previous)
    if isinstance(q, MultiChoice):
        return MultiChoiceField(step, texts, previous)
    if q is None or isinstance(q, (SingleChoice, ScaleQuestion)) or q.type == "yes_no":
        return ChoiceField(step, texts, previous)
    return TypedField(step, texts, previous)

