"""The key bar at the bottom of the screens."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


def _width(key: FooterKey) -> int:
    """A key's cells in the key bar: the key and its words, padded as Footer pads them (the app's
    bindings have no groups, so every item is a FooterKey)."""
    return cell_len(key.key_display) + 2 + (cell_len(key.description) + 1 if key.description else 0)


class KeyFooter(Footer):
    """Textual's Footer, rebuilt at most once per refresh. Showing a question changes the bindings
    several times in a row (the focus, the step, the keys' words), and the stock Footer rebuilds
    every key for each change: a tenth of a second on the way to the first question.

    On a narrow terminal the keys that do not fit whole are left out, from the last one on (the
    bindings are listed most needed first), and the palette's key always stays: every action is
    in the palette, none is cut in half."""

    _rebuild_pending = False
    _built_for_width = 0

    def compose(self) -> ComposeResult:
        items = list(super().compose())
        palette = [item for item in items if item.has_class("-command-palette")]
        room = self.app.size.width - sum(_width(item) + 2 for item in palette)  # its border and padding
        self._built_for_width = self.app.size.width
        for item in items:
            if item in palette:
                continue
            room -= _width(item)
            if room < 0:
                break
            yield item
        yield from palette

    def on_resize(self) -> None:
        if self.app.size.width != self._built_for_width and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    def bindings_changed(self, screen: Screen) -> None:
        # As Footer.bindings_changed (textual is pinned), with the rebuilds that wait merged into one.
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False  # a change from here on asks for another rebuild
        await self.recompose()
