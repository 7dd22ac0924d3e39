"""Issue 13 item 3: dates, numbers and money as each language writes them (Texts), and a date put in
a field to edit reads back as the same day."""

from __future__ import annotations

import datetime as dt

import pytest

from intake.flows.display import Texts
from intake.flows.parse import parse_date, parse_number
from tests.test_content import CONTENT

DAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize(("language", "plain", "day", "number", "money", "share"), [
    ("fi", False, "7.12.2026", "1,5", "9,00 €", "12,5 %"),
    ("fi", True, "7.12.2026", "1,5", "9,00 euroa", "12,5 %"),
    ("sv", False, "7.12.2026", "1,5", "9,00 €", "12,5 %"),  # Swedish as written in Finland
    ("en", False, "7 December 2026", "1.5", "€9.00", "12.5%"),
])
def test_each_language_writes_days_numbers_and_money_its_own_way(language, plain, day, number, money, share):
    t = Texts(CONTENT, language, plain)
    assert t.date(DAY) == t.date("2026-12-07") == day
    assert t.number(1.5) == number
    assert t.number(3.0) == "3" and t.number(12) == "12"
    assert t.euros(9) == money
    assert t.euros(1170) == money.replace("9", "1\u00a0170" if language != "en" else "1,170")
    assert t.percent(12.5) == share


def test_english_names_every_month_so_no_day_reads_as_another():
    english = Texts(CONTENT, "en")
    assert [english.date(dt.date(2027, month, 1)) for month in (1, 7, 12)] == [
        "1 January 2027", "1 July 2027", "1 December 2027"]
    assert Texts(CONTENT, "fi").date(dt.date(2027, 7, 1)) == "1.7.2027"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_day_or_a_number_put_in_a_field_reads_back_the_same(language):
    t = Texts(CONTENT, language)
    for day in (DAY, dt.date(2027, 1, 31), dt.date(2026, 2, 28)):
        assert parse_date(t.date_field(day)) == (None, day.isoformat())
    assert parse_number(t.number(1.5)) == (None, 1.5)


def test_a_moment_has_the_language_s_date_and_time_of_day():
    moment = dt.datetime(2026, 12, 7, 9, 5).astimezone()  # local, as the session list shows it
    assert Texts(CONTENT, "fi").moment(moment) == "7.12.2026 9.05"
    assert Texts(CONTENT, "en").moment(moment) == "7 December 2026 09:05"


@pytest.mark.parametrize("language, many", [("fi", "kysymystä"), ("sv", "frågor"), ("en", "questions")])
def test_one_thing_is_said_in_the_singular(language, many):
    t = Texts(CONTENT, language)
    for key in ("progress.total_later", "summary.still_to_come", "plan.still_to_come"):
        assert many not in t(key, count=1) and "1" in t(key, count=1)
        assert many in t(key, count=2)
