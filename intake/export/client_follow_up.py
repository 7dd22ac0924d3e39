"""The follow-up in the client's own plan, in the client's language (plain language when the session uses
it): how each goal went at each review, the follow-on plan (what, who, by when), the end of the period
and where the client goes next, and the distance travelled as a table.

The ratings of the life domains are the client's own and the counsellor's view, each given aloud in the
review the client takes part in: the client's copy shows both, as the review did. The counsellor's notes,
the satisfaction answers and the reasons written down for an early end stay out.
"""

from __future__ import annotations

from intake.export.document import DocSection, Entry, TableSection
from intake.export.follow_up import AfterIntake
from intake.flows.distance import domain_title, moment_labels, ratings_pair
from intake.flows.period import FOLLOW_ON_PATH, HeldReview


def client_follow_up(after: AfterIntake) -> list[DocSection]:
    return [_reviews(after), _agreed_in_forms(after), _follow_on(after), _end(after), _distance(after)]


def _reviews(after: AfterIntake) -> DocSection:
    t = after.texts
    entries = []
    for review in after.held:
        if after.forms[review.review.kind].client_copy:
            continue  # in the section of what the forms agreed
        results = [t("client.goal_result", goal=goal.rstrip("."), status=status) for goal, status in after.goal_results(review)]
        entries.append(Entry(title=_title(after, review), lines=results))
    return DocSection(heading=t("client.section.reviews"), entries=entries)


def _agreed_in_forms(after: AfterIntake) -> DocSection:
    """The forms the client keeps a copy of (reviews.yaml client_copy: the stages of supported
    employment), each with what was agreed in it."""
    t = after.texts
    entries = [Entry(title=_title(after, review), lines=after.agreed_lines(review))
               for review in after.held if after.forms[review.review.kind].client_copy]
    return DocSection(heading=t("client.section.forms"), entries=entries)


def _title(after: AfterIntake, review: HeldReview) -> str:
    t = after.texts
    title = review.interview.content.flow.title.get(t.language, t.plain)
    return t("distance.moment_on", label=title, date=t.date(review.held_on)) if review.held_on else title


def _follow_on(after: AfterIntake) -> DocSection:
    t = after.texts
    entries = [Entry(title=step.action or "", lines=[line for line in (
        t("client.responsible", name=step.responsible) if step.responsible else None,
        t("client.by_when", date=t.date(step.by_when)) if step.by_when else None) if line])
        for step in after.follow_on()]
    return DocSection(heading=t("client.section.follow_on"), entries=entries)


def _end(after: AfterIntake) -> DocSection:
    t, status = after.texts, after.status
    if status.ended_on is None or after.end is None:
        return DocSection(heading=t("client.section.end"))
    ended = t("client.ended_early" if status.ended_as == "early" else "client.ended", date=t.date(status.ended_on))
    path = after.words(after.end, FOLLOW_ON_PATH)
    return DocSection(heading=t("client.section.end"), paragraphs=[ended, *([t("client.path", path=path)] if path else [])])


def _distance(after: AfterIntake) -> DocSection:
    t, distance = after.texts, after.distance
    rated = [d for d in distance.domains if any(v is not None for view in (d.client, d.counsellor) for v in view)]
    if not (distance.reviewed and rated):
        return DocSection(heading=t("distance.title"))
    return TableSection(
        heading=t("distance.title"),
        paragraphs=[t("distance.cell_note"), t("distance.scale_note"), t("distance.gap")],
        columns=[t("distance.domain"), *moment_labels(t, distance)],
        rows=[[domain_title(t, d), *(ratings_pair(d, i) for i in range(len(distance.moments)))] for d in rated])
