"""Benchmark of start-up (a script, not a test).

    .venv/bin/python bench/startup.py [--rounds 10]

Every measure is the wall time of a fresh process, from its start to its exit, headless:

- reference: a bare Textual app (Header, Static, Input, Footer) shown;
- start screen: `intake run` on an empty store until the start screen is shown;
- first question: the same, then a new interview started from the start screen until its first
  question has the keyboard;
- check-content: `intake check-content` on the built-in content.

The rounds alternate reference and intake, so that noise from other work hits both alike. The
content cache is warm (one start fills it before the rounds); a cold start (empty cache) is
measured once at the end. The store, the cache and the settings are in a temporary folder.
Targets (issue 11): start screen <= 1.3x, first question <= 1.5x, check-content <= 1.5x.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGETS = {"start screen": 1.3, "first question": 1.5, "check-content": 1.5}


# --- the child processes ----------------------------------------------------------


async def _until(pilot, screen_name: str) -> None:
    """Wait until the screen named is on top, has the keyboard, and has been drawn. (Polled: a
    Pilot pause in the loop would wait for every widget each time, adding its own delay.)"""
    app = pilot.app
    while type(app.screen).__name__ != screen_name or app.focused is None:
        await asyncio.sleep(0.001)
    await pilot.pause()


def child_bare() -> None:
    from textual.app import App
    from textual.widgets import Footer, Header, Input, Static

    class Bare(App):
        def compose(self):
            yield Header()
            yield Static("Bare")
            yield Input()
            yield Footer()

    async def shown(pilot) -> None:
        await _until(pilot, "Screen")
        pilot.app.exit()

    Bare().run(headless=True, size=(120, 40), auto_pilot=shown)


def child_intake(store: str, first_question: bool) -> None:
    """`intake --store STORE run`, as typed, with the app run headless by the autopilot."""
    from textual.app import App

    from intake.cli import main

    async def drive(pilot) -> None:
        await _until(pilot, "StartScreen")
        if first_question:
            screen = pilot.app.screen
            screen.query_one("#client-label").value = "B-1"
            screen.query_one("#counsellor").value = "Bench Ohjaaja"
            screen.action_start()
            await _until(pilot, "InterviewScreen")
        pilot.app.exit()

    run = App.run
    App.run = lambda app, **_: run(app, headless=True, size=(120, 40), auto_pilot=drive)
    sys.exit(main(["--store", store, "run"]))


def child_check() -> None:
    from intake.cli import main

    with open(os.devnull, "w") as devnull:
        sys.stdout = devnull
        code = main(["check-content"])
    sys.exit(code)


# --- the parent ---------------------------------------------------------------------


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run_child(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, __file__, "--child", *args], env=env, cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"child {args} failed:\n{result.stderr}")
    return elapsed


def environment(tmp: Path) -> dict[str, str]:
    """A private HOME and XDG folders: no user data, settings or cache is read or written."""
    env = dict(os.environ, HOME=str(tmp / "home"), PYTHONPATH=str(REPO))
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[var] = str(tmp / "home" / var.lower())
    return env


def report(name: str, ref: list[float], measure: list[float]) -> None:
    ratio = statistics.median(measure) / statistics.median(ref)
    target = TARGETS.get(name)
    verdict = "" if target is None else f"  target <= {target}x: {'met' if ratio <= target else 'NOT met'}"
    print(f"{name:22} reference median {statistics.median(ref) * 1000:6.0f} ms p95 {p95(ref) * 1000:6.0f} ms | "
          f"intake median {statistics.median(measure) * 1000:6.0f} ms p95 {p95(measure) * 1000:6.0f} ms | "
          f"ratio {ratio:4.2f}x{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        {"bare": child_bare, "start": lambda: child_intake(rest[0], False),
         "question": lambda: child_intake(rest[0], True), "check": child_check}[kind]()
        return

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = environment(tmp)
        cache = Path(env["XDG_CACHE_HOME"])
        run_child(["check"], env)  # fills the content cache
        ref, start, question, check = [], [], [], []
        for i in range(args.rounds):
            ref.append(run_child(["bare"], env))
            start.append(run_child(["start", str(tmp / "empty-store")], env))
            ref.append(run_child(["bare"], env))
            question.append(run_child(["question", str(tmp / f"store-{i}")], env))
            ref.append(run_child(["bare"], env))
            check.append(run_child(["check"], env))
        cold_ref = [run_child(["bare"], env)]
        shutil.rmtree(cache, ignore_errors=True)
        cold = [run_child(["start", str(tmp / "empty-store")], env)]
        print(f"{args.rounds} rounds, {len(ref)} reference runs (bare Textual app shown), fresh processes, headless")
        report("start screen", ref, start)
        report("first question", ref, question)
        report("check-content", ref, check)
        report("start screen, cold cache (once)", cold_ref, cold)


if __name__ == "__main__":
    main()
