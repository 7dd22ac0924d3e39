"""The conversation so far: section titles as they begin, each question and whose answer it is.

An answer in the transcript can be focused (Tab, or F5 from the interview) and
opened with Enter or a click, to change it.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from intake.flows.display import Texts
from intake.flows.engine import Answer, Interview, Step
from intake.flows.model import Section
from intake.screens.texts_util import plain, translate_bindings


class TranscriptAnswer(Static, can_focus=True):
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


class Transcript(VerticalScroll):
    """Rebuilt from the interview after every change, so it always shows what is saved."""

    def __init__(self, texts: Texts, **kwargs):
        super().__init__(**kwargs)
        self.t = texts

    async def show(self, interview: Interview) -> None:
        current = interview.current()
        await self.remove_children()
        widgets: list[Static] = []
        section: Section | None = None
        entry: tuple[str, int] | None = None
        t = self.t

        def begin_section(new: Section) -> None:
            widgets.append(Static(t.section_title(new), classes="transcript-section", markup=False))
            if new.intro is not None:
                widgets.append(Static(new.intro.get(t.language, t.plain), classes="transcript-intro",
                                      markup=False))

        for step, answer in interview.transcript():
            if step.section is not section:
                section = step.section
                begin_section(section)
            if step.group is not None and not step.is_add_another and (step.group.id, step.entry) != entry:
                entry = (step.group.id, step.entry)
                label = step.group.entry_label.get(t.language, t.plain)
                widgets.append(Static(f"{label} {step.entry + 1}", classes="transcript-entry", markup=False))
            if not step.is_confirm:  # a confirmed summary is one short line
                widgets.append(Static(t.question(step), classes="transcript-question", markup=False))
            widgets.append(TranscriptAnswer(step, self.answer_text(step, answer), t,
                                            current=current is not None and current.key == step.key))
        if current is not None and current.section is not section and \
                current.key not in interview.state.answers:
            begin_section(current.section)
        if current is not None and current.is_confirm:
            widgets.extend(self.said_back(interview, current))
        await self.mount_all(widgets)

    def said_back(self, interview: Interview, step: Step) -> list[Static]:
        """The assistant's message that closes a section: what it heard, to be confirmed."""
        t = self.t
        lines = t.summary(interview, step.section)
        heading = t("interview.summary.heading", section=t.section_title(step.section))
        body = "\n".join(f"• {line}" for line in lines) or t("interview.summary.nothing")
        return [Static(heading, classes="transcript-assistant-title", markup=False),
                Static(plain(body), id="said-back", classes="transcript-assistant")]

    def scroll_to_current(self) -> None:
        """Show the answer being changed, or else the latest part of the conversation."""
        editing = self.query(".editing")
        if editing:
            self.scroll_to_widget(editing.first(), animate=False, center=True)
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
