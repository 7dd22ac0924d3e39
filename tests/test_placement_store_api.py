"""The seam of a store's placements (issue 15): callers use only what `PlacementStore` declares of
`store.placements`, and both catalogues (SQLite in the store folder, the county's PostgreSQL)
provide all of it with the same parameters."""

from __future__ import annotations

import ast

import pytest

from intake.placement_catalogue import EmployerCatalogue, PlacementCatalogue
from intake.store_api import PlacementStore
from tests.test_store_api import _is_store, callers, members, mismatches


CATALOGUES = ("placements", "employers")   # a store's two PlacementStores
PASSED_ON = "placement_store"             # the name a caller gives either when it passes it on


def placements_uses(source: str) -> set[str]:
    """The attributes read from a store's placements or jobs (store.placements.get, store.employers.names,
    placement_store.undo ...) in a module's source."""
    return {node.attr for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Attribute) and (
                (isinstance(node.value, ast.Attribute) and node.value.attr in CATALOGUES
                 and _is_store(node.value.value))
                or (isinstance(node.value, ast.Name) and node.value.id == PASSED_ON)
                or (isinstance(node.value, ast.Attribute) and node.value.attr == PASSED_ON))}


def test_callers_use_only_what_the_placements_interface_declares() -> None:
    uses = callers(placements_uses)
    assert {f"{module}: store.placements.{name}" for module, names in uses.items()
            for name in names - members(PlacementStore)} == set()
    assert {"get", "names", "columns", "texts"} <= uses["intake/merged_catalogue.py"]   # the scan sees them
    assert "undo" in uses["intake/cli.py"] and {"importing", "entries"} <= uses["intake/placements_import.py"]


def test_both_placement_catalogues_provide_the_whole_interface() -> None:
    assert mismatches(PlacementCatalogue, PlacementStore) == []
    assert mismatches(EmployerCatalogue, PlacementStore) == []
    postgres = pytest.importorskip("intake.placement_catalogue_pg", reason="psycopg is not installed")
    assert mismatches(postgres.PgPlacementCatalogue, PlacementStore) == []
    assert mismatches(postgres.PgEmployerCatalogue, PlacementStore) == []


def test_a_catalogue_that_differs_is_found() -> None:
    class Partial:
        def get(self, pid: str) -> None: ...   # a keyword call get(placement_id=...) would fail

    found = mismatches(Partial, PlacementStore)
    assert any(m.startswith("get: ") for m in found) and "undo: missing" in found
