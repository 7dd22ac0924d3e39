"""Crash safety: a writer killed with SIGKILL at random moments, at least 200 times.

Each round forks a writer process (forking this process, which has already imported the store,
keeps a round to milliseconds instead of a fresh interpreter's ~0.3 s). The writer opens the
store, takes the session's edit lock, and saves answers in a loop; after each save returns it
writes the answer's number to a pipe. The test kills it after a random delay (often in the
middle of a write, an fsync, a rename or a journal append), reopens the store, and checks that
the store opens, that every acknowledged answer is in the session, and that the list agrees (the
folder's index; the database's summary column). On both backends: in the database a killed writer's
lock must come free as soon as the server notices, and its save under way is rolled back or whole.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import select
import signal
import time

from intake.flows.engine import Answer, Interview
from tests.store_backends import open_place

KILLS = 200
WINDOW = 40  # the writer keeps the answers k0..k39 and puts answer number n in k{n % WINDOW}


def writer(place: str, session_id: str, ack_fd: int) -> None:
    store = open_place(place)
    store.lock_session(session_id, "crash writer")  # the killed writer's lock must come free by itself
    record = store.get(session_id)
    n = max((a.value for a in record.state.answers.values()), default=0)
    while True:
        n += 1
        answers = dict(record.state.answers)
        answers[f"k{n % WINDOW}"] = Answer(value=n, by="client", at=dt.datetime.now(dt.timezone.utc))
        record = store.save(record.model_copy(update={
            "state": record.state.model_copy(update={"answers": answers}), "answered": n}))
        os.write(ack_fd, f"{n}\n".encode())


def check(place: str, session_id: str, acked: int) -> int:
    store = open_place(place)
    record = store.get(session_id)
    values = {k: a.value for k, a in record.state.answers.items()}
    stored = max(values.values(), default=0)
    assert stored >= acked, f"answer {acked} was acknowledged but the store holds only up to {stored}"
    assert stored <= acked + 1  # at most the one save that was under way when it died
    for m in range(max(1, stored - WINDOW + 1), stored + 1):
        assert values[f"k{m % WINDOW}"] == m
    [summary] = store.list()
    assert summary.updated_at == record.updated_at and summary.answered == record.answered
    store.close()
    return stored


def test_sigkill_at_random_moments_loses_no_acknowledged_answer(backend, content):
    store = open_place(backend.place)
    session_id = store.create("Asiakas", "Liisa", Interview(content).state).id
    store.close()
    rng = random.Random(int(os.environ.get("CRASH_SEED", "3")))
    acked = 0
    killed_mid_run = 0
    for _ in range(KILLS):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the writer
            code = 0
            try:
                os.close(read_fd)
                writer(backend.place, session_id, write_fd)
            except BaseException as exc:
                os.write(write_fd, f"ERROR {exc!r}\n".encode())
                code = 1
            finally:
                os._exit(code)
        os.close(write_fd)
        pipe = os.fdopen(read_fd, "rb")
        # Most rounds let the writer acknowledge a first save, so the kill lands among saves
        # however slow the machine is; the others kill it while it may still be opening.
        waited = rng.random() < 0.8
        if waited:
            assert select.select([pipe], [], [], 30)[0], "the writer acknowledged nothing within 30 s"
        time.sleep(rng.uniform(0.0, 0.03))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        with pipe:
            lines = pipe.read().split(b"\n")[:-1]  # only complete acknowledgements count
        assert os.WIFSIGNALED(status), f"the writer stopped by itself: {lines[-1:]}"
        assert not waited or lines, "a writer that acknowledged a save left no acknowledgement"
        if lines:
            acked = int(lines[-1])
            killed_mid_run += 1
        acked = check(backend.place, session_id, acked)
    assert killed_mid_run >= KILLS // 2  # most kills hit a writer that was saving
    assert acked > KILLS
