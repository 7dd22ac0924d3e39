"""The command palette (ctrl+p): every action of the screen it is opened on, in its words."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class ScreenCommands(Provider):
    """Each binding with an id and a description on the screen the palette was opened from, its
    focused widget and the app (also those the key bar has no room for), by its translated
    description, with its key as help. The ids are the app's own bindings, translated from the
    catalogue; Textual's widgets' own (cursor left...) have only English words and are left out, as
    is what cannot be done now (a binding its screen disables)."""

    def _commands(self) -> Iterator[tuple[str, str, Callable]]:
        seen = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not (binding.id and binding.description) or not active.enabled or binding.action == "command_palette":
                continue
            if (active.node, binding.action) in seen:  # one action on two keys (0 and Delete)
                continue
            seen.add((active.node, binding.action))
            yield (binding.description, self.app.get_key_display(binding),
                   partial(self.app.run_action, binding.action, active.node))

    async def discover(self) -> Hits:
        for name, key, run in self._commands():
            yield DiscoveryHit(name, run, help=key)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, key, run in self._commands():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), run, help=key)
