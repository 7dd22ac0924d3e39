"""Base types shared by all content models."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class Strict(BaseModel):
    """Base for content models: unknown keys are errors, models are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Record(BaseModel):
    """Base for what the program builds and writes (plans, exports): unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")
