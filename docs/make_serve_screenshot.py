"""Regenerate the README's screenshot of the app in a web browser (`intake serve`).

    PYTHONPATH=$PWD .venv/bin/python docs/make_serve_screenshot.py

Serves the real content on a temporary store, starts a fictional client's session in headless Chromium
(Debian's chromium, through Playwright, as tests/test_serve_browser.py does), answers the first question,
ticks two choices of the second and saves the page as docs/serve.png. Nothing is written to the user's
own store.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))  # the repository's intake and tests, whatever the current folder

from intake.flows.loader import load_content  # noqa: E402
from tests.conftest import REAL_CONTENT  # noqa: E402
from tests.test_serve_browser import CHROMIUM, STYLE, Server, browser_page, start_session  # noqa: E402

TICKED = f"✓(?:{STYLE}|[▌ ])*"  # the mark of a ticked choice, before its words


def main() -> int:
    if CHROMIUM is None:
        print("needs Debian's chromium: apt-get install chromium")
        return 1
    content = load_content(REAL_CONTENT)
    second = content.sections[0].questions[1]
    with tempfile.TemporaryDirectory(prefix="intake-screenshots-") as tmp:
        server = Server(Path(tmp) / "store", Path(tmp), REAL_CONTENT)
        try:
            with browser_page() as page:
                terminal = start_session(server, page, content, "Asiakas X")
                page.keyboard.press("Enter")  # the first choice
                terminal.wait_for_words(second.text.get("fi"))
                before = len(terminal.text)
                for key in ("Space", "ArrowDown", "ArrowDown", "Space"):
                    page.keyboard.press(key)
                for choice in (second.choices[0], second.choices[2]):
                    label = choice.text.get("fi")
                    terminal.wait_for(TICKED + re.escape(label), f"{label!r} ticked", since=before)
                page.screenshot(path=str(DOCS / "serve.png"))
        finally:
            server.stop()
    print(f"wrote {DOCS / 'serve.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
