"""Benchmark of the interview screen (a script, not a test).

    .venv/bin/python bench/interview.py [--early 5] [--late 110] [--samples 15]

Time from submitting an answer to the next question's input having the keyboard, on the real
interview, early (answer 5) and late (answer 110). Each sample steps back one question (not timed)
and answers it again (timed), so every sample at a point does the same work. Reported: median and
p95 per point, and the ratio late/early of the medians, measured in the same run (target: close
to 1, i.e. the time does not grow with the interview).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from intake.flows.loader import load_content  # noqa: E402
from intake.screens.answer_fields import AnswerField  # noqa: E402
from intake.screens.app import IntakeApp  # noqa: E402
from intake.screens.interview import InterviewScreen  # noqa: E402
from intake.session import IntakeSession  # noqa: E402
from intake.store import Store  # noqa: E402
from tests.test_plan import value_for  # noqa: E402


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def measure(at: int, samples: int, content) -> list[float]:
    """Seconds from Submit to the next input focused, for the `at`-th answer (1-based)."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "store")
        session = IntakeSession.start(store, content, "B-1", "Bench Ohjaaja")
        rng = random.Random(0)
        while len(session.interview.state.answers) < at:  # answered up to and including `at`
            assert session.answer(value_for(session.interview.current(), rng)) is None
        app = IntakeApp(store=store, content=content, export_dir=Path(tmp) / "exports")
        times = []
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.open_session(session)
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, InterviewScreen)
            for _ in range(samples + 1):  # the first one warms up
                await screen.action_back()                       # to answer `at` again
                await pilot.pause()
                field = screen.field
                value = value_for(screen.step, random.Random(0))
                start = time.perf_counter()
                screen.post_message(AnswerField.Submit(field, (None, value)))
                while screen.field is field or app.focused is None or app.focused.parent is not screen.field:
                    await asyncio.sleep(0)
                times.append(time.perf_counter() - start)
                await pilot.pause()
        session.close()
        store.close()
        return times[1:]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--early", type=int, default=5)
    parser.add_argument("--late", type=int, default=110)
    parser.add_argument("--samples", type=int, default=15)
    args = parser.parse_args()
    content = load_content(REPO / "content")
    early = await measure(args.early, args.samples, content)
    late = await measure(args.late, args.samples, content)
    for name, at, times in (("early", args.early, early), ("late", args.late, late)):
        print(f"{name:5} answer {at:3}: median {statistics.median(times) * 1000:7.1f} ms   "
              f"p95 {p95(times) * 1000:7.1f} ms   ({len(times)} samples)")
    print(f"ratio late/early (medians): {statistics.median(late) / statistics.median(early):.2f}")


if __name__ == "__main__":
    asyncio.run(main())
