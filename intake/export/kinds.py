"""The readers an export can be for and the formats each gets (no heavy imports: the command line's
parser reads them)."""

from __future__ import annotations

from typing import Literal, get_args

from intake.flows.services import SUPPORTED_EMPLOYMENT

Reader = Literal["counsellor", "client", "placement", "employer"]
Format = Literal["json", "md", "html"]
READERS: tuple[str, ...] = get_args(Reader)
FORMATS: dict[str, tuple[str, ...]] = {  # the first is the reader's default
    "counsellor": ("json",),
    "client": ("html", "md", "json"),
    "placement": ("html", "md", "json"),
    "employer": ("html", "md", "json"),
}
# The access log's action for each reader; "export" has always meant the full record.
LOG_ACTION = {"counsellor": "export", "client": "export-client", "placement": "export-placement",
              "employer": "export-employer"}
# The services whose clients work for an employer (intake.flows.period.client_service): they have the
# employer's brief, and no work-activity placement to brief.
EMPLOYED = (SUPPORTED_EMPLOYMENT,)


def readers_for(service: str) -> tuple[str, ...]:
    """The readers offered for a client of `service`."""
    left_out = "placement" if service in EMPLOYED else "employer"
    return tuple(r for r in READERS if r != left_out)
