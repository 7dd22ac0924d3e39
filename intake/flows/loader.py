"""Load and check a content directory.

Every problem is reported as `file:line: location: message`, all of them at
once: YAML syntax, model errors (unknown keys, wrong types) and the checks
across files (unique ids, scale names, conditions on earlier questions).
"""

from __future__ import annotations

import calendar
import re
from collections import ChainMap
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent

from intake.flows import expr, voice
from intake.flows.derive import DERIVED
from intake.flows.first_plan import NEEDED
from intake.flows.problems import ContentError, Problem
from intake.flows.files import (EMPLOYERS_DIR, FLOW_FILE, MATCHING_FILE, MUNICIPALITIES_FILE, PLACEMENTS_DIR,
                                RULES_FILE, SCALES_FILE, REVIEWS_DIR, REVIEWS_FILE, SCORING_FILE, SUGGESTIONS_FILE, TEXTS_FILE)
from intake.flows.model import (
    CatalogFile,
    Content,
    FlowFile,
    Question,
    RepeatGroup,
    ReviewFlow,
    ReviewsFile,
    ScaleQuestion,
    ScalesFile,
    Section,
    SectionFile,
    SingleChoice,
    MultiChoice,
    PLACEHOLDER,
)
from intake.flows.placements import EmployersFile, MatchingFile, MunicipalitiesFile, Placement, PlacementsFile
from intake.flows.rules import RulesFile
from intake.flows.text import LANGUAGES, Text
from intake.flows.scoring import AREAS, SERVICES_TRIED, ScoringFile, SuggestionsFile, SupportStaircase


# Far above the real content (the largest file has 71 kB and 3,700 values, nested 9 deep), low enough
# that a wrong or hostile file is refused in a moment instead of using minutes and gigabytes.
MAX_FILE_BYTES = 1024 * 1024
MAX_NODES = 50_000
MAX_DEPTH = 30


@dataclass
class _Doc:
    """A parsed YAML file with the line of every node kept for messages."""

    path: Path
    label: str
    data: Any

    def problem(self, loc: tuple[Any, ...], message: str) -> Problem:
        """A problem at the node `loc` reaches, named by file, line and location."""
        return Problem(self.label, self.line(loc), _location(loc, self.data), message)

    def line(self, loc: tuple[Any, ...]) -> int:
        """The 1-based line of the deepest node that `loc` reaches."""
        node, line = self.data, 1
        for part in loc:
            if isinstance(node, dict) and part in node:
                line = node.lc.key(part)[0] + 1
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                line = node.lc.item(part)[0] + 1
                node = node[part]
            # Anything else is a missing key: stay on the parent.
        return line


class _Composer(Composer):
    """Counts the values of a file, so that a huge one stops early, and refuses aliases (*name),
    which would let a small file expand to a huge one. The depth is YAML.max_depth's."""

    def __init__(self, loader: Any = None):
        super().__init__(loader)
        self.nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent):
            raise ComposerError(None, None, f"alias '*{event.anchor}'", event.start_mark)
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ComposerError(None, None, "too many values", event.start_mark)
        return super().compose_node(parent, index)


class _Constructor(RoundTripConstructor):
    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError:
            return node.value  # an impossible date such as 2015-02-30: the model's check names it


_Constructor.add_default_constructor("timestamp")


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.max_depth = MAX_DEPTH
    yaml.Composer = _Composer
    yaml.Constructor = _Constructor
    return yaml


def _read(path: Path, root: Path, problems: list[Problem]) -> _Doc | None:
    label = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(Problem(label, 1, "", f"the file has {size:,} bytes; a content file may have at most "
                                                  f"{MAX_FILE_BYTES:,}. Split it (a section per file)"))
            return None
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(label, 0, "", "file not found"))
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(label, 0, "", f"cannot read the file: {exc}"))
        return None
    try:
        data = _yaml().load(text)
    except MarkedYAMLError as exc:
        line, message = _yaml_mistake(exc)
        problems.append(Problem(label, line, "yaml", message))
        return None
    except YAMLError as exc:
        problems.append(Problem(label, 0, "yaml", str(exc)))
        return None
    return _Doc(path, label, data)


# The parser's words for the common mistakes -> the words for a content editor. `True` when the
# mistake starts where the parser's context began (the key, quote or bracket), not where it noticed.
_YAML_MISTAKES: tuple[tuple[str, bool, str], ...] = (
    ("could not find expected ':'", True, "a ':' is missing after the key (a text that goes on to the next "
                                          "line must be indented more than its key)"),
    ("mapping values are not allowed here", False, "a ': ' inside a value; put the whole text in quotes"),
    ("found character '\\t'", False, "a tab; indent with spaces"),
    ("that cannot start any token", False, "{quoted} cannot start a value; put the text in quotes"),
    ("found unexpected end of stream", True, "the quoted text that starts here has no closing quote"),
    ("expected ',' or ']'", True, "the list that starts here with '[' has no closing ']'"),
    ("expected ',' or '}'", True, "the '{{' here has no closing '}}'"),
    ("but found '<scalar>'", False, "text after a value: put the whole text in quotes, or check the indentation"),
    ("expected <block end>", False, "the indentation does not match the lines above"),
    ("did not find expected", False, "the indentation does not match the lines above"),
    ("found duplicate key", False, "the key {quoted} is given twice in the same place"),
    ("found unknown escape character", False, "{quoted} after a backslash inside double quotes; write \\\\ for a "
                                              "backslash, or use single quotes"),
    ("maximum depth of data structure exceeded", False, "the values are nested more than {max_depth} deep; "
                                                        "check the indentation and the brackets"),
    ("too many values", False, "the file has more than {max_nodes:,} values; split it (a section per file)"),
    ("alias '*", False, "an alias ({quoted}): write the value out; aliases are not used in content files"),
)


def _yaml_mistake(exc: MarkedYAMLError) -> tuple[int, str]:
    """The line and the message for a YAML error, said for a content editor."""
    problem = exc.problem or exc.context or "the YAML cannot be read"
    for words, at_context, message in _YAML_MISTAKES:
        if words in problem:
            mark = (exc.context_mark if at_context else None) or exc.problem_mark or exc.context_mark
            quoted = re.search(r"'[^']*'|\"[^\"]*\"", problem)  # the character, key or alias it names
            text = message.format(quoted=quoted.group(0) if quoted else "", max_depth=MAX_DEPTH, max_nodes=MAX_NODES)
            break
    else:
        mark = exc.problem_mark or exc.context_mark
        text = f"{problem} ({exc.context})" if exc.context and exc.problem else problem
    if mark is None:
        return 0, text
    return mark.line + 1, f"column {mark.column + 1}: {text}"


def _location(loc: tuple[Any, ...], data: Any) -> str:
    """`section.questions[2].max_length` (pydantic's union tags already left out)."""
    out, node = "", data
    for part in loc:
        if isinstance(node, list) and isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if 0 <= part < len(node) else None
        elif isinstance(node, dict) and part in node:
            out += f".{part}" if out else str(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str):  # a missing key
            out += f".{part}" if out else str(part)
            node = None
    return out


def _union_tags(node: dict) -> set[str]:
    kind = node.get("type")
    return {kind} if isinstance(kind, str) else set()


# What to write where a text lacks a language or its plain-language variant.
_MISSING_TEXT = {"fi": ": write the Finnish text", "sv": ": write the Swedish text", "en": ": write the English text",
                 "plain": ": write the plain-language Finnish (plain: {fi: ...}): short sentences, common words"}


def _without_union_tags(loc: tuple[Any, ...], data: Any) -> tuple[Any, ...]:
    """pydantic's location without the question type it adds after a list index (questions[5].scale), which
    would otherwise be read as the question's own key of the same name (scale: like_1_5)."""
    out: list[Any] = []
    node = data
    for part in loc:
        if out and isinstance(out[-1], int) and isinstance(node, dict) and part in _union_tags(node):
            continue
        out.append(part)
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    return tuple(out)


def _validate(doc: _Doc, model: type[BaseModel], problems: list[Problem]) -> BaseModel | None:
    try:
        parsed = model.model_validate(doc.data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = _without_union_tags(tuple(err["loc"]), doc.data)
            message = err["msg"]
            if err["type"] == "extra_forbidden":
                message = "unknown key (check the spelling; see schemas/content.schema.json)"
            elif err["type"] == "union_tag_invalid":
                loc += ("type",)
                message = (f"unknown question type '{err['ctx']['tag']}' "
                           f"(one of: {err['ctx']['expected_tags']})")
            elif err["type"] == "missing":
                message = f"missing key '{loc[-1]}'" if loc else "missing key"
                message += _MISSING_TEXT.get(loc[-1], "") if len(loc) > 1 else ""
            elif err["type"] == "value_error":
                message = message.removeprefix("Value error, ")  # a model's own check: its words as they are
            elif err["type"].startswith("date") and isinstance(err["input"], str):
                message = _not_a_date(err["input"]) or message
            problems.append(doc.problem(loc, message))
        return None
    problems.extend(doc.problem(loc + ("plain",), "missing key 'plain'" + _MISSING_TEXT["plain"])
                    for loc in _without_plain(parsed))
    return parsed


def _without_plain(value: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Where a client-facing text (every Text; the counsellor's are CounsellorText) lacks its plain variant.
    Checked here, not required by the model, so that a placement imported from a spreadsheet may lack it."""
    if isinstance(value, Text):
        if value.plain is None:
            yield loc
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _without_plain(getattr(value, name), loc + (name,))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _without_plain(item, loc + (i,))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _without_plain(item, loc + (key,))


def _not_a_date(text: str) -> str | None:
    """Why a YYYY-MM-DD that YAML read as a date is not one (2015-02-30), or None if that is not the trouble."""
    found = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if not found:
        return None
    year, month, day = (int(part) for part in found.groups())
    if year < 1:
        return f"{text} is not a date: there is no year 0"
    if not 1 <= month <= 12:
        return f"{text} is not a date: there is no month {month}"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{text} is not a date: {calendar.month_name[month]} {year} has {days} days"
    return None


def load_content(root: Path) -> Content:
    """Load a content directory, or raise ContentError listing every problem."""
    root = Path(root)
    problems: list[Problem] = []
    if not root.is_dir():
        raise ContentError([Problem(str(root), 0, "", "content directory not found")])

    flow_doc = _read(root / FLOW_FILE, root, problems)
    flow_file = _validate(flow_doc, FlowFile, problems) if flow_doc else None

    section_docs: list[tuple[_Doc, Section]] = []
    if isinstance(flow_file, FlowFile):
        for i, name in enumerate(flow_file.flow.sections):
            if not (root / name).is_file():
                problems.append(flow_doc.problem(("flow", "sections", i), f"section file not found: {name}"))
                continue
            doc = _read(root / name, root, problems)
            parsed = _validate(doc, SectionFile, problems) if doc else None
            if isinstance(parsed, SectionFile):
                section_docs.append((doc, parsed.section))

    scales_doc = _read(root / SCALES_FILE, root, problems)
    scales = _validate(scales_doc, ScalesFile, problems) if scales_doc else None
    texts_doc = _read(root / TEXTS_FILE, root, problems)
    texts = _validate(texts_doc, CatalogFile, problems) if texts_doc else None
    rules_doc = _read(root / RULES_FILE, root, problems)
    rules = _validate(rules_doc, RulesFile, problems) if rules_doc else None
    placements, employers = _load_catalogues(root, problems)
    scoring_doc = _read(root / SCORING_FILE, root, problems) if (root / SCORING_FILE).exists() else None
    scoring = _validate(scoring_doc, ScoringFile, problems) if scoring_doc else None
    suggestions_doc = _read(root / SUGGESTIONS_FILE, root, problems) if (root / SUGGESTIONS_FILE).exists() else None
    suggestions = _validate(suggestions_doc, SuggestionsFile, problems) if suggestions_doc else None
    matching_doc = _read(root / MATCHING_FILE, root, problems) if (root / MATCHING_FILE).exists() else None
    matching = _validate(matching_doc, MatchingFile, problems) if matching_doc else None
    if matching and (root / MUNICIPALITIES_FILE).exists():
        matching = _with_municipalities(matching_doc, matching, root, problems)
    if matching:
        problems.extend(_check_matching(matching_doc, matching, placements + employers))

    if flow_file and scales and len(section_docs) == len(flow_file.flow.sections):
        questions = _cross_check(section_docs, scales, problems)
        problems.extend(_check_sensitive(section_docs))
        problems.extend(_check_voice(section_docs))
        problems.extend(_check_later(section_docs))
        if scoring:
            problems.extend(_check_scoring(scoring_doc, scoring, questions))
        if suggestions:
            for i, suggestion in enumerate(suggestions.suggestions):
                loc = ("suggestions", i, "when")
                for message in _check_condition(suggestion.when, questions, None):
                    problems.append(suggestions_doc.problem(loc, message))
                if suggestion.tried_as is not None and suggestion.tried_as not in _choice_values(
                        questions.get(SERVICES_TRIED)):
                    problems.append(suggestions_doc.problem(("suggestions", i, "tried_as"), (
                        f"'{suggestion.tried_as}' is not a choice of the question '{SERVICES_TRIED}'")))
    reviews: dict[str, ReviewFlow] = {}
    if (root / REVIEWS_FILE).exists() and flow_file and scales and len(section_docs) == len(flow_file.flow.sections):
        services = {s.id for s in rules.service_types} if rules else None
        reviews = _load_reviews(root, flow_file.flow.sections, scales, questions, problems, services)
    if scales and flow_file and len(section_docs) == len(flow_file.flow.sections):
        rated = [s for _, s in section_docs] + [s for review in reviews.values() for s in review.sections]
        problems.extend(_check_scale_voice(scales_doc, scales, rated))
    if rules:
        problems.extend(_check_rules(rules_doc, rules))
    if problems:
        raise ContentError(list(dict.fromkeys(problems)))  # a section file the reviews share is told of once
    return Content(
        flow=flow_file.flow,
        sections=[s for _, s in section_docs],
        scales=scales.scales,
        texts=texts.texts,
        rules=rules,
        placements=[p for _, _, p in placements],
        employers=[p for _, _, p in employers],
        scoring=scoring,
        suggestions=suggestions.suggestions if suggestions else [],
        matching=matching,
        reviews=reviews,
    )


def _load_reviews(root: Path, intake_sections: list[str], scales: ScalesFile,
                  intake: dict[str, tuple[Question, RepeatGroup | None]], problems: list[Problem],
                  services: set[str] | None) -> dict[str, ReviewFlow]:
    """The reviews held after the intake, each checked like the intake with the intake's answers in
    view: a review's conditions may name the intake's questions, and its for_each the intake's groups."""
    doc = _read(root / REVIEWS_FILE, root, problems)
    parsed = _validate(doc, ReviewsFile, problems) if doc else None
    if not isinstance(parsed, ReviewsFile):
        return {}
    reviews = {}
    for kind, review in parsed.reviews.items():
        for i, service in enumerate(review.services):
            if services is not None and service not in services:
                problems.append(doc.problem(("reviews", kind, "services", i), (
                    f"unknown service type '{service}' (defined in rules.yaml: {', '.join(sorted(services))})")))
        section_docs = []
        for i, name in enumerate(review.sections):
            loc = ("reviews", kind, "sections", i)
            # Only files the content cache hashes: the reviews folder and the intake's own sections.
            if not (name.startswith(f"{REVIEWS_DIR}/") or name in intake_sections):
                problems.append(doc.problem(loc, f"a review's section file must be in {REVIEWS_DIR}/ or be one of "
                                                 f"the intake's sections: {name}"))
                continue
            if not (root / name).is_file():
                problems.append(doc.problem(loc, f"section file not found: {name}"))
                continue
            section_doc = _read(root / name, root, problems)
            section = _validate(section_doc, SectionFile, problems) if section_doc else None
            if isinstance(section, SectionFile):
                section_docs.append((section_doc, section.section))
        if len(section_docs) != len(review.sections):
            continue
        _cross_check(section_docs, scales, problems, intake)
        problems.extend(_check_sensitive(section_docs))
        problems.extend(_check_voice(section_docs))
        reviews[kind] = ReviewFlow(id=kind, title=review.title, sections=[s for _, s in section_docs],
                                   interval_months=review.interval_months, grace_days=review.grace_days,
                                   ends_period=review.ends_period, services=review.services, stage=review.stage,
                                   client_copy=review.client_copy)
    return reviews


def _with_municipalities(doc: _Doc, matching: MatchingFile, root: Path, problems: list[Problem]
                         ) -> MatchingFile | None:
    """The matching settings with the municipalities of municipalities.yaml (ids unique)."""
    if matching.municipalities:
        problems.append(doc.problem(("municipalities",), f"municipalities are listed in {MUNICIPALITIES_FILE}"))
        return None
    mdoc = _read(root / MUNICIPALITIES_FILE, root, problems)
    parsed = _validate(mdoc, MunicipalitiesFile, problems) if mdoc else None
    if not isinstance(parsed, MunicipalitiesFile):
        return None
    seen: set[str] = set()
    for i, m in enumerate(parsed.municipalities):
        if m.id in seen:
            problems.append(mdoc.problem(("municipalities", i, "id"), f"duplicate id '{m.id}'"))
        seen.add(m.id)
    return matching.model_copy(update={"municipalities": parsed.municipalities})


def _check_matching(doc: _Doc, matching: MatchingFile, placements: _Found) -> list[Problem]:
    """Journeys name known municipalities, and every placement is in one of them."""
    ids = {m.id for m in matching.municipalities}
    names = {m.name.casefold() for m in matching.municipalities}
    problems = []
    for i, journey in enumerate(matching.travel.between):
        for j, end in enumerate(journey.between):
            if end not in ids:
                loc = ("travel", "between", i, "between", j)
                problems.append(doc.problem(loc, f"unknown municipality '{end}' (listed: {', '.join(sorted(ids))})"))
    for pdoc, at, placement in placements:
        if placement.municipality.casefold() not in names:
            loc = (*at, "municipality")
            problems.append(pdoc.problem(loc, f"unknown municipality '{placement.municipality}': add it to {MUNICIPALITIES_FILE}"))
    return problems


def _check_scoring(doc: _Doc, scoring: ScoringFile, questions: dict[str, tuple[Question, RepeatGroup | None]]
                   ) -> list[Problem]:
    """Every inventory item is a client's scale question on the inventory's scale, outside repeat groups."""
    spec = scoring.interest_profile
    problems = []
    missing_areas = [a for a in AREAS if a not in spec.areas]
    if missing_areas:
        loc = ("interest_profile", "areas")
        problems.append(doc.problem(loc, f"missing areas: {', '.join(missing_areas)}"))
    for area, spec_area in spec.areas.items():
        for j, item in enumerate(spec_area.items):
            q, group = questions.get(item, (None, None))
            if not (isinstance(q, ScaleQuestion) and q.scale == spec.scale and q.who == "client" and group is None):
                loc = ("interest_profile", "areas", area, "items", j)
                problems.append(doc.problem(loc, f"'{item}' must be a client's scale question on '{spec.scale}'"))
    if scoring.support_staircase is not None:
        problems.extend(_check_staircase(doc, scoring.support_staircase, questions))
    return problems


def _check_staircase(doc: _Doc, staircase: SupportStaircase, questions: dict[str, tuple[Question, RepeatGroup | None]]
                     ) -> list[Problem]:
    """The staircase is a single choice outside repeat groups, each of whose choices has exactly one
    named level: a choice without a level would give no support level, silently."""
    q, group = questions.get(staircase.question, (None, None))
    if not isinstance(q, SingleChoice) or group is not None:
        return [doc.problem(("support_staircase", "question"),
                            f"'{staircase.question}' must be a single-choice question outside repeat groups")]
    problems = []
    values = [c.value for c in q.choices]
    missing = [v for v in values if v not in staircase.choices]
    if missing:
        problems.append(doc.problem(("support_staircase", "choices"),
                                    f"no support level for the choices of '{q.id}': {', '.join(missing)}"))
    for value, level in staircase.choices.items():
        if value not in values:
            problems.append(doc.problem(("support_staircase", "choices", value),
                                        f"'{value}' is not a choice of '{q.id}' (its choices: {', '.join(values)})"))
        elif level not in staircase.levels:
            problems.append(doc.problem(("support_staircase", "choices", value),
                                        f"the level '{level}' has no name under support_staircase.levels"))
    return problems


_Found = list[tuple[_Doc, tuple[str, int], Placement]]   # each with where it is in its file


def _load_catalogues(root: Path, problems: list[Problem]) -> tuple[_Found, _Found]:
    """Every placement in content/placements/*.yaml and every job in content/employers/*.yaml, with ids
    unique across all of them (matching ranks both in one catalogue)."""
    seen: set[str] = set()
    return (_load_placements(root, PLACEMENTS_DIR, PlacementsFile, problems, seen),
            _load_placements(root, EMPLOYERS_DIR, EmployersFile, problems, seen))


def _load_placements(root: Path, folder: str, model: type[PlacementsFile | EmployersFile], problems: list[Problem],
                     seen: set[str]) -> _Found:
    """Every placement in the folder's *.yaml files, none with an id in `seen` (which then holds theirs)."""
    key = next(iter(model.model_fields))   # placements or employers
    found: _Found = []
    for path in sorted((root / folder).glob("*.yaml")):
        doc = _read(path, root, problems)
        parsed = _validate(doc, model, problems) if doc else None
        if not isinstance(parsed, model):
            continue
        for i, placement in enumerate(getattr(parsed, key)):
            if placement.id in seen:
                problems.append(doc.problem((key, i, "id"), f"duplicate placement id '{placement.id}'"))
            seen.add(placement.id)
            found.append((doc, (key, i), placement))
    return found


def _check_rules(doc: _Doc, rules: RulesFile) -> list[Problem]:
    """Every service type named by a rule or plan type is defined."""
    known = {s.id for s in rules.service_types}
    problems = []
    for list_name in ("plan_types", "rules"):
        for i, item in enumerate(getattr(rules, list_name)):
            for j, service in enumerate(item.services):
                if service not in known:
                    loc = (list_name, i, "services", j)
                    problems.append(doc.problem(loc, f"unknown service type '{service}' (defined: {', '.join(sorted(known))})"))
    return problems


def _questions(section: Section) -> Iterator[tuple[tuple, Question, RepeatGroup | None]]:
    """Every question of a section in the order asked, with its YAML location and enclosing group."""
    for i, q in enumerate(section.questions):
        loc = ("section", "questions", i)
        yield loc, q, None
        if isinstance(q, RepeatGroup):
            for j, sub in enumerate(q.questions):
                yield loc + ("questions", j), sub, q


def _cross_check(section_docs: list[tuple[_Doc, Section]], scales: ScalesFile, problems: list[Problem],
                 intake: dict[str, tuple[Question, RepeatGroup | None]] | None = None
                 ) -> dict[str, tuple[Question, RepeatGroup | None]]:
    """Checks across the section files; returns every question by id with its repeat group. For a
    review, `intake` holds the intake's questions, which its conditions may also name."""
    seen: dict[str, tuple[Question, RepeatGroup | None]] = {}
    in_view = ChainMap(seen, intake or {})
    section_ids: set[str] = set()
    for doc, section in section_docs:
        if section.id in section_ids:
            problems.append(doc.problem(("section", "id"), f"duplicate section id '{section.id}'"))
        section_ids.add(section.id)
        for loc, q, group in _questions(section):
            if q.id in seen:
                problems.append(doc.problem(loc + ("id",), f"duplicate question id '{q.id}'"))
            if isinstance(q, ScaleQuestion) and q.scale not in scales.scales:
                known = ", ".join(sorted(scales.scales)) or "none"
                problems.append(doc.problem(loc + ("scale",),
                                            f"unknown scale '{q.scale}' (defined in scales.yaml: {known})"))
            if isinstance(q, (SingleChoice, MultiChoice)):
                values = [c.value for c in q.choices]
                for dup in sorted({v for v in values if values.count(v) > 1}):
                    problems.append(doc.problem(loc + ("choices",), f"duplicate choice value '{dup}'"))
            if q.when is not None:
                problems.extend(doc.problem(loc + ("when",), m) for m in _check_condition(q.when, in_view, group))
            if isinstance(q, RepeatGroup):
                problems.extend(doc.problem(loc, m) for m in _check_for_each(q, intake))
            seen[q.id] = (q, group)
        problems.extend(_check_summary(doc, section, in_view, seen))
    return seen


def _check_for_each(group: RepeatGroup, intake: dict[str, tuple[Question, RepeatGroup | None]] | None) -> list[str]:
    if group.for_each is None:
        return []
    if intake is None:
        return [f"for_each: only a review's group can follow an intake group ('{group.id}')"]
    target = intake.get(group.for_each, (None, None))[0]
    if not isinstance(target, RepeatGroup):
        return [f"for_each: '{group.for_each}' is not a repeat group of the intake"]
    if group.title_from is not None and group.title_from not in {q.id for q in target.questions}:
        return [f"title_from: '{group.title_from}' is not a question of the intake's group '{group.for_each}'"]
    return []


def _check_sensitive(section_docs: list[tuple[_Doc, Section]]) -> list[Problem]:
    """A question in a sensitive domain must say so (the placement export and its leak test rely on the flag):
    one asked because of a sensitive answer (its notes, its follow-ups) holds that answer's kinds, and every
    rating on a scale used for a sensitive rating is an assessment of the same sort."""
    problems = []
    kinds: dict[str, set[str]] = {}
    on_sensitive_scale: dict[str, str] = {}
    for _, section in section_docs:
        for _, q, _ in _questions(section):
            kinds[q.id] = set(q.sensitive)
            if isinstance(q, ScaleQuestion) and q.sensitive:
                on_sensitive_scale.setdefault(q.scale, q.id)
    for doc, section in section_docs:
        for loc, q, _ in _questions(section):
            for ref in _refs(q.when):
                missing = kinds.get(ref.name, set()) - set(q.sensitive)
                if missing:
                    problems.append(doc.problem(loc + ("id",), (
                        f"'{q.id}' is asked because of the sensitive answer '{ref.name}', so it is sensitive too: "
                        f"add {', '.join(sorted(missing))} to its sensitive: list")))
            if isinstance(q, ScaleQuestion) and not q.sensitive and q.scale in on_sensitive_scale:
                problems.append(doc.problem(loc + ("id",), (
                    f"'{q.id}' rates on the scale '{q.scale}' like the sensitive '{on_sensitive_scale[q.scale]}': "
                    "say which kinds of sensitive information it holds with sensitive: [...]")))
    return problems


_VOICE_SAYS = {"first_person": "speaks in the first person", "addressed": "speaks to the client",
               "client_spoken_of": "speaks of the client in the third person"}
_VOICE_WANTED = {"counsellor": "word it about the client (asiakas, klienten, the client), with no 'I' or 'you'",
                 "client": "word it to the client (sinä, du, you)",
                 "both": "word it so that either can answer: no 'I', no 'you', no 'the client'"}


def _check_voice(section_docs: list[tuple[_Doc, Section]]) -> list[Problem]:
    """Every question and choice is worded for who answers it (see intake.flows.voice), plain variants too."""
    problems = []
    for doc, section in section_docs:
        for loc, q, _ in _questions(section):
            problems += _voice_problems(doc, loc + ("text",), q.text, q.who)
            for i, c in enumerate(getattr(q, "choices", [])):
                problems += _voice_problems(doc, loc + ("choices", i, "text"), c.text, q.who)
    return problems


def _check_scale_voice(doc: _Doc, scales: ScalesFile, sections: list[Section]) -> list[Problem]:
    """A scale's labels are worded for everyone who rates on it: "En pitäisi lainkaan" suits the client's
    ratings only, "Ei vaikeutta" the client's and the counsellor's alike."""
    raters: dict[str, set[str]] = {}
    for section in sections:
        for _, q, _ in _questions(section):
            if isinstance(q, ScaleQuestion):
                raters.setdefault(q.scale, set()).add(q.who)
    problems = []
    for name, scale in scales.scales.items():
        for i, point in enumerate(scale.points):
            for who in sorted(raters.get(name, ())):
                loc = ("scales", name, "points", i)
                problems += _voice_problems(doc, loc + ("label",), point.label, who, name)
                if point.description is not None:
                    problems += _voice_problems(doc, loc + ("description",), point.description, who, name)
    return problems


def _voice_problems(doc: _Doc, loc: tuple, text: Text, who: str, scale: str | None = None) -> list[Problem]:
    whose = f"the scale '{scale}' is rated in questions with who: {who}" if scale else f"who: {who}"
    return [doc.problem(variant, f"{whose}, but the {language} text {_VOICE_SAYS[wrong]} "
                                 f"({', '.join(repr(w) for w in found)}): {_VOICE_WANTED[who]}")
            for variant, language, words in _variants(loc, text)
            for wrong, found in voice.mismatches(who, words, language).items()]


def _variants(loc: tuple, text: Text) -> Iterator[tuple[tuple, str, str]]:
    """A text's every wording with its location and language: the three languages, then the plain ones."""
    for language in LANGUAGES:
        yield loc + (language,), language, text.get(language)
        plain = getattr(text.plain, language) if text.plain else None
        if plain:
            yield loc + ("plain", language), language, plain


def _check_later(section_docs: list[tuple[_Doc, Section]]) -> list[Problem]:
    """What a first plan needs cannot wait for the next meeting (first_plan.NEEDED says why), nor can
    it be asked only because of an answer that waits."""
    problems = []
    earlier: dict[str, tuple[Question, RepeatGroup | None]] = {}
    for doc, section in section_docs:
        for loc, q, group in _questions(section):
            earlier[q.id] = (q, group)
            needed = NEEDED.get(q.id) or (NEEDED.get(group.id) if group is not None else None)
            if not needed:
                continue
            if q.later:
                problems.append(doc.problem(loc + ("later",), (
                    f"'{q.id}' cannot wait for a later meeting: a first plan needs it ({needed}); remove later:")))
            if q.later or (group is not None and group.later):
                continue  # told above (for a group's question, at its group)
            for ref in _refs(q.when):
                target, target_group = earlier.get(ref.name, (None, None))
                # `view or ""`: a reference without a view waits only when the whole answer does
                if target is not None and (target.waits(ref.view or "") or bool(target_group and target_group.later)):
                    problems.append(doc.problem(loc + ("when",), (
                        f"'{q.id}' is needed for a first plan ({needed}) but is asked only after '{ref.name}', "
                        f"which waits for a later meeting; remove later: from '{ref.name}'")))
    return problems


def _choice_values(entry: tuple[Question, RepeatGroup | None] | None) -> set[str]:
    question = entry[0] if entry else None
    return {c.value for c in question.choices} if isinstance(question, MultiChoice) else set()


def _refs(condition: str | None) -> list[expr.Ref]:
    try:
        return expr.refs(expr.parse(condition)) if condition else []
    except expr.ConditionError:
        return []  # _cross_check reports it


def _check_summary(doc: _Doc, section: Section, earlier: Mapping[str, tuple[Question, RepeatGroup | None]],
                   own: Mapping[str, tuple[Question, RepeatGroup | None]]) -> list[Problem]:
    """Summary lines may name only questions asked up to the end of their section (in a review, the
    intake's too: `own` are the review's) and what is derived from the answers
    (intake.flows.derive.DERIVED); a line said for each entry goes through a group of its own flow."""
    problems = []
    for i, line in enumerate(section.summary):
        loc = ("section", "summary", i)
        group = None
        if line.each is not None:
            target = own.get(line.each, (None, None))[0]
            if not isinstance(target, RepeatGroup):
                whose = " of this review" if line.each in earlier and line.each not in own else ""
                problems.append(doc.problem(loc + ("each",), f"'{line.each}' is not an earlier repeat group{whose}"))
                continue
            group = target
        for lang in ("fi", "sv", "en"):
            for name, view in PLACEHOLDER.findall(getattr(line.text, lang)):
                if name in DERIVED and not view:
                    continue
                ref = f"{name}.{view}" if view else name
                problems.extend(doc.problem(loc + ("text",), f"{lang}: {{{ref}}}: {m}")
                                for m in _check_condition(f"answered({ref})", earlier, group))
        if line.when is not None:
            problems.extend(doc.problem(loc + ("when",), m) for m in _check_condition(line.when, earlier, group))
    return problems


def _check_condition(source: str, earlier: dict[str, tuple[Question, RepeatGroup | None]],
                     group: RepeatGroup | None) -> list[str]:
    try:
        tree = expr.parse(source)
    except expr.ConditionError as exc:
        return [str(exc)]
    messages = []
    for ref in expr.refs(tree):
        if ref.name not in earlier:
            messages.append(f"the condition refers to '{ref.name}', which is not an earlier question")
            continue
        target, target_group = earlier[ref.name]
        if target_group is not None and target_group is not group:
            messages.append(f"'{ref.name}' is inside the repeat group '{target_group.id}'; "
                            f"refer to the group with count({target_group.id}) or answered({target_group.id})")
        if ref.view is not None and (target.who != "both" or ref.view not in ("client", "counsellor")):
            messages.append(f"'{ref.name}.{ref.view}': only a question with who: both has .client and .counsellor")
        if ref.view is None and target.who == "both":
            messages.append(f"'{ref.name}' is answered by both; write {ref.name}.client or {ref.name}.counsellor")
    return messages


def read_checked(path: Path, root: Path, model: type[BaseModel], problems: list[Problem]
                 ) -> tuple[_Doc, BaseModel] | None:
    """A content file that load_content does not read (fidelity.yaml), read and validated as `model`
    with its problems named by file and line like the rest; None when it has problems."""
    doc = _read(path, root, problems)
    parsed = _validate(doc, model, problems) if doc else None
    return (doc, parsed) if parsed is not None else None
