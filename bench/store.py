"""Benchmark of the session store (a script, not a test).

    .venv/bin/python bench/store.py [--sizes 10,1000,10000] [--saves 300]

Durable autosave of one answer at each store size, as a ratio to SQLite's durable single-row
UPDATE of the same JSON document (default rollback journal, synchronous=FULL) measured in the
same run, in alternating rounds so that disk noise hits both; listing and filtering; opening
the store; peak memory (tracemalloc). Targets (DESIGN.md): autosave <= 2x SQLite at every
size; autosave at 10,000 <= 1.5x autosave at 10; list + filter 10,000 sessions <= 100 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from intake.flows.engine import Answer  # noqa: E402
from intake.flows.loader import load_content  # noqa: E402
from intake.session import IntakeSession  # noqa: E402
from intake.store import FORMAT, SessionRecord, Store  # noqa: E402
from intake.store_files import dumps, private_dir  # noqa: E402
from tests.test_plan import answer_all  # noqa: E402

ROUNDS = 7
COUNSELLORS = ["Liisa Ohjaaja", "Pekka Virtanen", "Maija Korhonen", "Anna Nieminen", "Jukka Mäkinen"]


def template(tmp: Path) -> SessionRecord:
    """A complete, realistic session: the whole real interview answered as a client would."""
    content = load_content(REPO / "content")
    store = Store(tmp / "template")
    with IntakeSession.start(store, content, "Asiakas", "Liisa Ohjaaja") as s:
        answer_all(s)
    store.close()
    return s.record


def generate(path: Path, n: int, record: SessionRecord) -> list[str]:
    """Write n session files directly (not through n durable saves)."""
    sessions = private_dir(path / "sessions")
    (path / "format.json").write_bytes(dumps({"format": FORMAT, "app": "intake"}))
    os.chmod(path / "format.json", 0o600)
    base = record.model_dump(mode="json")
    t0 = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    ids = []
    for i in range(n):
        sid = uuid.uuid4().hex[:12]
        when = (t0 + dt.timedelta(minutes=37 * i)).isoformat()
        doc = dict(base, id=sid, client_label=f"Asiakas {i:05d}", counsellor=COUNSELLORS[i % len(COUNSELLORS)],
                   created_at=when, updated_at=when, status="completed" if i % 3 else "in_progress")
        fd = os.open(sessions / f"{sid}.json", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.write(fd, dumps({"meta": {"1": {"format": FORMAT}}, "session": {"1": doc}}))
        os.close(fd)
        ids.append(sid)
    os.sync()
    return ids


def sqlite_table(path: Path, n: int, record: SessionRecord) -> sqlite3.Connection:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=DELETE")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("CREATE TABLE sessions (id TEXT PRIMARY KEY, doc TEXT NOT NULL)")
    doc = record.model_dump_json()
    con.execute("BEGIN")
    con.executemany("INSERT INTO sessions VALUES (?, ?)", ((f"s{i}", doc) for i in range(n)))
    con.execute("COMMIT")
    return con


def changed(record: SessionRecord, i: int) -> SessionRecord:
    """The record with one answer changed, as an autosave after one answer."""
    answers = dict(record.state.answers)
    key = "reason"
    answers[key] = Answer(value=f"Haluan päivään rytmiä ja tekemistä ({i}).", by="client",
                          at=dt.datetime.now(dt.timezone.utc))
    return record.model_copy(update={"state": record.state.model_copy(update={"answers": answers})})


def autosave_ms(store: Store, record: SessionRecord, con: sqlite3.Connection, saves: int) -> tuple[float, float]:
    per_round = max(10, saves // ROUNDS)
    ours, theirs = [], []
    i = 0
    for _ in range(ROUNDS):
        t = time.perf_counter()
        for _ in range(per_round):
            i += 1
            record = store.save(changed(record, i))
        ours.append((time.perf_counter() - t) / per_round * 1000)
        t = time.perf_counter()
        for _ in range(per_round):
            i += 1
            con.execute("UPDATE sessions SET doc = ? WHERE id = ?", (changed(record, i).model_dump_json(), "s1"))
        theirs.append((time.perf_counter() - t) / per_round * 1000)
    return statistics.median(ours), statistics.median(theirs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10,1000,10000")
    ap.add_argument("--saves", type=int, default=350)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmpdir:
        tmp = Path(tmpdir)
        record = template(tmp)
        size = len(record.model_dump_json())
        save_at: dict[int, float] = {}
        for n in sizes:
            path = tmp / f"store{n}"
            t = time.perf_counter()
            ids = generate(path, n, record)
            gen_s = time.perf_counter() - t
            t = time.perf_counter()
            Store(path).close()  # first open: builds the index from the files
            build_ms = (time.perf_counter() - t) * 1000
            tracemalloc.start()  # a separate pass: tracemalloc slows Python down, so it is not timed
            Store(path).list()
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            t = time.perf_counter()
            store = Store(path)
            open_ms = (time.perf_counter() - t) * 1000
            t = time.perf_counter()
            everything = store.list()
            liisa = store.list("liisa")
            open_ones = store.list(status="in_progress")
            list_ms = (time.perf_counter() - t) * 1000
            assert len(everything) == n and len(liisa) == len(range(0, n, len(COUNSELLORS)))
            assert len(open_ones) == len(range(0, n, 3))
            target = store.get(ids[n // 2])
            store.lock_session(target.id, "bench")
            con = sqlite_table(tmp / f"sqlite{n}.db", n, record)
            ours, theirs = autosave_ms(store, target, con, args.saves)
            con.close()
            store.close()
            save_at[n] = ours
            rows.append((f"{n:>6} sessions: generate files / first open (index build)",
                         f"{gen_s * 1000:.0f} ms / {build_ms:.0f} ms", ""))
            rows.append((f"{n:>6} sessions: open store", f"{open_ms:.1f} ms", ""))
            rows.append((f"{n:>6} sessions: list all + filter by text + filter by status", f"{list_ms:.1f} ms",
                         "target <= 100 ms" if n >= 10000 else ""))
            rows.append((f"{n:>6} sessions: peak memory while opening and listing", f"{peak:.1f} MiB", ""))
            rows.append((f"{n:>6} sessions: autosave one answer (SQLite UPDATE)",
                         f"{ours:.2f} ms ({theirs:.2f} ms)", f"{ours / theirs:.2f}x SQLite (target <= 2x)"))
        if len(sizes) > 1:
            lo, hi = min(sizes), max(sizes)
            rows.append((f"autosave at {hi} / autosave at {lo}", f"{save_at[hi] / save_at[lo]:.2f}x",
                         "target <= 1.5x"))
    print(f"Session document: {size} bytes of JSON (a complete interview). Medians of {ROUNDS} alternating rounds.")
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    print(f"| {'measure':<{w0}} | {'result':<{w1}} | note |")
    print(f"|{'-' * (w0 + 2)}|{'-' * (w1 + 2)}|------|")
    for a, b, c in rows:
        print(f"| {a:<{w0}} | {b:<{w1}} | {c} |")


if __name__ == "__main__":
    main()
