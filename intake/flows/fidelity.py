"""A team's fidelity review on the 25 IPS quality criteria: its total and band, and the client-level
criteria that the supported-employment sessions in the store can score (rapid job search, continuous
assessment, follow-along support, time-unlimited support). Each computed score comes with the
figures it rests on, and with none ("not enough data") when no client gives the figure. Only the
supported-employment clients count; the figures are counts and means, never a client's answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from intake.flows.fidelity_scale import SCORES, Band, FidelityFile, Measure
from intake.flows.period import PeriodStatus, client_service, period_status
from intake.flows.se_progress import SeProgress, SessionLike, progress_from
from intake.flows.services import SUPPORTED_EMPLOYMENT

if TYPE_CHECKING:
    from intake.flows.rules import Rules

SUPPORT_GOES_ON = ("continuing", "lighter_support")  # se_follow_along coaching_status: not ended


@dataclass(frozen=True)
class Client:
    """A supported-employment client as the criteria read them."""

    progress: SeProgress
    status: PeriodStatus
    fixed_months: int | None  # the plan's length (None: no fixed end)


@dataclass(frozen=True)
class Measured:
    """A client-level criterion as the sessions show it: `figure` (mean days, or a share in percent)
    and its `score`, both None when no client gives the figure; `figures` fill the text that says
    what it rests on."""

    measure: Measure
    figure: float | None
    score: int | None
    figures: dict[str, Any] = field(default_factory=dict)


def se_clients(sessions: Iterable[SessionLike], rules: Rules | None, today: dt.date) -> list[Client]:
    """The supported-employment clients among `sessions` (the service their intake names)."""
    clients = []
    for s in sessions:
        if client_service(s.interview.active()) != SUPPORTED_EMPLOYMENT:
            continue
        status = period_status(s.interview, s.follow_up, rules, today)
        clients.append(Client(progress_from(s.interview, status.reviews), status, s.interview.state.decisions.months))
    return clients


def rapid_job_search(clients: list[Client]) -> tuple[float | None, dict[str, Any]]:
    """The mean days from the start to the first employer contact, over the clients who have one
    (a contact logged before the start counts as day 0)."""
    days = [max(0, d) for c in clients if (d := c.progress.days_to_first_contact) is not None]
    mean = round(sum(days) / len(days), 1) if days else None
    return mean, {"clients": len(days), "of": len(clients), "days": mean}


def continuous_assessment(clients: list[Client]) -> tuple[float | None, dict[str, Any]]:
    """The share of the clients with a review due so far whose every due review was held on time."""
    due = [c for c in clients if any(d.on_time is not None for d in c.status.due)]
    on_time = [c for c in due if all(d.on_time is not False for d in c.status.due)]
    return _share(len(on_time), len(due))


def follow_along(clients: list[Client]) -> tuple[float | None, dict[str, Any]]:
    """The share of the employed clients with a follow-along visit since starting work."""
    employed = [c for c in clients if c.progress.employed_since is not None]
    return _share(sum(c.progress.follow_along_visits > 0 for c in employed), len(employed))


def time_unlimited(clients: list[Client]) -> tuple[float | None, dict[str, Any]]:
    """The share of the employed clients whose support is not cut at a fixed end: the plan has none,
    or the support at work goes on (lighter support included)."""
    employed = [c for c in clients if c.progress.employed_since is not None]
    going_on = [c for c in employed if c.fixed_months is None or c.progress.coaching_status in SUPPORT_GOES_ON]
    return _share(len(going_on), len(employed))


def _share(meeting: int, clients: int) -> tuple[float | None, dict[str, Any]]:
    percent = round(100 * meeting / clients, 1) if clients else None
    return percent, {"meeting": meeting, "clients": clients, "percent": percent}


MEASURES: dict[str, Callable[[list[Client]], tuple[float | None, dict[str, Any]]]] = {
    "rapid_job_search": rapid_job_search, "continuous_assessment": continuous_assessment,
    "follow_along": follow_along, "time_unlimited": time_unlimited}


def client_level(scale: FidelityFile, clients: list[Client]) -> dict[int, Measured]:
    """Each criterion the content marks as computed, by number, scored by its thresholds."""
    measured = {}
    for criterion in scale.criteria:
        if criterion.computed is None:
            continue
        figure, figures = MEASURES[criterion.computed.measure](clients)
        score = criterion.computed.score(figure) if figure is not None else None
        measured[criterion.number] = Measured(criterion.computed.measure, figure, score, figures)
    return measured


@dataclass(frozen=True)
class Review:
    ratings: dict[int, int]  # criterion number -> 1-5
    total: int
    band: Band


def scored(scale: FidelityFile, ratings: dict[int, int]) -> Review:
    """The total and band of a whole review: every criterion rated 1-5 (ValueError otherwise)."""
    wrong = [n for n in range(1, len(scale.criteria) + 1) if ratings.get(n) not in SCORES]
    if wrong or len(ratings) != len(scale.criteria):
        raise ValueError(f"every criterion needs a rating 1-5: not rated or not 1-5: {wrong}")
    total = sum(ratings.values())
    return Review(dict(sorted(ratings.items())), total, scale.band(total))
