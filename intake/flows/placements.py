"""The placement catalogue (työtoimintapaikat): where rehabilitative work activity
can take place, described so that matching can respect a client's restrictions
and explain its suggestions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from intake.flows.base import Id, Strict
from intake.flows.rules import HostType
from intake.flows.text import Text

Level = Literal["low", "medium", "high"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri"]
TimeOfDay = Literal["morning", "daytime", "afternoon", "evening"]


def _distinct_letters(code: str) -> str:
    if len(set(code)) != len(code):
        raise ValueError("each RIASEC letter at most once")
    return code


InterestCode = Annotated[str, Field(pattern=r"^[RIASEC]{1,3}$",
                                    description="Holland (RIASEC) code, strongest area first, e.g. 'SC'"),
                         AfterValidator(_distinct_letters)]


class Demands(Strict):
    """What the tasks ask of the body and the senses."""

    lifting: Literal["none", "light", "heavy"]
    standing: Level
    sitting: Level
    noise: Literal["quiet", "moderate", "loud"]
    crowds: Level
    social: Level = Field(description="How much the tasks involve dealing with people")


class Schedule(Strict):
    days_per_week: list[Annotated[int, Field(ge=1, le=5)]] = Field(min_length=1)
    hours_per_day: list[Annotated[float, Field(ge=1, le=8)]] = Field(min_length=1)
    times: list[TimeOfDay] = Field(min_length=1)


class Support(Strict):
    work_coach: bool
    guidance_languages: list[Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]] = Field(min_length=1)
    adapted_tasks: bool = True


class AgeGroup(Strict):
    """The ages a placement is for, e.g. a youth group for 17–29-year-olds; a missing end is open."""

    min: int | None = Field(None, ge=15, le=99, description="The youngest age, e.g. 17")
    max: int | None = Field(None, ge=15, le=99, description="The oldest age, e.g. 29 for 'alle 30-vuotiaille'")

    @model_validator(mode="after")
    def _range(self) -> AgeGroup:
        if self.min is None and self.max is None:
            raise ValueError("give the youngest age (min), the oldest (max) or both; leave both out for any age")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"the youngest age {self.min} is above the oldest {self.max}")
        return self

    def fits(self, age: int) -> bool:
        return (self.min is None or age >= self.min) and (self.max is None or age <= self.max)

    @property
    def reason_key(self) -> str:
        """The text that names the group's ages: exclude.age_between, _up_to or _from."""
        if self.min is not None and self.max is not None:
            return "exclude.age_between"
        return "exclude.age_up_to" if self.max is not None else "exclude.age_from"


class Accessibility(Strict):
    step_free: bool
    accessible_toilet: bool = False


class Contact(Strict):
    name: str = Field(min_length=2, max_length=100)
    phone: str | None = Field(None, pattern=r"^[+0-9][0-9 ()-]{4,19}$")
    email: str | None = Field(None, pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")


class Placement(Strict):
    id: Id
    name: str = Field(min_length=2, max_length=120)
    host: str = Field(min_length=2, max_length=120, description="The organisation that hosts the placement")
    host_type: HostType
    legal_form: str = Field(min_length=2, max_length=80, description="e.g. hyvinvointialue, ry, sr, seurakunta")
    municipality: str = Field(min_length=2, max_length=60)
    address: str | None = Field(None, min_length=2, max_length=200,
                                description="Street address and postcode, for the client's own plan")
    form: Literal["individual", "workshop", "group", "club"]
    tasks: Text
    interest_code: InterestCode
    skills: list[Id] = Field(default_factory=list, description="Skill ids from the interview's skill list")
    works_with: list[Literal["people", "things", "information"]] = Field(min_length=1)
    setting: Literal["indoors", "outdoors", "both"]
    demands: Demands
    support: Support
    orientation: list[Literal["maintaining", "forward"]] = Field(min_length=1)
    accessibility: Accessibility
    public_transport: bool = Field(description="Reachable by public transport on the placement's hours")
    schedule: Schedule
    start_dates: list[dt.date] = Field(
        default_factory=list, description="The days new participants start (a group's start days); "
                                          "none: continuous intake, any day")
    ages: AgeGroup | None = Field(None, description="The ages the placement is for; none: any age")
    open_places: int = Field(ge=0)
    contact: Contact


class PlacementsFile(Strict):
    placements: list[Placement] = Field(min_length=1)


class EmployersFile(Strict):
    """Jobs at employers on the open labour market (content/employers/), each described as a placement."""

    employers: list[Placement] = Field(min_length=1)


Mode = Literal["car", "public_transport", "bicycle", "walking"]


class Municipality(Strict):
    id: Id
    name: str = Field(min_length=2, description="In Finnish, as written in the placement catalogue, e.g. Seinäjoki")
    name_sv: str | None = Field(None, min_length=2, description="In Swedish (bilingual and Swedish-speaking ones)")
    code: str | None = Field(None, pattern=r"^[0-9]{3}$", description="Statistics Finland's municipality number")
    lat: float | None = Field(None, ge=59, le=71, description="Latitude of the municipal centre")
    lon: float | None = Field(None, ge=19, le=32, description="Longitude of the municipal centre")


class MunicipalitiesFile(Strict):
    municipalities: list[Municipality] = Field(min_length=1)


class Journey(Strict):
    """Door-to-door minutes between two municipalities (both ways); a missing mode is not possible."""

    between: tuple[Id, Id]
    car: int | None = Field(None, ge=1)
    public_transport: int | None = Field(None, ge=1)


class Estimate(Strict):
    """A journey between two municipalities that the table does not have, from the distance between
    their centres: the great-circle distance times `road_factor`, at a speed, plus a fixed overhead."""

    road_factor: float = Field(ge=1, le=3)
    km_per_hour: dict[Mode, float] = Field(description="The modes estimated; any other only within a municipality")
    overhead: dict[Mode, int] = Field(default_factory=dict, description="Minutes added, e.g. to reach a stop")


class Travel(Strict):
    within: dict[Mode, int] = Field(description="Typical minutes for a journey inside one municipality")
    between: list[Journey]
    estimate: Estimate | None = None


class Weights(Strict):
    """How much each part of the fit counts in a placement's score (any non-negative numbers)."""

    interests: float = Field(ge=0)
    skills: float = Field(ge=0)
    preferences: float = Field(ge=0)
    support: float = Field(ge=0)
    orientation: float = Field(ge=0)


class MatchingFile(Strict):
    weights: Weights
    proposals: int = Field(ge=1, le=50, description="How many placements the matching step shows")
    municipalities: list[Municipality] = Field(
        default_factory=list, description="Read from municipalities.yaml when that file is there")
    travel: Travel
    time_windows: dict[TimeOfDay, tuple[int, int]] = Field(
        description="The hours (from, to) of each time of day, as the interview says them")
