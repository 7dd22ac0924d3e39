"""Benchmark of the interview screen (a script, not a test).

    .venv/bin/python bench/interview.py [--samples 15]

Time from submitting an answer to the next question's input having the keyboard (ready), and to
the next frame drawn after that (drawn), on the longest real interview (every repeat group to its
most entries, every text to its longest, every multiple choice with as many choices as it takes),
at the 5th answer, a third and two thirds of the way, and the last answer. Each sample steps back
one question (not timed) and answers it again (timed), so every sample at a point does the same
work. Reported: median and p95 per point against the target (issue 11: within 50 ms at any point,
however long the transcript; "met" when the p95 is within it), and the ratio last/early of the
medians, measured in the same run (close to 1: the time does not grow with the interview).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from intake.flows.engine import Interview  # noqa: E402
from intake.flows.loader import load_content  # noqa: E402
from intake.flows.model import LongText, MultiChoice, ShortText  # noqa: E402
from intake.screens.answer_fields import AnswerField  # noqa: E402
from intake.screens.app import IntakeApp  # noqa: E402
from intake.screens.interview import InterviewScreen  # noqa: E402
from intake.session import IntakeSession  # noqa: E402
from intake.store import Store  # noqa: E402
from tests.test_plan import value_for  # noqa: E402


TARGET_MS = 50
WORDS = "Asiakas kertoo arjestaan, vahvuuksistaan ja toiveistaan työtoiminnan suhteen. "


def longest_value(step, rng: random.Random):
    """An answer that makes the interview and its transcript as long as they get."""
    q = step.question
    if step.is_add_another:
        return True  # the content's max_entries ends the group
    if isinstance(q, LongText) or (isinstance(q, ShortText) and not q.pattern):
        return (WORDS * (q.max_length // len(WORDS) + 1))[:q.max_length].strip()
    if isinstance(q, MultiChoice):
        many = [c.value for c in q.choices if not c.exclusive]
        return many[:q.max_selected or len(many)]
    return value_for(step, rng)


def longest_length(content) -> int:
    """How many answers the longest interview has."""
    interview, rng = Interview(content), random.Random(0)
    while (step := interview.current()) is not None:
        assert interview.answer(longest_value(step, rng)) is None, step.key
    return len(interview.state.answers)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def measure(at: int, samples: int, content) -> tuple[list[float], list[float]]:
    """Seconds from Submit to the next input focused (ready for keys), and to the first frame drawn
    after that (what the counsellor sees), for the `at`-th answer (1-based)."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "store")
        session = IntakeSession.start(store, content, "B-1", "Bench Ohjaaja")
        rng = random.Random(0)
        while len(session.interview.state.answers) < at:  # answered up to and including `at`
            assert session.answer(longest_value(session.interview.current(), rng)) is None
        app = IntakeApp(store=store, content=content, export_dir=Path(tmp) / "exports")
        gc.freeze()  # as `intake run` does once start-up is done
        ready, drawn = [], []
        frames: list[float] = []
        show = app._display  # headless, a frame is still composed and handed here

        def display(screen, update) -> None:
            show(screen, update)
            if update is not None:
                frames.append(time.perf_counter())

        app._display = display
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
                value = longest_value(screen.step, random.Random(0))
                start = time.perf_counter()
                screen.post_message(AnswerField.Submit(field, (None, value)))
                while screen.field is field or app.focused is None or app.focused.parent is not screen.field:
                    await asyncio.sleep(0)
                focused = time.perf_counter()
                ready.append(focused - start)
                while not frames or frames[-1] < focused:
                    await asyncio.sleep(0)
                drawn.append(frames[-1] - start)
                await pilot.pause()
        session.close()
        store.close()
        return ready[1:], drawn[1:]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=15)
    args = parser.parse_args()
    content = load_content(REPO / "content")
    total = longest_length(content)
    # The last point answers the last question but one: its next question is the last one.
    points = {"early": 5, "a third": total // 3, "two thirds": 2 * total // 3, "last": total - 1}
    print(f"the longest interview: {total} answers; target: the next question within {TARGET_MS} ms")
    medians = {}
    for name, at in points.items():
        ready, drawn = await measure(at, args.samples, content)
        medians[name] = statistics.median(drawn)
        print(f"{name:10} answer {at:3}: " + " | ".join(
            f"{what} median {statistics.median(times) * 1000:5.1f} ms p95 {p95(times) * 1000:5.1f} ms "
            f"({'met' if p95(times) * 1000 <= TARGET_MS else 'NOT met'})"
            for what, times in (("ready", ready), ("drawn", drawn))) + f"  ({len(ready)} samples)")
    print(f"ratio last/early (medians, drawn): {medians['last'] / medians['early']:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
