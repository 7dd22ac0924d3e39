"""Plain mode's start: continue a saved intake (from a short list, or by its id) or begin a new one."""

from __future__ import annotations

from intake.errors import IntakeError
from intake.flows.model import Content
from intake.flows.text import LANGUAGES
from intake.plain.talk import SPOKE, Command, Talk
from intake.session import IntakeSession
from intake.store import DamagedSession
from intake.store_api import SessionStore
from intake.text_safety import NameProblem, check_name, printable

RECENT = 9  # the saved intakes listed, the most recently changed first; any other is opened by its id


def choose_session(talk: Talk, store: SessionStore, content: Content) -> IntakeSession | None:
    """The session to hold: a saved one continued, or a new one; None when the person quits."""
    while True:
        t = talk.t
        saved = [s for s in store.page(limit=RECENT) if not isinstance(s, DamagedSession)]
        store.log_access("list", None)  # the list shows clients' labels
        talk.say()
        talk.say(t("start.sessions_title") if saved else t("plain.start.none_saved"))
        for i, s in enumerate(saved, 1):
            talk.say(printable(f"  {i}) {s.client_label} · {s.counsellor} · {t(f'status.{s.status}')} · "
                               f"{s.answered}/{s.relevant} · {s.id}"))
        reply = talk.ask("plain.start.which")
        if reply is None:
            return None
        if isinstance(reply, Command):
            continue
        picked = reply.strip()
        if not picked:
            return new_session(talk, store, content)
        chosen = saved[int(picked) - 1].id if picked.isdigit() and 1 <= int(picked) <= len(saved) else picked
        try:
            return IntakeSession.resume(store, content, chosen)
        except IntakeError as exc:  # not found, open elsewhere, damaged: each says what to do
            talk.say_stored(exc.message)


def new_session(talk: Talk, store: SessionStore, content: Content) -> IntakeSession | None:
    talk.say()
    talk.say(talk.t("start.new_title"))
    label = ask_name(talk, "client_label", "client label")
    name = ask_name(talk, "counsellor", "counsellor's name") if label is not None else None
    if label is None or name is None:
        return None
    while True:
        t = talk.t
        talk.say(t("start.language"))
        language = talk.choose("plain.prompt", [(code, t(f"language.{code}")) for code in LANGUAGES],
                               offered=str(LANGUAGES.index(t.language) + 1))
        if language is not SPOKE:
            break
    if language is None:
        return None
    while True:
        t = talk.t
        talk.say(t("start.plain"))
        plain = talk.choose("plain.prompt", [(False, t("answer.no")), (True, t("answer.yes"))], offered="1")
        if plain is not SPOKE:
            break
    if plain is None:
        return None
    return IntakeSession.start(store, content, label, name, language, plain)


def ask_name(talk: Talk, field: str, what: str) -> str | None:
    """A client label or counsellor's name, asked until it can be stored (None: the person quits)."""
    typed = ""
    while True:
        reply = talk.ask(f"start.{field}", typed, editable=True)
        if reply is None:
            return None
        if isinstance(reply, Command):
            continue
        try:
            return check_name(reply, what)
        except NameProblem as problem:
            if problem.reason == "missing":  # start.client_label_missing, start.counsellor_missing
                talk.say(talk.t(f"start.{field}_missing"))
            else:  # start.name_too_long, start.name_control
                talk.say(talk.t(f"start.name_{problem.reason}", **problem.params))
            typed = printable(reply)
