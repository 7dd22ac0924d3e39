"""Whose voice a question is in, from the words that give it away.

A question the counsellor answers is about the client ("asiakas", "klienten", "the client") and
speaks neither as someone ("minä") nor to someone ("sinä"): the client sits at the same screen, so
"you" would read as the client. A question the client answers speaks to the client and never of
"the client". A question both answer is asked of each in turn, so it is neutral: neither.

Word lists, not grammar: they catch the usual slips (a label copied from the client's plain
variant, "ohjasivat minut"), not every one.
"""

from __future__ import annotations

import re
from typing import Literal

Voice = Literal["first_person", "addressed", "client_spoken_of"]

_WORDS: dict[Voice, dict[str, frozenset[str]]] = {
    "first_person": {
        "fi": frozenset("minä mä minun minua minulla minulle minulta minut minussa minusta minuun mulle "
                        "olen olenko en haluan tarvitsen voin jaksan osaan pystyn teen saan käyn asun tulen "
                        "tulin menen pidän pidin".split()),
        "sv": frozenset("jag mig min mitt mina".split()),
        "en": frozenset("i me my mine myself i'm i've".split()),
    },
    "addressed": {
        "fi": frozenset("sinä sä sinun sinua sinulla sinulle sinulta sinut sinussa sinusta sinuun "
                        "olet et haluat voit jaksat osaat teet tulet annat tarvitset saat pääsit halusit".split()),
        "sv": frozenset("du dig din ditt dina".split()),
        "en": frozenset("you your yours yourself you're you've".split()),
    },
    "client_spoken_of": {
        # The singular only: "asiakkaiden kanssa" (with customers) is a fair question to the client.
        "fi": frozenset("asiakas asiakkaan asiakasta asiakkaalla asiakkaalle asiakkaalta asiakkaassa "
                        "asiakkaasta asiakkaaseen asiakkaana asiakkaaksi".split()),
        "sv": frozenset("klienten klientens".split()),
        "en": frozenset(),  # "the client" is two words: see _PHRASES
    },
}
# Finnish asks "you" with -tko/-tkö (tuletko, pystytkö; not "they": häiritsevätkö); English names
# the client in two words.
_PATTERNS: dict[Voice, dict[str, re.Pattern[str]]] = {
    "addressed": {"fi": re.compile(r"\b\w+(?<!va)(?<!vä)t(?:ko|kö)\b")},
    "client_spoken_of": {"en": re.compile(r"\bthe client(?:'s)?\b")},
}

WRONG_FOR: dict[str, tuple[Voice, ...]] = {
    "counsellor": ("first_person", "addressed"),
    "client": ("client_spoken_of",),
    "both": ("first_person", "addressed", "client_spoken_of"),
}

_WORD = re.compile(r"\w+(?:'\w+)?")
# "Minä päivänä" is "on which day", not "I".
_NOT_A_PRONOUN = {"fi": re.compile(r"\bminä(?= \w+n[aä]\b)")}


def giveaways(text: str, language: str, voice: Voice) -> list[str]:
    """The words of `text` that speak in `voice`, in the order they come."""
    lowered = text.lower()
    if language in _NOT_A_PRONOUN:
        lowered = _NOT_A_PRONOUN[language].sub("", lowered)
    words = _WORDS[voice].get(language, frozenset())
    found = [w for w in _WORD.findall(lowered) if w in words]
    pattern = _PATTERNS.get(voice, {}).get(language)
    if pattern is not None:
        found += pattern.findall(lowered)
    return list(dict.fromkeys(found))


def mismatches(who: str, text: str, language: str) -> dict[Voice, list[str]]:
    """For a question answered by `who`: each voice the text must not speak in, with its words."""
    found = {voice: giveaways(text, language, voice) for voice in WRONG_FOR[who]}
    return {voice: words for voice, words in found.items() if words}
