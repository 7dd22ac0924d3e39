"""The keyboard: the command palette has every action, keys remapped in settings.toml, the
high-contrast theme (issue 13, item 4)."""

from __future__ import annotations

from textual.binding import Binding
from textual.command import CommandInput, CommandList, CommandPalette

from intake.screens.app import IntakeApp
from intake.screens.interview import InterviewScreen
from intake.screens.start import StartScreen
from intake.session import IntakeSession
from intake.store import Store

SIZE = (100, 30)


def english_session(store: Store, content) -> IntakeSession:
    return IntakeSession.start(store, content, "E-1", "Liisa", language="en")


async def palette_commands(pilot) -> list[str]:
    """Open the palette and wait for its list (the providers answer in the background)."""
    await pilot.press("ctrl+p")
    for _ in range(100):
        await pilot.pause()
        if isinstance(pilot.app.screen, CommandPalette) and pilot.app.screen.query_one(CommandList).option_count:
            break
    commands = pilot.app.screen.query_one(CommandList)
    return [str(commands.get_option_at_index(i).prompt).splitlines()[0] for i in range(commands.option_count)]


async def test_palette_has_every_action_of_the_screen_in_the_session_language(content, store_path, tmp_path):
    store = Store(store_path)
    session = english_session(store, content)
    app = IntakeApp(store=store, content=content, export_dir=tmp_path / "exports")
    # An app binding the palette has never heard of (as another part's language switch); its words
    # are `key.app.ring`, missing from the catalogue, so shown as its key.
    app._bindings._add_binding(Binding("ctrl+l", "bell", "Ring", id="app.ring"))
    async with app.run_test(size=SIZE) as pilot:
        app.open_session(session)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        shown = await palette_commands(pilot)
        palette = app.screen
        assert palette.query_one(CommandInput).placeholder == session.texts("palette.placeholder")
        t = session.texts
        # The screen's keys (the first question allows no going back), the app's, also one
        # not in the key bar, and Textual's own commands in the session's words.
        for word in (t("key.interview.skip"), t("key.interview.edit_earlier"), t("key.interview.submit"),
                     t("key.interview.leave"), t("key.app.quit"), "[key.app.ring]", t("palette.theme"), t("palette.keys")):
            assert any(line.startswith(word) for line in shown), (word, shown)
        assert not any(line.startswith(t("key.interview.back")) for line in shown)
        assert "Screenshot" not in " ".join(shown) and "Quit the application" not in " ".join(shown)
        # Run one: back to the start screen, as with its key.
        await pilot.press(*t("key.interview.leave").lower())
        for _ in range(50):
            await pilot.pause()
            if palette.query_one(CommandList).option_count == 1:
                break
        await pilot.press("enter")
        for _ in range(50):
            await pilot.pause()
            if isinstance(app.screen, StartScreen):
                break
        assert isinstance(app.screen, StartScreen)

async def test_key_bar_says_palette_in_the_session_language(content, store_path, tmp_path):
    store = Store(store_path)
    session = english_session(store, content)
    app = IntakeApp(store=store, content=content, export_dir=tmp_path / "exports")
    async with app.run_test(size=SIZE) as pilot:
        app.open_session(session)
        await pilot.pause()
        await pilot.pause()
        keys = app.screen.query("FooterKey.-command-palette")
        assert [key.description for key in keys] == [session.texts("key.app.command_palette")]
        assert session.texts("key.app.command_palette") != app.texts("key.app.command_palette")
