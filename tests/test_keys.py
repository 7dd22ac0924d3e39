"""The keyboard: the command palette has every action, keys remapped in settings.toml, the
high-contrast theme (issue 13, item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding
from textual.command import CommandInput, CommandList, CommandPalette
from textual.widgets import Button

from intake.cli import make_app, parser
from intake.errors import IntakeError
from intake.screens.app import IntakeApp
from intake.screens.choice_dialog import ChoiceDialog
from intake.screens.interview import InterviewScreen
from intake.screens.keymap import check_keymap
from intake.screens.session_list import SessionList
from intake.screens.start import StartScreen
from intake.session import IntakeSession
from intake.settings import SettingsProblem, read_settings
from intake.store import Store

SIZE = (100, 30)


def english_session(store: Store, content) -> IntakeSession:
    return IntakeSession.start(store, content, "E-1", "Liisa", language="en")


async def palette_commands(pilot, key: str = "ctrl+p") -> list[str]:
    """Open the palette and wait for its list (the providers answer in the background): the
    commands, each as its name and, on the lines below, its help."""
    await pilot.press(key)
    for _ in range(100):
        await pilot.pause()
        if isinstance(pilot.app.screen, CommandPalette) and pilot.app.screen.query_one(CommandList).option_count:
            break
    commands = pilot.app.screen.query_one(CommandList)
    return [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]


async def test_palette_has_every_action_of_the_screen_in_the_session_language(content, store_path, tmp_path):
    store = Store(store_path)
    session = english_session(store, content)
    app = IntakeApp(store=store, content=content, export_dir=tmp_path / "exports")
    # An app binding the palette has never heard of; its words are `key.app.ring`, missing from the
    # catalogue, so shown as its key.
    app._bindings._add_binding(Binding("ctrl+g", "bell", "Ring", id="app.ring"))
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
                     t("key.interview.leave"), t("key.app.quit"), t("key.app.language"), "[key.app.ring]", t("palette.theme"), t("palette.keys")):
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


# --- keys remapped in settings.toml ----------------------------------------------------------------


def settings_with(tmp_path, text: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_keys_table_becomes_a_keymap(tmp_path):
    path = settings_with(tmp_path, '[keys]\n"interview.skip" = "f9"\ninterview.help = "ctrl+h, f11"\n')
    keys = read_settings(path)["keys"]
    assert check_keymap(keys, path) == {"interview.skip": "f9", "interview.help": "ctrl+h,f11"}


@pytest.mark.parametrize(("text", "says"), [
    ('[keys]\n"interview.skip" = "f9"\n"interview.skipp" = "f10"\n',
     ["line 3: 'interview.skipp' is not a key binding", "interview.skip,"]),   # and the list of ids
    ('[keys]\n\n"interview.skip" = "ctrl+bogus"\n', ["line 3:", "'bogus' is not a key name"]),
    ('[keys]\n"interview.skip" = "hyperspace+x"\n', ["line 2:", "'hyperspace' is not a modifier key"]),
    ('[keys]\n"interview.skip" = 9\n', ["line 2:", 'for example "interview.skip" = "f9"']),
    ('[keys]\n"interview.skip" = "enter"\n', ["line 2:", "enter is for typing and moving", "function key"]),
    ('[keys]\n"interview.skip" = "s"\n', ["line 2:", "s is for typing and moving"]),
    ('[keys]\n"interview.skip" = "f1"\n', ["line 2:", "f1 is also the key of interview.help on the same screen",
                                           "give one of them another key"]),
    ('[keys]\n"start.new" = "ctrl+q"\n', ["line 2:", "ctrl+q is also the key of app.quit"]),
])
def test_bad_keys_say_the_line_and_what_to_do(tmp_path, text, says):
    path = settings_with(tmp_path, text)
    with pytest.raises(SettingsProblem) as caught:
        check_keymap(read_settings(path)["keys"], path)
    for words in says:
        assert words in caught.value.message, caught.value.message


def test_keys_swapped_on_one_screen_are_no_clash_and_marks_stay_letters(tmp_path):
    path = settings_with(tmp_path, '[keys]\n"interview.skip" = "f1"\n"interview.help" = "f4"\n'
                                   '"attendance.attended" = "l"\n')
    assert check_keymap(read_settings(path)["keys"], path) == {"interview.skip": "f1", "interview.help": "f4",
                                                                "attendance.attended": "l"}


async def test_a_remapped_key_works_and_the_key_bar_and_palette_show_it(content, store_path, tmp_path):
    store = Store(store_path)
    session = english_session(store, content)
    app = IntakeApp(store=store, content=content, export_dir=tmp_path / "exports",
                    keymap={"interview.skip": "f9", "app.command_palette": "f12"})
    async with app.run_test(size=SIZE) as pilot:
        app.open_session(session)
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        t = session.texts
        bar = {key.description: key.key for key in screen.query("FooterKey")}
        assert bar[t("key.interview.skip")] == "f9"
        assert bar[t("key.app.command_palette")] == "f12"
        await pilot.press("f4")                                # the old key does nothing now
        await pilot.pause()
        assert str(screen.query_one("#answer-error").content) == ""
        await pilot.press("f9")                                # the first question cannot be skipped
        await pilot.pause()
        assert str(screen.query_one("#answer-error").content) == t("error.required_cannot_skip")
        await pilot.press("ctrl+p")                            # the palette's old key does nothing
        await pilot.pause()
        assert app.screen is screen
        shown = await palette_commands(pilot, "f12")
        assert any(line.startswith(t("key.interview.skip")) and line.endswith("f9") for line in shown), shown


# --- the key bar and the session list on a narrow terminal ---------------------------------------


async def test_key_bar_shows_only_whole_keys_and_always_the_palette(content, store_path, tmp_path):
    store = Store(store_path)
    session = english_session(store, content)
    app = IntakeApp(store=store, content=content, export_dir=tmp_path / "exports")
    async with app.run_test(size=(60, 24)) as pilot:
        app.open_session(session)
        await pilot.pause()
        await pilot.pause()
        footer = app.screen.query_one("KeyFooter")
        keys = list(footer.query("FooterKey"))
        assert keys[-1].has_class("-command-palette")
        assert all(key.region.right <= footer.region.right for key in keys)
        shown = [key.key for key in keys]
        assert "ctrl+q" not in shown and shown[0] == "f1"   # the last ones give way
        await pilot.resize_terminal(200, 24)
        for _ in range(20):
            await pilot.pause()
            if "ctrl+q" in [key.key for key in footer.query("FooterKey")]:
                break
        assert "ctrl+q" in [key.key for key in footer.query("FooterKey")]


def test_session_list_keeps_the_names_readable_on_a_narrow_screen():
    columns = [("Client", 0, 3), ("Counsellor", 0, 2), ("Status", 20), ("Answered", 9), ("Changed", 17)]
    session_list = SessionList(columns)
    assert session_list._widths(100) == [32, 21, 20, 9, 17]   # room for all
    narrow = session_list._widths(40)                          # 80 columns: the start form beside it
    assert narrow[3:] == [0, 0] and narrow[2] == 20 and sum(narrow) <= 40 and narrow[0] >= 10


# --- the theme ---------------------------------------------------------------------------------------


def test_theme_from_the_command_line_or_the_settings_file(tmp_path, store_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    (tmp_path / "config" / "intake").mkdir(parents=True)
    settings = tmp_path / "config" / "intake" / "settings.toml"
    args = ["--store", str(store_path)]
    assert make_app(parser().parse_args(args)).theme == "textual-dark"
    settings.write_text('theme = "high-contrast"\n')
    assert make_app(parser().parse_args(args)).theme == "high-contrast"
    assert make_app(parser().parse_args(["--theme", "nord", *args])).theme == "nord"
    with pytest.raises(IntakeError, match="--theme names the theme 'neon'.*high-contrast"):
        make_app(parser().parse_args(["--theme", "neon", *args]))
    settings.write_text("theme = 3\n")
    with pytest.raises(SettingsProblem, match='theme must be a theme name in quotes'):
        make_app(parser().parse_args(args))


async def test_high_contrast_theme_is_in_the_palette(content, store_path, tmp_path):
    app = IntakeApp(store=Store(store_path), content=content, export_dir=tmp_path / "exports")
    async with app.run_test(size=SIZE) as pilot:
        app.search_themes()
        for _ in range(100):
            await pilot.pause()
            if isinstance(app.screen, CommandPalette) and app.screen.query_one(CommandList).option_count:
                break
        palette = app.screen
        assert palette.query_one(CommandInput).placeholder == app.texts("palette.theme_placeholder")
        await pilot.press(*"high-contrast", "enter")
        for _ in range(50):
            await pilot.pause()
            if app.theme == "high-contrast":
                break
        assert app.theme == "high-contrast"


async def test_a_choice_dialog_fits_80x24(content, store_path, tmp_path):
    """The export's question (three readers and Cancel) at 80x24: every button on screen."""
    app = IntakeApp(store=Store(store_path), content=content, export_dir=tmp_path / "exports")
    t = app.texts
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ChoiceDialog(t("export.reader_title"), t("export.reader_message"),
                                     [(r, t(f"export.reader.{r}")) for r in ("counsellor", "client", "placement")],
                                     t("button.cancel")))
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ChoiceDialog)
        buttons = list(screen.query(Button))
        assert len(buttons) == 4
        for button in buttons:
            assert screen.region.contains_region(button.region) and button.region.height >= 1, button
            assert screen.query_one("#dialog").region.contains_region(button.region), button
