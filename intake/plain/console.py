"""The two ends of plain mode: lines said to the person, and lines they type.

On a terminal the prompt is questionary's (line editing, and after a bad answer the text typed is
put back to correct); when standard input is not a terminal (a pipe, a file) lines are read as
they come. Either way nothing is drawn over earlier lines: what was said stays readable.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from intake.text_safety import printable


class Console:
    def __init__(self, out: TextIO | None = None):
        self.out = out or sys.stdout

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def ask(self, prompt: str, default: str = "") -> str | None:
        """The line typed at `prompt` (`default` put there to edit, where the console can), or None
        when the person quits (Ctrl+C, Ctrl+D, the end of the input)."""
        raise NotImplementedError


class PromptConsole(Console):
    """questionary's line prompt (prompt_toolkit's input and output of the current app session)."""

    def ask(self, prompt: str, default: str = "") -> str | None:
        import questionary  # with prompt_toolkit: only once the first question is asked

        try:
            return questionary.text(prompt, default=default, qmark="").unsafe_ask()
        except (KeyboardInterrupt, EOFError):
            return None


class LineConsole(Console):
    """Lines read from a stream that is not a terminal (nothing can be put at the prompt to edit).
    The line read is written after the prompt, so that what is said reads as a conversation."""

    def __init__(self, out: TextIO | None = None, lines: TextIO | None = None):
        super().__init__(out)
        self.lines = lines or sys.stdin

    def ask(self, prompt: str, default: str = "") -> str | None:
        self.out.write(f"{prompt} ")
        self.out.flush()
        line = self.lines.readline()
        if not line:
            self.say()
            return None
        typed = line.rstrip("\r\n")
        self.say(printable(typed))
        return typed


def console_for(forced: bool) -> tuple[Console, bool]:
    """The console for this run, and whether plain mode was chosen for the person (not asked for):
    the full-screen app needs a terminal on both ends."""
    # A browser tab of `intake serve` has pipes, not a terminal, but Textual draws to the page there.
    terminal = (sys.stdin.isatty() and sys.stdout.isatty()) or "web_driver" in os.environ.get("TEXTUAL_DRIVER", "")
    if terminal:
        return PromptConsole(), False
    return LineConsole(), not forced
