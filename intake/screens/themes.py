"""The app's own theme: high contrast, for low vision and bright rooms. Black, white and yellow;
what has the keyboard is marked by a yellow frame and reversed text (see intake.tcss), never by a
shade alone."""

from __future__ import annotations

from textual.theme import BUILTIN_THEMES, Theme

from intake.errors import IntakeError

HIGH_CONTRAST = Theme(
    name="high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    warning="#FFD700",
    error="#FF5F5F",
    success="#00FF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#000000",
    boost="#FFFFFF1A",
    dark=True,
    variables={
        "text": "auto 100%",  # black on yellow, white on black
        "text-muted": "auto 90%",
        "primary-muted": "#333300",
        "border": "#FFFF00",
        "border-blurred": "#FFFFFF",
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-background": "#5F5F00",
        "block-cursor-blurred-foreground": "#FFFFFF",
        "input-cursor-background": "#FFFF00",
        "input-cursor-foreground": "#000000",
        "input-selection-background": "#FFFF00 40%",
        "footer-key-foreground": "#FFFF00",
        "footer-description-foreground": "#FFFFFF",
        "footer-background": "#000000",
        "scrollbar": "#FFFFFF",
        "scrollbar-hover": "#FFFF00",
        "scrollbar-active": "#FFFF00",
        "scrollbar-background": "#333333",
    },
)

THEMES = {HIGH_CONTRAST.name: HIGH_CONTRAST}


class UnknownTheme(IntakeError):
    title = "No such theme"


def chosen_theme(given: str | None, settings: dict, where: str) -> str | None:
    """The theme --theme names, else the settings file's `theme`; None for Textual's default.
    `where` names the settings file, for the message about a name it has wrong."""
    name = given or settings.get("theme")
    if name is None or name in THEMES or name in BUILTIN_THEMES:
        return name
    source = "--theme" if given else f"theme in the settings file {where}"
    raise UnknownTheme(f"{source} names the theme {name!r}, which the app does not have. Themes: "
                       f"{', '.join([*THEMES, *sorted(BUILTIN_THEMES)])}.")
