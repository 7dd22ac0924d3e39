"""The seam a second store backend plugs into (issue 15): every caller uses only what `SessionStore`
declares, and each backend (the folder's `Store`, the database's `PostgresStore`) provides all of it
with the same parameters."""

from __future__ import annotations

import ast
import functools
import inspect

import pytest

from intake.store import Store
from intake.store_pg import PostgresStore
from intake.store_api import SessionStore
from tests.conftest import REPO



def members(protocol: type) -> set[str]:
    return {name for name in vars(protocol) if not name.startswith("_")}


MEMBERS = members(SessionStore)
STORE_NAMES = {"store", "_store"}  # store, self.store, app.store, session.store, self.app.store ...


def _is_store(node: ast.expr) -> bool:
    return ((isinstance(node, ast.Name) and node.id in STORE_NAMES)
            or (isinstance(node, ast.Attribute) and node.attr in STORE_NAMES)
            or (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open_store"))


def store_uses(source: str) -> set[str]:
    """The attributes read from a store object in a module's source."""
    return {node.attr for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Attribute) and _is_store(node.value)}


def callers(uses=store_uses) -> dict[str, set[str]]:
    """Every module of intake/ but the store's own, with the store attributes it uses (or what `uses` finds)."""
    own = {"store.py", "store_api.py"}
    return {str(p.relative_to(REPO)): uses(p.read_text(encoding="utf-8"))
            for p in sorted((REPO / "intake").rglob("*.py"))
            if not (p.parent.name == "intake" and (p.name in own or p.name.startswith("store_")))}


def _accepts(declared: inspect.Signature, given: inspect.Signature) -> bool:
    """The implementation takes the declared parameters as declared (name, kind, default, annotation),
    and may add its own after them only with a default (Store.delete's `action` for purge)."""
    ours, theirs = list(declared.parameters.values()), list(given.parameters.values())
    mine, extra = theirs[:len(ours)], theirs[len(ours):]
    return mine == ours and all(p.default is not inspect.Parameter.empty for p in extra)


def mismatches(impl: type, protocol: type = SessionStore) -> list[str]:
    """How `impl` fails to provide the protocol: missing members, properties that are not, and
    methods that cannot be called as declared."""
    found, absent = [], object()
    for name in sorted(members(protocol)):
        declared, given = inspect.getattr_static(protocol, name), inspect.getattr_static(impl, name, absent)
        if given is absent:
            found.append(f"{name}: missing")
        elif isinstance(declared, property):
            if not isinstance(given, (property, functools.cached_property)):
                found.append(f"{name}: not a property")
        elif not _accepts(inspect.signature(declared), inspect.signature(given)):
            found.append(f"{name}: {inspect.signature(given)} does not take every call {inspect.signature(declared)} allows")
    return found


def test_callers_use_only_what_the_interface_declares() -> None:
    uses = callers()
    undeclared = {f"{module}: store.{name}" for module, names in uses.items() for name in names - MEMBERS}
    assert undeclared == set()
    # the scan does see the callers (it is not passing on an empty list)
    assert {"lock_session", "save"} <= uses["intake/session.py"]
    assert {"verify_access_log", "has_session"} <= uses["intake/cli.py"]
    assert {"placements", "employers"} <= uses["intake/merged_catalogue.py"]
    assert "page" in uses["intake/screens/start.py"]


def test_the_scan_sees_each_way_of_reaching_the_store() -> None:
    source = ("store.a()\nself.store.b\nself.app.store.c()\nsession.store.d\nself._store.e\n"
              "open_store(args).f\nstorage.g\nself.stored.h\n")
    assert store_uses(source) == {"a", "b", "c", "d", "e", "f"}


@pytest.mark.parametrize("backend", [Store, PostgresStore])
def test_each_backend_provides_the_whole_interface(backend) -> None:
    assert mismatches(backend) == []


def test_a_backend_that_differs_is_found() -> None:
    class Partial:
        placements = None  # a plain attribute, not a property

        def get(self, sid: str) -> None: ...  # a keyword call get(session_id=...) would fail

        def save(self, record, who=None) -> None: ...  # no annotations: differs too

        def delete(self, session_id: str, who: str | None = None, *, erase: bool) -> None: ...  # must be given

    found = mismatches(Partial)
    assert "placements: not a property" in found
    assert any(m.startswith("get: ") for m in found) and any(m.startswith("save: ") for m in found)
    assert any(m.startswith("delete: ") for m in found) and "list: missing" in found
    assert len([m for m in found if m.endswith(": missing")]) == len(MEMBERS) - 4
