"""A county's own placement list as a CSV file: read, map to the Placement model, validate.

One row per placement, flat columns for the nested model (`lifting` is demands.lifting,
`tasks_sv` is tasks.sv, `contact_email` is contact.email). List cells are separated by `;`
(`2;3;4`, `fi;sv`), yes/no cells accept yes/no, true/false and kyllä/ei. The file is UTF-8
(with or without the BOM Excel writes) and comma- or semicolon-delimited (Finnish Excel
writes `;`); the delimiter is worked out from the header row.

Every problem is reported at once as `FILE:ROW: column: message`, with rows numbered as a
spreadsheet shows them (the header is row 1). Nothing here writes anything: the store does.

The same columns serve the employer catalogue (`intake employers import`: jobs at employers on the
open labour market, for supported employment). Each catalogue is kept apart in the store (Kind).

Refused, besides what the Placement model refuses: rows whose host is a company where the
catalogue's service does not allow companies (the placements: the law does not allow it, see the
allowed_hosts rules in content/rules.yaml), ids the other catalogue holds, cells a spreadsheet would run
as a formula when the list is opened again, and control characters. The file is read row by
row and each good row can be handed on at once (`sink`: the store writes it), so memory stays
bounded whatever is given; the size and the rows are limited too, so that a wrong file is
refused before it takes long.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Literal

from pydantic import ValidationError

from intake.errors import IntakeError
from intake.flows.matching import paused_gc
from intake.flows.parse import parse_date
from intake.flows.placements import Placement
from intake.store_api import SessionStore
from intake.flows.rules import AllowedHosts, Rules, RulesFile
from intake.flows.services import REHABILITATIVE_WORK_ACTIVITY, SUPPORTED_EMPLOYMENT
from intake.placement_catalogue_base import PlacementsImport

ColumnKind = Literal["text", "list", "bool", "numbers", "dates"]

# column -> (path in the Placement model, kind). The order is the template's.
COLUMNS: dict[str, tuple[tuple[str, ...], ColumnKind]] = {
    "id": (("id",), "text"),
    "name": (("name",), "text"),
    "host": (("host",), "text"),
    "host_type": (("host_type",), "text"),
    "legal_form": (("legal_form",), "text"),
    "municipality": (("municipality",), "text"),
    "address": (("address",), "text"),
    "form": (("form",), "text"),
    "tasks_fi": (("tasks", "fi"), "text"),
    "tasks_sv": (("tasks", "sv"), "text"),
    "tasks_en": (("tasks", "en"), "text"),
    "tasks_plain_fi": (("tasks", "plain", "fi"), "text"),
    "interest_code": (("interest_code",), "text"),
    "skills": (("skills",), "list"),
    "works_with": (("works_with",), "list"),
    "setting": (("setting",), "text"),
    "lifting": (("demands", "lifting"), "text"),
    "standing": (("demands", "standing"), "text"),
    "sitting": (("demands", "sitting"), "text"),
    "noise": (("demands", "noise"), "text"),
    "crowds": (("demands", "crowds"), "text"),
    "social": (("demands", "social"), "text"),
    "work_coach": (("support", "work_coach"), "bool"),
    "guidance_languages": (("support", "guidance_languages"), "list"),
    "adapted_tasks": (("support", "adapted_tasks"), "bool"),
    "orientation": (("orientation",), "list"),
    "step_free": (("accessibility", "step_free"), "bool"),
    "accessible_toilet": (("accessibility", "accessible_toilet"), "bool"),
    "public_transport": (("public_transport",), "bool"),
    "days_per_week": (("schedule", "days_per_week"), "numbers"),
    "hours_per_day": (("schedule", "hours_per_day"), "numbers"),
    "times": (("schedule", "times"), "list"),
    "start_dates": (("start_dates",), "dates"),
    "min_age": (("ages", "min"), "text"),
    "max_age": (("ages", "max"), "text"),
    "open_places": (("open_places",), "text"),
    "contact_name": (("contact", "name"), "text"),
    "contact_phone": (("contact", "phone"), "text"),
    "contact_email": (("contact", "email"), "text"),
}
# Columns that may be left out of the file altogether (their fields have defaults).
OPTIONAL_COLUMNS = frozenset({"address", "tasks_plain_fi", "skills", "adapted_tasks", "accessible_toilet",
                              "start_dates", "min_age", "max_age", "contact_phone", "contact_email"})
BY_PATH = {path: column for column, (path, _) in COLUMNS.items()}
NESTED = ("demands", "support", "accessibility", "schedule", "contact", "tasks")

YES = frozenset({"yes", "true", "kyllä", "kylla", "ja", "1"})
NO = frozenset({"no", "false", "ei", "nej", "0"})
BOOL_HINT = "yes or no (also true/false, kyllä/ei)"
DATE_HINT = "should be a date such as 11.1.2027 or 2027-01-11"
_DECIMAL_COMMA = re.compile(r"^\s*\d+,\d+\s*$")

# A county's list has hundreds to some tens of thousands of placements (a row is about 1 kB).
MAX_ROWS = 200_000
MAX_BYTES = 400 * 1024 * 1024
PROGRESS_ROWS = 1000   # how often the progress is told


@dataclass(frozen=True)
class Kind:
    """A catalogue a list is imported into: its name in the store and in the content (placements or
    employers), and the service whose allowed_hosts rule decides whether a company may be in it."""

    name: Literal["placements", "employers"]
    service: str
    what: str        # one entry, as messages name it

    @property
    def other(self) -> Kind:
        return EMPLOYERS if self is PLACEMENTS else PLACEMENTS


PLACEMENTS = Kind("placements", REHABILITATIVE_WORK_ACTIVITY, "placement")
EMPLOYERS = Kind("employers", SUPPORTED_EMPLOYMENT, "job")
# Finnish and Swedish company forms, written out or abbreviated (Oy, Ab…), as whole words only.
_COMPANY_FORMS = (r"osakeyhtiö|kommandiittiyhtiö|avoin yhtiö|toiminimi|aktiebolag|kommanditbolag|öppet bolag"
                  r"|oyj?|abp?|ky|ay|tmi")
_COMPANY_FORM = re.compile(rf"(?<!\w)(?:{_COMPANY_FORMS})(?!\w)", re.IGNORECASE)
# In a name the abbreviation comes first or last: "Kouvolan Kauppa Oy", "Oy Yritys Ab", "Tmi Virtanen".
_COMPANY_NAME = re.compile(rf"^(?:{_COMPANY_FORMS})\.?(?!\w)|(?<!\w)(?:{_COMPANY_FORMS})\.?$", re.IGNORECASE)

# A cell starting with one of these is run as a formula when the list is opened in a spreadsheet
# (CSV injection); numbers and phone numbers such as -1 or +358 40 123 4567 cannot do harm.
_FORMULA_START = ("=", "+", "-", "@")
_HARMLESS = re.compile(r"^[+-][\d\s().,;+-]*$")
_MAY_START_A_FORMULA = re.compile(r"^\s*[=+@-]", re.MULTILINE)   # in the cells joined by line breaks
# C0 (tab and line breaks too), DEL and C1; a line break is allowed in the task descriptions only.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MULTILINE = frozenset({"tasks_fi", "tasks_sv", "tasks_en", "tasks_plain_fi"})


class PlacementsImportProblem(IntakeError):
    title = "The placement list cannot be imported"


@dataclass(frozen=True)
class RowProblem:
    row: int               # as a spreadsheet shows it: the header is row 1
    column: str            # the CSV column, or "columns" for the header
    message: str

    def format(self, file: str) -> str:
        return f"{file}:{self.row}: {self.column}: {self.message}"


@dataclass
class CsvPlacements:
    """What a CSV file holds: the good rows (unless they went to a sink), and every problem found."""

    file: str
    placements: list[tuple[int, Placement]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    header_broken: bool = False
    rows: int = 0          # non-empty data rows read
    good: int = 0          # rows without problems

    @property
    def bad_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems if p.row > 1})

    def report(self) -> list[str]:
        return [p.format(self.file) for p in self.problems]


def expected_columns() -> str:
    optional = ", ".join(c for c in COLUMNS if c in OPTIONAL_COLUMNS)
    return f"Expected columns: {', '.join(COLUMNS)} (these may be left out: {optional})."


def _delimiter(text: str) -> str:
    """The delimiter, from the header row (column names hold no commas, semicolons or tabs)."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _split(cell: str) -> list[str]:
    return [item for item in map(str.strip, cell.split(";")) if item]


def _bool(cell: str) -> Any:
    word = cell.strip().casefold()
    if word in YES:
        return True
    if word in NO:
        return False
    return cell  # the model rejects it; the message then names the words understood


def _number(item: str) -> str:
    return item.replace(",", ".") if _DECIMAL_COMMA.match(item) else item


def _date(item: str) -> str:
    """A Finnish (11.1.2027) or ISO date as ISO; anything else as it is, for the model to refuse."""
    error, iso = parse_date(item)
    return item if error else iso


# Each column with where its value goes (the dicts above it, its key): worked out once, used for every row.
_TARGETS = [(column, path[:-1], path[-1], kind) for column, (path, kind) in COLUMNS.items()]


def row_to_dict(cells: dict[str, str]) -> dict[str, Any]:
    """The nested dict for the Placement model; empty cells are left out (defaults, or 'required')."""
    data: dict[str, Any] = {name: {} for name in NESTED}
    for column, parents, key, kind in _TARGETS:
        cell = cells.get(column)
        if not cell or not (cell := cell.strip()):
            continue
        value: Any
        if kind == "text":
            value = cell
        elif kind == "list":
            value = _split(cell)
        elif kind == "numbers":
            value = [_number(item) for item in _split(cell)]
        elif kind == "dates":
            value = [_date(item) for item in _split(cell)]
        else:
            value = _bool(cell)
        target = data
        for parent in parents:
            target = target.setdefault(parent, {})
        target[key] = value
    if not data["tasks"].get("plain"):
        data["tasks"].pop("plain", None)
    return data


def _column_of(loc: tuple[Any, ...]) -> tuple[str, int | None]:
    """The CSV column for a pydantic location, and the list item (0-based) when there is one."""
    names = tuple(str(part) for part in loc if not isinstance(part, int))
    for n in range(len(names), 0, -1):
        if names[:n] in BY_PATH:
            items = [part for part in loc if isinstance(part, int)]
            return BY_PATH[names[:n]], (items[0] if items else None)
    # A problem of a group of columns as a whole (min_age above max_age) is named by its first column.
    first = next((column for path, column in BY_PATH.items() if names and path[:len(names)] == names), None)
    return first or ".".join(str(part) for part in loc) or "row", None


def _message(error: dict[str, Any], column: str, item: int | None, cells: dict[str, str]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required, but the cell is empty"
    if kind == "too_short" and error.get("input") in ([], ""):
        return "required, but the cell is empty"
    cell = (cells.get(column) or "").strip()
    given = _split(cell)[item] if item is not None and item < len(_split(cell)) else cell
    if COLUMNS.get(column, ((), ""))[1] == "bool" and kind.startswith("bool"):
        text = f"should be {BOOL_HINT}"
    elif COLUMNS.get(column, ((), ""))[1] == "dates" and kind.startswith("date"):
        text = DATE_HINT
    else:
        text = error["msg"]
        text = text[0].lower() + text[1:] if text else text
        text = text.removeprefix("value error, ")
    where = f"item {item + 1} " if item is not None else ""
    return f"{where}{given!r}: {text}" if given else text


def company_reason(rules: RulesFile | None, service: str = PLACEMENTS.service) -> str | None:
    """Why a company cannot be in the catalogue of `service`, in the words of the allowed_hosts rule in force
    today; None when the rule lets companies offer it (supported employment)."""
    today = dt.date.today()
    if rules and "company" in Rules(rules).hosts(service, today):
        return None
    rule = Rules(rules).in_force(service, today).get("allowed_hosts") if rules else None
    law = f": {rule.explanation.en} ({rule.source.en})" if isinstance(rule, AllowedHosts) else \
        " (see allowed_hosts in content/rules.yaml)"
    return f"a company cannot host {service.replace('_', ' ')}{law}. Leave the row out, or correct it if the " \
           "host is not a company"


def _company(cells: dict[str, str]) -> tuple[str, str] | None:
    """The column and the words that make the host a company, if any."""
    host_type = (cells.get("host_type") or "").strip()
    if host_type.casefold() == "company":
        return "host_type", repr(host_type)
    for column, pattern in (("legal_form", _COMPANY_FORM), ("host", _COMPANY_NAME), ("name", _COMPANY_NAME)):
        cell = (cells.get(column) or "").strip()
        found = pattern.search(cell)
        if found:
            return column, f"{cell!r}: '{found.group()}' is a company form"
    return None


def _cell_problems(row: int, cells: dict[str, str]) -> list[RowProblem]:
    """Control characters and cells a spreadsheet would run as formulas, in column order."""
    problems: list[RowProblem] = []
    if not _CONTROL.search("".join(cells.values())) and not _MAY_START_A_FORMULA.search("\n".join(cells.values())):
        return problems   # the usual row, checked at once
    for column, cell in cells.items():
        control = _CONTROL.search(cell.replace("\n", "") if column in _MULTILINE else cell)
        if control:
            problems.append(RowProblem(row, column, f"contains the control character U+{ord(control.group()):04X}, "
                                                    "which cannot be shown; delete it (retype the cell)"))
        elif cell.strip().startswith(_FORMULA_START) and not _HARMLESS.match(cell.strip()):
            problems.append(RowProblem(row, column, f"starts with '{cell.strip()[0]}', which a spreadsheet would "
                                                    "run as a formula; remove the sign or rephrase the cell"))
    return problems


def validate_row(row: int, cells: dict[str, str], no_company: str | None
                 ) -> tuple[Placement | None, list[RowProblem]]:
    """The placement of a row, or every problem in it (a refused cell is not also checked by the model).
    `no_company`: why a company is refused (company_reason), None where companies are allowed."""
    problems = _cell_problems(row, cells)
    company = _company(cells) if no_company else None
    if company:
        column, why = company
        problems.append(RowProblem(row, column, f"{why}: {no_company}"))
    refused = {p.column for p in problems}
    try:
        placement = Placement.model_validate(row_to_dict(cells))
    except ValidationError as exc:
        placement = None
        seen = set()
        for error in exc.errors():
            column, item = _column_of(error["loc"])
            message = _message(error, column, item, cells)
            if column not in refused and (column, message) not in seen:
                seen.add((column, message))
                problems.append(RowProblem(row, column, message))
    order = list(COLUMNS)
    problems.sort(key=lambda p: order.index(p.column) if p.column in order else len(order))
    return (None, problems) if problems else (placement, [])


def _not_utf8(path: Path) -> PlacementsImportProblem:
    """The problem for a file that is not UTF-8, naming the first line that is not."""
    with path.open("rb") as f:
        line = next((n for n, raw in enumerate(f, start=1) if not _is_utf8(raw)), 1)
    return PlacementsImportProblem(
        f"{path}:{line}: the file is not UTF-8 text. In Excel, save it as 'CSV UTF-8' "
        "(CSV UTF-8 (pilkuin erotettu)); nothing was imported.")


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def parse_csv(text: str, file: str, rules: RulesFile | None = None, kind: Kind = PLACEMENTS) -> CsvPlacements:
    """Every row of the text validated; problems for the header, each bad row, and duplicate ids."""
    return parse_lines(io.StringIO(text.lstrip("\ufeff"), newline=""), file, rules, kind=kind)


Sink = Callable[[Placement], None]


def parse_lines(lines: Iterator[str], file: str, rules: RulesFile | None = None, sink: Sink | None = None,
                progress: Callable[[int], None] | None = None, kind: Kind = PLACEMENTS) -> CsvPlacements:
    """parse_csv for lines read one at a time (a file opened with newline=''), holding only the good rows,
    or handing each to `sink` (then `placements` stays empty). `progress` is told the rows read so far
    every PROGRESS_ROWS rows."""
    result = CsvPlacements(file)
    first = next(lines, "")
    reader = csv.reader(itertools.chain([first], lines), delimiter=_delimiter(first))
    try:
        _read_rows(reader, result, company_reason(rules, kind.service), sink, progress)
    except csv.Error as exc:
        result.problems.append(RowProblem(reader.line_num, "row", f"cannot be read as CSV: {exc}"))
        result.header_broken = True
    return result


def _read_rows(reader: Iterator[list[str]], result: CsvPlacements, no_company: str | None, sink: Sink | None,
               progress: Callable[[int], None] | None) -> None:
    header_cells = next(reader, [])
    if not any(c.strip() for c in header_cells):
        result.problems.append(RowProblem(1, "columns", f"the file has no header row. {expected_columns()}"))
        result.header_broken = True
        return

    header = [c.strip().lower() for c in header_cells]
    unknown = [c for c in header if c and c not in COLUMNS]
    missing = [c for c in COLUMNS if c not in header and c not in OPTIONAL_COLUMNS]
    doubled = sorted({c for c in header if c and header.count(c) > 1})
    parts = []
    if unknown:
        parts.append(f"unknown columns: {', '.join(unknown)}")
    if missing:
        parts.append(f"missing columns: {', '.join(missing)}")
    if doubled:
        parts.append(f"columns given twice: {', '.join(doubled)}")
    if parts:
        result.problems.append(RowProblem(1, "columns", f"{'; '.join(parts)}. {expected_columns()}"))
        result.header_broken = True
        return

    first_row: dict[str, int] = {}
    for row, record in enumerate(reader, start=2):
        if not any(c.strip() for c in record):
            continue  # an empty row (Excel leaves them at the end)
        result.rows += 1
        if progress is not None and result.rows % PROGRESS_ROWS == 0:
            progress(result.rows)
        if result.rows > MAX_ROWS:
            result.problems.append(RowProblem(row, "rows", f"the file has more than {MAX_ROWS:,} placements; split it "
                                              "into smaller files and import them one after the other"))
            result.header_broken = True
            return
        extra = [c for c in record[len(header):] if c.strip()]
        if extra:
            result.problems.append(RowProblem(row, "row", f"{len(record)} cells, but the header has {len(header)} "
                                              "columns (is a list separated with the delimiter? quote the cell)"))
            continue
        # Line breaks inside a cell as Excel (CR LF) or an old Mac (CR) writes them are one line break.
        cells = {name: value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
                 for name, value in zip(header, record) if name}
        placement, problems = validate_row(row, cells, no_company)
        if placement is not None and placement.id in first_row:
            problems = [RowProblem(row, "id", f"'{placement.id}' is already on row {first_row[placement.id]}")]
        if problems:
            result.problems.extend(problems)
            continue
        assert placement is not None
        first_row[placement.id] = row
        result.good += 1
        if sink is None:
            result.placements.append((row, placement))
        else:
            sink(placement)
    if result.rows == 0:
        result.problems.append(RowProblem(1, "rows", "the file has a header but no placements"))


def read_placements_csv(path: Path, file: str | None = None, rules: RulesFile | None = None,
                        sink: Sink | None = None, progress: Callable[[float], None] | None = None,
                        kind: Kind = PLACEMENTS) -> CsvPlacements:
    """Read and validate a county's placement list (or, by `kind`, its list of jobs at employers). `file` is
    the name used in messages; `rules` (content/rules.yaml) says whether a company row is refused, and gives the
    legal reason; `sink` and `progress` (told the share of the file read, 0-1) as in parse_lines."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise PlacementsImportProblem(
                f"{path} has {size:,} bytes; a placement list may have at most {MAX_BYTES:,} bytes. Is it the "
                "right file? Split a longer list into smaller files.")
        with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as f:
            told = None if progress is None else (lambda rows: progress(raw.tell() / (size or 1)))
            return parse_lines(f, file or str(path), rules, sink, told, kind)
    except FileNotFoundError:
        raise PlacementsImportProblem(f"No such file: {path}") from None
    except IsADirectoryError:
        raise PlacementsImportProblem(f"{path} is a folder, not a CSV file.") from None
    except UnicodeDecodeError:
        raise _not_utf8(path) from None
    except OSError as exc:
        raise PlacementsImportProblem(f"Cannot read {path}: {exc.strerror or exc}.") from None


@dataclass
class CsvImport:
    """What `import_csv` did: the file as read, what the store changed, and what the import should warn about."""

    found: CsvPlacements
    outcome: PlacementsImport
    overrides: list[str] = field(default_factory=list)   # imported ids of built-in placements
    municipalities: set[str] = field(default_factory=set)
    skills: set[str] = field(default_factory=set)


def import_csv(store: SessionStore, path: Path, content: Any, *, kind: Kind = PLACEMENTS, replace_all: bool = False,
               skip_bad: bool = False, progress: Callable[[float], None] | None = None) -> CsvImport:
    """Import a county's list into the store's catalogue of `kind` as one transaction: each good row is written
    as it is read, and a file with a bad row (unless `skip_bad`), an id of the other catalogue or no good row
    leaves everything as it was (PlacementsImportProblem lists every problem). The other catalogue is never
    changed."""
    built_in = {p.id for p in getattr(content, kind.name)}
    placement_store, other = getattr(store, kind.name), getattr(store, kind.other.name)
    taken = {p.id for p in getattr(content, kind.other.name)} | set(other.names())
    seen = CsvImport(CsvPlacements(str(path)), PlacementsImport())
    clashes: list[str] = []

    def keep(p: Placement) -> None:
        if p.id in taken:   # matching ranks both catalogues together: one id, one entry
            clashes.append(p.id)
            return
        importer.add(p)
        seen.municipalities.add(p.municipality)
        seen.skills.update(p.skills)
        if p.id in built_in:
            seen.overrides.append(p.id)

    with placement_store.importing(path.name, replace_all=replace_all) as importer, paused_gc():
        found = read_placements_csv(path, rules=content.rules, sink=keep, progress=progress, kind=kind)
        if clashes:
            raise PlacementsImportProblem(
                f"{len(clashes)} id(s) of {path} are already used in the {kind.other.name} catalogue: "
                f"{', '.join(clashes)}; nothing was imported. Give each {kind.what} an id of its own.")
        report = "\n".join(found.report())
        if found.header_broken or not found.good:
            raise PlacementsImportProblem(f"{len(found.problems)} problem(s) in {path}; nothing was imported:\n"
                                          f"{report}")
        if found.bad_rows and not skip_bad:
            raise PlacementsImportProblem(
                f"{len(found.problems)} problem(s) in {len(found.bad_rows)} row(s) of {path}; nothing was imported. "
                f"Fix them, or add --skip-bad to import the {found.good} good row(s):\n{report}")
    seen.found, seen.outcome = found, importer.outcome
    return seen


def template_rows(placements: list[Placement]) -> list[list[str]]:
    """The header and one row per placement: the inverse of row_to_dict (the template is made with it)."""

    def cell(value: Any, kind: ColumnKind) -> str:
        if value is None:
            return ""
        if kind == "bool":
            return "yes" if value else "no"
        if kind in ("list", "numbers", "dates"):
            return ";".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value)
        return str(value)

    rows = [list(COLUMNS)]
    for p in placements:
        data = p.model_dump()
        row = []
        for path, kind in COLUMNS.values():
            value: Any = data
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            row.append(cell(value, kind))
        rows.append(row)
    return rows


# -- the catalogue: built-in content merged with the county's import ------------------------------

Source = Literal["built-in", "imported"]


@dataclass(frozen=True)
class CatalogueEntry:
    placement: Placement
    source: Source
    replaces_built_in: bool = False   # an imported placement with the id of a built-in one
    file: str | None = None           # the CSV file it was imported from


def catalogue_entries(store: SessionStore, content: Any, kind: Kind = PLACEMENTS) -> list[CatalogueEntry]:
    """The built-in placements (content/placements/, or by `kind` the jobs of content/employers/) with the
    ones imported into `store`.

    An imported placement whose id is a built-in one takes its place; the others follow the
    built-in ones in import order. Reading the store validates every imported placement.
    """
    placement_store = getattr(store, kind.name)
    imported = {e.placement.id: e for e in placement_store.entries()}
    entries = []
    for p in getattr(content, kind.name):
        e = imported.pop(p.id, None)
        entries.append(CatalogueEntry(p, "built-in") if e is None
                       else CatalogueEntry(e.placement, "imported", True, e.file))
    entries.extend(CatalogueEntry(e.placement, "imported", False, e.file) for e in imported.values())
    return entries


def unknown_municipalities(names: Iterable[str], content: Any) -> list[str]:
    """The municipality names not in content/municipalities.yaml (by their Finnish or Swedish name):
    matching cannot work out the journey to them."""
    municipalities = content.matching.municipalities if content.matching else []
    known = {name.casefold() for m in municipalities for name in (m.name, m.name_sv) if name}
    found: dict[str, str] = {}
    for name in names:
        if name.casefold() not in known:
            found.setdefault(name.casefold(), name)
    return sorted(found.values())


def unknown_skills(skills: Iterable[str], content: Any) -> list[str]:
    """The skill ids that the interview's skill list does not have: they would never match a client."""
    questions = (q for section in content.sections for q in section.questions if q.id == "skills")
    question = next(questions, None)
    known = {c.value for c in getattr(question, "choices", [])}
    return sorted({s for s in skills if s not in known}) if known else []
