"""Words for people: catalogue texts, question texts and answer values in the
session's language, in plain language when the session asks for it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Protocol

from intake.flows.derive import INTEREST_CODE, interests, support_level
from intake.flows.engine import Interview, Step
from intake.flows.model import (
    Content,
    DateQuestion,
    MultiChoice,
    PLACEHOLDER,
    NumberQuestion,
    RepeatGroup,
    ScaleQuestion,
    Section,
    ShortText,
    SingleChoice,
    YesNo,
)
from intake.flows.text import Language
from intake.flows.validate import NOT_APPLICABLE, NOT_DISCUSSED, AnswerError


# Which questions' choices name the ids a reason lists, by parameter name.
LABEL_SOURCES = {
    "skills": ("skills",),
    "restrictions": ("restrictions",),
    "with": ("pref_works_with",),
    "offered": ("wish_times", "languages"),
    "mode": ("transport",),
}


class KeyLookup(Protocol):
    def __getitem__(self, binding_id: str) -> str: ...


class Unnamed:
    """Key names where no key bar is (plain mode, exports): the binding id, visible rather than a lie."""

    def __getitem__(self, binding_id: str) -> str:
        return f"[{binding_id}]"


class Texts:
    """`keys` names keys as people read them by binding id ("F5", "Ctrl+S" after the user's remaps),
    for texts that name one as {keys[interview.edit_earlier]}; the app supplies it."""

    def __init__(self, content: Content, language: Language = "fi", plain: bool = False,
                 keys: KeyLookup | None = None):
        self.content = content
        self.language = language
        self.plain = plain
        self.keys: KeyLookup = keys if keys is not None else Unnamed()

    def __call__(self, key: str, **params: Any) -> str:
        # One of a thing is said in the singular where the catalogue has a `.one` form ("1 kysymys").
        text = (params.get("count") == 1 and self.content.texts.get(f"{key}.one")) or self.content.texts.get(key)
        if text is None:
            # Visible rather than fatal; a test checks that every key used exists.
            return f"[{key}]"
        template = text.get(self.language, self.plain)
        return template.format(**params, keys=self.keys) if params or "{keys[" in template else template

    def error(self, step: Step, error: AnswerError) -> str:
        params = {k: self.date(v) if isinstance(v, dt.date) else v for k, v in error.params.items()}
        message = self(error.key, **params)
        q = step.question
        if error.key == "error.pattern" and isinstance(q, ShortText) and q.pattern_hint:
            message = f"{message} {q.pattern_hint.get(self.language, self.plain)}"
        return message

    def question(self, step: Step) -> str:
        if step.is_add_another:
            return step.group.add_another.get(self.language, self.plain)
        if step.is_confirm:
            return self("summary.is_this_right")
        return step.question.text.get(self.language, self.plain)

    def entry_heading(self, step: Step) -> str:
        """Which entry of a repeat group a step belongs to: "Goal 2", and in a review the goal itself."""
        heading = f"{step.group.entry_label.get(self.language, self.plain)} {step.entry + 1}"
        return f"{heading} «{step.entry_title}»" if step.entry_title else heading

    def summary(self, interview: Interview, section: Section) -> list[str]:
        """The section said back in words: each line whose answers are all there, filled in."""
        active = interview.active()
        steps = {s.key: s for s in interview.steps()}
        lines = []
        for line in section.summary:
            group = None
            entries: list[int | None] = [None]
            if line.each is not None:
                group = self.content.question_index[line.each]  # the loader checked it is a repeat group
                entries = list(range(len(active.groups.get(line.each, []))))
            for entry in entries:
                if not active.holds(line.when, group, entry):
                    continue
                filled = self._fill(line.text.get(self.language, self.plain), interview, steps, group, entry)
                if filled is not None:
                    lines.append(filled)
        level = self._support_level_line(interview, section)
        if level is not None:
            lines.append(level)
        later = sum(1 for s in interview.waiting() if s.section is section and s.kind == "question")
        if later:  # said, not guessed: what waits for the next meeting is not in the lines above
            lines.append(self("summary.still_to_come", count=later))
        return lines

    def _support_level_line(self, interview: Interview, section: Section) -> str | None:
        """The support level the section's staircase answer gives, said after the section's own lines."""
        scoring = self.content.scoring
        staircase = scoring.support_staircase if scoring is not None else None
        if staircase is None or not any(q.id == staircase.question for q in section.questions):
            return None
        level = support_level(interview)
        return None if level is None else self("summary.support_level", level=self.support_level(level))

    def support_level(self, level: str) -> str:
        """A support level's name in words (content/scoring.yaml)."""
        return self.content.scoring.support_staircase.levels[level].name.get(self.language, self.plain)

    def _fill(self, template: str, interview: Interview, steps: dict[str, Step],
              group: RepeatGroup | None, entry: int | None) -> str | None:
        missing = False

        def put(match: re.Match[str]) -> str:
            nonlocal missing
            name, view = match.groups()
            in_group = group is not None and any(q.id == name for q in group.questions)
            path = f"{group.id}[{entry}].{name}" if in_group else name
            key = f"{path}@{view}" if view else path
            step = steps.get(key)
            if step is None and not in_group and name not in interview.content.question_index:
                said = self._behind(interview, name, view)  # not a question of this interview
                missing = missing or said is None
                return said or ""
            answer = interview.answer_for(key)
            if step is None or answer is None or answer.skipped:
                words = None
            else:
                words = self.value(step, answer.value, in_summary=True)
            missing = missing or words is None
            return words or ""

        text = PLACEHOLDER.sub(put, template)
        return None if missing else text

    def _behind(self, interview: Interview, name: str, view: str | None) -> str | None:
        """A name that is not a question of the interview, in words: what is derived from the answers, or
        in a review the intake's answer behind it (the loader checked the name); None when there is none."""
        if name == INTEREST_CODE:
            return self.interest_code(interview)
        question = interview.content.intake_questions.get(name)
        value = interview.context.get(name, view) if question is not None and interview.context is not None else None
        return None if value is None else self.answer(question, value, in_summary=True)

    def interest_code(self, interview: Interview) -> str | None:
        """The client's real interests as the areas' names with their code ("Ihmisten auttaminen ja ohjaaminen,
        Vaikuttaminen ja järjestäminen (SE)"), or None when the answers show none."""
        scoring = interview.content.scoring
        code = interests(interview) if scoring is not None else ""
        if not code:
            return None
        names = [scoring.interest_profile.areas[a].name.get(self.language, self.plain) for a in code]
        return f"{', '.join(names)} ({code})"

    def section_title(self, step_or_section: Any) -> str:
        section = getattr(step_or_section, "section", step_or_section)
        return section.title.get(self.language, self.plain)

    def view(self, role: str) -> str:
        return self(f"role.{role}")

    # --- the language's conventions for dates, numbers and money (texts.yaml `format.*`) ---

    def date(self, value: dt.date | str) -> str:
        """A day as the language writes it for people to read: 7.12.2026 in Finnish and in Swedish as
        Finland writes it, 7 December 2026 in English (a day-first 07/12/2026 reads as July in the US)."""
        day = dt.date.fromisoformat(value) if isinstance(value, str) else value
        return self(f"format.date.{day.month}", day=day.day, year=day.year)

    def date_field(self, value: dt.date | str) -> str:
        """A day put in a field to be edited: a form the date parser reads back (7.12.2026, 2026-12-07)."""
        day = dt.date.fromisoformat(value) if isinstance(value, str) else value
        return self("format.date_field", day=day.day, month=day.month, year=day.year)

    def moment(self, value: dt.datetime) -> str:
        """A local date and time of day: 7.12.2026 14.05 in Finnish and Swedish, 7 December 2026 14:05."""
        local = value.astimezone()
        return self("format.moment", date=self.date(local.date()), hour=local.hour, minute=local.minute)

    def number(self, value: float | int, decimals: int | None = None) -> str:
        """A number with the language's decimal mark (1,5 in Finnish and Swedish, 1.5 in English); a
        whole number without decimals unless `decimals` fixes how many."""
        if decimals is not None:
            text = f"{value:.{decimals}f}"
        else:
            text = str(int(value)) if value == int(value) else str(value)
        return text.replace(".", self("format.number_marks")[1])

    def percent(self, value: float) -> str:
        """A share to one decimal: 12,5 % in Finnish and Swedish, 12.5% in English."""
        return self("format.percent", number=self.number(value, 1))

    def euros(self, value: float) -> str:
        """Money with cents, thousands apart: 1 170,00 € in Finnish and Swedish, €1,170.00 in English.
        (Only money is grouped: a number put in a field must read back, and 1,234 would not.)"""
        thousands, decimal = self("format.number_marks")
        amount = f"{value:,.2f}".translate(str.maketrans({",": thousands, ".": decimal}))
        return self("format.euros", amount=amount)

    def value(self, step: Step, value: Any, skipped: bool = False, in_summary: bool = False) -> str:
        """The answer as a person reads it; `in_summary`: as a section summary says it (a choice's summary form)."""
        if skipped or value is None:
            return self("answer.skipped")
        if step.is_confirm:
            return self("summary.confirmed")
        return self.answer(step.question, value, in_summary)

    def answer(self, q: Any, value: Any, in_summary: bool = False) -> str:
        """An answer to the question `q` in words (`q` None: an "add another entry?" step's yes or no)."""
        if q is None or isinstance(q, YesNo):
            return self("answer.yes" if value else "answer.no")
        if isinstance(q, SingleChoice):
            return self._choice(q, value, in_summary)
        if isinstance(q, MultiChoice):
            return ", ".join(self._choice(q, v, in_summary) for v in value) or self("answer.none_chosen")
        if isinstance(q, ScaleQuestion):
            return self.scale_point(q, value)
        if isinstance(q, NumberQuestion):
            number = self.number(value)
            unit = q.unit.get(self.language, self.plain) if q.unit else ""
            return f"{number} {unit}".strip()
        if isinstance(q, DateQuestion):
            return self.date(value)
        return str(value)

    def scale_point(self, q: ScaleQuestion, value: Any) -> str:
        if value == NOT_DISCUSSED:
            return self("answer.not_discussed")
        if value == NOT_APPLICABLE:
            return self("answer.not_applicable")
        point = next(p for p in self.content.scales[q.scale].points if p.value == value)
        return f"{value} – {point.label.get(self.language, self.plain)}"

    def reason(self, reason: Any) -> str:
        """A matching reason (key and parameters) in words; listed ids become their labels."""
        params = {name: self._param(name, value) for name, value in reason.params.items()}
        return self(reason.key, **params)

    def _param(self, name: str, value: Any) -> str:
        if hasattr(value, "key") and hasattr(value, "params"):   # a reason within a reason (check with the employer)
            return self.reason(value)
        if isinstance(value, (list, tuple)):
            return ", ".join(self._param(name, v) for v in value)
        if isinstance(value, float):
            return self.number(value)
        if isinstance(value, str):
            return self._label(name, value)
        return str(value)

    def _label(self, name: str, value: str) -> str:
        """An id from the content in words: an interest area, or a choice of a question that lists it."""
        scoring = self.content.scoring
        if name == "areas" and scoring is not None and value in scoring.interest_profile.areas:
            return scoring.interest_profile.areas[value].name.get(self.language, self.plain)
        for question in LABEL_SOURCES.get(name, ()):
            q = self.content.question_index.get(question)
            if isinstance(q, (SingleChoice, MultiChoice)) and any(c.value == value for c in q.choices):
                return self._choice(q, value)
        return value

    def _choice(self, q: SingleChoice | MultiChoice, value: str, in_summary: bool = False) -> str:
        choice = next(c for c in q.choices if c.value == value)
        text = choice.summary if in_summary and choice.summary is not None else choice.text
        return text.get(self.language, self.plain)
