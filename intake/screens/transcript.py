"""The conversation so far: section titles as they begin, each question and whose answer it is.

An answer in the transcript can be focused (Tab, or F5 from the interview) and
opened with Enter or a click, to change it.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from intake.flows.display import Texts
from intake.flows.engine import Answer, Interview, Step
from intake.flows.model import Section
from intake.screens.answer_fields import KeyGate
from intake.screens.texts_util import plain, translate_bindings


class TranscriptAnswer(KeyGate, Static, can_focus=True):
    """One answer; Enter or a click asks to change it."""

    BINDINGS = [
        Binding("enter", "edit", "Edit", id="transcript.edit"),
        Binding("up", "previous", show=False, id="transcript.previous"),
        Binding("down", "next", show=False, id="transcript.next"),
    ]

    class Edit(Message):
        def __init__(self, key: str):
            super().__init__()
            self.key = key

    def __init__(self, step: Step, text: str, texts: Texts, *, current: bool = False):
        super().__init__(plain(text), classes="transcript-answer" + (" editing" if current else ""),
                         id=f"answer-{_css_id(step.key)}")
        self.step_key = step.key
        translate_bindings(self, texts)

    def on_click(self) -> None:
        self.post_message(self.Edit(self.step_key))

    def action_edit(self) -> None:
        self.post_message(self.Edit(self.step_key))

    def _siblings(self) -> list[TranscriptAnswer]:
        return list(self.parent.query_children(TranscriptAnswer)) if self.parent else []

    def action_previous(self) -> None:
        answers = self._siblings()
        index = answers.index(self)
        if index > 0:
            answers[index - 1].focus()

    def action_next(self) -> None:
        answers = self._siblings()
        index = answers.index(self)
        if index + 1 < len(answers):
            answers[index + 1].focus()


def answer_text(t: Texts, step: Step, answer: Answer) -> str:
    """An answer as a line of the conversation; a confirmed summary as a short mark."""
    if step.is_confirm:
        return f"✓ {t.value(step, answer.value, answer.skipped)}"
    return f"{t.view(answer.by)}: {t.value(step, answer.value, answer.skipped)}"


def _css_id(key: str) -> str:
    """A step key as a widget id: letters, digits, - and _ only."""
    out = []
    for ch in key:
        out.append(ch if ch.isalnum() or ch == "_" else "-")
    return "".join(out)


Row = tuple  # what a line of the transcript stands for, e.g. ("answer", step key): one widget each


class Transcript(KeyGate, VerticalScroll):
    """The conversation as saved. After each change only the lines that differ are touched: the
    new answer is added, a changed one updated, ones no longer relevant removed."""

    def __init__(self, texts: Texts, **kwargs):
        super().__init__(**kwargs)
        self.t = texts
        self._shown: dict[Row, tuple[str, Static]] = {}  # in the order shown
        self._editing: Row | None = None  # the answer being changed, marked "editing"

    async def show(self, interview: Interview) -> None:
        rows = self.rows(interview)
        current = interview.current()
        editing = ("answer", current.key) if current is not None else None
        gone = [widget for row, (_, widget) in self._shown.items() if row not in rows]
        if gone:
            await self.remove_children(gone)
        shown, new = {}, []
        for row, (text, make) in rows.items():
            old = self._shown.get(row)
            if old is None:
                new.append(make())
                shown[row] = (text, new[-1])
                continue
            if new:  # the lines new since the last time go before this one
                await self.mount_all(new, before=old[1])
                new = []
            if old[0] != text:
                old[1].update(plain(text))
            if row == editing or row == self._editing:
                old[1].set_class(row == editing, "editing")
            shown[row] = (text, old[1])
        if new:
            await self.mount_all(new)
        self._shown, self._editing = shown, editing

    def rows(self, interview: Interview) -> dict[Row, tuple[str, Callable[[], Static]]]:
        """Every line, in order: its text, and how to make its widget."""
        current = interview.current()
        rows: dict[Row, tuple[str, Callable[[], Static]]] = {}
        section: Section | None = None
        entry: tuple[str, int] | None = None
        t = self.t

        def line(row: Row, text: str, classes: str, **kwargs) -> None:
            rows[row] = (text, lambda: Static(text, classes=classes, markup=False, **kwargs))

        def begin_section(new: Section, row: str) -> None:
            line((row, new.id), t.section_title(new), "transcript-section")
            if new.intro is not None:
                line((row + "-intro", new.id), new.intro.get(t.language, t.plain), "transcript-intro")

        for step, answer in interview.transcript():
            if step.section is not section:
                section = step.section
                begin_section(section, "section")
            if step.group is not None and not step.is_add_another and (step.group.id, step.entry) != entry:
                entry = (step.group.id, step.entry)
                line(("entry", *entry), t.entry_heading(step), "transcript-entry")
            if not step.is_confirm:  # a confirmed summary is one short line
                line(("question", step.key), t.question(step), "transcript-question")
            text = self.answer_text(step, answer)
            editing = current is not None and current.key == step.key
            rows[("answer", step.key)] = (text, lambda step=step, text=text, editing=editing:
                                          TranscriptAnswer(step, text, t, current=editing))
        if current is not None and current.section is not section and \
                current.key not in interview.state.answers:
            begin_section(current.section, "next-section")
        if current is not None and current.is_confirm:
            title, body = self.said_back(interview, current)
            line(("said-back-title",), title, "transcript-assistant-title", id="said-back-title")
            rows[("said-back",)] = (body, lambda: Static(plain(body), id="said-back",
                                                         classes="transcript-assistant"))
        return rows

    def said_back(self, interview: Interview, step: Step) -> tuple[str, str]:
        """The assistant's message that closes a section, what it heard, to be confirmed: its
        heading and its body."""
        t = self.t
        lines = t.summary(interview, step.section)
        heading = t("interview.summary.heading", section=t.section_title(step.section))
        return heading, "\n".join(f"• {line}" for line in lines) or t("interview.summary.nothing")

    def scroll_to_current(self) -> None:
        """Show the answer being changed; a section said back from its heading on, since the client
        is asked to confirm it (on a small screen its end is below, the end of the conversation
        would hide its beginning); or else the latest part of the conversation."""
        editing = self.query(".editing")
        said_back = self.query("#said-back-title")
        if editing:
            self.scroll_to_widget(editing.first(), animate=False, center=True)
        elif said_back:
            self.scroll_to_widget(said_back.first(), animate=False, top=True)
        else:
            self.scroll_end(animate=False)

    def answer_text(self, step: Step, answer: Answer) -> str:
        return answer_text(self.t, step, answer)

    def focus_last_answer(self) -> bool:
        answers = list(self.query_children(TranscriptAnswer))
        if not answers:
            return False
        answers[-1].focus()
        return True
