"""The catalogue matching runs on: the built-in placements merged with a county's imported ones, then the
jobs at employers (content/employers/ and `intake employers import`) merged the same way.

Imported placements come as the numpy columns kept with them (placement_catalogue.py) and are built
as Placement objects only when shown, so that a catalogue of 100,000 opens in a fraction of a
second. Imported by the matching screen, not on the way to the first question (numpy).
"""

from __future__ import annotations

from typing import NamedTuple, Sequence, overload

import numpy as np

from intake.errors import StoreProblem
from intake.flows.catalogue_columns import Columns
from intake.flows.matching import Catalogue, placement_text
from intake.flows.model import Content
from intake.flows.placements import Placement
from intake.store_api import PlacementStore, SessionStore


class MergedPlacements(Sequence[Placement]):
    """The merged catalogue in matching's order, each placement read from the store only when asked for
    (the proposals shown, a detail, a why-not): a county's 100,000 are never all built at once."""

    def __init__(self, store: SessionStore, ids: np.ndarray, built_in: dict[str, Placement]):
        self.store = store
        self.ids = ids
        self.built_in = built_in   # the built-in placements and jobs, and the imported ones that replace one

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Placement: ...

    @overload
    def __getitem__(self, index: slice) -> list[Placement]: ...

    def __getitem__(self, index: int | slice) -> Placement | list[Placement]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        pid = str(self.ids[index])
        found = self.built_in.get(pid) or imported_placement(self.store, pid)
        if found is None:
            raise StoreProblem(f"The imported placement {pid!r} was removed while it was shown (another import?). "
                               "Open the session again to match with the current list.")
        return found

    def names(self) -> list[PlacementName]:
        imported = {**self.store.placements.names(), **self.store.employers.names()}
        return [PlacementName(pid, *imported[pid]) if pid not in self.built_in else _name(self.built_in[pid])
                for pid in self.ids.tolist()]


def imported_placement(store: SessionStore, placement_id: str) -> Placement | None:
    """The placement or job at an employer imported with this id (the two catalogues share no id)."""
    return store.placements.get(placement_id) or store.employers.get(placement_id)


class PlacementName(NamedTuple):
    """What the why-not dialog lists and searches of a placement."""

    id: str
    name: str
    host: str
    municipality: str


def _name(p: Placement) -> PlacementName:
    return PlacementName(p.id, p.name, p.host, p.municipality)


def placement_names(placements: Sequence[Placement]) -> list[PlacementName]:
    """The names of the placements matching saw, without building every imported one."""
    return placements.names() if isinstance(placements, MergedPlacements) else [_name(p) for p in placements]


class _Part(NamedTuple):
    """One catalogue merged: its built-in entries (an imported one in the place of each it replaces), then the
    columns of the other imported ones, and where those are among all it imported."""

    first: list[Placement]
    rest: Columns
    rest_rows: list[int]
    placement_store: PlacementStore

    @classmethod
    def of(cls, placement_store: PlacementStore, built_in: list[Placement]) -> _Part:
        imported = placement_store.columns()
        overrides = np.isin(imported.ids, [p.id for p in built_in])
        replaced = set(imported.ids[overrides].tolist())
        first = [placement_store.get(p.id) or p if p.id in replaced else p for p in built_in]
        rows = np.flatnonzero(~overrides)
        return cls(first, imported.take(rows) if overrides.any() else imported, rows.tolist(), placement_store)

    def __len__(self) -> int:
        return len(self.first) + len(self.rest)

    def texts(self) -> list[str]:
        rest = self.placement_store.texts()
        return [*map(placement_text, self.first), *(rest[i] for i in self.rest_rows)]


def matching_catalogue(store: SessionStore, content: Content) -> Catalogue | None:
    """The merged catalogue (as session.catalogue_placements, then the jobs at employers merged the same way)
    compiled for matching, None without placements.

    The imported placements come as the columns kept with them (placement_catalogue.py), not as
    Placement objects; the ones that replace a built-in one are read to take its place."""
    if content.matching is None:
        return None
    placements = _Part.of(store.placements, content.placements)
    employers = _Part.of(store.employers, content.employers)
    columns = Columns.concat([Columns.of(placements.first), placements.rest,
                              Columns.of(employers.first), employers.rest])
    if not len(columns):
        return None
    built_in = {p.id: p for p in [*placements.first, *employers.first]}
    jobs = np.arange(len(columns)) >= len(placements)   # the jobs at employers come after the placements

    def texts() -> list[str]:
        return [*placements.texts(), *employers.texts()]

    return Catalogue(MergedPlacements(store, columns.ids, built_in), content.matching, columns, texts, jobs)
