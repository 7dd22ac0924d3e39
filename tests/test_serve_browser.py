"""`intake serve` in headless Chromium: the page shows the app, a session started there is saved in the store,
and closing the tab closes the session and releases its edit lock. Skipped, saying why, where Debian's
chromium or Playwright for Python is not installed (`.ci/run` installs chromium, the test extra Playwright)."""

from __future__ import annotations

import os
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from intake.store import Store
from intake.store_locks import SessionLock
from tests.conftest import CONTENT_DIR

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
try:
    from playwright.sync_api import Page, sync_playwright
except ImportError:
    sync_playwright = None
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium; .ci/run "
                                                "installs it)"),
    pytest.mark.skipif(sync_playwright is None, reason="needs Playwright for Python (pip install -e '.[test]')"),
]
VIEWPORT = {"width": 1280, "height": 800}
WAIT = 30  # seconds for anything the test waits on; a hung server or browser fails the test instead


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition: Callable[[], object], what: str, timeout: float = WAIT) -> object:
    """Poll `condition` until it returns something true; fail naming `what` after `timeout` seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if result := condition():
            return result
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


class Server:
    """`intake serve` in a process of its own, started from another folder than the repository's."""

    def __init__(self, store: Path, cwd: Path):
        self.port = free_port()
        self.output: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "intake.cli", "--store", str(store), "--content", str(CONTENT_DIR), "serve",
             "--port", str(self.port)], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.output.append(line)

    def url(self) -> str:
        line = wait_for(lambda: next((l for l in self.output if l.startswith("Open http")), None)
                        or self.process.poll() is not None, "the server to say its address")
        assert isinstance(line, str), f"the server ended: {''.join(self.output)}"
        return line.split()[1]

    def stop(self) -> None:
        self.process.terminate()  # as Ctrl+C: each app is told to quit
        try:
            self.process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Terminal:
    """What the served app writes to the page: the terminal stream of the websocket, as text.

    The page draws the terminal on a canvas, so its words are read from the stream instead."""

    def __init__(self, page: Page):
        self.text = ""
        page.on("websocket", lambda ws: ws.on("framereceived", self._received))

    def _received(self, payload: str | bytes) -> None:
        self.text += payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload

    def wait_for(self, words: str, page: Page) -> None:
        """Wait until the app has written `words` (the browser's events are handled while waiting)."""
        end = time.monotonic() + WAIT
        while words not in self.text:
            assert time.monotonic() < end, f"timed out after {WAIT} s waiting for {words!r} on the page"
            page.wait_for_timeout(100)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    running = Server(tmp_path / "store", elsewhere)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def page() -> Iterator[Page]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], timeout=WAIT * 1000)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.set_default_timeout(WAIT * 1000)
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1")
                       else route.abort())  # the page asks for a web font: nothing leaves this machine
            yield page
        finally:
            browser.close()


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_a_session_in_the_browser_is_saved_and_closing_the_tab_releases_it(server, page, tmp_path):
    terminal = Terminal(page)
    page.goto(server.url())
    terminal.wait_for("Alkuhaastattelu", page)  # the start screen's title
    page.locator(".xterm-helper-textarea").focus()
    page.keyboard.type("Asiakas S")
    page.keyboard.press("Enter")  # on to the counsellor's name
    page.keyboard.type("Ohjaaja O")
    page.keyboard.press("Enter")  # starts the session
    terminal.wait_for("Kertoisitko omin sanoin", page)  # the first question
    page.keyboard.type("Haluan oppia uutta.")
    page.keyboard.press("Control+s")

    store = Store(tmp_path / "store")
    session_id = wait_for(lambda: next((s.id for s in store.list() if s.answered), None), "the answer in the store")
    record = store.get(session_id)
    assert (record.client_label, record.counsellor) == ("Asiakas S", "Ohjaaja O")
    assert record.state.answers["reason"].value == "Haluan oppia uutta."
    store.close()

    shot = tmp_path / "serve.png"
    page.screenshot(path=str(shot))
    assert png_size(shot) == (VIEWPORT["width"], VIEWPORT["height"])

    holder = tmp_path / "store" / "locks" / f"{session_id}.holder.json"
    assert holder.exists()  # the app in the browser holds the session's edit lock
    page.close()
    # The server tells the tab's app to quit: it closes the session (the holder file goes) and ends.
    wait_for(lambda: not holder.exists(), "the session to be closed after the tab was closed")
    with SessionLock(holder.parent, session_id, "test"):
        pass  # free to take: SessionLocked otherwise
