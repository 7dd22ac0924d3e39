"""Two real processes on one store, on both backends: interleaved writes lose nothing; edit locks
name their holder and come free when the holder dies, or when it unlocks or closes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from intake.errors import SessionLocked
from intake.flows.engine import Interview
from intake.session import IntakeSession

REPO = Path(__file__).resolve().parent.parent

WORKER = r"""
import datetime as dt, os, sys, time
from pathlib import Path
from intake.flows.engine import Answer
from tests.store_backends import open_place
place, mode, session_id = sys.argv[1], sys.argv[2], sys.argv[3]
store = open_place(place)
if mode == "hold":
    store.lock_session(session_id, "Liisa Ohjaaja")
    print("locked", flush=True)
    time.sleep(600)
go = Path(sys.argv[5])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
store.lock_session(session_id, mode)
record = store.get(session_id)
for i in range(int(sys.argv[4])):
    answers = dict(record.state.answers)
    answers[f"{mode}{i}"] = Answer(value=i, by="client", at=dt.datetime.now(dt.timezone.utc))
    record = store.save(record.model_copy(update={"state": record.state.model_copy(update={"answers": answers}),
                                                  "answered": i + 1}))
    others = [s for s in store.list() if s.id != session_id]  # reads what the other process writes
    print(i, others[0].answered, flush=True)
store.close()
"""


def spawn(*args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, "-c", WORKER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, cwd=REPO)


def test_two_processes_interleaved_writes_lose_nothing(backend, open_store, tmp_path, content):
    store = open_store()
    a = store.create("Asiakas A", "Liisa", Interview(content).state).id
    b = store.create("Asiakas B", "Pekka", Interview(content).state).id
    n, go = 60, tmp_path / "go"
    procs = [spawn(backend.place, "pa", a, str(n), str(go)), spawn(backend.place, "pb", b, str(n), str(go))]
    for p in procs:  # both have opened the store (a connection, a folder) before either writes
        assert p.stdout.readline() == "ready\n", p.communicate(timeout=60)[1]
    go.touch()
    outs = [p.communicate(timeout=60) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
    seen_by_a = [int(line.split()[1]) for line in outs[0][0].splitlines()]
    assert len(seen_by_a) == n and 0 < max(seen_by_a)  # a saw b's progress while both were writing
    store = open_store()
    for sid, prefix in ((a, "pa"), (b, "pb")):
        record = store.get(sid)
        assert {k for k in record.state.answers} == {f"{prefix}{i}" for i in range(n)}
    assert {s.id: s.answered for s in store.list()} == {a: n, b: n}
    changes = [e for e in store.access_log() if e["action"] == "change"]
    assert {e["who"] for e in changes} == {"pa", "pb"}


def test_lock_names_its_holder_allows_read_only_and_is_recovered_when_the_holder_dies(backend, open_store,
                                                                                      content):
    store = open_store()
    sid = store.create("Asiakas A", "Liisa Ohjaaja", Interview(content).state).id
    holder = spawn(backend.place, "hold", sid)
    try:
        assert holder.stdout.readline().strip() == "locked", holder.stderr.read()
        with pytest.raises(SessionLocked) as err:
            IntakeSession.resume(store, content, sid, holder="Pekka")
        message = err.value.message
        assert "Liisa Ohjaaja" in message and socket.gethostname() in message
        assert f"process {holder.pid}" in message and "since" in message and "read-only" in message
        with pytest.raises(SessionLocked):
            store.save(store.get(sid))  # a plain save is refused too: no lost update
        viewer = IntakeSession.resume(store, content, sid, holder="Pekka", read_only=True)
        assert viewer.record.id == sid
        viewer.close()
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.communicate(timeout=30)
    with IntakeSession.resume(store, content, sid, holder="Pekka") as session:  # the dead holder's lock is free
        assert session.answer("Haluan rytmiä päivään.") is None
        with pytest.raises(SessionLocked, match="Pekka"):
            IntakeSession.resume(open_store(), content, sid, holder="Maija")
    with IntakeSession.resume(open_store(), content, sid, holder="Maija") as again:  # close() released it
        assert again.record.answered == 1


def test_a_lock_is_held_until_unlocked_or_the_store_closes(open_store, content):
    first, other = open_store(), open_store()
    sid = first.create("Asiakas A", "Liisa", Interview(content).state, lock=True).id
    with pytest.raises(SessionLocked) as err:
        other.lock_session(sid, "Pekka")
    assert err.value.params["holder"] == "Liisa" and "Liisa" in err.value.message
    with pytest.raises(SessionLocked, match="already open for editing in this program"):
        first.lock_session(sid, "Maija")
    first.save(first.get(sid))  # the holder saves under its own lock
    first.unlock_session(sid)
    other.lock_session(sid, "Pekka")
    with pytest.raises(SessionLocked, match="Pekka"):
        first.save(first.get(sid))  # a save takes the lock for its one write: refused while another edits
    other.close()
    saved = first.save(first.get(sid))  # closing let it go
    assert saved.revision == 2 and open_store().get(sid).revision == 2
