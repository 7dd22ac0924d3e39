"""Property tests of placement matching: random client profiles (subsets of the interview's
vocabularies) on the real catalogue, and random small catalogues.

The hard constraints are checked against an independent reading of them written here (the
oracle), not only against the code's own why_not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.flows.matching import Catalogue, ClientProfile, MatchResult, Reason
from intake.flows.placements import Placement
from intake.flows.rules import AllowedHosts, DaysPerWeek, HoursPerDay, Rules
from tests.test_matching import (BASE, COMPANY, employers, expected_journey, keys, real, real_catalogue, rules,
                                 with_jobs)

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# The interview's vocabularies (content/sections/strengths.yaml, placement_wishes.yaml, rules.yaml).
SKILLS = ["computers_basic", "digital_guidance", "customer_service", "cleaning", "cooking", "baking", "carpentry",
          "metalwork", "textiles_sewing", "gardening", "animal_care", "driving_licence", "warehouse_logistics",
          "office_paperwork", "childcare", "elderly_care", "music_arts", "sports", "repair_maintenance",
          "retail_sales", "construction", "photography_media"]
RESTRICTIONS = ["no_lifting", "light_lifting_only", "no_long_standing", "no_long_sitting", "needs_quiet", "no_crowds",
                "no_mornings", "no_evenings"]
TIMES = ["morning", "daytime", "afternoon", "evening"]
MODES = ["car", "public_transport", "bicycle", "walking"]
LANGUAGES = ["fi", "sv", "en", "ru", "et", "ar", "so", "fa", "other"]
SUPPORT = ["work_coach", "same_instructions", "written_task_list", "step_free_access", "extra_breaks"]
SERVICES = ["rehabilitative_work_activity", "work_activity", "supported_employment", "employment_supporting_activity"]
# Every Finnish municipality; the first five have the table of journeys, the rest are estimated.
HOMES = ["espoo", "vantaa", "forssa", "kouvola", "seinajoki"] + sorted(
    m.id for m in real()[1].municipalities if m.id not in ("espoo", "vantaa", "forssa", "kouvola", "seinajoki"))
DEFAULT_HOSTS = {"public_unit", "association", "foundation", "state_agency", "religious_community"}
# Special cases of a constraint: a company of the host type; no way there, no home or an unknown place of the journey.
# A job at an employer for a service not on the open labour market fails "job".
SAME_CONSTRAINT = {"exclude.company": "host_type", "exclude.no_route": "journey", "exclude.no_home": "journey",
                   "exclude.unknown_municipality": "journey", "exclude.journey.within": "journey",
                   "exclude.journey.table": "journey", "exclude.journey.estimate": "journey"}
WINDOWS = {"morning": range(7, 10), "daytime": range(9, 15), "afternoon": range(12, 17), "evening": range(17, 21)}
LEVEL = {"none": 0, "light": 1, "heavy": 2, "low": 0, "medium": 1, "high": 2, "quiet": 0, "moderate": 1, "loud": 2}


def subsets(values: list[str]) -> st.SearchStrategy[frozenset[str]]:
    return st.frozensets(st.sampled_from(values))


profiles = st.builds(
    ClientProfile,
    start=st.dates(dt.date(2014, 1, 1), dt.date(2030, 12, 31)),
    service=st.sampled_from(SERVICES),
    interest_code=st.lists(st.sampled_from("RIASEC"), unique=True, max_size=3).map("".join),
    skills=subsets(SKILLS),
    setting=st.sampled_from([None, "indoors", "outdoors", "either"]),
    social=st.sampled_from([None, "alone", "small_group", "group", "either"]),
    works_with=subsets(["people", "things", "information"]),
    restrictions=subsets(RESTRICTIONS),
    days_per_week=st.none() | st.integers(1, 5),
    hours_per_day=st.none() | st.sampled_from([2, 3, 4, 4.5, 5, 6, 7.5, 8]),
    times=subsets(TIMES),
    home=st.none() | st.sampled_from(HOMES[:5]) | st.sampled_from(HOMES),
    max_journey=st.none() | st.integers(5, 180),
    transport=subsets(MODES),
    languages=subsets(LANGUAGES),
    support_needs=subsets(SUPPORT),
    orientation=st.sampled_from([None, "maintaining", "forward"]),
)


def limits_of(c: ClientProfile, with_rules: Rules | None) -> tuple[set[str], tuple[int, int], tuple[float, float]]:
    """Hosts, days and hours a placement must allow (the rules in force, the client's wish within them)."""
    # The law's rules and guidance together; a rule may set only one end of a range.
    now = [r for basis in ("law", "guidance") for r in with_rules.in_force(c.service, c.start, basis).values()] \
        if with_rules else []

    def bounds(kind: type, low: float, high: float) -> tuple[float, float]:
        for r in now:
            if isinstance(r, kind):
                low = max(low, r.min) if r.min is not None else low
                high = min(high, r.max) if r.max is not None else high
        return low, high

    host_rules = [r for r in now if isinstance(r, AllowedHosts)]
    hosts = set(host_rules[0].host_types) if host_rules else DEFAULT_HOSTS
    lo_d, hi_d = bounds(DaysPerWeek, 1, 5)
    lo_h, hi_h = bounds(HoursPerDay, 1.0, 8.0)
    if c.days_per_week is not None:
        hi_d = max(lo_d, min(hi_d, c.days_per_week))
    if c.hours_per_day is not None:
        hi_h = max(lo_h, min(hi_h, c.hours_per_day))
    return hosts, (lo_d, hi_d), (lo_h, hi_h)


def oracle(p: Placement, c: ClientProfile, with_rules: Rules | None) -> set[str]:
    """The hard constraints `p` fails for client `c`, read straight from the issue and the models."""
    hosts, (lo_d, hi_d), (lo_h, hi_h) = limits_of(c, with_rules)
    barred = {t for t, r in (("morning", "no_mornings"), ("evening", "no_evenings")) if r in c.restrictions}
    hours = {h for t in set(c.times or TIMES) - barred for h in WINDOWS[t]} - {h for t in barred for h in WINDOWS[t]}
    failed = set()
    if p.host_type not in hosts:
        failed.add("host_type")
    if p.open_places < 1:
        failed.add("open_places")
    if not any(lo_d <= d <= hi_d for d in p.schedule.days_per_week):
        failed.add("days")
    if not any(lo_h <= h <= hi_h for h in p.schedule.hours_per_day):
        failed.add("hours")
    if not hours & {h for t in p.schedule.times for h in WINDOWS[t]}:   # not one hour in common
        failed.add("times")
    d, r = p.demands, c.restrictions
    if ("no_lifting" in r and d.lifting != "none") or ("light_lifting_only" in r and d.lifting == "heavy"):
        failed.add("lifting")
    for restriction, demand in (("no_long_standing", "standing"), ("no_long_sitting", "sitting"),
                                ("needs_quiet", "noise"), ("no_crowds", "crowds")):
        if restriction in r and LEVEL[getattr(d, demand)] == 2:
            failed.add(demand)
    if c.languages and not c.languages & set(p.support.guidance_languages):
        failed.add("language")
    if "step_free_access" in c.support_needs and not p.accessibility.step_free:
        failed.add("step_free")
    # A limit is never ignored: no home, an unknown place or no way there fails it too. Not knowing how
    # the client travels is any way.
    modes = set(c.transport or MODES)
    if c.max_journey is not None and expected_journey(c.home, p.municipality, modes, p.public_transport) > c.max_journey:
        failed.add("journey")
    return failed


def named(reasons: list[Reason]) -> set[str]:
    """The constraints the reasons name; a company and "no way there" are special cases of two."""
    return {SAME_CONSTRAINT.get(r.key, r.key.removeprefix("exclude.")) for r in reasons}


def check_consistent(result: MatchResult, placements: list[Placement], c: ClientProfile,
                     with_rules: Rules | None, jobs: frozenset[str] = frozenset()) -> None:
    """The result against the oracle. On the open labour market (supported employment) only jobs at
    employers (`jobs`) are matched and only the hosts exclude one; what else the oracle finds is named in
    the proposal, to check with the employer, and ranks it lower (zero exclusion). Otherwise a job at an
    employer is always excluded."""
    open_market = with_rules is not None and with_rules.open_labour_market(c.service, c.start)
    ranked = result.ranked_ids
    assert len(set(ranked)) == len(ranked)
    excluded = result.excluded()
    assert set(excluded) | set(ranked) == {p.id for p in placements}
    assert not set(excluded) & set(ranked)
    for pid in ranked:
        assert result.why_not(pid) == []
    for pid, reasons in excluded.items():
        assert reasons, pid
    to_check = {}
    for p in placements:
        failed = oracle(p, c, with_rules) | ({"job"} if p.id in jobs and not open_market else set())
        if open_market and p.id not in jobs:
            failed |= {"not_job"}
        binding = failed & {"host_type", "not_job"} if open_market else failed
        assert (p.id in ranked) == (not binding), (p.id, failed)
        if binding:
            assert named(excluded[p.id]) == binding, (p.id, excluded[p.id], binding)
        to_check[p.id] = failed - binding
    proposals = result.proposals(len(ranked))
    assert [x.placement.id for x in proposals] == ranked
    # Fewer things to check first; the better fit first among those with as many.
    order = [(len(to_check[x.placement.id]), -x.score) for x in proposals]
    assert order == sorted(order)
    _, (lo_d, hi_d), (lo_h, hi_h) = limits_of(c, with_rules)
    for x in proposals:
        checks = [r.params["about"] for r in x.reasons if r.key == "reason.check_with_employer"]
        assert named(checks) == to_check[x.placement.id]
        assert 0 <= x.score <= 100
        assert all(0 <= v <= 1 for v in x.parts.values())
        assert x.days_per_week in x.placement.schedule.days_per_week
        assert x.hours_per_day in x.placement.schedule.hours_per_day
        assert (lo_d <= x.days_per_week <= hi_d) == ("days" not in to_check[x.placement.id])
        assert (lo_h <= x.hours_per_day <= hi_h) == ("hours" not in to_check[x.placement.id])
        if c.max_journey is not None and "journey" not in to_check[x.placement.id]:
            assert x.journey_minutes is not None and x.journey_minutes <= c.max_journey


@SETTINGS
@given(profile=profiles, use_rules=st.booleans())
def test_no_excluded_placement_is_ever_proposed(profile: ClientProfile, use_rules: bool):
    with_rules = rules() if use_rules else None
    result = real_catalogue().match(profile, with_rules)
    check_consistent(result, real()[0], profile, with_rules)
    assert not any(result.why_not(pid) for pid in result.ranked_ids)
    assert not set(result.excluded()) & set(result.ranked_ids)


@SETTINGS
@given(profile=profiles, use_rules=st.booleans())
def test_jobs_and_placements_are_matched_by_the_service_rules(profile: ClientProfile, use_rules: bool):
    with_rules = rules() if use_rules else None
    result = with_jobs().match(profile, with_rules)
    jobs = frozenset(p.id for p in employers())
    check_consistent(result, [*real()[0], *employers()], profile, with_rules, jobs)
    if not (use_rules and profile.service == "supported_employment"):  # only its rule opens the labour market
        assert not jobs & set(result.ranked_ids)


@SETTINGS
@given(profile=profiles, use_rules=st.booleans())
def test_no_company_is_ever_proposed_for_rehabilitative_work_activity(profile: ClientProfile, use_rules: bool):
    profile = replace(profile, service="rehabilitative_work_activity")
    result = with_jobs().match(profile, rules() if use_rules else None)
    companies = {p.id for p in [*real()[0], *employers()] if p.host_type == "company"}
    assert COMPANY in companies and len(companies) > 1   # the built-in placement and jobs at companies
    assert not companies & set(result.ranked_ids)
    assert not companies & {x.placement.id for x in result.proposals()}
    assert "exclude.company" in {r.key for r in result.why_not(COMPANY)}


@SETTINGS
@given(profile=profiles)
def test_every_company_is_ranked_for_supported_employment_whatever_the_client_says(profile: ClientProfile):
    # Zero exclusion (IPS criterion 9): the rule lists companies, and nothing the client says excludes a job.
    in_force = next(s.valid_from for s in rules().data.service_types if s.id == "supported_employment")
    se = replace(profile, service="supported_employment", start=max(profile.start, in_force))
    result = with_jobs().match(se, rules())
    assert set(result.ranked_ids) == {p.id for p in employers()}
    # Only the work-activity placements are left out, for being no paid work, never for what the client says.
    assert {pid: named(r) for pid, r in result.excluded().items()} == {p.id: {"not_job"} for p in real()[0]}


@SETTINGS
@given(profile=profiles, order=st.permutations(range(len(real()[0]))))
def test_the_ranking_does_not_depend_on_the_catalogue_order(profile: ClientProfile, order: list[int]):
    placements, config, _ = real()
    shuffled = Catalogue([placements[i] for i in order], config)
    a, b = real_catalogue().match(profile, rules()), shuffled.match(profile, rules())
    assert a.ranked_ids == b.ranked_ids
    assert [(x.placement.id, x.score, x.parts, x.reasons) for x in a.proposals()] == \
        [(x.placement.id, x.score, x.parts, x.reasons) for x in b.proposals()]
    assert a.excluded() == b.excluded()


@SETTINGS
@given(profile=profiles)
def test_scores_are_within_0_and_100_and_proposals_sorted(profile: ClientProfile):
    result = real_catalogue().match(profile, rules())
    proposals = result.proposals()
    assert len(proposals) == min(real()[1].proposals, len(result.ranked_ids))
    scores = [x.score for x in proposals]
    assert all(0 <= s <= 100 for s in scores)
    # Fewer things to check with the employer first (supported employment only), then the better fit.
    order = [(keys(x.reasons).count("reason.check_with_employer"), -x.score) for x in proposals]
    assert order == sorted(order)
    assert [x.placement.id for x in proposals] == result.ranked_ids[:len(proposals)]


# --- random small catalogues ------------------------------------------------------------------------


@st.composite
def placements(draw: st.DrawFn) -> list[Placement]:
    """1–8 valid placements with the fields matching reads drawn at random (odd hours included)."""
    count = draw(st.integers(1, 8))
    out = []
    for i in range(count):
        data: dict[str, Any] = {k: dict(v) if isinstance(v, dict) else v for k, v in BASE.items()}
        data.update(
            id=f"p{draw(st.integers(0, 99)):02d}_{i}",
            host_type=draw(st.sampled_from(sorted(DEFAULT_HOSTS | {"company"}))),
            municipality=draw(st.sampled_from(["Espoo", "Vantaa", "Forssa", "Kouvola", "Seinäjoki", "Lahti", "Porvoo",
                                               "Borgå", "Rovaniemi", "Maarianhamina", "Atlantis"])),
            form=draw(st.sampled_from(["individual", "workshop", "group", "club"])),
            interest_code=draw(st.lists(st.sampled_from("RIASEC"), unique=True, min_size=1, max_size=3).map("".join)),
            skills=draw(st.lists(st.sampled_from(SKILLS), unique=True, max_size=5)),
            works_with=draw(st.lists(st.sampled_from(["people", "things", "information"]), unique=True, min_size=1)),
            setting=draw(st.sampled_from(["indoors", "outdoors", "both"])),
            demands={"lifting": draw(st.sampled_from(["none", "light", "heavy"])),
                     "standing": draw(st.sampled_from(["low", "medium", "high"])),
                     "sitting": draw(st.sampled_from(["low", "medium", "high"])),
                     "noise": draw(st.sampled_from(["quiet", "moderate", "loud"])),
                     "crowds": draw(st.sampled_from(["low", "medium", "high"])), "social": "low"},
            support={"work_coach": draw(st.booleans()),
                     "guidance_languages": draw(st.lists(st.sampled_from(LANGUAGES[:6]), unique=True, min_size=1)),
                     "adapted_tasks": draw(st.booleans())},
            orientation=draw(st.lists(st.sampled_from(["maintaining", "forward"]), unique=True, min_size=1)),
            accessibility={"step_free": draw(st.booleans())},
            public_transport=draw(st.booleans()),
            schedule={"days_per_week": draw(st.lists(st.integers(1, 5), unique=True, min_size=1, max_size=3)),
                      "hours_per_day": draw(st.lists(st.sampled_from([1.5, 3, 3.75, 4, 4.25, 4.5, 5, 6, 7.75, 8]),
                                                     unique=True, min_size=1, max_size=3)),
                      "times": draw(st.lists(st.sampled_from(TIMES), unique=True, min_size=1))},
            open_places=draw(st.integers(0, 3)),
        )
        out.append(Placement.model_validate(data))
    ids = [p.id for p in out]
    return [p for i, p in enumerate(out) if p.id not in ids[:i]]


@SETTINGS
@given(catalogue=placements(), profile=profiles, use_rules=st.booleans(), data=st.data())
def test_random_catalogues(catalogue: list[Placement], profile: ClientProfile, use_rules: bool, data: st.DataObject):
    with_rules = rules() if use_rules else None
    is_job = data.draw(st.lists(st.booleans(), min_size=len(catalogue), max_size=len(catalogue)))
    result = Catalogue(catalogue, real()[1], jobs=is_job).match(profile, with_rules)
    check_consistent(result, catalogue, profile, with_rules, frozenset(p.id for p, j in zip(catalogue, is_job) if j))
    order = data.draw(st.permutations(range(len(catalogue))))
    again = Catalogue([catalogue[i] for i in order], real()[1], jobs=[is_job[i] for i in order]).match(profile, with_rules)
    assert again.ranked_ids == result.ranked_ids
    assert [x.score for x in again.proposals()] == [x.score for x in result.proposals()]
