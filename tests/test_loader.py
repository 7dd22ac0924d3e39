"""Every kind of content mistake is reported with its file and line, all at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake.flows.loader import ContentError, load_content


def edit(path: Path, old: str, new: str) -> int:
    """Replace one exact text in a file; return the 1-based line where the new text starts."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"test setup: {old!r} must occur once in {path.name}"
    start = text.index(old)
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[:start].count("\n") + 1


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_content(root)
    return [str(p) for p in info.value.problems]


def test_default_content_loads(content):
    assert content.flow.id == "intake"
    assert [s.id for s in content.sections] == ["background", "life_situation", "interests", "goals"]
    kinds = {q.type for s in content.sections for q in s.questions}
    kinds |= {sub.type for s in content.sections for q in s.questions if q.type == "repeat" for sub in q.questions}
    assert kinds == {"short_text", "long_text", "single_choice", "multi_choice", "scale", "number", "date",
                     "yes_no", "repeat"}


def test_unknown_key(content_copy):
    f = content_copy / "sections" / "background.yaml"
    line = edit(f, "      max_length: 2000\n", "      max_lenght: 2000\n")
    found = problems(content_copy)
    assert len(found) == 1
    assert found[0].startswith(f"sections/background.yaml:{line}: section.questions[0].max_lenght: unknown key")


def test_wrong_type(content_copy):
    f = content_copy / "sections" / "background.yaml"
    line = edit(f, "      min: 0\n      max: 600\n", "      min: zero\n      max: 600\n")
    found = problems(content_copy)
    assert any(p.startswith(f"sections/background.yaml:{line}: section.questions[2].min:") for p in found), found


def test_unknown_question_type(content_copy):
    f = content_copy / "sections" / "interests.yaml"
    line = edit(f, "      type: single_choice\n", "      type: dropdown\n")
    found = problems(content_copy)
    assert any(p.startswith(f"sections/interests.yaml:{line}: section.questions[2].type:") for p in found), found


def test_bad_scale_reference(content_copy):
    f = content_copy / "sections" / "life_situation.yaml"
    line = edit(f, "    - id: finances\n      type: scale\n      scale: difficulty_0_4\n",
                "    - id: finances\n      type: scale\n      scale: difficulty_1_5\n") + 2
    found = problems(content_copy)
    assert found == [f"sections/life_situation.yaml:{line}: section.questions[1].scale: "
                     "unknown scale 'difficulty_1_5' (defined in scales.yaml: difficulty_0_4, satisfaction_1_4)"]


def test_condition_on_unknown_question(content_copy):
    f = content_copy / "sections" / "background.yaml"
    line = edit(f, "      when: has_worked == true\n", "      when: has_wroked == true\n")
    found = problems(content_copy)
    assert found == [f"sections/background.yaml:{line}: section.questions[4].when: "
                     "the condition refers to 'has_wroked', which is not an earlier question"]


def test_condition_on_later_question(content_copy):
    f = content_copy / "sections" / "background.yaml"
    line = edit(f, "      when: has_worked == true\n", "      when: contact_person == 'x'\n")
    found = problems(content_copy)
    assert len(found) == 1 and found[0].startswith(f"sections/background.yaml:{line}: ")
    assert "'contact_person', which is not an earlier question" in found[0]


def test_condition_into_another_repeat_group_and_views(content_copy):
    f = content_copy / "sections" / "life_situation.yaml"
    line = edit(f, "      when: finances.client >= 2 or finances.counsellor >= 2\n",
                "      when: finances >= 2 or housing.someone == 1\n")
    found = problems(content_copy)
    assert all(p.startswith(f"sections/life_situation.yaml:{line}: section.questions[2].when: ") for p in found)
    assert any("write finances.client or finances.counsellor" in p for p in found)
    assert any("only a question with who: both" in p for p in found)


def test_condition_syntax_error(content_copy):
    f = content_copy / "sections" / "background.yaml"
    line = edit(f, "      when: has_worked == true\n", "      when: has_worked ==\n")
    found = problems(content_copy)
    assert len(found) == 1 and found[0].startswith(f"sections/background.yaml:{line}: section.questions[4].when: ")
    assert "cannot read the condition" in found[0]


def test_duplicate_id(content_copy):
    f = content_copy / "sections" / "interests.yaml"
    line = edit(f, "    - id: preferred_form\n", "    - id: reason\n")
    found = problems(content_copy)
    assert found == [f"sections/interests.yaml:{line}: section.questions[2].id: duplicate question id 'reason'"]


def test_yaml_syntax_error(content_copy):
    f = content_copy / "sections" / "goals.yaml"
    line = edit(f, "      min_entries: 1\n", "      min_entries: [1\n")
    found = problems(content_copy)
    assert len(found) == 1
    file_, at, rest = found[0].split(":", 2)
    assert file_ == "sections/goals.yaml"
    assert int(at) >= line  # the parser notices the open bracket on this line or soon after
    assert rest.startswith(" yaml: ")


def test_duplicate_yaml_key(content_copy):
    f = content_copy / "sections" / "goals.yaml"
    line = edit(f, "      min_entries: 1\n", "      min_entries: 1\n      min_entries: 2\n")
    found = problems(content_copy)
    assert len(found) == 1 and found[0].startswith("sections/goals.yaml:")
    assert int(found[0].split(":")[1]) in (line, line + 1)


def test_all_problems_at_once_across_files(content_copy):
    edit(content_copy / "sections" / "background.yaml", "      max_length: 2000\n", "      max_lenght: 2000\n")
    edit(content_copy / "sections" / "goals.yaml", "      min_entries: 1\n", "      min_entries: many\n")
    edit(content_copy / "texts.yaml", '  answer.yes: {fi: Kyllä, sv: Ja, en: "Yes", plain: {fi: "Kyllä"}}\n',
         "  answer.yes: {fi: Kyllä, sv: Ja}\n")
    found = problems(content_copy)
    files = {p.split(":")[0] for p in found}
    assert files == {"sections/background.yaml", "sections/goals.yaml", "texts.yaml"}


def test_missing_section_file_names_the_flow_line(content_copy):
    line = edit(content_copy / "flow.yaml", "    - sections/goals.yaml\n", "    - sections/goal.yaml\n")
    found = problems(content_copy)
    assert found == [f"flow.yaml:{line}: flow.sections[3]: section file not found: sections/goal.yaml"]


def test_missing_language_is_an_error(content_copy):
    f = content_copy / "sections" / "interests.yaml"
    line = edit(f, "        sv: Vad annat intresserar dig?\n", "")
    found = problems(content_copy)
    assert len(found) == 1
    assert found[0].startswith("sections/interests.yaml:")
    assert "section.questions[1].text.sv: missing key 'sv'" in found[0]
    assert int(found[0].split(":")[1]) == line - 2  # the line of `text:` that lacks it


def test_guidance_without_swedish_is_an_error(content_copy):
    """Issue 13 item 2: the counsellor's guidance (F2) has all three languages, as every other text."""
    f = content_copy / "sections" / "life_situation.yaml"
    line = edit(f, "        sv: Anteckna bara det som behövs. Skuldrådgivningen är avgiftsfri.\n", "")
    assert problems(content_copy) == [f"sections/life_situation.yaml:{line - 2}: section.questions[2].guidance.sv: "
                                      "missing key 'sv': write the Swedish text"]


def test_a_missing_language_is_named_inside_a_scale_question(content_copy):
    """The question's type is not read as its key of the same name (scale: ...) when naming the place."""
    f = content_copy / "sections" / "life_situation.yaml"
    line = edit(f, "        sv: Ekonomi och skulder\n", "")
    assert problems(content_copy) == [f"sections/life_situation.yaml:{line - 2}: section.questions[1].text.sv: "
                                      "missing key 'sv': write the Swedish text"]


def test_a_client_facing_text_without_plain_language_is_an_error(content_copy):
    f = content_copy / "sections" / "life_situation.yaml"
    line = edit(f, '        plain: {fi: "Onko raha-asioissa vaikeuksia?"}\n', "")
    assert problems(content_copy) == [f"sections/life_situation.yaml:{line - 4}: section.questions[1].text.plain: "
                                      "missing key 'plain': write the plain-language Finnish (plain: {fi: ...}): "
                                      "short sentences, common words"]


def test_the_app_texts_need_plain_language_too(content_copy):
    line = edit(content_copy / "texts.yaml", '  answer.yes: {fi: Kyllä, sv: Ja, en: "Yes", plain: {fi: "Kyllä"}}\n',
                '  answer.yes: {fi: Kyllä, sv: Ja, en: "Yes"}\n')
    assert problems(content_copy) == [f"texts.yaml:{line}: texts.answer.yes.plain: missing key 'plain': write the "
                                      "plain-language Finnish (plain: {fi: ...}): short sentences, common words"]


def test_multi_choice_limits_checked(content_copy):
    f = content_copy / "sections" / "interests.yaml"
    edit(f, "      max_selected: 4\n", "      max_selected: 12\n")
    found = problems(content_copy)
    assert len(found) == 1 and "min_selected and max_selected must fit" in found[0]


def test_summary_lines_name_only_earlier_questions(content_copy):
    f = content_copy / "sections" / "goals.yaml"
    text = f.read_text(encoding="utf-8")
    summary = (
        "  summary:\n"
        "    - text: {fi: \"Tavoite {goal}\", sv: \"Mål {goal}\", en: \"Goal {goal}\", plain: {fi: \"{goal}\"}}\n"
        "      each: goals\n"
        "    - text: {fi: \"Kuulin {reasn}\", sv: \"Jag hörde {reason}\", en: \"I heard {reason}\", plain: {fi: \"x\"}}\n"
        "    - text: {fi: \"x\", sv: \"x\", en: \"x\", plain: {fi: \"x\"}}\n"
        "      each: reason\n"
    )
    f.write_text(text.replace("  questions:\n", summary + "  questions:\n", 1), encoding="utf-8")
    start = text[: text.index("  questions:\n")].count("\n") + 1
    found = problems(content_copy)
    assert found == [
        f"sections/goals.yaml:{start + 3}: section.summary[1].text: fi: {{reasn}}: "
        "the condition refers to 'reasn', which is not an earlier question",
        f"sections/goals.yaml:{start + 5}: section.summary[2].each: 'reason' is not an earlier repeat group",
    ]


# -- impossible values, parser wording, limits --------------------------------------------------


def test_an_impossible_date_is_reported_with_every_other_problem(content_copy):
    rules = content_copy / "rules.yaml"
    date_line = edit(rules, "    valid_from: 2001-09-01\n    basis: law\n    source: {fi: \"laki kuntouttavasta työtoiminnasta 189/2001\", sv:",
                     "    valid_from: 2015-02-30\n    basis: law\n    source: {fi: \"laki kuntouttavasta työtoiminnasta 189/2001\", sv:")
    key_line = edit(content_copy / "sections" / "background.yaml", "      max_length: 2000\n",
                    "      max_lenght: 2000\n")
    found = problems(content_copy)
    assert f"rules.yaml:{date_line}: service_types[0].valid_from: 2015-02-30 is not a date: February 2015 has 28 days" \
        in found
    assert any(p.startswith(f"sections/background.yaml:{key_line}: ") for p in found)
    assert len(found) == 2


@pytest.mark.parametrize(("date", "why"), [
    ("2024-02-30", "February 2024 has 29 days"),
    ("2015-04-31", "April 2015 has 30 days"),
    ("2015-13-01", "there is no month 13"),
    ("2015-00-10", "there is no month 0"),
])
def test_an_impossible_date_says_why(content_copy, date, why):
    line = edit(content_copy / "rules.yaml", "    valid_from: 2001-09-01\n    basis: law\n    source: {fi: \"laki kuntouttavasta työtoiminnasta 189/2001\", sv:",
                f"    valid_from: {date}\n    basis: law\n    source: {{fi: \"laki kuntouttavasta työtoiminnasta 189/2001\", sv:")
    assert problems(content_copy) == [f"rules.yaml:{line}: service_types[0].valid_from: {date} is not a date: {why}"]


def test_a_scale_with_a_missing_point_is_refused(content_copy):
    f = content_copy / "scales.yaml"
    text = f.read_text(encoding="utf-8")
    points_line = text[:text.index("    points:\n")].count("\n") + 1
    edit(f, "      - value: 2\n        label: {fi: Kohtalainen vaikeus",
         "      - value: 5\n        label: {fi: Kohtalainen vaikeus")
    assert problems(content_copy) == [
        f"scales.yaml:{points_line}: scales.difficulty_0_4.points: the point values must go up in steps "
        "of one, but there is no point between 1 and 3; add the missing point or renumber the points"]


@pytest.mark.parametrize(("brackets", "message"), [
    (300, "the condition has brackets, lists or 'not' nested too deeply inside one another; write it more simply"),
    (5000, "the condition has {length:,} characters; at most 1,000 are allowed. Write it more simply, or split the "
           "question"),
])
def test_deep_brackets_in_a_condition_are_a_located_problem(content_copy, brackets, message):
    f = content_copy / "sections" / "background.yaml"
    condition = f"{'(' * brackets}has_worked == true{')' * brackets}"
    line = edit(f, "      when: has_worked == true\n", f"      when: \"{condition}\"\n")
    assert problems(content_copy) == [f"sections/background.yaml:{line}: section.questions[4].when: "
                                      + message.format(length=len(condition))]


def test_deeply_nested_yaml_is_a_located_problem(content_copy):
    f = content_copy / "texts.yaml"
    lines = f.read_text(encoding="utf-8").count("\n")
    with f.open("a", encoding="utf-8") as out:
        out.write("  deep.text: " + "[" * 5000 + "]" * 5000 + "\n")
    [problem] = problems(content_copy)
    assert problem.startswith(f"texts.yaml:{lines + 1}: yaml: column ")
    assert problem.endswith(": the values are nested more than 30 deep; check the indentation and the brackets")


def test_a_file_with_too_many_values_stops_early(content_copy, monkeypatch):
    import intake.flows.loader as loader

    monkeypatch.setattr(loader, "MAX_NODES", 100)
    found = problems(content_copy)
    assert not any(p.startswith("flow.yaml:") for p in found)  # it has fewer values
    [texts] = [p for p in found if p.startswith("texts.yaml:")]
    assert ": yaml: column " in texts and texts.endswith(": the file has more than 100 values; split it (a section "
                                                         "per file)")


def test_a_file_too_large_is_refused_before_it_is_parsed(content_copy):
    f = content_copy / "texts.yaml"
    with f.open("a", encoding="utf-8") as out:
        out.write(("# " + "x" * 98 + "\n") * 11_000)  # 1.1 MB of comments
    assert problems(content_copy) == [f"texts.yaml:1: the file has {f.stat().st_size:,} bytes; a content file may "
                                      "have at most 1,048,576. Split it (a section per file)"]


def test_an_alias_is_refused(content_copy):
    f = content_copy / "texts.yaml"
    line = edit(f, '  answer.yes: {fi: Kyllä, sv: Ja, en: "Yes", plain: {fi: "Kyllä"}}\n',
                '  answer.yes: &yes {fi: Kyllä, sv: Ja, en: "Yes", plain: {fi: "Kyllä"}}\n  answer.also: *yes\n')
    [problem] = problems(content_copy)
    assert problem.startswith(f"texts.yaml:{line + 1}: yaml: column 16: an alias ('*yes'): write the value out")


@pytest.mark.parametrize(("old", "new", "shift", "message"), [
    ("      min_entries: 1\n", "      min_entries: [1\n", 0, "the list that starts here with '[' has no closing ']'"),
    ("      min_entries: 1\n", "      min_entries 1\n", 0, "a ':' is missing after the key (a text that goes on to "
                                                         "the next line must be indented more than its key)"),
    ("      min_entries: 1\n", "      min_entries: 'one\n", 0, "the quoted text that starts here has no closing quote"),
    ("      min_entries: 1\n", "      min_entries: 1\n      min_entries: 2\n", 1,
     "the key \"min_entries\" is given twice in the same place"),
    ("      min_entries: 1\n", "      min_entries: a: 1\n", 0, "a ': ' inside a value; put the whole text in quotes"),
    ("      min_entries: 1\n", "\tmin_entries: 1\n", 0, "a tab; indent with spaces"),
    ("      min_entries: 1\n", "      min_entries: @1\n", 0, "'@' cannot start a value; put the text in quotes"),
])
def test_yaml_syntax_errors_are_said_for_a_content_editor(content_copy, old, new, shift, message):
    line = edit(content_copy / "sections" / "goals.yaml", old, new) + shift
    [problem] = problems(content_copy)
    assert problem.startswith(f"sections/goals.yaml:{line}: yaml: column ")
    assert problem.split(": ", 3)[-1] == message


# -- whose voice a question is in (issue 13 item 5) ---------------------------------------------


COUNSELLOR_WANTED = "word it about the client (asiakas, klienten, the client), with no 'I' or 'you'"
BOTH_WANTED = "word it so that either can answer: no 'I', no 'you', no 'the client'"


@pytest.mark.parametrize(("file", "old", "new", "says"), [
    pytest.param("sections/background.yaml", "        fi: Kuka on asiakkaan nimetty omatyöntekijä?\n",
                 "        fi: Kuka on sinun omatyöntekijäsi?\n",
                 "section.questions[5].text.fi: who: counsellor, but the fi text speaks to the client ('sinun'): "
                 + COUNSELLOR_WANTED, id="counsellor question addresses the client"),
    pytest.param("sections/background.yaml", 'plain: {fi: "Asiakas tuli itse"}', 'plain: {fi: "Tulin itse"}',
                 "section.questions[1].choices[6].text.plain.fi: who: counsellor, but the fi text speaks in the first "
                 "person ('tulin'): " + COUNSELLOR_WANTED, id="counsellor choice in the first person"),
    pytest.param("sections/interests.yaml", "        en: What else interests you?\n",
                 "        en: What else interests the client?\n",
                 "section.questions[1].text.en: who: client, but the en text speaks of the client in the third person "
                 "('the client'): word it to the client (sinä, du, you)", id="client question speaks of the client"),
    pytest.param("sections/interests.yaml", 'plain: {fi: "Montako päivää viikossa sopisi?"}',
                 'plain: {fi: "Monenako päivänä tulet?"}',
                 "section.questions[3].text.plain.fi: who: both, but the fi text speaks to the client ('tulet'): "
                 + BOTH_WANTED, id="question both answer addresses the client"),
    # The same labels answer the client's rating and the counsellor's: "En pysty" would be the counsellor's.
    pytest.param("scales.yaml", 'plain: {fi: "Ei onnistu nyt"}}', 'plain: {fi: "En pysty"}}',
                 "scales.difficulty_0_4.points[4].label.plain.fi: the scale 'difficulty_0_4' is rated in questions "
                 "with who: both, but the fi text speaks in the first person ('en'): " + BOTH_WANTED,
                 id="scale both rate in the first person"),
])
def test_a_text_in_the_wrong_voice_is_refused(content_copy, file, old, new, says):
    line = edit(content_copy / file, old, new)
    assert problems(content_copy) == [f"{file}:{line}: {says}"]


def test_a_review_for_an_unknown_service_is_refused_with_its_line(content_copy):
    f = content_copy / "reviews.yaml"
    line = edit(f, "  client_feedback:\n", "  client_feedback:\n    services: [work_activity, job_club]\n") + 1
    found = problems(content_copy)
    assert len(found) == 1, found
    assert found[0].startswith(f"reviews.yaml:{line}: "), found
    assert "unknown service type 'job_club'" in found[0] and "supported_employment" in found[0]


def test_a_job_at_an_employer_is_checked_as_a_placement_and_its_id_unique_across_both(content_copy):
    jobs = content_copy / "employers" / "kouvola.yaml"
    text = jobs.read_text(encoding="utf-8")
    placement = next(line.split(":", 1)[1].strip() for line in
                     (content_copy / "placements" / "kouvola.yaml").read_text(encoding="utf-8").splitlines()
                     if line.strip().startswith("- id:"))
    jobs.write_text(text.replace("id: kouvola_kymen_tukku_warehouse_job", f"id: {placement}")
                    .replace("municipality: Kouvola", "municipality: Atlantis"), encoding="utf-8")
    found = problems(content_copy)
    assert any("employers/kouvola.yaml" in p and f"duplicate placement id '{placement}'" in p for p in found)
    assert any("employers/kouvola.yaml" in p and "unknown municipality 'Atlantis'" in p for p in found)
