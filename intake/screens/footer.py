"""The key bar at the bottom of the screens."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual's Footer, rebuilt at most once per refresh. Showing a question changes the bindings
    several times in a row (the focus, the step, the keys' words), and the stock Footer rebuilds
    every key for each change: a tenth of a second on the way to the first question."""

    _rebuild_pending = False

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
