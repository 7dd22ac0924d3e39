"""`intake serve` in headless Chromium: the page shows the app, a session started there is saved in the store,
and closing the tab or stopping the server closes the session and releases its edit lock. Skipped, saying why, where Debian's
chromium or Playwright for Python is not installed (`.ci/run` installs chromium, the test extra Playwright)."""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from intake.flows.display import Texts
from intake.flows.loader import load_content
from intake.flows.model import Content
from intake.store import Store
from intake.store_locks import SessionLock
from tests.conftest import CONTENT_DIR

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
try:
    from playwright.sync_api import Error as PlaywrightError, Page, Route, sync_playwright
except ImportError:
    sync_playwright = None
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium; .ci/run "
                                                "installs it)"),
    pytest.mark.skipif(sync_playwright is None, reason="needs Playwright for Python (pip install -e '.[test]')"),
]
VIEWPORT = {"width": 1280, "height": 800}
STYLE = r"(?:\x1b\[[0-9;]*m)+"  # a change of colour in the terminal stream
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

    def __init__(self, store: Path, cwd: Path, content: Path = CONTENT_DIR):
        self.port = free_port()
        self.output: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "intake.cli", "--store", str(store), "--content", str(content), "serve",
             "--port", str(self.port)], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}, start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.output.append(line)

    def url(self) -> str:
        line = wait_for(lambda: next((out for out in self.output if out.startswith("Open http")), None)
                        or self.process.poll() is not None, "the server to say its address")
        assert isinstance(line, str), f"the server ended: {''.join(self.output)}"
        return line.split()[1]

    def stop(self) -> None:
        """Stop the server as Ctrl+C does (each app is told to quit), then end whatever is left of its
        process group: nothing outlives the test, even when it failed half-way."""
        self.process.terminate()
        try:
            self.process.wait(timeout=WAIT)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class Terminal:
    """What the served app writes to the page: the terminal stream of the websocket, as text.

    The page draws the terminal on a canvas, so its words are read from the stream instead."""

    def __init__(self, page: Page):
        self.page = page
        self.text = ""
        self._decode = codecs.getincrementaldecoder("utf-8")("replace").decode  # a letter may span two frames
        page.on("websocket", lambda ws: ws.on("framereceived", self._received))

    def _received(self, payload: str | bytes) -> None:
        self.text += self._decode(payload) if isinstance(payload, bytes) else payload

    def wait_for(self, pattern: str, what: str, since: int = 0) -> None:
        """Wait until the app has written text matching the regular expression `pattern` (after the first
        `since` characters); the browser's events are handled while waiting."""
        end = time.monotonic() + WAIT
        while not re.search(pattern, self.text[since:]):
            if time.monotonic() > end:
                pytest.fail(f"timed out after {WAIT} s waiting for {what} on the page")
            self.page.wait_for_timeout(100)

    def wait_for_words(self, words: str) -> None:
        self.wait_for(re.escape(words), repr(words))

    def wait_for_cursor_in(self, placeholder: str, since: int) -> None:
        """Wait until an empty field shows the cursor on the first letter of its placeholder: it has the focus."""
        self.wait_for(re.escape(placeholder[0]) + STYLE + re.escape(placeholder[1:]),
                      f"the cursor in the field {placeholder!r}", since)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    running = Server(tmp_path / "store", elsewhere)
    try:
        yield running
    finally:
        running.stop()


@contextlib.contextmanager
def browser_page(elsewhere: list[str] | None = None) -> Iterator[Page]:
    """A page in headless Chromium, the system's, that reaches nothing but this computer; what it asks of
    other computers is refused and added to `elsewhere`."""
    def only_here(route: Route) -> None:
        if route.request.url.startswith("http://127.0.0.1"):
            route.continue_()
        else:
            if elsewhere is not None:
                elsewhere.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], timeout=WAIT * 1000)
        except PlaywrightError as exc:
            pytest.skip(f"{CHROMIUM} does not start under Playwright ({str(exc).splitlines()[0]}); "
                        "reinstall Debian's chromium (apt-get install --reinstall chromium)")
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.set_default_timeout(WAIT * 1000)
            page.route("**/*", only_here)
            yield page
        finally:
            browser.close()


@pytest.fixture
def elsewhere() -> list[str]:
    """What the page asked of other computers than this one (refused)."""
    return []


@pytest.fixture
def page(elsewhere) -> Iterator[Page]:
    with browser_page(elsewhere) as page:
        yield page


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    return struct.unpack(">II", data[16:24])


def type_in(terminal: Terminal, text: str, then: str) -> int:
    """Type `text`, wait until the app shows it, then press `then`; how much the app had written before it."""
    terminal.page.keyboard.type(text)
    terminal.wait_for_words(text)
    before = len(terminal.text)
    terminal.page.keyboard.press(then)
    return before


def start_session(server: Server, page: Page, content: Content, label: str) -> Terminal:
    """Open the page and start a session for the client `label` with Ohjaaja O; it opens on its first question."""
    terminal = Terminal(page)
    page.goto(server.url())
    terminal.wait_for_words(content.flow.title.get("fi"))  # the start screen
    page.locator(".xterm-helper-textarea").focus()  # the terminal's keyboard input
    tabbed = type_in(terminal, label, then="Tab")
    # Tab moves the focus once the label field has passed the key on: letters typed before then would
    # still land in the label.
    terminal.wait_for_cursor_in(Texts(content, "fi")("start.counsellor_placeholder"), since=tabbed)
    type_in(terminal, "Ohjaaja O", then="Enter")  # starts the session
    terminal.wait_for_words(content.sections[0].questions[0].text.get("fi"))
    return terminal


def start_and_answer(server: Server, page: Page, store_path: Path) -> str:
    """Start a session on the page and answer its first question; the session's id, once it is in the store."""
    content = load_content(CONTENT_DIR)
    first = content.sections[0].questions[0]
    terminal = start_session(server, page, content, "Asiakas S")
    type_in(terminal, "Haluan oppia uutta.", then="Control+s")

    store = Store(store_path)
    try:
        session_id = wait_for(lambda: next((s.id for s in store.list() if s.answered), None),
                              "the answer in the store")
        record = store.get(session_id)
    finally:
        store.close()
    assert (record.client_label, record.counsellor) == ("Asiakas S", "Ohjaaja O")
    assert record.state.answers[first.id].value == "Haluan oppia uutta."
    return session_id


def holder_file(store_path: Path, session_id: str) -> Path:
    return store_path / "locks" / f"{session_id}.holder.json"


def assert_released(store_path: Path, session_id: str) -> None:
    """The app closed the session (its holder file goes) and nobody holds its lock."""
    holder = holder_file(store_path, session_id)
    wait_for(lambda: not holder.exists(), "the app to close the session")
    with SessionLock(holder.parent, session_id, "test"):
        pass  # free to take: SessionLocked otherwise


def test_a_session_started_in_the_browser_is_saved_and_closing_the_tab_releases_it(page, server, tmp_path,
                                                                                     elsewhere):
    store_path = tmp_path / "store"
    session_id = start_and_answer(server, page, store_path)
    assert elsewhere == []  # the page tells no other computer of the meeting

    shot = tmp_path / "serve.png"
    page.screenshot(path=str(shot))
    assert png_size(shot) == (VIEWPORT["width"], VIEWPORT["height"])

    assert holder_file(store_path, session_id).exists()  # the app in the tab holds the session's edit lock
    page.close()  # textual-serve tells the tab's app to quit
    assert_released(store_path, session_id)


def test_stopping_the_server_closes_the_open_tabs_sessions(page, server, tmp_path):
    store_path = tmp_path / "store"
    session_id = start_and_answer(server, page, store_path)
    assert holder_file(store_path, session_id).exists()
    server.process.send_signal(signal.SIGINT)  # Ctrl+C, to the server alone: the apps are told to quit
    assert_released(store_path, session_id)
    assert server.process.wait(timeout=WAIT) == 0
