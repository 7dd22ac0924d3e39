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
import re
import secrets
import shlex
import subprocess
import sys

from aiohttp import web
from textual_serve.server import Server

from intake.errors import IntakeError

# The options of `intake` itself that the served app needs, as the server got them.
PASSED_ON = ("store", "content", "export_dir")
NO_KEY = ("This address has no key, or not the key of this server. Open the whole address that "
          "`intake serve` printed when it started, with its ?key=.")
# textual-serve's page asks a web font from Google: the browser would tell Google of every meeting. The
# terminal uses the computer's own monospace font instead.
WEB_FONT = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*>")
QUIT_WAIT = 10  # seconds for the apps to close their sessions when the server stops


def app_command(args: argparse.Namespace) -> str:
    """The shell command textual-serve runs for each tab: `intake run` with this interpreter and this
    package (-P: the server's current folder is not searched, so a folder named `intake` there is not
    imported), the global options made absolute."""
    argv = [sys.executable, "-P", "-m", "intake.cli"]
    for name in PASSED_ON:
        value = getattr(args, name)
        if value is not None:
            where = value if isinstance(value, str) else value.expanduser().resolve()  # a database's address as given
            argv += [f"--{name.replace('_', '-')}", str(where)]
    if args.theme is not None:  # a name, not a path
        argv += ["--theme", args.theme]
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
    """textual-serve's server, opened only by the browser given its address, with a key in it.

    textual-serve alone lets anyone who reaches the port run the app, and a web page from any site open
    the app's websocket on 127.0.0.1 (browsers let pages open websockets anywhere), or another user of
    this computer connect to it: every client's answers in the store are behind it."""

    def __init__(self, command: str, host: str, port: int):
        in_url = f"[{host}]" if ":" in host else host  # an IPv6 address in brackets
        super().__init__(command, host=host, port=port, title="intake", public_url=f"http://{in_url}:{port}")
        self.key = secrets.token_urlsafe(24)
        self.cookie = f"intake-{port}"  # a browser keeps one set of cookies for every port of a host
        self._tabs: set[asyncio.Task] = set()  # the handlers of the open tabs' websockets

    @property
    def address(self) -> str:
        return f"{self.public_url}/?key={self.key}"

    async def on_startup(self, app: web.Application) -> None:
        # One plain line, once the port is open, in place of textual-serve's banner.
        print(f"Open {self.address} in a web browser. Ctrl+C stops the server.", flush=True)

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._guard)
        return app

    @web.middleware
    async def _guard(self, request: web.Request, handler) -> web.StreamResponse:
        """The page wants the key of the printed address and gives the browser a cookie with it; the
        app's websocket and its downloads want that cookie, the websocket from this server's own page.
        The cookie is never sent with a request that another site's page makes (SameSite=Strict)."""
        if request.path == "/":
            if not secrets.compare_digest(request.query.get("key", ""), self.key):
                raise web.HTTPForbidden(text=f"{NO_KEY}\n")
            if str(request.url.origin()) != self.public_url:  # e.g. localhost: the page's websocket goes here
                raise web.HTTPFound(self.address)
            response = await handler(request)
            response.text = WEB_FONT.sub("", response.text)
            response.set_cookie(self.cookie, self.key, httponly=True, samesite="Strict")
            return response
        if request.path.startswith(("/ws", "/download/")):
            own_page = request.path != "/ws" or request.headers.get("Origin") == self.public_url
            if not (own_page and secrets.compare_digest(request.cookies.get(self.cookie, ""), self.key)):
                raise web.HTTPForbidden(text=f"{NO_KEY}\n")
        return await handler(request)  # the page's scripts, styles and fonts: the same for everyone

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
        print(f"Warning: serving on {args.host}, not only on this computer. The connection is not encrypted: others "
              "on the network can read the screen as it goes by, and whoever learns the address with its key can "
              "open every client's answers in the store. Use it only on a network you trust, and stop the server "
              "when the meeting ends.", file=sys.stderr)
    server = IntakeServer(app_command(args), host=args.host, port=args.port)
    try:
        server.serve()
    except OSError as exc:
        raise IntakeError(f"Cannot serve on {args.host} port {args.port}: {exc.strerror or exc}. Choose another "
                          "port with --port, e.g. --port 8766, or stop the program that uses it.") from None
    return 0
