"""Distance travelled on screen: a chart of one life domain at a time (a picker on the left) with the
client's and the counsellor's ratings at the intake and at each review, and the same numbers for every
domain as a table. The two views differ by marker and are named in words, never by colour alone."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import ContentSwitcher, DataTable, OptionList, Static
from textual.widgets.option_list import Option
from textual_plotext import PlotextPlot

from intake.flows.display import Texts
from intake.flows.distance import (
    VIEWS,
    Distance,
    DomainSeries,
    distance_travelled,
    domain_title,
    moment_labels,
    ratings_pair,
)
from intake.screens.base import IntakeScreen
from intake.screens.footer import KeyFooter
from intake.screens.texts_util import plain
from intake.session import IntakeSession

MARKERS = {"client": "●", "counsellor": "▲"}
COLOURS = {"client": "blue+", "counsellor": "orange+"}  # a help on a colour screen; the markers carry it


def legend(texts: Texts) -> str:
    return texts("distance.legend", client_marker=MARKERS["client"], client=texts("distance.client"),
                 counsellor_marker=MARKERS["counsellor"], counsellor=texts("distance.counsellor"))


class DistanceChart(Vertical):
    """One domain's chart, with the scale and the legend in words under it."""

    DEFAULT_CSS = """
    DistanceChart { height: 1fr; }
    DistanceChart PlotextPlot { height: 1fr; min-height: 12; }
    DistanceChart .distance-note { height: auto; padding: 0 1; }
    """

    def __init__(self, texts: Texts, distance: Distance, **kwargs):
        super().__init__(**kwargs)
        self.t = texts
        self.distance = distance
        self.domain: DomainSeries | None = distance.domains[0] if distance.domains else None

    def compose(self) -> ComposeResult:
        yield PlotextPlot()
        yield Static(legend(self.t), id="distance-legend", classes="distance-note", markup=False)
        yield Static(f"{self.t('distance.scale_note')} {self.t('distance.gap')}", id="distance-scale",
                     classes="distance-note", markup=False)

    def on_mount(self) -> None:
        self.draw()

    def show(self, domain: DomainSeries) -> None:
        self.domain = domain
        self.draw()

    def draw(self) -> None:
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        if self.domain is None:
            return
        labels = [m.label(self.t) for m in self.distance.moments]  # the dates are in the table
        xs = list(range(len(labels)))
        plt.title(domain_title(self.t, self.domain))
        for view in VIEWS:
            self._series(plt, xs, self.domain.view(view), view)
        plt.xticks(xs, labels)
        plt.xlim(-0.5, len(xs) - 0.5)
        points = [p.value for p in self.t.content.scales[self.domain.question.scale].points]
        plt.yticks(points)
        plt.ylim(min(points) - 0.2, max(points) + 0.2)
        plt.ylabel(self.t("distance.y_label"))
        plot.refresh()

    def _series(self, plt, xs: list[int], values: tuple[int | None, ...], view: str) -> None:
        """A line through consecutive ratings; a gap breaks the line, a lone rating is a marker."""
        run: list[int] = []
        first = True
        for x in [*xs, None]:
            if x is not None and values[x] is not None:
                run.append(x)
                continue
            if run:
                label = f" {self.t(f'distance.{view}')}" if first else None  # plotext puts markers before it
                plt.plot(run, [values[i] for i in run], marker=MARKERS[view], color=COLOURS[view], label=label)
                first, run = False, []


class DistanceTable(DataTable):
    """Every domain's ratings at every moment, "client / counsellor" in each cell."""

    def __init__(self, texts: Texts, distance: Distance, **kwargs):
        super().__init__(zebra_stripes=True, cursor_type="row", **kwargs)
        self.t = texts
        self.distance = distance

    def on_mount(self) -> None:
        self.add_column(self.t("distance.domain"), key="domain")
        for i, label in enumerate(moment_labels(self.t, self.distance)):
            self.add_column(label, key=f"m{i}")
        for series in self.distance.domains:
            self.add_row(plain(domain_title(self.t, series)),
                         *(ratings_pair(series, i) for i in range(len(self.distance.moments))), key=series.id)


class DistanceScreen(IntakeScreen):
    """The session's distance travelled: pick a domain for its chart, or F2 for the table of all."""

    BINDINGS = [
        Binding("f2", "toggle", "Table or chart", id="distance.table"),
        Binding("escape", "leave", "Back", id="distance.leave"),
    ]
    DEFAULT_CSS = """
    #distance-header { dock: top; height: 1; padding: 0 1; background: $primary; color: $text; text-style: bold; }
    #distance-domains { width: 38; }
    #distance-views { width: 1fr; }
    #distance-empty, #distance-cells { height: auto; padding: 0 1; }
    """

    def __init__(self, texts: Texts, session: IntakeSession):
        super().__init__(texts)
        self.session = session
        self.distance = distance_travelled(session.interview, session.status().reviews)

    def compose(self) -> ComposeResult:
        t = self.t
        yield Static(plain(f"{t('distance.title')}: {self.session.record.client_label}"), id="distance-header")
        if not self.distance.domains:
            yield Static(t("distance.no_domains"), id="distance-empty", markup=False)
        else:
            if not self.distance.reviewed:
                yield Static(t("distance.no_reviews"), id="distance-empty", markup=False)
            with ContentSwitcher(initial="distance-chart-view", id="distance-views"):
                with Horizontal(id="distance-chart-view"):
                    yield OptionList(*(Option(domain_title(t, s), id=s.id) for s in self.distance.domains),
                                     id="distance-domains")
                    yield DistanceChart(t, self.distance, id="distance-chart")
                with Vertical(id="distance-table-view"):
                    yield Static(f"{t('distance.cell_note')} {t('distance.scale_note')} {t('distance.gap')}",
                                 id="distance-cells", markup=False)
                    yield DistanceTable(t, self.distance, id="distance-table")
        yield KeyFooter()

    @on(OptionList.OptionHighlighted, "#distance-domains")
    def _pick(self, event: OptionList.OptionHighlighted) -> None:
        series = next(s for s in self.distance.domains if s.id == event.option.id)
        self.query_one(DistanceChart).show(series)

    def action_toggle(self) -> None:
        if not self.distance.domains:
            return
        switcher = self.query_one(ContentSwitcher)
        table = switcher.current == "distance-chart-view"
        switcher.current = "distance-table-view" if table else "distance-chart-view"
        self.query_one("#distance-table" if table else "#distance-domains").focus()

    def action_leave(self) -> None:
        self.dismiss()
