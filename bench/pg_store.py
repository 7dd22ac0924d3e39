"""Benchmark of the session store in PostgreSQL (issue 15; a script, not a test).

    .venv/bin/python bench/pg_store.py            # the county: 100,000 sessions (a few minutes)
    .venv/bin/python bench/pg_store.py --quick    # smaller sizes, under a minute

It starts its own throwaway server (tests/postgres_server.py, PostgreSQL's default settings but fsync
back on: the tests' server runs without it, and an autosave is only a save once it is durable), on a
unix socket, with a team of five counsellors' database roles and their team lead, row-level security
on (the app connects as each person's own role; only the filling of the table is the superuser's).

1. The autosave of one answer through `PostgresStore.save` as a counsellor, against SQLite's durable
   single-row UPDATE of the same document (WAL, synchronous=FULL, in the same folder), both
   serialising it the same way, in alternating rounds (bench/store.py's `autosave_ms`).
2. 20 processes at once, each a counsellor saving their own session (a complete interview) one answer
   at a time: throughput, the latency of one save, and no lost update: each session's revision and
   last answer in the database are those of its last save. Then 2 processes saving the SAME session
   without its edit lock, each reading, changing and saving, again on SessionConflict (the other saved
   in between; SessionLocked, a save refused while the other writes, is counted too: the store waits
   for that write instead): every successful save got its own revision, and the last document holds
   the mark of every one of them.
3. A county's store: 100,000 sessions (bench/store.py's mix, one in four an ended period, their end
   reviews held from 2020 to 2025) copied in with COPY as the app would have written them; the team
   lead's outcome report for 2024 (`intake report`'s own code: `read_report`), and the list's count
   and first page (plain, filtered by "liisa 09", overdue reviews), against the folder store of the
   same sessions.

Medians and 95th percentiles. Figures of one full run (4 min; 2 CPUs shared with other work, ext4 on a
virtual disk, PostgreSQL 15, Python 3.11; a session document is 15,483 bytes of JSON):

| measure                                                               | result                                   |
|-----------------------------------------------------------------------|------------------------------------------|
| autosave of one answer, ms (SQLite WAL+FULL UPDATE)                   | 1.72 / p95 2.26 (0.71 / p95 1.06): 2.43x |
| 20 processes, each saving its own session 100 times                   | 1631 saves/s (2000 in 1.2 s)             |
| 20 processes: one save, ms                                            | 11.07 / p95 18.01 / max 81.4             |
| 20 processes: sessions whose revision and last answer are their last  | 20 of 20, 0 saves lost                   |
| 2 processes, same session: saves / SessionConflict / SessionLocked    | 400 / 206 / 0 in 1.0 s                   |
| 2 processes: revision = saves; each its own revision; every mark kept | 400 = 400: True; True; True              |
| 100,000 sessions: COPY + VACUUM ANALYZE / folder files + index        | 75.1 s / 36.3 s                          |
| the lead's report for 2024 (4,164 ended periods), ms                  | 9929 / p95 10004 (folder 8245): 1.20x    |
| count + first page of 60, ms                                          | 15.6 / p95 19.4 (folder 0.86): 18x       |
| the same filtered by 'liisa 09', ms                                   | 37.8 / p95 39.3 (folder 12.5): 3.0x      |
| the same with the overdue reviews, ms                                 | 7.9 / p95 8.6 (folder 1.46): 5.4x        |

SQLite's durable UPDATE moves with the virtual disk from run to run (median 0.46 to 0.87 ms in four
full runs while the store was tuned), PostgreSQL's autosave much less (1.64 to 1.80 ms): the ratio
was 1.90x to 3.55x. Twenty Python processes and their server processes on two CPUs are likely bound by the CPUs (not
measured apart). The list is slower than the folder store's because every count and filter is a scan
of the table under row-level security (EXPLAIN; the folder store's index is a local SQLite file).
Most of the report's time is the app's own work, the same for both stores (a period's status for each
ended session): the folder store takes 8.2 of PostgreSQL's 9.9 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import queue
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import psycopg  # noqa: E402

from bench.store import (  # noqa: E402
    COUNSELLORS, autosave_ms, changed, document, print_table, realistic_docs, sqlite_table, stats, template,
    timed_ms, write_sessions,
)
from intake.errors import SessionConflict, SessionLocked  # noqa: E402
from intake.flows.display import Texts  # noqa: E402
from intake.flows.due import ReviewDue, grace_days  # noqa: E402
from intake.flows.engine import Answer  # noqa: E402
from intake.flows.loader import load_content  # noqa: E402
from intake.flows.model import Content  # noqa: E402
from intake.flows.period import add_months  # noqa: E402
from intake.outcome_report import read_report  # noqa: E402
from intake.session import IntakeSession  # noqa: E402
from intake.store import SUMMARY_FIELDS, SessionRecord, Store  # noqa: E402
from intake.store_api import SessionStore  # noqa: E402
from intake.store_index import search_text  # noqa: E402
from intake.store_pg import PostgresStore  # noqa: E402
from tests.postgres_server import PostgresServer, start_server  # noqa: E402
from tests.test_exports import CONSENTING, answer_as  # noqa: E402
from tests.test_report import PATHS_2020, Builder  # noqa: E402

TEAM = "kotka"
ROLES = ["liisa", "pekka", "maija", "anna", "jukka"]  # the database roles of bench/store.py's COUNSELLORS
LEAD = "tiina"
WRITERS = 20
ENDED_QUARTERS = 24  # end reviews held on the last day of each quarter from 2020 to 2025
REPORT_YEAR = 2024
QUICK = dict(saves=70, each=20, same=40, sessions=10_000, times=3)
FULL = dict(saves=350, each=100, same=200, sessions=100_000, times=5)


def start() -> PostgresServer:
    """The tests' server, restarted with fsync on (they start it with -F: their data is thrown away)."""
    server = start_server()
    try:
        restarted = server._pg("pg_ctl", "-D", str(server.data_dir), "-l", str(server.root / "server.log"), "-w",
                               "-m", "fast", "-o", f"-k {server.root} -h ''", "restart")
        if restarted.returncode:
            raise SystemExit(f"PostgreSQL did not restart with fsync on: {restarted.stderr.strip()}")
    except BaseException:
        server.stop()
        raise
    return server


def county(server: PostgresServer, name: str) -> str:
    """A database with intake's schema and the counsellors and their lead in one team; its name."""
    PostgresStore(server.create_database(name)).close()  # the first opening installs the schema
    with psycopg.connect(server.url(name), autocommit=True) as con:
        assert con.execute("SHOW fsync").fetchone()[0] == "on"
        for role, kind in [*((r, "counsellor") for r in ROLES), (LEAD, "lead")]:
            if not con.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():  # the server's
                con.execute(f"CREATE ROLE {role} LOGIN IN ROLE intake_{kind}")
            con.execute("INSERT INTO intake.team_members VALUES (%s, %s, %s)", (role, TEAM, kind))
    return name


def own(store: PostgresStore, record: SessionRecord, label: str, counsellor: str) -> SessionRecord:
    """A session of its own with the record's answers, owned by the store's role."""
    return store.adopt(record.model_copy(update={"id": uuid.uuid4().hex[:12], "client_label": label,
                                                 "counsellor": counsellor}))


# -- 1. one autosave --------------------------------------------------------------------------
def autosave(server: PostgresServer, db: str, record: SessionRecord, saves: int) -> list[tuple[str, str, str]]:
    store = PostgresStore(server.url(db, ROLES[0]))
    mine = own(store, record, "Asiakas autosave", COUNSELLORS[0])
    store.lock_session(mine.id, COUNSELLORS[0])
    con = sqlite_table(server.root / "sqlite.db", 10, record)  # on the same disk as the server's data
    ours, theirs = autosave_ms(store, mine, con, saves)
    con.close()
    store.close()
    ratio = statistics.median(ours) / statistics.median(theirs)
    return [("autosave of one answer, ms (SQLite WAL+FULL UPDATE)", f"{stats(ours)} ({stats(theirs)})",
             f"{ratio:.2f}x SQLite, {len(ours)} saves each")]


# -- 2. many at once --------------------------------------------------------------------------
def writer(url: str, session_id: str, counsellor: str, saves: int, ready, out) -> None:
    """One counsellor saving their own session, one answer at a time, from the moment all are ready."""
    store = PostgresStore(url)
    store.lock_session(session_id, counsellor)
    record = store.get(session_id)
    ready.wait()
    began = time.perf_counter()
    spent = []
    for i in range(1, saves + 1):
        edit = changed(record, i)
        t = time.perf_counter()
        record = store.save(edit)
        spent.append((time.perf_counter() - t) * 1000)
    out.put((began, time.perf_counter(), spent))
    store.close()


def marked(record: SessionRecord, mark: str) -> SessionRecord:
    """The record with `mark` added to the end of an answer: the document shows which saves it holds."""
    answers = dict(record.state.answers)
    answers["reason"] = Answer(value=f"{answers['reason'].value} {mark}", by="client",
                               at=dt.datetime.now(dt.timezone.utc))
    return record.model_copy(update={"state": record.state.model_copy(update={"answers": answers})})


def rival(url: str, session_id: str, name: str, saves: int, ready, out) -> None:
    """Read, change and save the session (no edit lock) until `saves` of them succeed; say which revision
    each got and how often another save came in between."""
    store = PostgresStore(url)
    ready.wait()
    began = time.perf_counter()
    got, conflicts, busy = [], 0, 0
    while len(got) < saves:
        try:
            record = store.save(marked(store.get(session_id), f"{name}{len(got)}"))
        except SessionConflict:
            conflicts += 1
        except SessionLocked:
            busy += 1
        else:
            got.append((record.revision, f"{name}{len(got)}"))
    out.put((began, time.perf_counter(), got, conflicts, busy))
    store.close()


def in_parallel(target, args: list[tuple]) -> list[tuple]:
    ctx = mp.get_context("fork")  # the children open their own connections; nothing of the parent's is used
    ready, out = ctx.Barrier(len(args)), ctx.Queue()
    procs = [ctx.Process(target=target, args=(*a, ready, out)) for a in args]
    for p in procs:
        p.start()
    results = []
    while len(results) < len(procs):
        try:
            results.append(out.get(timeout=1))
        except queue.Empty:
            if any(p.exitcode for p in procs):  # its traceback is above
                for p in procs:
                    p.kill()
                raise SystemExit("a benchmark process failed") from None
    for p in procs:
        p.join()
    return results


def concurrent(server: PostgresServer, db: str, record: SessionRecord, each: int,
               same: int) -> list[tuple[str, str, str]]:
    stores = [PostgresStore(server.url(db, role)) for role in ROLES]
    mine = [own(stores[w % len(ROLES)], record, f"Asiakas rinnakkain {w:02d}", COUNSELLORS[w % len(ROLES)])
            for w in range(WRITERS)]
    results = in_parallel(writer, [(server.url(db, ROLES[w % len(ROLES)]), mine[w].id, COUNSELLORS[w % len(ROLES)],
                                    each) for w in range(WRITERS)])
    wall = max(r[1] for r in results) - min(r[0] for r in results)
    spent = [ms for r in results for ms in r[2]]
    with psycopg.connect(server.url(db)) as con:
        rows = con.execute("SELECT revision, record->'state'->'answers'->'reason'->>'value' FROM intake.sessions "
                           "WHERE id = ANY(%s)", ([m.id for m in mine],)).fetchall()
    kept = sum(revision == each and text.endswith(f"({each}).") for revision, text in rows)
    lost = WRITERS * each - sum(revision for revision, _ in rows)
    table = [(f"{WRITERS} processes, each saving its own session {each} times: saves/s",
              f"{WRITERS * each / wall:.0f} ({WRITERS * each} saves in {wall:.1f} s)", ""),
             (f"{WRITERS} processes: one save, ms", f"{stats(spent)} / max {max(spent):.1f}", ""),
             (f"{WRITERS} processes: sessions whose revision and last answer are their last save's",
              f"{kept} of {WRITERS}, {lost} saves lost", "target: all, 0 lost")]

    shared = own(stores[0], record, "Asiakas yhteinen", COUNSELLORS[0])
    for s in stores:
        s.close()
    results = in_parallel(rival, [(server.url(db, ROLES[k]), shared.id, name, same) for k, name in enumerate("AB")])
    wall = max(r[1] for r in results) - min(r[0] for r in results)
    got = sorted(g for r in results for g in r[2])
    with psycopg.connect(server.url(db)) as con:
        revision, text = con.execute("SELECT revision, record->'state'->'answers'->'reason'->>'value' "
                                     "FROM intake.sessions WHERE id = %s", (shared.id,)).fetchone()
    # Each successful save, in the order of its revision, added its mark after the one before.
    in_order = [m for m in text.split() if m[0] in "AB" and m[1:].isdigit()] == [mark for _, mark in got]
    distinct = [r for r, _ in got] == list(range(1, len(got) + 1))
    table += [("2 processes saving the same session: successful saves / SessionConflict / SessionLocked",
               f"{len(got)} / {sum(r[3] for r in results)} / {sum(r[4] for r in results)} in {wall:.1f} s", ""),
              ("2 processes: final revision = successful saves; each its own revision; every save's mark kept",
               f"{revision} = {len(got)}: {revision == len(got)}; {distinct}; {in_order}", "target: all true")]
    return table


# -- 3. a county's store ----------------------------------------------------------------------
def ended_templates(tmp: Path, content: Content) -> list[SessionRecord]:
    """Sessions whose period ended on the last day of each quarter from 2020 on, as the app saves them."""
    store = Store(tmp / "ended")
    intake = IntakeSession.start(store, content, "TEMPLATE", COUNSELLORS[0])
    answer_as(intake, CONSENTING)
    intake.close()
    build = Builder(store, intake.interview.state)
    paths = list(PATHS_2020)
    ended = [build.period(add_months(dt.date(2020, 1, 1), 3 * (q + 1)) - dt.timedelta(days=1), 6,
                          paths[q % len(paths)]).record for q in range(ENDED_QUARTERS)]
    store.close()
    return ended


def county_docs(n: int, record: SessionRecord, ended: list[SessionRecord]) -> Iterator[dict]:
    """bench/store.py's sessions, one in four of them a period that has ended."""
    ended_docs = [e.model_dump(mode="json") for e in ended]
    for i, doc in enumerate(realistic_docs(n, record)):
        if i % 4 == 3:
            doc = dict(ended_docs[i // 4 % len(ended_docs)], **{k: doc[k] for k in (
                "id", "client_label", "counsellor", "created_at", "updated_at")})
        yield doc


def fill(server: PostgresServer, db: str, docs: Iterator[dict]) -> int:
    """COPY the sessions in as the app would have written them (each saved more than once: a previous
    version kept), owned by their counsellors' roles; the rows marked checked (intake.app_write)."""
    roles = dict(zip(COUNSELLORS, ROLES))
    n = 0
    with psycopg.connect(server.url(db), autocommit=True) as con:
        con.execute("SET intake.app_write = 'on'")
        with con.cursor().copy("COPY intake.sessions (id, owner, team, revision, record, previous, summary, search, "
                               "next_review, status, changed) FROM STDIN") as copy:
            for doc in docs:
                summary = {k: doc[k] for k in SUMMARY_FIELDS}
                text = json.dumps(doc, ensure_ascii=False)
                copy.write_row((doc["id"], roles[doc["counsellor"]], TEAM, 2, text, text, json.dumps(summary),
                                search_text(summary), doc["next_review"], doc["status"], doc["updated_at"]))
                n += 1
        con.execute("VACUUM ANALYZE intake.sessions")  # as autovacuum would have by now
    return n


def listing_ms(store: SessionStore, due: ReviewDue, times: int) -> list[tuple[str, list[float]]]:
    return [("count + first page of 60", timed_ms(lambda: (store.count(), store.page(limit=60)), times)),
            ("the same filtered by 'liisa 09'",
             timed_ms(lambda: (store.count("liisa 09"), store.page("liisa 09", limit=60)), times)),
            ("the same with the overdue reviews",
             timed_ms(lambda: (store.count(due=due), store.page(due=due, limit=60)), times))]


def report_ms(store: SessionStore, content: Content, times: int) -> tuple[list[float], int]:
    texts = Texts(content, "fi")
    start, end = dt.date(REPORT_YEAR, 1, 1), dt.date(REPORT_YEAR, 12, 31)
    ended = read_report(store, content, texts, start, end).ended
    return timed_ms(lambda: read_report(store, content, texts, start, end), times), ended


def county_scale(server: PostgresServer, db: str, tmp: Path, record: SessionRecord, content: Content, n: int,
                 times: int) -> list[tuple[str, str, str]]:
    ended = ended_templates(tmp, content)
    docs = list(county_docs(n, record, ended))
    t = time.perf_counter()
    assert fill(server, db, iter(docs)) == n
    filled = time.perf_counter() - t
    t = time.perf_counter()
    write_sessions(tmp / "folder", docs)
    Store(tmp / "folder").close()  # the first opening builds the index
    written = time.perf_counter() - t
    del docs
    due = ReviewDue("overdue", dt.date.today(), grace_days(content))
    rows = [(f"{n} sessions: COPY into PostgreSQL + VACUUM ANALYZE / write the folder + build its index",
             f"{filled:.1f} s / {written:.1f} s", "")]
    lead = PostgresStore(server.url(db, LEAD))
    folder = Store(tmp / "folder")
    assert lead.count() == folder.count() == n
    pg_report, pg_ended = report_ms(lead, content, times)
    folder_report, folder_ended = report_ms(folder, content, times)
    assert pg_ended == folder_ended, (pg_ended, folder_ended)
    rows.append((f"{n} sessions: the lead's outcome report for {REPORT_YEAR} ({pg_ended} ended periods), ms",
                 f"{stats(pg_report)} (folder {stats(folder_report)})",
                 f"{statistics.median(pg_report) / statistics.median(folder_report):.2f}x the folder store"))
    for (what, ours), (_, theirs) in zip(listing_ms(lead, due, times * 3), listing_ms(folder, due, times * 3)):
        rows.append((f"{n} sessions: {what}, ms", f"{stats(ours)} (folder {stats(theirs)})",
                     f"{statistics.median(ours) / statistics.median(theirs):.2f}x the folder store"))
    lead.close()
    folder.close()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help=f"smaller sizes: {QUICK}")
    for name, value in FULL.items():
        ap.add_argument(f"--{name}", type=int, help=f"default {value} ({QUICK[name]} with --quick)")
    args = ap.parse_args()
    sizes = {k: getattr(args, k) or (QUICK if args.quick else FULL)[k] for k in FULL}
    began = time.perf_counter()
    server = start()
    try:
        db = county(server, "saves")
        with tempfile.TemporaryDirectory(dir=server.root) as tmpdir:
            tmp = Path(tmpdir)
            content = load_content(REPO / "content")
            record = template(tmp)
            rows = autosave(server, db, record, sizes["saves"])
            rows += concurrent(server, db, record, sizes["each"], sizes["same"])
            rows += county_scale(server, county(server, "county"), tmp, record, content, sizes["sessions"],
                                 sizes["times"])
    finally:
        server.stop()
    print(f"Session document: {len(document(record))} bytes of JSON (a complete interview). "
          f"PostgreSQL over a unix socket, fsync on. {time.perf_counter() - began:.0f} s in all.")
    print_table(rows)


if __name__ == "__main__":
    main()
