"""The interview line by line: each step said (its section, whose turn, the question, the choices,
how to answer), answered by a typed line or a command, and asked again after a bad answer with
the text typed offered to correct."""

from __future__ import annotations

from intake.flows.display import Texts
from intake.flows.engine import Answer, Step
from intake.plain.answers import CORRECT, kind, options, read, typed_form
from intake.plain.commands import IN_INTERVIEW, word
from intake.plain.talk import SPOKE, Command, Talk
from intake.session import IntakeSession, ReviewSession
from intake.text_safety import printable


def hold_interview(talk: Talk, session: IntakeSession | ReviewSession) -> bool:
    """Ask until every relevant step is answered (True), or the person quits (False; every answer
    is saved as it is given)."""
    said: str | None = None       # the step last said in full
    section: str | None = None    # the section last named
    offered, offered_for = "", None  # what to put at the prompt (an earlier answer, or text not taken), and for which step
    first = True
    while (step := session.interview.current()) is not None:
        t = talk.t
        if said != step.key:
            if section != step.section.id:
                section = step.section.id
                say_section(talk, session, step)
            say_step(talk, session, step, first=first)
            said, first = step.key, False
        if offered_for != step.key:  # a new step; said again in new words, it keeps what was typed
            offered, offered_for = typed_form(step, session.interview.answer_for(step.key), t), step.key
        q = step.question
        typed_kind = not options(step, t)
        reply = talk.ask("plain.prompt", offered, IN_INTERVIEW, editable=typed_kind,
                         help_text=q.help.get(t.language, t.plain) if q is not None and q.help else None)
        if reply is None:
            return False
        if isinstance(reply, Command):
            said = None if reply in (SPOKE, Command("back"), Command("skip"), Command("change")) else said
            if reply == SPOKE:
                section = None
                talk.say(talk.t("plain.after_switch", answers=word(talk.t, "answers"), all=word(talk.t, "all")))
            else:
                follow(talk, session, step, reply.name)
            continue
        error, value = read(step, reply, t)
        if error is None and value == CORRECT:
            change(talk, session, step.section.id)
            said = None
            continue
        if error is None:
            error = session.answer(value)
        if error is not None:
            talk.say(t.error(step, error))
            if typed_kind:  # kept to correct; a wrong number is simply typed again
                offered = reply
    return True


def follow(talk: Talk, session: IntakeSession | ReviewSession, step: Step, name: str) -> None:
    """An interview command: back, skip, change an earlier answer, guidance, this section's answers, all
    answers."""
    t = talk.t
    if name == "back":
        if session.interview.can_go_back():
            session.back()
        else:
            talk.say(t("plain.first_step"))
    elif name == "skip":
        error = session.skip()
        if error is not None:
            talk.say(t.error(step, error))
    elif name == "change":
        change(talk, session, None)
    elif name == "guidance":
        q = step.question
        talk.say(q.guidance.get(t.language) if q is not None and q.guidance is not None else t("plain.no_guidance"))
    else:  # answers, all
        say_answers(talk, session, step.section.id if name == "answers" else None)


def say_section(talk: Talk, session: IntakeSession | ReviewSession, step: Step) -> None:
    t = talk.t
    progress = session.interview.progress()
    talk.say()
    talk.say_stored(t("interview.header", flow=session.content.flow.title.get(t.language, t.plain),
                      client=session.record.client_label, answered=progress.answered, relevant=progress.relevant))
    talk.say(f"== {t.section_title(step)} ==")
    intro = step.section.intro
    if intro is not None:
        talk.say(intro.get(t.language, t.plain))


def say_step(talk: Talk, session: IntakeSession | ReviewSession, step: Step, first: bool) -> None:
    t = talk.t
    talk.say()
    if step.is_confirm:
        for line in t.summary(session.interview, step.section):
            talk.say_stored(f"  {line}")
    text = t.question(step)
    if step.group is not None and not step.is_add_another:
        text = f"{t.entry_heading(step)}: {text}"
    talk.say(f"{t(f'interview.turn.{step.view}')}: {text}")
    for option in options(step, t):
        talk.say(f"  {option.key}) {option.label}")
    q = step.question
    hints = [t(f"plain.hint.{kind(step)}")]
    if q is not None and not q.required:
        hints.append(t("plain.hint.optional", skip=word(t, "skip")))
    if q is not None and q.help is not None:
        hints.append(t("plain.hint.help", help=word(t, "help")))
    if q is not None and q.guidance is not None:
        hints.append(t("plain.hint.guidance", guidance=word(t, "guidance")))
    talk.say(" · ".join(hints))
    if first:
        talk.say(t("plain.commands_hint", help=word(t, "help"), back=word(t, "back"), quit=word(t, "quit")))


def say_answers(talk: Talk, session: IntakeSession | ReviewSession, section: str | None) -> None:
    """The conversation so far in the words of now: one section's answers, or all of them."""
    t = talk.t
    shown = [(s, a) for s, a in session.interview.transcript()
             if not s.is_confirm and (section is None or s.section.id == section)]
    if not shown:
        talk.say(t("plain.no_answers"))
    for step, answer in shown:
        talk.say(f"  {answer_line(t, step, answer)}")


def change(talk: Talk, session: IntakeSession | ReviewSession, section: str | None) -> None:
    """Pick an earlier answer (of one section: the summary the client wants to correct) to change."""
    while True:
        t = talk.t
        answered = [(s.key, answer_line(t, s, a)) for s, a in session.interview.transcript()
                    if not s.is_confirm and (section is None or s.section.id == section)]
        talk.say(t("plain.pick_answer"))
        picked = talk.choose("plain.prompt", answered, extra=IN_INTERVIEW)
        if picked == SPOKE:
            continue
        if isinstance(picked, str):
            session.jump(picked)
        return


def answer_line(t: Texts, step: Step, answer: Answer) -> str:
    """A question and its answer on one line, stored text made safe to print."""
    return printable(f"{t.question(step)} — {t.value(step, answer.value, answer.skipped)}")
