"""Who an export is for, and in which format: each reader gets its own document.

- counsellor: the full record, JSON against schemas/export.schema.json (the default).
- client: the client's own plan (client_plan.py), a printable HTML page, Markdown or JSON.
- placement: the placement's brief (placement_brief.py): only what the host needs and what the client
  agreed to share, as HTML, Markdown or JSON.
- employer: the employer's brief (employer_brief.py), for supported employment: the job agreed with the
  employer and only what the client allowed the job coach to tell, as HTML, Markdown or JSON.
"""

from __future__ import annotations

import datetime as dt

from intake.export.agreed import ExportRefused, agreed_plan
from intake.export.client_plan import build_client_plan
from intake.export.document import Document, to_html, to_markdown
from intake.export.employer_brief import build_employer_brief
from intake.export.kinds import FORMATS, Format, Reader
from intake.export.placement_brief import build_placement_brief
from intake.export.plan_json import export_json
from intake.flows.model import Content
from intake.flows.placements import Placement
from intake.store import SessionRecord


BUILDERS = {"client": build_client_plan, "placement": build_placement_brief, "employer": build_employer_brief}


def document(content: Content, record: SessionRecord, reader: Reader, today: dt.date | None = None,
             placements: list[Placement] | None = None) -> Document:
    """The client's plan, the placement's or the employer's brief, from the session's agreed plan
    (`placements`: the merged catalogue, see PlanBuilder)."""
    agreed = agreed_plan(content, record, placements)
    return BUILDERS[reader](agreed, today or dt.date.today())


def render(content: Content, record: SessionRecord, reader: Reader = "counsellor", fmt: Format | None = None,
           today: dt.date | None = None, placements: list[Placement] | None = None) -> str:
    """The export's text for `reader` in `fmt` (the reader's default when None)."""
    fmt = fmt or FORMATS[reader][0]
    if fmt not in FORMATS[reader]:
        raise ExportRefused(f"The {reader}'s export is made as {' or '.join(FORMATS[reader])}, not {fmt}.")
    if reader == "counsellor":
        return export_json(content, record, placements)
    doc = document(content, record, reader, today, placements)
    if fmt == "html":
        return to_html(doc)
    if fmt == "md":
        return to_markdown(doc)
    return doc.model_dump_json(indent=2) + "\n"
