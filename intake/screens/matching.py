"""The matching step: placements that fit the client, with the reasons, as a suggestion for the
conversation. Open one for details, compare two, ask why a place is not on the list, agree a
visit, choose one, or none yet (the session comes back here when it is opened again)."""

from __future__ import annotations

import datetime as dt

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from intake.flows.display import Texts
from intake.flows.matching import MatchResult, Proposal
from intake.flows.parse import parse_date
from intake.screens.base import FAILED, IntakeScreen
from intake.screens.footer import KeyFooter
from intake.screens.texts_util import plain
from intake.screens.words import placement_detail, proposal_line
from intake.merged_catalogue import PlacementName, placement_names
from intake.session import IntakeSession
from intake.text_safety import printable


class MatchingScreen(IntakeScreen):
    BINDINGS = [
        Binding("f3", "back", "Back", id="matching.back"),
        Binding("f5", "answers", "Answers", id="matching.answers"),
        Binding("f6", "compare", "Compare", id="matching.compare"),
        Binding("f7", "why_not", "Why not?", id="matching.why_not"),
        Binding("f8", "visit", "Visit", id="matching.visit"),
        Binding("f9", "choose", "Choose", id="matching.choose"),
        Binding("f10", "none_yet", "None yet", id="matching.none_yet"),
        Binding("escape", "leave", "Start screen", id="matching.leave"),
    ]

    def __init__(self, texts: Texts, session: IntakeSession):
        super().__init__(texts)
        self.session = session
        self.result: MatchResult | None = None
        self.proposals: list[Proposal] = []
        self.compare_with: str | None = None  # the placement marked for comparison

    @property
    def decisions(self):
        return self.session.interview.state.decisions

    def compose(self) -> ComposeResult:
        t = self.t
        yield Static(plain(self.session.matching_title()), id="matching-header")
        yield Static(t("matching.hint"), id="matching-hint", markup=False)
        with Horizontal(id="matching-body"):
            with Vertical(id="proposals-pane"):
                yield Static(t("matching.list_title"), classes="panel-title")
                yield OptionList(id="proposals")
            with VerticalScroll(id="placement-detail"):
                yield Static("", id="detail", markup=False)
        yield Static("", id="matching-status", markup=False)
        with Horizontal(id="matching-buttons", classes="button-row"):
            yield Button(t("matching.choose_button"), id="choose", variant="primary")
            yield Button(t("matching.visit_button"), id="visit")
            yield Button(t("matching.compare_button"), id="compare")
            yield Button(t("matching.why_not_button"), id="why-not")
            yield Button(t("matching.none_yet_button"), id="none-yet")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.result = self.session.match(self.app.catalogue)
        self.proposals = self.result.proposals()
        self.fill_list()
        option_list = self.query_one("#proposals", OptionList)
        chosen = self.decisions.placement_id
        ids = [p.placement.id for p in self.proposals]
        option_list.highlighted = ids.index(chosen) if chosen in ids else (0 if ids else None)
        option_list.focus()
        if not self.proposals:
            self.query_one("#detail", Static).update(self.t("matching.none_found"))
        self.show_detail()

    # --- the list and the details ---------------------------------------------------------

    def fill_list(self) -> None:
        option_list = self.query_one("#proposals", OptionList)
        highlighted = option_list.highlighted
        d = self.decisions
        options: list[Option | None] = []
        for i, p in enumerate(self.proposals):
            if options:
                options.append(None)  # a divider between placements
            options.append(Option(plain(proposal_line(self.t, i + 1, p, chosen=p.placement.id == d.placement_id,
                                                      visit=d.visits.get(p.placement.id),
                                                      comparing=p.placement.id == self.compare_with)),
                                  id=p.placement.id))
        option_list.set_options(options)
        if highlighted is not None and self.proposals:
            option_list.highlighted = min(highlighted, len(self.proposals) - 1)

    @property
    def current(self) -> Proposal | None:
        index = self.query_one("#proposals", OptionList).highlighted
        return self.proposals[index] if index is not None and index < len(self.proposals) else None

    @on(OptionList.OptionHighlighted, "#proposals")
    def show_detail(self) -> None:
        proposal = self.current
        if proposal is None:
            return
        p = proposal.placement
        self.query_one("#detail", Static).update(plain(placement_detail(
            self.t, p, proposal, visit=self.decisions.visits.get(p.id), chosen=p.id == self.decisions.placement_id)))
        self.query_one("#placement-detail", VerticalScroll).scroll_home(animate=False)

    @on(OptionList.OptionSelected, "#proposals")
    def _open(self) -> None:
        """Enter on a placement moves to its details, to read them through."""
        self.query_one("#placement-detail", VerticalScroll).focus()

    def status(self, text: str) -> None:
        self.query_one("#matching-status", Static).update(plain(text))

    # --- compare ---------------------------------------------------------------------------

    @on(Button.Pressed, "#compare")
    def action_compare(self) -> None:
        proposal = self.current
        if proposal is None:
            return
        pid = proposal.placement.id
        if self.compare_with is None or self.compare_with == pid:
            self.compare_with = None if self.compare_with == pid else pid
            self.status(self.t("matching.compare_pick_second", name=proposal.placement.name)
                        if self.compare_with else "")
            self.fill_list()
            return
        first = next(p for p in self.proposals if p.placement.id == self.compare_with)
        self.compare_with = None
        self.fill_list()
        self.status("")
        d = self.decisions
        self.app.push_screen(CompareScreen(self.t, [
            placement_detail(self.t, p.placement, p, visit=d.visits.get(p.placement.id),
                             chosen=p.placement.id == d.placement_id) for p in (first, proposal)]))

    # --- why not -----------------------------------------------------------------------------

    @on(Button.Pressed, "#why-not")
    def action_why_not(self) -> None:
        # Every placement matching saw: the built-in ones and the county's imported ones.
        self.app.push_screen(WhyNotScreen(self.t, placement_names(self.result.catalogue.placements), self.explain))

    def explain(self, p: PlacementName) -> str:
        """Why a placement is or is not on the list, in words."""
        t, result = self.t, self.result
        shown = [x.placement.id for x in self.proposals]
        if p.id in shown:
            return t("matching.why.on_list", name=p.name, rank=shown.index(p.id) + 1)
        reasons = result.why_not(p.id)
        if not reasons:
            rank = result.ranked.index(result.catalogue.index(p.id)) + 1
            return t("matching.why.lower", name=p.name, rank=rank, count=len(shown))
        return "\n".join([t("matching.why.excluded", name=p.name)] + [f"  • {t.reason(r)}" for r in reasons])

    # --- visit -------------------------------------------------------------------------------

    @on(Button.Pressed, "#visit")
    def _visit_pressed(self) -> None:
        self.action_visit()

    @work(exclusive=True, group="dialog", exit_on_error=False)
    async def action_visit(self) -> None:
        proposal = self.current
        if proposal is None:
            return
        p = proposal.placement
        visits = dict(self.decisions.visits)
        answer = await self.app.push_screen_wait(VisitScreen(self.t, p.name, visits.get(p.id)))
        if answer is None:
            return
        if answer == "remove":
            visits.pop(p.id, None)
            message = self.t("matching.visit_removed", name=p.name)
        else:
            visits[p.id] = answer
            message = self.t("matching.visit_saved", name=p.name, date=self.t.date(answer))
        if self.guarded(lambda: self.session.decide(visits=visits)) is not FAILED:
            self.fill_list()
            self.show_detail()
            self.status(message)

    # --- choose, or none yet -------------------------------------------------------------------

    @on(Button.Pressed, "#choose")
    def action_choose(self) -> None:
        proposal = self.current
        if proposal is None:
            return
        d = self.decisions
        changes = {"placement_id": proposal.placement.id}
        # The schedule the placement offers within the client's wish, unless one is already set.
        if d.days_per_week is None:
            changes["days_per_week"] = proposal.days_per_week
        if d.hours_per_day is None:
            changes["hours_per_day"] = proposal.hours_per_day
        if self.guarded(lambda: self.session.decide(**changes)) is not FAILED:
            from intake.screens.plan import PlanScreen

            self.app.switch_screen(PlanScreen(self.t, self.session))

    @on(Button.Pressed, "#none-yet")
    def action_none_yet(self) -> None:
        if self.decisions.placement_id is not None:
            if self.guarded(lambda: self.session.decide(placement_id=None)) is FAILED:
                return
        self.app.notify(self.t("matching.none_yet_saved"))
        self.app.leave_session()

    def action_leave(self) -> None:
        self.app.leave_session()  # everything is already saved

    # --- back to the answers ---------------------------------------------------------------------

    def action_back(self) -> None:
        from intake.screens.interview import InterviewScreen

        if self.guarded(self.session.back) is not FAILED:
            self.app.switch_screen(InterviewScreen(self.t, self.session))

    def action_answers(self) -> None:
        from intake.screens.summary import SummaryScreen

        self.app.switch_screen(SummaryScreen(self.t, self.session))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("compare", "visit", "choose"):
            return bool(self.proposals)
        return True


class CompareScreen(ModalScreen[None]):
    """Two placements side by side."""

    BINDINGS = [Binding("escape", "close", show=False, id="dialog.close")]

    def __init__(self, texts: Texts, details: list[str]):
        super().__init__(classes="dialog-screen")
        self.t = texts
        self.details = details

    def compose(self) -> ComposeResult:
        with Vertical(id="compare", classes="dialog"):
            yield Static(self.t("matching.compare_title"), id="dialog-title", markup=False)
            with Horizontal(id="compare-columns"):
                for i, text in enumerate(self.details):
                    with VerticalScroll(classes="compare-column"):
                        yield Static(plain(text), id=f"compare-{i}")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.t("button.close"), id="dialog-close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#dialog-close", Button).focus()

    @on(Button.Pressed, "#dialog-close")
    def action_close(self) -> None:
        self.dismiss(None)


class WhyNotScreen(ModalScreen[None]):
    """Ask by name why a placement is not on the list: type (with suggestions) or pick from all names."""

    BINDINGS = [Binding("escape", "close", show=False, id="dialog.close")]

    def __init__(self, texts: Texts, placements: list[PlacementName], explain):
        super().__init__(classes="dialog-screen")
        self.t = texts
        self.placements = sorted(placements, key=lambda p: p.name.casefold())
        self.explain = explain

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(id="why-not", classes="dialog"):
            yield Static(t("matching.why_title"), id="dialog-title", markup=False)
            yield Input(id="why-name", placeholder=t("matching.why_placeholder"),
                        suggester=SuggestFromList([printable(p.name) for p in self.placements],
                                                  case_sensitive=False))
            yield OptionList(*self._options(""), id="why-names")
            with VerticalScroll(id="why-answer-box"):
                yield Static("", id="why-answer", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("button.close"), id="dialog-close", variant="primary")

    def _options(self, typed: str) -> list[Option]:
        words = typed.casefold().split()
        # Names as they are shown, so that what is seen can be typed.
        return [Option(plain(p.name), id=p.id) for p in self.placements
                if all(w in printable(f"{p.name} {p.host} {p.municipality}").casefold() for w in words)]

    def on_mount(self) -> None:
        self.query_one("#why-name", Input).focus()

    @on(Input.Changed, "#why-name")
    def _typed(self, event: Input.Changed) -> None:
        names = self.query_one("#why-names", OptionList)
        names.set_options(self._options(event.value))
        names.highlighted = 0 if names.option_count else None

    @on(Input.Submitted, "#why-name")
    def _submitted(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        exact = [p for p in self.placements if printable(p.name).casefold() == typed.casefold()]
        found = exact or [p for p in self.placements if p.id in {o.id for o in self._options(typed)}]
        if len(found) == 1:
            self.show_answer(found[0])
        elif not found:
            self.query_one("#why-answer", Static).update(plain(self.t("matching.why.not_found", name=typed)))
        else:
            self.query_one("#why-answer", Static).update(self.t("matching.why.several", count=len(found)))
            self.query_one("#why-names", OptionList).focus()

    @on(OptionList.OptionSelected, "#why-names")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.show_answer(next(p for p in self.placements if p.id == event.option_id))

    def show_answer(self, p: PlacementName) -> None:
        self.query_one("#why-answer", Static).update(plain(self.explain(p)))

    @on(Button.Pressed, "#dialog-close")
    def action_close(self) -> None:
        self.dismiss(None)


class VisitScreen(ModalScreen[object]):
    """Agree a visit (tutustumiskäynti) with a date; dismisses with the date, "remove", or None."""

    BINDINGS = [Binding("escape", "cancel", show=False, id="dialog.cancel")]

    def __init__(self, texts: Texts, name: str, current: dt.date | None):
        super().__init__(classes="dialog-screen")
        self.t = texts
        self.place_name = name
        self.current = current

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(id="visit", classes="dialog"):
            yield Static(plain(t("matching.visit_title", name=self.place_name)), id="dialog-title")
            yield Static(t("matching.visit_question"), markup=False)
            yield Input(t.date_field(self.current) if self.current else "", id="visit-date",
                        placeholder=t("field.date_placeholder"))
            yield Static("", id="visit-error", classes="field-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("matching.visit_save"), id="visit-save", variant="primary")
                if self.current is not None:
                    yield Button(t("matching.visit_remove"), id="visit-remove")
                yield Button(t("button.cancel"), id="visit-cancel")

    def on_mount(self) -> None:
        self.query_one("#visit-date", Input).focus()

    @on(Input.Submitted, "#visit-date")
    @on(Button.Pressed, "#visit-save")
    def save(self) -> None:
        error, value = parse_date(self.query_one("#visit-date", Input).value)
        if error is not None:
            self.query_one("#visit-error", Static).update(self.t(error.key, **error.params))
            return
        day, today = dt.date.fromisoformat(value), dt.date.today()
        if day < today:  # a visit is agreed ahead; one that has passed cannot be agreed now
            self.query_one("#visit-error", Static).update(
                self.t("matching.visit_past", date=self.t.date(day), today=self.t.date(today)))
            return
        self.dismiss(day)

    @on(Button.Pressed, "#visit-remove")
    def remove_visit(self) -> None:
        self.dismiss("remove")

    @on(Button.Pressed, "#visit-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
