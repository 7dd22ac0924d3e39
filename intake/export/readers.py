"""Who an export is for, and in which format: each reader gets its own document.

- counsellor: the full record, JSON against schemas/export.schema.json (the default).
- client: the client's own plan (client_plan.py), a printable HTML page, Markdown or JSON.
- placement: the placement's brief (placement_brief.py): only what the host needs and what the client
  agreed to share, as HTML, Markdown or JSON.
"""

from __future__ import annotations

import datetime as dt

from intake.export.agreed import ExportRefused, agreed_plan
from intake.export.client_plan import build_client_plan
from intake.export.document import Document, to_html, to_markdown
from intake.export.kinds import FORMATS, Format, Reader
from intake.export.placement_brief import build_placement_brief
from intake.export.plan_json import export_json
from intake.flows.model import Content
from intake.flows.placements import Placement
from intake.store import SessionRecord


def document(content: Content, record: SessionRecord, reader: Reader, today: dt.date | None = None,
             placements: list[Placement] | None = None) -> Document:
    """The client's plan or the placement's brief, from the session's agreed plan (`placements`: the
    merged catalogue, see PlanBuilder)."""
    agreed = agreed_plan(content, record, placements)
    today = today or dt.date.today()
    if reader == "client":
        return build_client_plan(agreed, today)
    return build_placement_brief(agreed, today)


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
