"""`intake fidelity`: a supported-employment team's review on the 25 IPS quality criteria, asked line
by line or read from a ratings file, printed with its total and band, and saved as JSON. The
client-level criteria are computed from the sessions in the store and offered as the default
rating; what leaves the store is counts and means only."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from intake.errors import IntakeError, SessionDamaged
from intake.export.files import check_target, write_private  # 0600, never over a file unless --force
from intake.flows.display import Texts
from intake.flows.fidelity import Client, Measured, Review, client_level, scored, se_clients
from intake.flows.fidelity_scale import HIGHEST, SCORES, Criterion, FidelityFile
from intake.flows.model import Content
from intake.flows.rules import Rules
from intake.session import IntakeSession
from intake.store_api import SessionStore
from intake.text_safety import printable

LOG_ACTION = "fidelity"  # every session was read for the counts


def read_clients(store: SessionStore, content: Content, today: dt.date) -> list[Client]:
    """The supported-employment clients in the store (a session damaged meanwhile is passed over)."""
    sessions = []
    for summary in store.list():
        try:
            sessions.append(IntakeSession(store, content, store.get(summary.id), read_only=True))
        except SessionDamaged:
            continue
    store.log_access(LOG_ACTION, None)
    return se_clients(sessions, Rules(content.rules) if content.rules else None, today)


def ratings_file(path: Path, scale: FidelityFile, texts: Texts) -> dict[int, int]:
    """The ratings in a YAML file of criterion number -> 1-5; IntakeError lists every bad one."""
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        problem = getattr(exc, "strerror", None) or exc
        raise IntakeError(texts("fidelity.error.file", file=path, problem=problem)) from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = texts("fidelity.error.at_line", line=mark.line + 1) if mark else texts("fidelity.error.not_pairs")
        raise IntakeError(texts("fidelity.error.file", file=path, problem=where)) from None
    if not isinstance(data, dict):
        raise IntakeError(texts("fidelity.error.file", file=path, problem=texts("fidelity.error.not_pairs")))
    ratings, problems = {}, []
    by_number = {c.number: c for c in scale.criteria}
    for key, value in data.items():
        number = _whole(key)
        if number not in by_number:
            problems.append(texts("fidelity.error.unknown", number=printable(str(key)), count=len(scale.criteria)))
        elif (score := _whole(value)) not in SCORES:
            problems.append(rating_problem(by_number[number], value, texts))
        else:
            ratings[number] = score
    given = {_whole(key) for key in data}
    missing = [c for c in scale.criteria if c.number not in given]
    if len(missing) == 1:
        only = missing[0]
        problems.append(texts("fidelity.error.missing", number=only.number, name=only.name.get(texts.language)))
    elif missing:
        problems.append(texts("fidelity.error.missing_many", numbers=", ".join(str(c.number) for c in missing)))
    if problems:
        raise IntakeError("\n".join([texts("fidelity.error.problems", file=path, count=len(problems)), *problems]))
    return ratings


def _whole(value: Any) -> int | None:
    """A whole number as written in a file or typed (also as text such as "4"), else None."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def rating_problem(criterion: Criterion, value: Any, texts: Texts) -> str:
    shown = "-" if value is None or value == "" else printable(str(value))
    return texts("fidelity.error.rating", number=criterion.number, name=criterion.name.get(texts.language), value=shown)


def ask(scale: FidelityFile, measured: dict[int, Measured], texts: Texts, read: Callable[[str], str],
        out: TextIO) -> dict[int, int]:
    """Each criterion in turn: its name, description and anchors, the computed score offered as the
    default; a bad answer is told and asked again. IntakeError when the input ends or is broken off first."""
    ratings = {}
    group = None
    for c in scale.criteria:
        if c.group != group:
            group = c.group
            print(f"\n{scale.group(group).name.get(texts.language)}", file=out)
        print(criterion_lines(c, measured.get(c.number), texts), file=out)
        default = measured[c.number].score if c.number in measured else None
        prompt = texts("fidelity.prompt.default", default=default) if default else texts("fidelity.prompt")
        while True:
            try:
                typed = read(prompt).strip()
            except (EOFError, KeyboardInterrupt):  # the input ended, or ctrl+c: nothing is saved
                raise IntakeError(texts("fidelity.stopped")) from None
            score = default if typed == "" and default else _whole(typed)
            if score in SCORES:
                ratings[c.number] = score
                break
            print(rating_problem(c, typed, texts), file=out)
    return ratings


def criterion_lines(c: Criterion, measured: Measured | None, texts: Texts) -> str:
    language = texts.language
    lines = [f"\n{c.number}. {c.name.get(language)}", f"   {c.description.get(language)}"]
    lines += [f"   {texts('fidelity.anchor', score=s, text=c.anchors[s].get(language))}" for s in SCORES]
    if c.computed is not None:
        lines += [f"   {computed_line(measured, texts)}", f"   {c.computed.note.get(language)}"]
    return "\n".join(lines)


def computed_line(measured: Measured | None, texts: Texts) -> str:
    if measured is None or measured.score is None:
        return texts("fidelity.not_enough_data")
    figures = {k: texts.number(v, 1) if isinstance(v, float) else v for k, v in measured.figures.items()}
    return texts("fidelity.computed", score=measured.score,
                 figures=texts(f"fidelity.figures.{measured.measure}", **figures))


def template(scale: FidelityFile, measured: dict[int, Measured], texts: Texts) -> str:
    """A ratings file to fill: each criterion's number, with the computed score where there is one."""
    language = texts.language
    lines = [f"# {texts('fidelity.template.intro')}"]
    for c in scale.criteria:
        lines.append(f"\n# {c.number}. {c.name.get(language)}: {c.description.get(language)}")
        lines += [f"#   {texts('fidelity.anchor', score=s, text=c.anchors[s].get(language))}" for s in SCORES]
        m = measured.get(c.number)
        if c.computed is not None:
            lines.append(f"#   {computed_line(m, texts)}")
        lines.append(f"{c.number}: {m.score if m and m.score else ''}".rstrip())
    return "\n".join(lines) + "\n"


def as_text(scale: FidelityFile, review: Review, measured: dict[int, Measured], texts: Texts) -> str:
    """Every criterion with its score (and the computed one beside it), the total and the band."""
    language = texts.language
    rows = [(texts("fidelity.column.criterion"), texts("fidelity.column.score"), texts("fidelity.column.computed"))]
    for c in scale.criteria:
        m = measured.get(c.number)
        computed = "" if c.computed is None else str(m.score) if m and m.score else texts("fidelity.no_data")
        rows.append((f"{c.number:>2}. {c.name.get(language)}", str(review.ratings[c.number]), computed))
    width = [max(len(r[i]) for r in rows) for i in range(2)]
    lines = [f"{name.ljust(width[0])}  {score.rjust(width[1])}  {computed}".rstrip() for name, score, computed in rows]
    lines += ["", texts("fidelity.total", total=review.total, highest=HIGHEST, band=review.band.name.get(language))]
    return "\n".join(lines) + "\n"


def as_json(scale: FidelityFile, review: Review, measured: dict[int, Measured], clients: int, day: dt.date,
            texts: Texts) -> str:
    """The review for keeping: every criterion's score, the computed ones with their figures, the
    total and the band (counts and means only: no client is named)."""
    language = texts.language
    criteria = []
    for c in scale.criteria:
        m = measured.get(c.number)
        criteria.append({
            "number": c.number, "id": c.id, "group": c.group, "name": c.name.get(language),
            "score": review.ratings[c.number],
            "computed": None if m is None else {"measure": m.measure, "score": m.score, "figure": m.figure,
                                                "figures": m.figures}})
    return json.dumps({
        "kind": "ips_fidelity_review", "assessed_on": day.isoformat(), "language": language,
        "supported_employment_clients": clients, "criteria": criteria, "total": review.total, "highest": HIGHEST,
        "band": {"id": review.band.id, "name": review.band.name.get(language)},
    }, indent=2, ensure_ascii=False) + "\n"


def run(store: SessionStore, content: Content, scale: FidelityFile, texts: Texts, *, ratings_path: Path | None,
        out_path: Path | None, force: bool, show_template: bool, read: Callable[[str], str], out: TextIO,
        today: dt.date) -> int:
    if out_path is not None and not show_template:
        check_target(out_path, force=force)  # before any score is asked
    clients = read_clients(store, content, today)
    measured = client_level(scale, clients)
    if show_template:
        out.write(template(scale, measured, texts))
        return 0
    print(texts("fidelity.title", day=texts.date(today), count=len(scale.criteria)), file=out)
    print(texts("fidelity.clients", count=len(clients)), file=out)
    ratings = ratings_file(ratings_path, scale, texts) if ratings_path else ask(scale, measured, texts, read, out)
    review = scored(scale, ratings)
    print("", file=out)
    out.write(as_text(scale, review, measured, texts))
    if out_path is not None:
        write_private(out_path, as_json(scale, review, measured, len(clients), today, texts), force=force)
        print(texts("fidelity.saved", file=out_path), file=out)
    return 0
