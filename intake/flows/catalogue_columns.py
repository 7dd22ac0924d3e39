"""What matching reads of each placement, as arrays: the catalogue's compiled form.

Most of it takes few distinct values (a schedule, a host type, a set of guidance languages), so
such a field is kept as its distinct values and, for each placement, the index of its value. The
columns do not depend on the matching configuration, so they can be kept on disk beside an
imported catalogue (placement_catalogue.py) and loaded instead of building 100,000 Placements.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np

from intake.flows.placements import Placement

WORKS_WITH = ("people", "things", "information")
LEVELS = {"low": 0, "medium": 1, "high": 2, "none": 0, "light": 1, "heavy": 2, "quiet": 0, "moderate": 1, "loud": 2}
DEMANDS = ("lifting", "standing", "sitting", "noise", "crowds", "social")
# Fields kept as distinct values and a code per placement. Values are JSON-able: a list is a tuple in memory.
CODED = ("host_type", "ages", "days", "hours", "times", "languages", "municipality", "interest")
# Small numbers per placement: flags, demand levels and the codes the fit looks up (see matching._Fit).
SMALL = ("open", "step_free", "public_transport", *DEMANDS, "preference", "support", "orientation")


def _bits(values: Iterable[str], vocabulary: tuple[str, ...]) -> int:
    """One bit per distinct value of `vocabulary` found in `values`."""
    return sum(1 << vocabulary.index(v) for v in set(values) if v in vocabulary)


def _coded(p: Placement) -> tuple[Any, ...]:
    return (p.host_type, (p.ages.min, p.ages.max) if p.ages else None, tuple(p.schedule.days_per_week),
            tuple(p.schedule.hours_per_day), tuple(p.schedule.times), tuple(p.support.guidance_languages),
            p.municipality, p.interest_code)


def _small(p: Placement) -> tuple[int, ...]:
    preference = (32 * (p.setting in ("indoors", "both")) + 16 * (p.setting in ("outdoors", "both"))
                  + 8 * (p.form == "individual") + _bits(p.works_with, WORKS_WITH))
    return (p.open_places > 0, p.accessibility.step_free, p.public_transport,
            *(LEVELS[getattr(p.demands, name)] for name in DEMANDS),
            preference, 2 * p.support.work_coach + p.support.adapted_tasks,
            2 * ("maintaining" in p.orientation) + ("forward" in p.orientation))


class ColumnsBuilder:
    """Columns built one placement at a time (an import adds rows as it reads them)."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self._index: list[dict[Any, int]] = [{} for _ in CODED]
        self._codes: list[list[int]] = [[] for _ in CODED]
        self._small: list[tuple[int, ...]] = []
        self._skills: dict[str, list[int]] = {}   # skill -> the rows that use it

    def add(self, p: Placement) -> None:
        row = len(self.ids)
        self.ids.append(p.id)
        for index, codes, value in zip(self._index, self._codes, _coded(p)):
            codes.append(index.setdefault(value, len(index)))
        self._small.append(_small(p))
        for s in dict.fromkeys(p.skills):
            self._skills.setdefault(s, []).append(row)

    def build(self) -> Columns:
        n = len(self.ids)
        skills = sorted(self._skills)
        skill_rows = np.zeros((len(skills), n), dtype=bool)   # one row per skill: who uses it
        for i, s in enumerate(skills):
            skill_rows[i, self._skills[s]] = True
        small = np.array(self._small, dtype=np.int8).reshape(n, len(SMALL))
        return Columns(np.array(self.ids, dtype=str), {name: list(index) for name, index in zip(CODED, self._index)},
                       {**{name: np.array(codes, dtype=np.int32) for name, codes in zip(CODED, self._codes)},
                        **{name: small[:, i].copy() for i, name in enumerate(SMALL)}},
                       skills, skill_rows)


@dataclass
class Columns:
    ids: np.ndarray                  # str, one per placement
    values: dict[str, list[Any]]     # for each CODED field: its distinct values
    rows: dict[str, np.ndarray]      # for each CODED field its code, for each SMALL field its value, per placement
    skills: list[str]
    skill_rows: np.ndarray           # bool (skills, placements)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def of(cls, placements: Iterable[Placement]) -> Columns:
        builder = ColumnsBuilder()
        for p in placements:
            builder.add(p)
        return builder.build()

    def take(self, rows: np.ndarray) -> Columns:
        """The placements at `rows`, in that order; distinct values nobody uses any more are dropped."""
        values, codes = {}, {}
        for name in CODED:
            used, codes[name] = np.unique(self.rows[name][rows], return_inverse=True)
            values[name] = [self.values[name][i] for i in used.tolist()]
            codes[name] = codes[name].astype(np.int32).reshape(-1)
        keep = self.skill_rows[:, rows]
        used_skills = np.flatnonzero(keep.any(axis=1))
        return Columns(self.ids[rows], values, {**{n: self.rows[n][rows] for n in SMALL}, **codes},
                       [self.skills[i] for i in used_skills.tolist()], keep[used_skills])

    @staticmethod
    def concat(parts: Sequence[Columns]) -> Columns:
        values: dict[str, list[Any]] = {name: [] for name in CODED}
        codes: dict[str, list[np.ndarray]] = {name: [] for name in CODED}
        for part in parts:
            for name in CODED:
                codes[name].append(part.rows[name] + len(values[name]))
                values[name].extend(part.values[name])
        skills = sorted({s for part in parts for s in part.skills})
        skill_rows = np.zeros((len(skills), sum(len(p) for p in parts)), dtype=bool)
        start = 0
        for part in parts:
            at = [skills.index(s) for s in part.skills]
            skill_rows[at, start:start + len(part)] = part.skill_rows
            start += len(part)
        return Columns(np.concatenate([p.ids for p in parts]) if parts else np.array([], dtype=str), values,
                       {**{n: np.concatenate(codes[n]).astype(np.int32) for n in CODED},
                        **{n: np.concatenate([p.rows[n] for p in parts]).astype(np.int8) for n in SMALL}},
                       skills, skill_rows)

    # --- as plain arrays (np.savez, loaded with allow_pickle=False) ----------------------

    def to_arrays(self) -> dict[str, np.ndarray]:
        meta = json.dumps({"values": self.values, "skills": self.skills})
        return {"ids": self.ids, "meta": np.array(meta), "skill_rows": self.skill_rows,
                **{f"row_{name}": array for name, array in self.rows.items()}}

    @classmethod
    def from_arrays(cls, arrays: Any) -> Columns:
        """ValueError (or KeyError) when the arrays are not what to_arrays wrote."""
        meta = json.loads(str(arrays["meta"]))
        values = {name: [tuple(v) if isinstance(v, list) else v for v in meta["values"][name]] for name in CODED}
        columns = cls(arrays["ids"], values, {name: arrays[f"row_{name}"] for name in (*CODED, *SMALL)},
                      list(meta["skills"]), arrays["skill_rows"])
        n = len(columns.ids)
        if (columns.skill_rows.shape != (len(columns.skills), n)
                or any(a.shape != (n,) for a in columns.rows.values())
                or any(len(values[name]) <= (int(columns.rows[name].max()) if n else -1) for name in CODED)):
            raise ValueError("the columns do not fit together")
        return columns
