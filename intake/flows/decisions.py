"""What the counsellor and client decide after the questions: the placement, a
visit, the schedule and period, and their agreement. Kept with the answers in
the interview state, so that a session can be resumed after a visit."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class Agreement(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    at: dt.datetime
    client: str = Field(description="The client's label, as the client agreed")
    counsellor: str
    guidance_reason: str | None = Field(None, description="Why the plan departs from guidance, when it does")


class PlanDecisions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    placement_id: str | None = None
    visits: dict[str, dt.date] = Field(default_factory=dict, description="Agreed visits (tutustumiskäynti)")
    plan_type: str | None = None
    start: dt.date | None = None
    months: int | None = None
    days_per_week: int | None = None
    hours_per_day: float | None = None
    agreed: Agreement | None = None
