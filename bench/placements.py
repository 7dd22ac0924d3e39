"""Benchmark of a county's placement catalogue at scale (a script, not a test).

    .venv/bin/python bench/placements.py [--size 100000] [--runs 7]

Generates a county's list of random valid placements (bench/match.py's generator, without the
companies an import refuses; generation is not measured) and measures, each against a reference
taken in the same run:

- importing it (`intake placements import FILE.csv`, in a child process: wall time and peak
  memory, VmHWM). Reference: reading the same CSV with csv.reader. Target: <= 10 s, <= 300 MiB.
- re-importing 10 rows (5 changed, 5 new) into it: the command's work without loading the content
  (placements_import.import_csv). Reference: the same 10 rows into an empty store. Target: <= 1 s.
- opening the matching screen for a client whose interview is complete (Textual Pilot, headless:
  from opening the session to the proposals on screen, with a fresh app so the catalogue is read
  from the store). Reference: the same with the built-in catalogue only. Target: <= 0.5 s.
- "why not" for one placement (`MatchResult.why_not`, random imported ones). Reference: the same
  in the built-in catalogue. Target: <= 16 ms.

Each prints the reference, the measure, the ratio, the median and the 95th percentile.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.match import SEED, generate  # noqa: E402
from intake.flows.loader import load_content  # noqa: E402
from intake.flows.matching import ClientProfile  # noqa: E402
from intake.placements_import import import_csv, template_rows  # noqa: E402
from intake.merged_catalogue import matching_catalogue  # noqa: E402
from intake.store import Store  # noqa: E402

CONTENT = REPO / "content"


def county(n: int, content, seed: int = SEED) -> list:
    found = [p for p in generate(n + n // 4, list(content.placements), content.matching, random.Random(seed))
             if p.host_type != "company"]
    return [p.model_copy(update={"id": f"county_{i:06d}_{seed}"}) for i, p in enumerate(found[:n])]


def write_csv(path: Path, placements: list) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(template_rows(placements))
    return path


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(name: str, reference: list[float], measure: list[float], unit: str, target: str, met: bool) -> None:
    ref, med = statistics.median(reference), statistics.median(measure)
    print(f"{name}: reference {ref:.3f} {unit}, measure {med:.3f} {unit}, ratio {med / ref:.1f}x; median "
          f"{med:.3f} {unit}, p95 {p95(measure):.3f} {unit} (n={len(measure)}); target {target}: "
          f"{'met' if met else 'NOT met'}")


# The peak is VmHWM: ru_maxrss would keep the parent's peak across fork and exec.
CHILD = """
import re, sys, time
sys.path.insert(0, {repo!r})
import intake.cli as cli
loading, load = [], cli.load
def timed_load(path):
    t0 = time.perf_counter()
    content = load(path)
    loading.append(time.perf_counter() - t0)
    return content
cli.load = timed_load
t0 = time.perf_counter()
code = cli.main(["--store", {store!r}, "--content", {content!r}, "placements", "import", {file!r}])
seconds = time.perf_counter() - t0
peak = re.search(r"VmHWM:\\s*(\\d+) kB", open("/proc/self/status").read()).group(1)
print(seconds, sum(loading), peak, code)
"""


def import_in_child(store: Path, file: Path) -> tuple[float, float, float]:
    """Seconds of `intake placements import FILE` in its own process, the seconds of those spent loading the
    content (issue 11, target 1, caches it), and its peak MiB."""
    out = subprocess.run([sys.executable, "-c", CHILD.format(repo=str(REPO), store=str(store), content=str(CONTENT),
                                                             file=str(file))],
                         capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1].split()
    if out[3] != "0":
        raise SystemExit(f"the import failed: {out}")
    return float(out[0]), float(out[1]), int(out[2]) / 1024


def read_csv(file: Path) -> float:
    t0 = time.perf_counter()
    with file.open(encoding="utf-8", newline="") as f:
        for _ in csv.reader(f):
            pass
    return time.perf_counter() - t0


CLIENT = ClientProfile(start=__import__("datetime").date(2027, 1, 11), interest_code="RS",
                       skills=frozenset({"gardening", "cooking"}))


async def open_matching(store_path: Path, content, session_id: str) -> float:
    """Seconds from opening a complete session to the matching screen showing its proposals."""
    from textual.widgets import OptionList

    from intake.screens.app import IntakeApp
    from intake.screens.matching import MatchingScreen
    from intake.session import IntakeSession

    app = IntakeApp(store=Store(store_path), content=content)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        t0 = time.perf_counter()
        app.open_session(IntakeSession.resume(app.store, content, session_id))
        while not (isinstance(app.screen, MatchingScreen)
                   and any(o.option_count for o in app.screen.query("#proposals").results(OptionList))):
            await asyncio.sleep(0.001)   # let the app work; polled every millisecond
        seconds = time.perf_counter() - t0
        app.close_session()
    app.store.close()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="intake-bench-placements-") as tmp:
        return run(args, Path(tmp))  # removed afterwards: a catalogue of 100,000 takes a gigabyte


def run(args: argparse.Namespace, tmp: Path) -> int:
    content = load_content(CONTENT)
    placements = county(args.size, content)
    big = write_csv(tmp / "county.csv", placements)
    changed = [p.model_copy(update={"open_places": 0}) for p in placements[100:105]]
    small = write_csv(tmp / "ten.csv", [*changed, *county(5, content, seed=SEED + 1)])
    print(f"{args.size:,} placements, {big.stat().st_size / 2**20:.0f} MiB of CSV; python {sys.version.split()[0]}")

    # 1. The import of the whole list, in a child process (3 runs: it takes seconds).
    seconds, without_content, peaks, reference = [], [], [], []
    for run in range(3):
        reference.append(read_csv(big))
        s, loading, mib = import_in_child(tmp / f"store-import-{run}", big)
        seconds.append(s)
        without_content.append(s - loading)
        peaks.append(mib)
    report(f"import {args.size:,} rows", reference, seconds, "s", "<= 10 s", statistics.median(seconds) <= 10)
    report("  the same without loading the content", reference, without_content, "s", "<= 10 s",
           statistics.median(without_content) <= 10)
    print(f"  peak memory (VmHWM): median {statistics.median(peaks):.0f} MiB, max {max(peaks):.0f} MiB; "
          f"target <= 300 MiB: {'met' if max(peaks) <= 300 else 'NOT met'}")

    # 2. Ten rows into the big catalogue, and into an empty one.
    store_path = tmp / "store-import-0"
    big_store, empty_store = Store(store_path), Store(tmp / "store-empty")
    reference, measure = [], []
    for _ in range(args.runs):
        for catalogue, times in ((empty_store.placements, reference), (big_store.placements, measure)):
            t0 = time.perf_counter()
            import_csv(catalogue, small, content)
            times.append(time.perf_counter() - t0)
    report(f"re-import 10 rows into {args.size:,}", reference, measure, "s", "<= 1 s",
           statistics.median(measure) <= 1)

    # 3. The matching screen, with the big catalogue and with the built-in one only.
    from tests.test_app_plan import answer_interview
    from intake.session import IntakeSession

    built_in = Store(tmp / "store-built-in")   # nothing imported: the built-in catalogue only
    sessions = {}
    for store in (big_store, built_in):
        session = IntakeSession.start(store, content, "X-1", "Liisa Ohjaaja")
        answer_interview(session, lambda step: False)
        sessions[store.path] = session.record.id
        session.close()
        store.close()
    empty_store.close()
    reference, measure = [], []
    for _ in range(args.runs):
        for path, times in ((built_in.path, reference), (store_path, measure)):
            times.append(asyncio.run(open_matching(path, content, sessions[path])))
    report(f"matching screen open, {args.size:,} imported", reference, measure, "s", "<= 0.5 s",
           statistics.median(measure) <= 0.5)

    # 4. Why not, for one placement.
    rng = random.Random(SEED)
    results = {}
    for path in (built_in.path, store_path):
        catalogue = matching_catalogue(Store(path), content)
        results[path] = catalogue.match(CLIENT)
    times: dict[Path, list[float]] = {built_in.path: [], store_path: []}
    for path, result in results.items():
        ids = result.catalogue.ids
        for _ in range(200):
            pid = rng.choice(ids)
            t0 = time.perf_counter()
            result.why_not(pid)
            times[path].append(time.perf_counter() - t0)
    ms = {path: [t * 1000 for t in values] for path, values in times.items()}
    report(f"why not, one placement of {args.size:,}", ms[built_in.path], ms[store_path], "ms", "<= 16 ms",
           p95(ms[store_path]) <= 16)
    return 0


if __name__ == "__main__":
    sys.exit(main())
