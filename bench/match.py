"""Benchmark of placement matching (a script, not a test).

    .venv/bin/python bench/match.py [--sizes 1000,10000,100000] [--runs 21] [--profile]

Generates catalogues of random placements (every field drawn at random with a fixed seed;
generation is not measured), compiles each into a Catalogue (build time reported on its own),
then times ranking one client: `catalogue.match(client, rules)` plus `result.proposals()`,
the median of --runs runs after a warm-up, for a client who says a lot (Asiakas X: restrictions,
schedule, journey, language, support) and for one who says little (nearly everything eligible).
Also times `result.excluded()` (every placement not proposed, with its reasons) once per size.

Targets (issue 5): 10,000 placements within 16 ms (one frame); 100,000 within 12x the time
for 10,000. --profile prints a cProfile of the ranking at the largest size.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import platform
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from intake.flows.loader import load_content  # noqa: E402
from intake.flows.matching import Catalogue, ClientProfile  # noqa: E402
from intake.flows.placements import (  # noqa: E402
    Accessibility, Contact, Demands, MatchingFile, Placement, Schedule, Support)
from intake.flows.rules import Rules  # noqa: E402
from intake.flows.text import Text  # noqa: E402

SEED = 20250105
TARGET_10K_MS = 16.0
TARGET_RATIO = 12.0
HOST_TYPES = ["public_unit", "association", "foundation", "state_agency", "religious_community", "company"]
FORMS = ["individual", "workshop", "group", "club"]
LEVELS = ["low", "medium", "high"]
LANGUAGES = ["fi", "sv", "en", "ru", "ar", "et", "so", "fa"]
TIMES = ["morning", "daytime", "afternoon", "evening"]
HOURS = [3.0, 4.0, 4.5, 5.0, 6.0, 7.0, 8.0]


def generate(n: int, real: list[Placement], config: MatchingFile, rng: random.Random) -> list[Placement]:
    """n placements with every field random (texts and contacts borrowed from the real catalogue)."""
    skills = sorted({s for p in real for s in p.skills})
    municipalities = [m.name for m in config.municipalities] + ["Atlantis"]   # not a Finnish municipality
    texts = [p.tasks for p in real]
    contact = Contact.model_construct(name="Testi Henkilö", phone=None, email=None)
    out = []
    for i in range(n):
        code = "".join(rng.sample("RIASEC", rng.randint(1, 3)))
        out.append(Placement.model_construct(
            id=f"gen_{i:06d}",
            name=f"Paikka {i}",
            host="Generoitu ry",
            host_type=rng.choices(HOST_TYPES, weights=[30, 30, 15, 10, 10, 5])[0],
            legal_form="ry",
            municipality=rng.choice(municipalities),
            form=rng.choice(FORMS),
            tasks=rng.choice(texts) if texts else Text.model_construct(fi="-", sv="-", en="-", plain=None),
            interest_code=code,
            skills=rng.sample(skills, rng.randint(0, min(5, len(skills)))),
            works_with=rng.sample(["people", "things", "information"], rng.randint(1, 3)),
            setting=rng.choice(["indoors", "outdoors", "both"]),
            demands=Demands.model_construct(
                lifting=rng.choice(["none", "light", "heavy"]), standing=rng.choice(LEVELS),
                sitting=rng.choice(LEVELS), noise=rng.choice(["quiet", "moderate", "loud"]),
                crowds=rng.choice(LEVELS), social=rng.choice(LEVELS)),
            support=Support.model_construct(
                work_coach=rng.random() < 0.4,
                guidance_languages=["fi"] + rng.sample(LANGUAGES[1:], rng.choice([0, 0, 1, 2])),
                adapted_tasks=rng.random() < 0.8),
            orientation=rng.sample(["maintaining", "forward"], rng.randint(1, 2)),
            accessibility=Accessibility.model_construct(step_free=rng.random() < 0.8,
                                                        accessible_toilet=rng.random() < 0.5),
            public_transport=rng.random() < 0.85,
            schedule=Schedule.model_construct(
                days_per_week=sorted(rng.sample([1, 2, 3, 4, 5], rng.randint(1, 3))),
                hours_per_day=sorted(rng.sample(HOURS, rng.randint(1, 3))),
                times=rng.sample(TIMES, rng.randint(1, 3))),
            open_places=rng.choice([0, 1, 1, 2, 2, 3, 4, 5, 6]),
            contact=contact,
        ))
    return out


# One client who exercises every constraint and every part of the score ("Asiakas X", seed 000).
CLIENT = ClientProfile(
    start=dt.date(2026, 3, 2), interest_code="SCI", skills=frozenset({"construction", "computers_basic"}),
    setting="indoors", social="small_group", works_with=frozenset({"people", "information"}),
    restrictions=frozenset({"no_lifting", "no_long_standing", "no_evenings"}), days_per_week=3, hours_per_day=4,
    home="espoo", max_journey=90, transport=frozenset({"public_transport", "car"}), languages=frozenset({"fi"}),
    support_needs=frozenset({"work_coach", "step_free_access"}), orientation="forward")


# And one who says little (an interest code and two skills): nearly every open placement is scored and sorted.
OPEN_CLIENT = ClientProfile(start=dt.date(2026, 3, 2), interest_code="RS", skills=frozenset({"gardening", "cooking"}))


def rank(catalogue: Catalogue, rules: Rules, client: ClientProfile = CLIENT):
    result = catalogue.match(client, rules)
    result.proposals()
    return result


def time_ms(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    content = load_content(REPO / "content")
    config, rules = content.matching, Rules(content.rules)
    print(f"python {platform.python_version()}, {platform.machine()}; client: {CLIENT.interest_code}, "
          f"{len(CLIENT.restrictions)} restrictions, home {CLIENT.home}, max {CLIENT.max_journey} min")
    rows = []
    for n in sizes:
        placements = generate(n, list(content.placements), config, random.Random(SEED + n))
        gc.collect()
        t0 = time.perf_counter()
        catalogue = Catalogue(placements, config)
        build = (time.perf_counter() - t0) * 1000
        for _ in range(3):
            result = rank(catalogue, rules)                 # warm-up
        times = time_ms(lambda: rank(catalogue, rules), args.runs)
        for _ in range(3):
            open_result = rank(catalogue, rules, OPEN_CLIENT)
        open_times = time_ms(lambda: rank(catalogue, rules, OPEN_CLIENT), args.runs)
        t0 = time.perf_counter()
        result.excluded()
        excl = (time.perf_counter() - t0) * 1000
        rows.append((n, build, statistics.median(times), min(times), len(result.ranked),
                     statistics.median(open_times), len(open_result.ranked), excl))
        if args.profile and n == max(sizes):
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(20):
                rank(catalogue, rules)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)

    print()
    print("| placements | build ms | rank ms (median) | rank ms (min) | eligible | open client: rank ms | eligible "
          "| excluded() ms |")
    print("|-----------:|---------:|-----------------:|--------------:|---------:|---------------------:|---------:"
          "|--------------:|")
    for n, build, med, low, eligible, open_med, open_eligible, excl in rows:
        print(f"| {n:>10,} | {build:>8.0f} | {med:>16.2f} | {low:>13.2f} | {eligible:>8,} | {open_med:>20.2f} "
              f"| {open_eligible:>8,} | {excl:>13.1f} |")
    ok = True
    for label, column in (("client", 2), ("open client", 5)):
        by_size = {row[0]: row[column] for row in rows}
        if 10_000 in by_size:
            met = by_size[10_000] <= TARGET_10K_MS
            ok &= met
            print(f"{label}: 10,000 ranked in {by_size[10_000]:.2f} ms (target <= {TARGET_10K_MS:.0f} ms): "
                  f"{'met' if met else 'NOT met'}")
        if 10_000 in by_size and 100_000 in by_size:
            ratio = by_size[100_000] / by_size[10_000]
            met = ratio <= TARGET_RATIO
            ok &= met
            print(f"{label}: ratio 100k/10k {ratio:.1f}x (target <= {TARGET_RATIO:.0f}x): {'met' if met else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
