"""Benchmark of the start screen's session list (a script, not a test).

    .venv/bin/python bench/session_list.py [--sizes 100000] [--samples 15]

Headless, with Pilot, for an empty store (the reference, measured in the same run) and for each
size: the app started until the list draws its first line; the screen's own work to show the
list (count, fetch and draw the lines in view: what it does on start, on coming back and for each
filter keystroke, without Textual's event and refresh machinery); the same for each key of
"liisa 09" typed and erased; that key with Pilot until the list is redrawn (Textual's own work
included); Page Down in the list. Also how many rows were fetched: only the rows in view (and a
window around them) are built; the same own work with the review filter on (overdue, and due within
14 days: two in three sessions have a next review, spread over 200 days either side of today), and
for each key typed with the overdue filter on. Medians and p95. Targets (issue 11): the screen's own
work with 100,000 sessions <= 0.3 s; a filter keystroke <= 50 ms (aim: 16 ms, one frame at 60 Hz).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.store import generate, p95, template  # noqa: E402
from textual.widgets import Input  # noqa: E402

from intake.flows.loader import load_content  # noqa: E402
from intake.screens.app import IntakeApp  # noqa: E402
from intake.screens.session_list import SessionList  # noqa: E402
from intake.screens.start import StartScreen  # noqa: E402
from intake.store import Store  # noqa: E402

TYPED = "liisa 09"


painted: list[float] = []  # when the list drew its first line
draw = SessionList.render_line


def render_line(self: SessionList, y: int):
    if not painted:
        painted.append(time.perf_counter())
    return draw(self, y)


SessionList.render_line = render_line


def own_work(screen: StartScreen, sessions: SessionList, text: str) -> float:
    """Milliseconds the screen itself spends on the list for this filter text: counting, and
    fetching and drawing the lines in view (what the compositor asks of it), without Textual's
    own event and refresh machinery."""
    field = screen.query_one("#filter", Input)
    with field.prevent(Input.Changed):
        field.value = text
    t = time.perf_counter()
    screen.refresh_sessions()
    for y in range(sessions.size.height):
        sessions.render_line(y)
    return (time.perf_counter() - t) * 1000


async def measure(store: Store, content, tmp: Path, samples: int) -> dict[str, list[float]]:
    """Milliseconds per measure."""
    found: dict[str, list[float]] = {"start": [], "refresh": [], "filter": [], "key": [], "pagedown": [],
                                     "overdue": [], "soon": [], "overdue_filter": []}
    for _ in range(3):
        app = IntakeApp(store=store, content=content, export_dir=tmp / "exports")
        painted.clear()
        t = time.perf_counter()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            found["start"].append((painted[0] - t) * 1000)
            screen = app.screen
            assert isinstance(screen, StartScreen)
            await app.workers.wait_for_complete()  # the files compared in the background (not timed)
            sessions = screen.query_one(SessionList)
            for _ in range(samples):
                found["refresh"].append(own_work(screen, sessions, ""))
            typed = [*(TYPED[:i] for i in range(1, len(TYPED) + 1)), *(TYPED[:i] for i in range(len(TYPED)))]
            for text in typed:
                found["filter"].append(own_work(screen, sessions, text))
            for due in ("overdue", "soon"):
                screen.due = due
                for _ in range(samples):
                    found[due].append(own_work(screen, sessions, ""))
            screen.due = "overdue"
            for text in typed:
                found["overdue_filter"].append(own_work(screen, sessions, text))
            screen.due = None
            await pilot.press("ctrl+f")
            for key in [*TYPED.replace(" ", "_"), *["backspace"] * len(TYPED)]:
                key = "space" if key == "_" else key
                t = time.perf_counter()
                await pilot.press(key)
                await pilot.pause()
                found["key"].append((time.perf_counter() - t) * 1000)
            sessions.focus()
            await pilot.pause()
            for _ in range(samples):
                t = time.perf_counter()
                await pilot.press("pagedown")
                await pilot.pause()
                found["pagedown"].append((time.perf_counter() - t) * 1000)
            found.setdefault("fetched", []).append(len(sessions._rows))
            found.setdefault("rows", []).append(sessions.row_count)
    return found


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000")
    ap.add_argument("--samples", type=int, default=15)
    args = ap.parse_args()
    content = load_content(REPO / "content")
    results: dict[int, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        record = template(tmp)
        for n in [0, *(int(s) for s in args.sizes.split(","))]:
            path = tmp / f"store{n}"
            generate(path, n, record)
            store = Store(path)  # the index is built here, before the screen is measured
            results[n] = asyncio.run(measure(store, content, tmp, args.samples))
            store.close()
    ref = results[0]
    print(f"Start screen, headless 120x40; reference: the same with an empty store. Medians / p95 in ms. "
          f"Typed in the filter: {TYPED!r} and erased.")
    print("| measure | reference (empty) | measure | ratio | note |")
    print("|---|---|---|---|---|")
    for n, got in results.items():
        if n == 0:
            continue
        for key, what, note in [
            ("start", "app started until the list draws its first line (a Pilot pause waits for the CPU to idle, "
                      "so the check of every file in the background is not counted)", ""),
            ("refresh", "the screen's own work to show the list (count, fetch, draw the lines in view)",
             "target <= 300 ms"),
            ("filter", "the screen's own work for a filter keystroke", "target <= 50 ms (aim 16 ms)"),
            ("key", "a key in the filter until the list is redrawn, with Pilot (Textual's own work included)", ""),
            ("pagedown", "Page Down in the list", ""),
            ("overdue", "the screen's own work to show the overdue reviews (Ctrl+R)", "target <= 300 ms"),
            ("soon", "the screen's own work to show the reviews due within 14 days", "target <= 300 ms"),
            ("overdue_filter", "the screen's own work for a filter keystroke, overdue reviews only",
             "target <= 50 ms (aim 16 ms)"),
        ]:
            a, b = ref[key], got[key]
            print(f"| {n} sessions: {what} | {statistics.median(a):.1f} / {p95(a):.1f} | "
                  f"{statistics.median(b):.1f} / {p95(b):.1f} | "
                  f"{statistics.median(b) / statistics.median(a):.2f}x | {note} |")
        print(f"| {n} sessions: rows fetched from the index after the list was paged 15 times | - | "
              f"{max(got['fetched']):.0f} of {max(got['rows']):.0f} | | only the rows in view are built |")


if __name__ == "__main__":
    main()
