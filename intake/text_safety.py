"""Stored text shown safely, and names checked where they are typed.

Labels, names, answers and imported placements come from people and files. Written raw to a
terminal, a control character can clear the screen or set the window title (ESC, and C1's CSI
\\x9b, start terminal commands), and a bidi override can make text read differently from what is
stored. `printable` shows such characters as visible escapes (ESC as `\\x1b`, RIGHT-TO-LEFT
OVERRIDE as `\\u202e`) rather than dropping them, so that nothing is hidden and the reader can see
that something odd is stored. No textual import here: the command line uses this too.
"""

from __future__ import annotations

import re

from intake.errors import IntakeError

NAME_MAX_LENGTH = 80
"""The longest client label or counsellor's name: room for a full name, not for a document."""

# C0 controls (tab and newline among them); then DEL, C1 controls, the bidi marks, embeddings,
# overrides and isolates, and the line and paragraph separators.
_C0 = "\x00-\x1f"
_BEYOND_C0 = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[{_C0}{_BEYOND_C0}]")
_UNSAFE_IN_JSON = re.compile(f"[{_BEYOND_C0}]")  # json.dumps escapes C0 in strings; the rest is layout


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, keep: str = "") -> str:
    """`text` with every control or bidi character written as a visible escape, except those in
    `keep` (pass "\\n" or "\\n\\t" where the output may run over several lines)."""
    return _UNSAFE.sub(lambda m: m[0] if m[0] in keep else _escape(m[0]), text)


def json_printable(text: str) -> str:
    """JSON text (from json.dumps) safe for a terminal: json.dumps escapes C0 controls only, so DEL,
    C1 and bidi characters become \\u escapes too. JSON structure is ASCII, so such characters
    are inside strings, and the result reads back to the same values."""
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


class NameProblem(IntakeError):
    """A typed client label or counsellor's name that cannot be stored. `reason` ("missing",
    "too_long" or "control") and `params` let a screen say it in the interview's language."""

    title = "The name cannot be used"

    def __init__(self, message: str, reason: str, **params: object):
        super().__init__(message)
        self.reason = reason
        self.params = params


def check_name(text: str, what: str) -> str:
    """A client label or counsellor's name as typed, without surrounding whitespace; NameProblem
    when it is empty, longer than NAME_MAX_LENGTH or holds a control character. `what` names the
    field in the message, e.g. "client label"."""
    name = text.strip()
    if not name:
        raise NameProblem(f"The {what} is missing; type one.", "missing")
    if len(name) > NAME_MAX_LENGTH:
        raise NameProblem(f"The {what} is {len(name):,} characters long; use at most {NAME_MAX_LENGTH} (for "
                          "example a first name and an initial).", "too_long", length=len(name),
                          limit=NAME_MAX_LENGTH)
    bad = _UNSAFE.search(name)
    if bad:
        char = _escape(bad[0])
        raise NameProblem(f"The {what} contains the control character {char} (character {bad.start() + 1}), "
                          "which cannot be stored; type it again without it.", "control", char=char,
                          position=bad.start() + 1)
    return name
