"""The two store backends as the store tests see them (issue 15: "the whole store test suite runs against
both backends"): each opens new store objects on one place, damages a session behind the store's back
(as a disk or a person with psql would), and says where a session still leaves traces.

The `backend` fixture (conftest.py) gives one of them per test, parametrised over both. Imports of a
backend's libraries stay inside the methods: this module loads where psycopg is not installed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from intake.store_api import SessionStore

DAMAGE = ("garbage", "not-a-session", "invalid")  # what every backend can do to a session


def open_place(place: str) -> SessionStore:
    """A store on a folder or a `postgresql://` URL (for the test's subprocesses)."""
    if place.startswith(("postgresql://", "postgres://")):
        from intake.store_pg import PostgresStore

        return PostgresStore(place)
    from intake.store import Store

    return Store(Path(place))


def damage_file(path: Path, how: str) -> None:
    """Damage a session file in one of the DAMAGE ways."""
    if how == "garbage":
        path.write_bytes(os.urandom(300))
    elif how == "not-a-session":
        path.write_text('{"hello": "world"}')
    elif how == "invalid":
        data = json.loads(path.read_text())
        data["session"]["1"]["status"] = "lost"
        path.write_text(json.dumps(data))
    else:
        raise ValueError(how)


class Backend:
    """One place of one backend. Each backend also has: damage(id, how) for each of DAMAGE; raw(id), the
    session as kept; damaged_copies(id), those restore and adopt kept aside; copy_over(source, target);
    traces(id, sentinel), where the session is still found; log_text(), the access log as kept."""

    place: str  # a folder or a URL: what a subprocess opens with open_place

    def __init__(self) -> None:
        self.opened: list[SessionStore] = []

    def open(self) -> SessionStore:
        """A new store object on the same place each time (another program's view, or a reopening)."""
        store = open_place(self.place)
        self.opened.append(store)
        return store

    def close_all(self) -> None:
        for store in self.opened:
            store.close()


class FilesBackend(Backend):
    def __init__(self, path: Path):
        super().__init__()
        self.path, self.place = path, str(path)

    def session_file(self, session_id: str) -> Path:
        return self.path / "sessions" / f"{session_id}.json"

    def damage(self, session_id: str, how: str) -> None:
        damage_file(self.session_file(session_id), how)

    def raw(self, session_id: str) -> bytes:
        """The session as kept, byte for byte: to show that the store did not write it."""
        return self.session_file(session_id).read_bytes()

    def damaged_copies(self, session_id: str) -> list[bytes]:
        """The damaged versions restore kept, oldest first, as `raw` gave them."""
        f = self.session_file(session_id)
        names = [f"{f.name}.damaged", *(f"{f.name}.damaged.{k}" for k in range(2, 10))]
        return [p.read_bytes() for p in map(f.with_name, names) if p.exists()]

    def copy_over(self, source_id: str, target_id: str) -> None:
        """Put one session's saved data where another's is (a copy by hand)."""
        self.session_file(target_id).write_bytes(self.session_file(source_id).read_bytes())

    def traces(self, session_id: str, sentinel: str) -> list[str]:
        """Every file that still holds the session: by its id in the name, or the sentinel in it."""
        return sorted(str(p.relative_to(self.path)) for p in self.path.rglob("*")
                      if p.is_file() and (session_id in p.name or sentinel.encode() in p.read_bytes()))

    def log_text(self) -> str:
        return (self.path / "access.log.jsonl").read_text()


class PostgresBackend(Backend):
    """The test database; `sql` runs as its superuser outside intake, as a person with psql would."""

    TABLES = {"sessions": "id", "damaged_copies": "session_id", "edit_holders": "session_id"}

    def __init__(self, url: str):
        super().__init__()
        self.place = url

    def sql(self, statement: str, params: tuple = ()) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.place, autocommit=True) as con:
            cur = con.execute(statement, params)
            return cur.fetchall() if cur.description else []

    def damage(self, session_id: str, how: str) -> None:
        record = {"garbage": "to_jsonb(md5(random()::text))", "not-a-session": """'{"hello": "world"}'::jsonb""",
                  "invalid": """jsonb_set(record, '{status}', '"lost"')"""}[how]
        self.sql(f"UPDATE intake.sessions SET record = {record} WHERE id = %s", (session_id,))

    def raw(self, session_id: str) -> bytes:
        [(record,)] = self.sql("SELECT record::text FROM intake.sessions WHERE id = %s", (session_id,))
        return record.encode()

    def damaged_copies(self, session_id: str) -> list[bytes]:
        rows = self.sql("SELECT record::text FROM intake.damaged_copies WHERE session_id = %s ORDER BY kept_at",
                        (session_id,))
        return [record.encode() for (record,) in rows]

    def copy_over(self, source_id: str, target_id: str) -> None:
        self.sql("UPDATE intake.sessions SET record = (SELECT record FROM intake.sessions WHERE id = %s) "
                 "WHERE id = %s", (source_id, target_id))

    def traces(self, session_id: str, sentinel: str) -> list[str]:
        """Every table with a row of the session: by its id, or the sentinel anywhere in the row."""
        found = []
        for table, column in self.TABLES.items():
            [(rows,)] = self.sql(f"SELECT count(*) FROM intake.{table} t WHERE {column} = %s OR t::text LIKE %s",
                                 (session_id, f"%{sentinel}%"))
            if rows:
                found.append(f"intake.{table}")
        return found

    def log_text(self) -> str:
        return "\n".join(row for (row,) in self.sql("SELECT t::text FROM intake.access_log t ORDER BY n"))
