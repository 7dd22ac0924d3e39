"""`intake serve` without a browser: the command each tab runs, and the addresses and ports it accepts.
tests/test_serve_browser.py serves the app to headless Chromium."""

from __future__ import annotations

import shlex
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from intake.cli import main, parser
from intake.serve import app_command
from tests.conftest import CONTENT_DIR, REPO
from tests.test_serve_browser import WAIT, Server


def test_each_tab_runs_this_package_on_the_same_store_from_any_folder(tmp_path, monkeypatch):
    # A folder named `intake` where the server was started must not be what the tabs run.
    decoy = tmp_path / "intake"
    decoy.mkdir()
    (decoy / "__init__.py").write_text("raise SystemExit('the decoy was imported')\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTHONPATH", str(REPO))  # where this package is, as an install would make it
    args = parser().parse_args(["--store", "store", "--content", str(CONTENT_DIR), "serve"])

    command = shlex.split(app_command(args))
    assert command[:4] == [sys.executable, "-P", "-m", "intake.cli"]
    assert command[-1] == "run"
    assert command[command.index("--store") + 1] == str(tmp_path / "store")  # made absolute
    # The same command with `list` in place of `run`: it opens that store with this package.
    done = subprocess.run([*command[:-1], "list"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "No sessions yet" in done.stdout
    assert (tmp_path / "store" / "sessions").is_dir()


def test_options_not_given_are_not_passed_on():
    command = shlex.split(app_command(parser().parse_args(["serve"])))
    assert not {"--store", "--content", "--export-dir"} & set(command)


def test_the_theme_is_passed_on_to_each_tab():
    command = shlex.split(app_command(parser().parse_args(["--theme", "high-contrast", "serve"])))
    assert command[command.index("--theme") + 1] == "high-contrast" and command[-1] == "run"


def test_a_tab_stays_full_screen_though_its_input_is_a_pipe(monkeypatch):
    from intake.plain.console import console_for

    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert console_for(False)[1]  # without a terminal: plain mode by itself
    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.web_driver:WebDriver")  # as textual-serve sets
    assert not console_for(False)[1]


@pytest.mark.parametrize("port", ["0", "65536", "http", "-1"])
def test_a_port_out_of_range_is_refused_saying_what_to_give(port, capsys):
    with pytest.raises(SystemExit) as exit_:
        parser().parse_args(["serve", "--port", port])
    assert exit_.value.code == 2
    assert "a whole number from 1 to 65535" in capsys.readouterr().err


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_a_wildcard_address_is_refused_saying_what_to_give(host, capsys):
    with pytest.raises(SystemExit) as exit_:
        parser().parse_args(["serve", "--host", host])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert f"{host} is not an address a browser can open" in err
    assert "leave --host out" in err


def test_a_port_in_use_is_told_with_what_to_do(tmp_path, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["--store", str(tmp_path / "store"), "--content", str(CONTENT_DIR), "serve", "--port", str(port)])
    assert code == 2
    err = capsys.readouterr().err
    assert f"Cannot serve on 127.0.0.1 port {port}" in err
    assert "Choose another port with --port" in err


@pytest.mark.parametrize(("host", "url", "warned"), [
    ("127.0.0.1", "http://127.0.0.1:8999", False), ("localhost", "http://localhost:8999", False),
    ("::1", "http://[::1]:8999", False), ("192.168.1.20", "http://192.168.1.20:8999", True),
    ("intake.example", "http://intake.example:8999", True)])
def test_serving_beyond_this_computer_is_warned_about(host, url, warned, tmp_path, monkeypatch, capsys):
    served = []
    monkeypatch.setattr("intake.serve.IntakeServer.serve", lambda server: served.append((server.host, server.port,
                                                                                          server.public_url)))
    assert main(["--store", str(tmp_path / "store"), "--content", str(CONTENT_DIR), "serve", "--host", host,
                 "--port", "8999"]) == 0
    assert served == [(host, 8999, url)]
    err = capsys.readouterr().err
    assert ("Warning:" in err) is warned
    if warned:
        assert f"Warning: serving on {host}, not only on this computer. The connection is not encrypted" in err


def test_a_store_that_cannot_be_opened_is_told_before_serving(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("intake.serve.IntakeServer.serve", lambda server: pytest.fail("served"))
    not_a_folder = tmp_path / "store"
    not_a_folder.write_text("")
    assert main(["--store", str(not_a_folder), "--content", str(CONTENT_DIR), "serve"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"intake: The store file {not_a_folder} is empty")


@pytest.fixture
def server(tmp_path):
    running = Server(tmp_path / "store", tmp_path)
    try:
        yield running
    finally:
        running.stop()


def status(url: str, **headers: str) -> tuple[int, str, dict, str]:
    """The status, text and headers of the answer to a GET, and the address it came from after redirects."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=WAIT) as response:
            return response.status, response.read().decode(), dict(response.headers), response.url
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers), error.url


def test_only_the_printed_address_opens_the_app(server):
    address = server.url()
    base, key = address.split("/?key=")
    for url in (f"{base}/", f"{base}/?key=", f"{base}/?key={key[:-1]}"):
        code, text, _, _ = status(url)
        assert code == 403
        assert "Open the whole address that `intake serve` printed" in text

    code, text, headers, came_from = status(address.replace("127.0.0.1", "localhost"))
    assert came_from == address  # redirected: the page's websocket goes to the printed address
    assert code == 200 and "textual-terminal" in text
    cookie = headers["Set-Cookie"]
    assert f"intake-{server.port}={key}" in cookie
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


@pytest.mark.parametrize("who", ["no cookie", "a wrong cookie", "another site's page"])
def test_the_apps_websocket_wants_the_cookie_and_this_servers_page(server, who):
    base, key = server.url().split("/?key=")
    cookie = {"no cookie": "", "a wrong cookie": f"intake-{server.port}=x{key}"}.get(
        who, f"intake-{server.port}={key}")
    origin = "http://site.example" if who == "another site's page" else base
    code, text, _, _ = status(f"{base}/ws?width=80&height=24", Cookie=cookie, Origin=origin, Connection="Upgrade",
                           Upgrade="websocket", **{"Sec-WebSocket-Version": "13",
                                                   "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    assert code == 403
    assert "Open the whole address" in text
