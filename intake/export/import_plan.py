"""Reading a counsellor's export back into a store (`intake import FILE`): a new machine, or a
colleague taking over a client.

The file is validated against the export's model (the committed JSON Schema is made from it),
must come from the same interview flow and version as this content, and must rebuild into a
session whose own export holds exactly the same answers: otherwise nothing is imported.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from intake.errors import IntakeError
from intake.export.answers_json import ExportedSection
from intake.export.follow_up_json import ExportedFollowUp
from intake.export.plan_json import PlanExport, build_export
from intake.flows.engine import Answer, Interview, InterviewState
from intake.flows.model import Content
from intake.flows.period import FollowUp, PreviousPeriod, Review
from intake.session import plan_placements
from intake.store import SessionRecord
from intake.store_api import SessionStore
from intake.store_files import read_bytes

MAX_BYTES = 20 * 1024 * 1024  # a whole interview is tens of kilobytes


class ImportProblem(IntakeError):
    title = "The file cannot be imported"


def read_export(path: Path) -> PlanExport:
    data = read_bytes(path, "export file")
    if data is None:
        raise ImportProblem(f"There is no file {path}.")
    if len(data) > MAX_BYTES:
        raise ImportProblem(f"{path} is {len(data) // 1024 // 1024} MiB: far more than an intake export; "
                            "nothing was imported. Check that it is the right file.")
    try:
        return PlanExport.model_validate_json(data)
    except ValidationError as exc:
        problems = "\n".join(f"  {'.'.join(map(str, e['loc'])) or '(the file)'}: {e['msg']}"
                             for e in exc.errors()[:10])
        more = f"\n  … and {exc.error_count() - 10} more" if exc.error_count() > 10 else ""
        raise ImportProblem(f"{path} is not a counsellor's export of intake ({exc.error_count()} problem(s)); "
                            f"nothing was imported. Only the counsellor's JSON export ('intake export ID', "
                            f"--for counsellor) can be imported.\n{problems}{more}") from None


def session_from_export(content: Content, export: PlanExport) -> SessionRecord:
    """The session the export was made from, as far as it holds it (the relevant answers and the
    decisions; answers made irrelevant by later edits are not exported)."""
    s = export.session
    if (s.flow_id, s.flow_version) != (content.flow.id, content.flow.version):
        raise ImportProblem(f"The export was made with the interview '{s.flow_id}' version {s.flow_version}, and "
                            f"this intake has '{content.flow.id}' version {content.flow.version}: its answers may not "
                            "fit. Nothing was imported; import it with the same version of the content.")
    state = InterviewState(flow_id=s.flow_id, flow_version=s.flow_version, answers=_answers(export.sections),
                           decisions=export.decisions, short_path=s.short_path)
    interview = Interview(content, state)
    progress = interview.progress()
    return SessionRecord(id=s.id, client_label=s.client_label, counsellor=s.counsellor, language=s.language,
                         plain=s.plain, created_at=s.created_at, updated_at=s.updated_at, status=s.status,
                         answered=progress.answered, relevant=progress.relevant, state=state,
                         follow_up=_follow_up(content, export.follow_up))


def _answers(sections: list[ExportedSection]) -> dict[str, Answer]:
    return {a.key: Answer(value=a.value, by=a.answered_by, at=a.answered_at, skipped=a.skipped)
            for section in sections for a in section.answers}


def _follow_up(content: Content, exported: ExportedFollowUp | None) -> FollowUp:
    """The reviews (their relevant answers), attendance and the period before, as exported."""
    if exported is None:
        return FollowUp()
    reviews = []
    for r in exported.reviews:
        if r.kind not in content.reviews:
            raise ImportProblem(f"The export holds a review of a kind this content does not have ('{r.kind}'); "
                                "nothing was imported. Import it with the content it was made with.")
        flow = content.review(r.kind).flow
        reviews.append(Review(id=r.id, kind=r.kind, opened_at=r.opened_at, state=InterviewState(
            flow_id=flow.id, flow_version=flow.version, answers=_answers(r.sections))))
    previous = (PreviousPeriod(session_id=exported.previous_session_id, period=exported.period,
                               months_before=exported.months_before) if exported.previous_session_id else None)
    return FollowUp(reviews=reviews, attendance=exported.attendance.marks, previous=previous,
                    continued_in=exported.continued_in)


def import_export(store: SessionStore, content: Content, path: Path, *, replace: bool = False,
                  who: str | None = None) -> SessionRecord:
    export = read_export(path)
    record = session_from_export(content, export)
    again = build_export(content, record, now=export.exported_at, placements=plan_placements(store, content, record.state.decisions.placement_id))
    if again.sections != export.sections or again.plan != export.plan or again.follow_up != export.follow_up:
        raise ImportProblem(f"The answers in {path} do not fit this interview (some are unknown, or would not be "
                            "asked after the others): the file was changed or made by another program. "
                            "Nothing was imported.")
    return store.adopt(record, replace=replace, who=who)
