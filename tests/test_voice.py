"""The words that give away whose voice a text is in (intake.flows.voice)."""

from __future__ import annotations

import pytest

from intake.flows.voice import giveaways, mismatches


@pytest.mark.parametrize(("text", "language", "voice", "found"), [
    ("Työllisyyspalvelut ohjasivat minut", "fi", "first_person", ["minut"]),
    ("Tulin itse", "fi", "first_person", ["tulin"]),
    ("Minä päivänä palaute annetaan?", "fi", "first_person", []),  # "on which day", not "I"
    ("Tuletko ajoissa? Pyydätkö apua?", "fi", "addressed", ["tuletko", "pyydätkö"]),
    ("Häiritsevätkö äänet asiakasta?", "fi", "addressed", []),  # "do they disturb"
    ("Mikä palvelu sopii asiakkaalle?", "fi", "client_spoken_of", ["asiakkaalle"]),
    ("Haluatko työskennellä asiakkaiden kanssa?", "fi", "client_spoken_of", []),  # customers
    ("Vilken tjänst passar klienten?", "sv", "client_spoken_of", ["klienten"]),
    ("Vad annat intresserar dig?", "sv", "addressed", ["dig"]),
    ("I came on my own", "en", "first_person", ["i", "my"]),
    ("Which service suits the client?", "en", "client_spoken_of", ["the client"]),
    ("Who referred the client's brother?", "en", "client_spoken_of", ["the client's"]),
])
def test_giveaways(text, language, voice, found):
    assert giveaways(text, language, voice) == found


def test_a_counsellor_question_in_the_clients_voice_is_a_mismatch():
    assert mismatches("counsellor", "Kuka ohjasi sinut tänne?", "fi") == {"addressed": ["sinut"]}
    assert mismatches("counsellor", "Kuka ohjasi asiakkaan tänne?", "fi") == {}


def test_a_question_both_answer_may_speak_neither_to_nor_of_the_client():
    assert mismatches("both", "Onko sinulla vaikeuksia?", "fi") == {"addressed": ["sinulla"]}
    assert mismatches("both", "How does the client manage?", "en") == {"client_spoken_of": ["the client"]}
    assert mismatches("both", "Onko terveyden kanssa vaikeuksia?", "fi") == {}
