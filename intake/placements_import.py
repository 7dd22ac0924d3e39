"""A county's own placement list as a CSV file: read, map to the Placement model, validate.

One row per placement, flat columns for the nested model (`lifting` is demands.lifting,
`tasks_sv` is tasks.sv, `contact_email` is contact.email). List cells are separated by `;`
(`2;3;4`, `fi;sv`), yes/no cells accept yes/no, true/false and kyllä/ei. The file is UTF-8
(with or without the BOM Excel writes) and comma- or semicolon-delimited (Finnish Excel
writes `;`); the delimiter is worked out from the header row.

Every problem is reported at once as `FILE:ROW: column: message`, with rows numbered as a
spreadsheet shows them (the header is row 1). Nothing here writes anything: the store does.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from intake.errors import IntakeError
from intake.flows.placements import Placement

Kind = Literal["text", "list", "bool", "numbers"]

# column -> (path in the Placement model, kind). The order is the template's.
COLUMNS: dict[str, tuple[tuple[str, ...], Kind]] = {
    "id": (("id",), "text"),
    "name": (("name",), "text"),
    "host": (("host",), "text"),
    "host_type": (("host_type",), "text"),
    "legal_form": (("legal_form",), "text"),
    "municipality": (("municipality",), "text"),
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
    "open_places": (("open_places",), "text"),
    "contact_name": (("contact", "name"), "text"),
    "contact_phone": (("contact", "phone"), "text"),
    "contact_email": (("contact", "email"), "text"),
}
# Columns that may be left out of the file altogether (their fields have defaults).
OPTIONAL_COLUMNS = frozenset({"tasks_plain_fi", "skills", "adapted_tasks", "accessible_toilet",
                              "contact_phone", "contact_email"})
BY_PATH = {path: column for column, (path, _) in COLUMNS.items()}
NESTED = ("demands", "support", "accessibility", "schedule", "contact", "tasks")

YES = frozenset({"yes", "true", "kyllä", "kylla", "ja", "1"})
NO = frozenset({"no", "false", "ei", "nej", "0"})
BOOL_HINT = "yes or no (also true/false, kyllä/ei)"
_DECIMAL_COMMA = re.compile(r"^\s*\d+,\d+\s*$")


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
    """What a CSV file holds: the good rows, and every problem found."""

    file: str
    placements: list[tuple[int, Placement]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    header_broken: bool = False
    rows: int = 0          # non-empty data rows read

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
    return [item.strip() for item in cell.split(";") if item.strip()]


def _bool(cell: str) -> Any:
    word = cell.strip().casefold()
    if word in YES:
        return True
    if word in NO:
        return False
    return cell  # the model rejects it; the message then names the words understood


def _number(item: str) -> str:
    return item.replace(",", ".") if _DECIMAL_COMMA.match(item) else item


def row_to_dict(cells: dict[str, str]) -> dict[str, Any]:
    """The nested dict for the Placement model; empty cells are left out (defaults, or 'required')."""
    data: dict[str, Any] = {name: {} for name in NESTED}
    for column, (path, kind) in COLUMNS.items():
        cell = (cells.get(column) or "").strip()
        if not cell:
            continue
        value: Any
        if kind == "list":
            value = _split(cell)
        elif kind == "numbers":
            value = [_number(item) for item in _split(cell)]
        elif kind == "bool":
            value = _bool(cell)
        else:
            value = cell
        target = data
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = value
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
    return ".".join(str(part) for part in loc) or "row", None


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
    else:
        text = error["msg"]
        text = text[0].lower() + text[1:] if text else text
        text = text.removeprefix("value error, ")
    where = f"item {item + 1} " if item is not None else ""
    return f"{where}{given!r}: {text}" if given else text


def validate_row(row: int, cells: dict[str, str]) -> tuple[Placement | None, list[RowProblem]]:
    try:
        return Placement.model_validate(row_to_dict(cells)), []
    except ValidationError as exc:
        problems = []
        seen = set()
        for error in exc.errors():
            column, item = _column_of(error["loc"])
            message = _message(error, column, item, cells)
            if (column, message) not in seen:
                seen.add((column, message))
                problems.append(RowProblem(row, column, message))
        order = list(COLUMNS)
        problems.sort(key=lambda p: order.index(p.column) if p.column in order else len(order))
        return None, problems


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PlacementsImportProblem(f"No such file: {path}") from None
    except IsADirectoryError:
        raise PlacementsImportProblem(f"{path} is a folder, not a CSV file.") from None
    except OSError as exc:
        raise PlacementsImportProblem(f"Cannot read {path}: {exc.strerror or exc}.") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise PlacementsImportProblem(
            f"{path}:{line}: the file is not UTF-8 text. In Excel, save it as 'CSV UTF-8' "
            "(CSV UTF-8 (pilkuin erotettu)); nothing was imported.") from None


def parse_csv(text: str, file: str) -> CsvPlacements:
    """Every row of the text validated; problems for the header, each bad row, and duplicate ids."""
    result = CsvPlacements(file)
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        records = list(reader)
    except csv.Error as exc:
        result.problems.append(RowProblem(reader.line_num, "row", f"cannot be read as CSV: {exc}"))
        result.header_broken = True
        return result
    if not records or not any(c.strip() for c in records[0]):
        result.problems.append(RowProblem(1, "columns", f"the file has no header row. {expected_columns()}"))
        result.header_broken = True
        return result

    header = [c.strip().lower() for c in records[0]]
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
        return result

    first_row: dict[str, int] = {}
    for row, record in enumerate(records[1:], start=2):
        if not any(c.strip() for c in record):
            continue  # an empty row (Excel leaves them at the end)
        result.rows += 1
        extra = [c for c in record[len(header):] if c.strip()]
        if extra:
            result.problems.append(RowProblem(row, "row", f"{len(record)} cells, but the header has {len(header)} "
                                              "columns (is a list separated with the delimiter? quote the cell)"))
            continue
        cells = {name: value for name, value in zip(header, record) if name}
        placement, problems = validate_row(row, cells)
        if placement is not None and placement.id in first_row:
            problems = [RowProblem(row, "id", f"'{placement.id}' is already on row {first_row[placement.id]}")]
        if problems:
            result.problems.extend(problems)
            continue
        assert placement is not None
        first_row[placement.id] = row
        result.placements.append((row, placement))
    if result.rows == 0:
        result.problems.append(RowProblem(1, "rows", "the file has a header but no placements"))
    return result


def read_placements_csv(path: Path, file: str | None = None) -> CsvPlacements:
    """Read and validate a county's placement list. `file` is the name used in messages."""
    return parse_csv(read_text(path), file or str(path))


def template_rows(placements: list[Placement]) -> list[list[str]]:
    """The header and one row per placement: the inverse of row_to_dict (the template is made with it)."""

    def cell(value: Any, kind: Kind) -> str:
        if value is None:
            return ""
        if kind == "bool":
            return "yes" if value else "no"
        if kind in ("list", "numbers"):
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


def catalogue_entries(store: Any, content: Any) -> list[CatalogueEntry]:
    """The built-in placements (content/placements/) with the ones imported into `store`.

    An imported placement whose id is a built-in one takes its place; the others follow the
    built-in ones in import order. Reading the store validates every imported placement.
    """
    imported = {e.placement.id: e for e in store.imported_placements()}
    entries = []
    for p in content.placements:
        e = imported.pop(p.id, None)
        entries.append(CatalogueEntry(p, "built-in") if e is None
                       else CatalogueEntry(e.placement, "imported", True, e.file))
    entries.extend(CatalogueEntry(e.placement, "imported", False, e.file) for e in imported.values())
    return entries


def unknown_municipalities(placements: list[Placement], content: Any) -> list[str]:
    """Municipalities not in content/matching.yaml: matching cannot work out the journey to them."""
    known = {m.name.casefold() for m in content.matching.municipalities} if content.matching else set()
    found: dict[str, str] = {}
    for p in placements:
        if p.municipality.casefold() not in known:
            found.setdefault(p.municipality.casefold(), p.municipality)
    return sorted(found.values())


def unknown_skills(placements: list[Placement], content: Any) -> list[str]:
    """Skill ids that the interview's skill list does not have: they would never match a client."""
    questions = (q for section in content.sections for q in section.questions if q.id == "skills")
    skills = next(questions, None)
    known = {c.value for c in getattr(skills, "choices", [])}
    return sorted({s for p in placements for s in p.skills if s not in known}) if known else []
