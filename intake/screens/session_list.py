"""The saved sessions as a virtual list: only the rows in view are fetched and drawn."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip



class Cell(NamedTuple):
    """A cell drawn in a component style of its own (the words say the same: colour is never alone)."""

    text: str
    component: str


Row = tuple[str, Sequence[str | Cell]]  # a key and its cells
Fetch = Callable[[int, int], list[Row]]  # (offset, limit) -> the rows from offset on
WINDOW = 64  # rows fetched at a time: a screenful or two, so that each key or scroll asks once at most
ROOM_FOR_NAMES = 20  # the shared columns (the client's label, the counsellor) tell the rows apart


class SessionList(ScrollView, can_focus=True):
    """Rows asked for a window at a time as they come into view (Textual's Line API), so that a list
    of 100,000 sessions costs what a screenful does. A header line stays on top. Arrow keys, Page
    Up/Down, Home and End move the cursor; Enter or a single click opens the row (`Selected`)."""

    COMPONENT_CLASSES = {"session-list--header", "session-list--cursor", "session-list--even-row",
                         "session-list--late"}
    DEFAULT_CSS = """
    SessionList {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        & > .session-list--header { text-style: bold; background: $panel; color: $foreground; }
        & > .session-list--even-row { background: $surface-lighten-1 50%; }
        & > .session-list--late { color: $text-error; text-style: bold; }
        & > .session-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .session-list--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """
    BINDINGS = [
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "move(-1_000_000_000)", show=False),
        Binding("end", "move(1_000_000_000)", show=False),
        Binding("enter", "select", show=False),
    ]

    class Selected(Message):
        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, columns: Sequence[tuple[str, int] | tuple[str, int, int]], *, id: str | None = None) -> None:
        """`columns`: (title, width) or (title, 0, shares); the columns of width 0 share what the others
        leave, each its shares of it (one unless given)."""
        super().__init__(id=id)
        self.columns = list(columns)
        self.row_count = 0
        self.cursor = 0
        self._fetch: Fetch = lambda offset, limit: []
        self._rows: dict[int, Row] = {}

    def show(self, count: int, fetch: Fetch, *, cursor: int = 0) -> None:
        """Show a new list of `count` rows, fetched as they come into view."""
        self.row_count, self._fetch, self._rows = count, fetch, {}
        self.virtual_size = Size(0, count + 1)  # + the header
        self.move_cursor(cursor)
        self.refresh()

    def row(self, index: int) -> Row | None:
        """The row at `index`, fetched with its neighbours when it is not at hand (None: not there,
        the list became shorter since it was counted)."""
        if index not in self._rows and 0 <= index < self.row_count:
            if len(self._rows) > 10 * WINDOW:
                self._rows.clear()
            start = max(0, index - WINDOW // 4)
            self._rows.update(enumerate(self._fetch(start, WINDOW), start))
        return self._rows.get(index)

    def key_at(self, index: int) -> str | None:
        row = self.row(index)
        return row[0] if row is not None else None

    # -- moving and choosing -----------------------------------------------------------------
    def move_cursor(self, index: int) -> None:
        self.cursor = max(0, min(index, self.row_count - 1))
        top, rows = round(self.scroll_offset.y), max(1, self.size.height - 1)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + rows:
            self.scroll_to(y=self.cursor - rows + 1, animate=False, immediate=True)
        self.refresh()

    def action_move(self, by: int) -> None:
        self.move_cursor(self.cursor + by)

    def action_page(self, pages: int) -> None:
        self.move_cursor(self.cursor + pages * max(1, self.size.height - 1))

    def action_select(self) -> None:
        key = self.key_at(self.cursor)
        if key is not None:
            self.post_message(self.Selected(key))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:  # the header, or the scroll bar
            return
        index = round(self.scroll_offset.y) + offset.y - 1
        if index < self.row_count:
            self.move_cursor(index)
            self.action_select()

    # -- drawing ---------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width  # without the scroll bar, which would hide the last column's end
        if y == 0:
            return self._strip([title for title, *_ in self.columns], "session-list--header", width)
        index = round(self.scroll_offset.y) + y - 1
        row = self.row(index)
        if row is None:
            return Strip.blank(width, self.rich_style)
        component = ("session-list--cursor" if index == self.cursor
                     else "session-list--even-row" if index % 2 == 0 else None)
        return self._strip(row[1], component, width)

    def _strip(self, cells: Sequence[str | Cell], component: str | None, width: int) -> Strip:
        style = self.rich_style + (self.get_component_rich_style(component) if component else Style())
        # Plain text, a segment for each run of cells in one style: stored labels are never read as markup.
        # The cursor's row keeps the cursor's colours, which a cell's own would fight with.
        segments: list[Segment] = []
        for cell, cell_width in zip(cells, self._widths(width)):
            own = isinstance(cell, Cell) and component != "session-list--cursor"
            cell_style = style + self.get_component_rich_style(cell.component) if own else style
            text = _fit(f" {cell.text if isinstance(cell, Cell) else cell}", cell_width)
            if segments and segments[-1].style == cell_style:
                segments[-1] = Segment(segments[-1].text + text, cell_style)
            else:
                segments.append(Segment(text, cell_style))
        return Strip(Segment.adjust_line_length(segments, width, style), width)

    def _widths(self, width: int) -> list[int]:
        """Each column's cells. On a narrow screen the fixed columns give way, the last first,
        until the shared ones have ROOM_FOR_NAMES (at 80 columns: the names and the status)."""
        shares = [(w, *share, 1)[1] for _, w, *share in self.columns]
        shared = sum(n for (_, w, *_), n in zip(self.columns, shares) if not w) or 1
        fixed = [w for _, w, *_ in self.columns]
        for last in reversed(range(len(fixed))):
            if width - sum(fixed) >= ROOM_FOR_NAMES:
                break
            fixed[last] = 0  # a shared column is 0 already
        left = max(0, width - sum(fixed))
        return [w if own else left * n // shared
                for (_, own, *_), w, n in zip(self.columns, fixed, shares)]


def _fit(text: str, width: int) -> str:
    """`text` in exactly `width` cells: padded, or cut with an ellipsis."""
    return set_cell_size(text, width - 1) + "…" if cell_len(text) > width > 0 else set_cell_size(text, width)
