"""The session index in SQLite: opening without a stat of every file, yet never trusting a stale or
damaged index; the start screen's virtual list and `intake list` on top of it. The filters and order
of page and count run on both backends."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from intake.cli import main
from intake.flows.engine import Interview
from intake.screens.app import IntakeApp
from intake.screens.interview import InterviewScreen
from intake.screens.session_list import WINDOW, SessionList
from intake.store import Store
from intake.store_index import DB_NAME


def sessions(store_path: Path, content, labels: list[str], counsellor: str = "Liisa") -> list[str]:
    store = Store(store_path)
    ids = [store.create(label, counsellor, Interview(content).state).id for label in labels]
    store.close()
    return ids


def rewrite_in_place(store_path: Path, sid: str, label: str) -> None:
    """Change a session file without touching its folder (as an editor or a copy over it does)."""
    f = store_path / "sessions" / f"{sid}.json"
    data = json.loads(f.read_bytes())
    data["session"]["1"]["client_label"] = label
    with open(f, "r+b") as fh:  # the same inode: the folder's ctime does not change
        fh.write(json.dumps(data).encode())
        fh.truncate()


def indexed_label(store: Store, sid: str) -> str:
    """The label the index holds, read without checking the file (as opening does)."""
    [(summary,)] = store.index._query("SELECT summary FROM sessions WHERE id = ?", (sid,))
    return json.loads(summary)["client_label"]


def test_opening_reads_only_the_files_whose_write_may_not_have_reached_the_index(store_path, content, monkeypatch):
    a, b = sessions(store_path, content, ["A", "B"])
    rewrite_in_place(store_path, a, "A2")
    rewrite_in_place(store_path, b, "B2")
    with sqlite3.connect(store_path / "index" / DB_NAME) as con:  # b's write was under way when it crashed
        con.execute("INSERT INTO intents VALUES (?)", (b,))

    scandir = os.scandir

    def no_scan_of_the_sessions(path):
        assert Path(path).name != "sessions", "opening compared every file"
        return scandir(path)

    monkeypatch.setattr(os, "scandir", no_scan_of_the_sessions)
    store = Store(store_path)
    assert indexed_label(store, b) == "B2"  # its intent: read again on open
    assert indexed_label(store, a) == "A"  # no intent, folder unchanged: not read on open...
    assert {s.client_label for s in store.page()} == {"A2", "B2"}  # ...but checked when it is shown
    assert indexed_label(store, a) == "A2"
    monkeypatch.undo()


def test_a_change_to_the_folder_makes_opening_compare_every_file(store_path, content, tmp_path):
    [a] = sessions(store_path, content, ["A"])
    [b] = sessions(tmp_path / "other", content, ["B"])
    (tmp_path / "other" / "sessions" / f"{b}.json").rename(store_path / "sessions" / f"{b}.json")  # by hand
    store = Store(store_path)
    assert store.count() == 2 and indexed_label(store, b) == "B"
    (store_path / "sessions" / f"{a}.json").unlink()
    assert [s.id for s in Store(store_path).page()] == [b]


@pytest.mark.parametrize("how", ["garbage", "truncated", "other layout"])
def test_a_damaged_index_is_rebuilt_from_the_session_files(store_path, content, how):
    ids = sessions(store_path, content, ["Aino", "Bertta", "Cecilia"])
    db = store_path / "index" / DB_NAME
    if how == "garbage":
        db.write_bytes(os.urandom(4096))
    elif how == "truncated":
        db.write_bytes(db.read_bytes()[:100])
    else:
        with sqlite3.connect(db) as con:
            con.execute("PRAGMA user_version = 99")
    store = Store(store_path)
    assert sorted(s.id for s in store.page()) == sorted(ids)
    assert store.count("BERTTA") == 1


def test_the_index_of_earlier_versions_is_replaced(store_path, content):
    [sid] = sessions(store_path, content, ["Uusi"])
    index = store_path / "index"
    (index / DB_NAME).unlink()
    for suffix in ("-wal", "-shm"):
        (index / (DB_NAME + suffix)).unlink(missing_ok=True)
    (index / "snapshot.json").write_text(json.dumps({"format": 1, "generation": 3, "entries": {
        sid: {"s": {"client_label": "Vanha"}, "sig": [1, 2, 3]}}}))
    (index / "journal-3.jsonl").write_text('{"id": "gone", "deleted": true}\n')
    (store_path / "locks" / "index.lock").touch()
    store = Store(store_path)
    assert [s.client_label for s in store.page()] == ["Uusi"]
    assert sorted(p.name for p in index.iterdir() if not p.name.startswith(DB_NAME)) == []
    assert not (store_path / "locks" / "index.lock").exists()


def test_page_and_count_follow_the_filter_words_with_the_damaged_first(backend, open_store, content):
    store = open_store()
    ids = [store.create(label, "Liisa", Interview(content).state).id
           for label in ["Matti Meikäläinen", "Maija Mehiläinen", "Kalle"]]
    backend.damage(ids[2], "garbage")
    assert store.reconcile()
    assert [type(s).__name__ for s in store.page()] == ["DamagedSession", "SessionSummary", "SessionSummary"]
    assert [s.client_label for s in store.page("MEI")] == ["Matti Meikäläinen"]
    assert store.count("m äinen liisa") == 2 and store.count("liisa kalle") == 0
    assert [s.id for s in store.page(ids[2][:6])] == [ids[2]]  # a damaged session: by its id
    assert [s.id for s in store.page(offset=1, limit=1)] == [ids[1]]  # the most recently changed first


def test_intake_list_shows_the_newest_and_says_how_to_see_all(store_path, content, capsys, monkeypatch):
    sessions(store_path, content, [f"Asiakas {i}" for i in range(5)])
    monkeypatch.setattr("intake.cli.LIST_NEWEST", 2)
    assert main(["--store", str(store_path), "list"]) == 0
    out = capsys.readouterr().out
    assert "Asiakas 4" in out and "Asiakas 3" in out and "Asiakas 2" not in out
    assert "3 older sessions are not shown" in out and "intake list --all" in out
    assert main(["--store", str(store_path), "list", "--all"]) == 0
    out = capsys.readouterr().out
    assert all(f"Asiakas {i}" in out for i in range(5)) and "not shown" not in out
    assert main(["--store", str(store_path), "list", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 5


async def test_the_start_screen_builds_only_the_rows_in_view(store_path, content, tmp_path):
    n = WINDOW + 6
    ids = sessions(store_path, content, [f"Asiakas {i:03d}" for i in range(n)])
    app = IntakeApp(store=Store(store_path), content=content, export_dir=tmp_path / "exports")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        table = app.screen.query_one(SessionList)
        assert table.row_count == n and len(table._rows) <= WINDOW
        assert table.key_at(0) == ids[-1]  # the most recently changed first
        assert table.scrollbars_enabled[0]  # many rows: the scroll bar hides none of the last column
        line = table.render_line(1)
        assert line.cell_length <= table.scrollable_content_region.width
        assert line.text.rstrip().endswith(table.row(0)[1][-1])
        table.focus()
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor == n - 1 and "Asiakas 000" in table.render_line(table.size.height - 1).text
        await pilot.press("home", "down", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, InterviewScreen)
        assert app.session.record.id == ids[-2]


async def test_the_start_screen_finds_a_session_damaged_behind_the_stores_back(store_path, content, tmp_path):
    """A session damaged out of view after the store was opened: the check in the background finds
    it, and the list shows it first."""
    ids = sessions(store_path, content, [f"Asiakas {i:03d}" for i in range(WINDOW + 6)])
    store = Store(store_path)
    (store_path / "sessions" / f"{ids[0]}.json").write_text("{")  # the oldest: last in the list
    app = IntakeApp(store=store, content=content, export_dir=tmp_path / "exports")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(SessionList)
        assert table.key_at(0) == ids[0] and table.row(0)[1][:2] == ("?", "?")
        assert table.row_count == len(ids)


class Breaking:
    """The index's connection, reporting a damaged database file once."""

    def __init__(self, con: sqlite3.Connection):
        self.con, self.broken = con, False

    def execute(self, sql: str, *args):
        if not self.broken and "INSERT INTO sessions" in sql:
            self.broken = True
            raise sqlite3.DatabaseError("database disk image is malformed")
        return self.con.execute(sql, *args)

    def __getattr__(self, name: str):
        return getattr(self.con, name)


def test_an_index_damaged_while_open_is_rebuilt_and_the_save_kept(store_path, content):
    [a, b] = sessions(store_path, content, ["A", "B"])
    store = Store(store_path)
    record = store.get(a)
    store.index._con = Breaking(store.index._con)
    saved = store.save(record.model_copy(update={"client_label": "A2"}))
    assert not isinstance(store.index._con, Breaking)  # a new connection to the rebuilt index
    assert Store(store_path).get(a).revision == saved.revision
    assert {s.client_label for s in store.page()} == {"A2", "B"}
    assert indexed_label(Store(store_path), a) == "A2"


def test_a_large_build_read_by_several_processes_gives_the_same_index(store_path, content, monkeypatch):
    import intake.store_index as store_index

    ids = sessions(store_path, content, [f"Asiakas {i}" for i in range(9)])
    (store_path / "sessions" / f"{ids[4]}.json").write_text("{")  # damaged: listed as such either way
    built = {}
    real_pool = store_index.ProcessPoolExecutor
    for parallel in (False, True):
        monkeypatch.setattr(store_index, "BATCH", 2)
        monkeypatch.setattr(store_index, "PARALLEL_FROM", 1 if parallel else 10**9)
        monkeypatch.setattr(store_index.os, "cpu_count", lambda: 2)
        monkeypatch.setattr(store_index.threading, "active_count", lambda: 1)  # whatever earlier tests left
        spawned = []
        monkeypatch.setattr(store_index, "ProcessPoolExecutor",
                            lambda *a, **k: spawned.append(a) or real_pool(*a, **k))
        for old in (store_path / "index").iterdir():
            old.unlink()
        progress = []
        store = Store(store_path, progress=lambda done, total: progress.append((done, total)))
        assert bool(spawned) == parallel
        assert progress[-1] == (9, 9)
        built[parallel] = [(type(s).__name__, s.id, getattr(s, "client_label", None)) for s in store.page()]
        store.close()
    assert built[True] == built[False]
    assert built[True][0] == ("DamagedSession", ids[4], None) and len(built[True]) == 9


def test_no_reader_processes_are_forked_beside_other_threads(store_path, content, monkeypatch):
    import intake.store_index as store_index

    sessions(store_path, content, ["A", "B", "C"])
    monkeypatch.setattr(store_index, "PARALLEL_FROM", 1)
    monkeypatch.setattr(store_index.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(store_index.threading, "active_count", lambda: 2)  # e.g. the app's worker
    monkeypatch.setattr(store_index, "ProcessPoolExecutor", None)  # would fail if used
    for old in (store_path / "index").iterdir():
        old.unlink()
    assert [s.client_label for s in Store(store_path).page()] == ["C", "B", "A"]
