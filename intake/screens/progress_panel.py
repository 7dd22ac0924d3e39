"""Progress by section: answered of relevant questions, the current section marked, and on the short
path of a first meeting how many wait for the next one (in words, not colour)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from intake.flows.display import Texts
from intake.flows.engine import Interview


class ProgressPanel(Vertical):
    def __init__(self, texts: Texts, **kwargs):
        super().__init__(**kwargs)
        self.t = texts

    def compose(self) -> ComposeResult:
        yield Static(self.t("progress.title"), classes="panel-title")
        yield Static("", id="progress-sections", markup=False)
        yield Static("", id="progress-total", markup=False)

    def show(self, interview: Interview) -> None:
        progress = interview.progress()
        current = interview.current()
        lines = []
        for sp in progress.sections:
            if current is not None and current.section.id == sp.section.id:
                mark = "▶"
            elif sp.relevant and sp.answered == sp.relevant:
                mark = "✓"
            else:
                mark = " "
            later = f" · {self.t('progress.later', count=sp.later)}" if sp.later else ""
            lines.append(f"{mark} {self.t.section_title(sp.section)}\n   {sp.answered}/{sp.relevant}{later}")
        self.query_one("#progress-sections", Static).update("\n".join(lines))
        total = [self.t("progress.total", answered=progress.answered, relevant=progress.relevant)]
        if progress.later:
            total.append(self.t("progress.total_later", count=progress.later))
        self.query_one("#progress-total", Static).update("\n".join(total))
