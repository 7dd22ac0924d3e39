"""The outcome report for the counsellor's own clients: where they went after their periods, and how
long they had been in the service, as bar charts with the numbers printed beside each bar."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from intake.flows.display import Texts
from intake.flows.report import OutcomeReport, Table
from intake.outcome_report import heading, read_report
from intake.screens.base import IntakeScreen
from intake.screens.footer import KeyFooter
from intake.screens.texts_util import plain

CHARTS = ("follow_on_path", "length")  # seed 000's two tables
BAR_WIDTH = 40  # cells for the longest bar


def bar_chart(table: Table, texts: Texts, width: int = BAR_WIDTH) -> str:
    """One line per row: the label, a bar of full blocks scaled to the largest count (a row with any
    count gets at least one block), and the count and percent in words, so no bar needs colour."""
    most = max((row.count for row in table.rows), default=0)
    label_width = max(len(row.label) for row in table.rows)
    lines = [table.title]
    for row in table.rows:
        cells = max(1, round(width * row.count / most)) if row.count else 0
        lines.append(f"{row.label.ljust(label_width)} {('█' * cells).ljust(width)} {row.count:>5}  "
                     f"{texts.percent(row.percent) if row.percent is not None else '–'}")
    return "\n".join(lines)


class ReportScreen(IntakeScreen):
    BINDINGS = [Binding("escape", "close", "Back", id="report.close")]

    def __init__(self, texts: Texts, counsellor: str):
        super().__init__(texts)
        self.counsellor = counsellor  # the sessions whose counsellor this is are counted

    def respoken(self) -> ReportScreen:
        return ReportScreen(self.app.texts, self.counsellor)

    def compose(self) -> ComposeResult:
        yield Static(plain(self.t("report.screen.mine", counsellor=self.counsellor)), id="report-header")
        with VerticalScroll(id="report-body"):
            yield Static("", id="report-title", markup=False)
            for chart in CHARTS:
                yield Static("", id=f"report-{chart}", classes="report-chart", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="report", exit_on_error=False)
    def load(self) -> None:
        """Reading the ended sessions takes a while in a large store: the screen is up meanwhile."""
        report = read_report(self.app.store, self.app.content, self.t, counsellor=self.counsellor)
        self.app.call_from_thread(self.show, report)

    def show(self, report: OutcomeReport) -> None:
        self.query_one("#report-title", Static).update(
            heading(report, self.t) if report.ended else self.t("report.screen.none"))
        for chart in CHARTS:
            self.query_one(f"#report-{chart}", Static).update(bar_chart(report.table(chart), self.t)
                                                              if report.ended else "")

    def action_close(self) -> None:
        self.app.pop_screen()
