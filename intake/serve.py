"""`intake serve`: the full-screen app in a web browser, with textual-serve.

Each browser tab that opens the page gets its own `intake run` process on the same store; closing the
tab tells that process to quit, which closes the open session and releases its edit lock (the kernel
releases the lock in any case when the process ends).
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import os
import shlex
import subprocess
import sys

from aiohttp import web
from textual_serve.server import Server

from intake.errors import IntakeError

# The options of `intake` itself that the served app needs, as the server got them.
PASSED_ON = ("store", "content", "export_dir")
QUIT_WAIT = 10  # seconds for the apps to close their sessions when the server stops


def app_command(args: argparse.Namespace) -> str:
    """The shell command textual-serve runs for each tab: `intake run` with this interpreter and this
    package (-P: the server's current folder is not searched, so a folder named `intake` there is not
    imported), the global options made absolute."""
    argv = [sys.executable, "-P", "-m", "intake.cli"]
    for name in PASSED_ON:
        value = getattr(args, name)
        if value is not None:
            argv += [f"--{name.replace('_', '-')}", str(value.expanduser().resolve())]
    argv.append("run")
    # textual-serve starts it through the system's shell.
    return subprocess.list2cmdline(argv) if os.name == "nt" else shlex.join(argv)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class IntakeServer(Server):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._tabs: set[asyncio.Task] = set()  # the handlers of the open tabs' websockets

    async def on_startup(self, app: web.Application) -> None:
        # One plain line, once the port is open, in place of textual-serve's banner.
        print(f"Open {self.public_url} in a web browser. Ctrl+C stops the server.", flush=True)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        tab = asyncio.current_task()
        self._tabs.add(tab)
        try:
            return await super().handle_websocket(request)
        finally:
            self._tabs.discard(tab)

    async def on_shutdown(self, app: web.Application) -> None:
        """Stopping the server tells each open tab's app to quit, which closes its session. Otherwise the
        web server waits up to a minute for the tabs to close while their apps keep the sessions' locks."""
        tabs = list(self._tabs)
        for tab in tabs:
            tab.cancel()  # textual-serve's handler then sends its app "quit" and waits for it to end
        if tabs:
            await asyncio.wait(tabs, timeout=QUIT_WAIT)


def serve(args: argparse.Namespace) -> int:
    if not is_loopback(args.host):
        print(f"Warning: serving on {args.host}, not only on this computer: anyone who can reach {args.host} port "
              f"{args.port} can open the app and every client's answers in the store, without a password. Use it "
              "only on a network you trust, and stop the server when the meeting ends.", file=sys.stderr)
    server = IntakeServer(app_command(args), host=args.host, port=args.port, title="intake")
    try:
        server.serve()
    except OSError as exc:
        raise IntakeError(f"Cannot serve on {args.host} port {args.port}: {exc.strerror or exc}. Choose another "
                          "port with --port, e.g. --port 8766, or stop the program that uses it.") from None
    return 0
