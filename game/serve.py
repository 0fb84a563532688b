"""`octobers serve`: the full-screen game in a web page, through textual-serve.

textual-serve answers each browser tab's connection by starting a process of its own, the
command `play_command` builds (`octobers play --saves-dir DIR ...`), and streams that
process's screen to the page: every tab is its own game. The tabs share one saves folder, the
way two terminals on one folder do (the second game open autosaves to `autosave 2`).

textual-serve is an optional extra (`pip install 'many-octobers[web]'`); it is imported only
here, when the command runs, and it does not import Textual itself (the server process plays
nothing; the games run in the processes it starts).
"""

from __future__ import annotations

import ipaddress
import os
import re
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from game.saves import MAX_SESSIONS

# Games at once: one for each autosave slot two copies of the game can keep apart
# (saves.MAX_SESSIONS), which also bounds the processes a server on a network can be made to
# start.
MAX_GAMES = MAX_SESSIONS

INSTALL_HINT = ("the browser version needs textual-serve, which is not installed: "
                "pip install 'many-octobers[web]' (or pip install textual-serve) adds it.")

# What a Host header may be: a name or IPv4 address, or a bracketed IPv6 one, and a port.
_HOST_HEADER = re.compile(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine alone (localhost, 127.x.x.x, ::1)."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, port: int, saves_dir: Path) -> str | None:
    """The warning printed when the server listens beyond this machine (None on loopback)."""
    if is_loopback(host):
        return None
    return (f"warning: listening on {host}, not on this machine alone: anyone who can reach "
            f"port {port} can play here, and write saves in {saves_dir}.")


def play_command(saves_dir: Path, content_dirs: Sequence[Path] = ()) -> str:
    """The shell command textual-serve runs for each browser tab (arguments quoted safely).

    It runs this very copy of the game: the interpreter serving, with `-P` so that a `game`
    folder in the current directory is never imported instead; when the package is not
    installed in a site-packages folder (a checkout run as `python3 -m game`), the folder
    above it goes first on PYTHONPATH.
    """
    args = [sys.executable, "-P", "-m", "game", "play",
            "--saves-dir", str(saves_dir.absolute())]
    for folder in content_dirs:
        args += ["--content", str(folder.absolute())]
    root = str(Path(__file__).resolve().parent.parent)
    if root not in _site_folders():
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
        args = ["env", f"PYTHONPATH={path}", *args]
    return shlex.join(args)


def _site_folders() -> set[str]:
    import site

    folders = [*site.getsitepackages(), site.getusersitepackages()]
    return {str(Path(folder).resolve()) for folder in folders}


def websocket_allowed(origin: str | None, host_header: str, bound_host: str) -> bool:
    """Whether a browser's connection may start a game.

    Any web page a visitor has open can try to open a WebSocket to a local port; a browser
    says which page asks in `Origin`. A game starts only for the server's own page (the
    Origin names the same host and port as the request), and, when the server listens on
    this machine alone, only under a local name (so a site whose name was rebound to
    127.0.0.1 cannot either). A client that is not a browser sends no Origin and is let in.
    """
    if not _HOST_HEADER.fullmatch(host_header):
        return False
    if is_loopback(bound_host) and not is_loopback(_hostname(host_header)):
        return False
    if origin is None:
        return True
    return urlsplit(origin).netloc.lower() == host_header.lower()


def _hostname(host_header: str) -> str:
    """`host_header` without its port."""
    if host_header.startswith("["):
        return host_header[1:].split("]", 1)[0]
    return host_header.rsplit(":", 1)[0] if ":" in host_header else host_header


def serve(host: str, port: int, saves_dir: Path, content_dirs: Sequence[Path]) -> int:
    """Serve the game on http://HOST:PORT until Ctrl+C; returns the exit status."""
    try:
        server_class = _server_class()
    except ImportError:
        sys.stderr.write(f"octobers: {INSTALL_HINT}\n")
        return 1
    warning = exposure_warning(host, port, saves_dir)
    if warning is not None:
        sys.stderr.write(f"octobers: {warning}\n")
    server = server_class(play_command(saves_dir, content_dirs), host=host, port=port,
                          title="Many Octobers")
    shown = f"[{host}]" if ":" in host else host
    server.ready_message = (f"Many Octobers on http://{shown}:{port}/ : each browser tab is "
                            f"its own game; saves go to {saves_dir}. Ctrl+C stops the server.")
    try:
        server.serve()
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        sys.stderr.write(f"octobers: could not serve on {shown}:{port}: {reason}.\n")
        return 1
    return 0


def _server_class() -> Any:
    """textual-serve's Server, with the page's addresses taken from the request, a check on
    who may start a game, and plain logging (the CLI's output filter would show colour codes
    as text)."""
    import asyncio
    import logging
    import signal

    import aiohttp_jinja2
    from aiohttp import WSCloseCode, web
    from textual_serve.server import Server, to_int

    class GameServer(Server):
        open_sockets: set[web.WebSocketResponse]
        ready_message = ""
        games = 0  # running now, one per connected tab

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.open_sockets = set()
            self.services: dict[web.WebSocketResponse, Any] = {}

        def serve(self, debug: bool = False) -> None:
            """textual-serve's `serve`, saying where the game is once the port is open."""
            self.debug = debug
            self.initialize_logging()
            loop = asyncio.new_event_loop()
            for stop in (signal.SIGINT, signal.SIGTERM):
                try:
                    loop.add_signal_handler(stop, self.request_exit)
                except (NotImplementedError, RuntimeError):
                    pass
            web.run_app(self._make_app(), host=self.host, port=self.port, loop=loop,
                        handle_signals=False,
                        print=lambda _text: print(self.ready_message, flush=True))

        def initialize_logging(self) -> None:
            logging.basicConfig(level=logging.WARNING, format="octobers serve: %(message)s")

        async def on_startup(self, app: web.Application) -> None:
            """Said once by `serve` instead (textual-serve prints a logo here)."""

        async def on_shutdown(self, app: web.Application) -> None:
            """Close every tab's connection, which ends its game (else the server would wait
            for the tabs to close before it stopped)."""
            for websocket in list(self.open_sockets):
                await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"server stopped")

        async def _process_messages(self, websocket: web.WebSocketResponse,
                                    app_service: Any) -> None:
            self.open_sockets.add(websocket)
            self.services[websocket] = app_service
            try:
                await super()._process_messages(websocket, app_service)
            finally:
                self.open_sockets.discard(websocket)

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            """The page, pointing at this server by the name the browser used (so that a
            server on 0.0.0.0 works from other machines)."""
            if not _HOST_HEADER.fullmatch(request.host):
                raise web.HTTPBadRequest(text="bad Host header")
            scheme = "https" if request.secure else "http"
            context = {
                "font_size": to_int(request.query.get("fontsize", "16"), 16),
                "app_websocket_url": f"{'wss' if request.secure else 'ws'}://"
                                     f"{request.host}/ws",
                "config": {"static": {"url": f"{scheme}://{request.host}/static/"}},
                "application": {"name": self.title},
            }
            return aiohttp_jinja2.render_template("app_index.html", request, context)

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            if not websocket_allowed(request.headers.get("Origin"), request.host, self.host):
                raise web.HTTPForbidden(text="this page may not start a game here")
            if self.games >= MAX_GAMES:
                raise web.HTTPServiceUnavailable(text=f"{MAX_GAMES} games are running here "
                                                      "already; close a tab first")
            self.games += 1
            try:
                websocket: web.WebSocketResponse = await super().handle_websocket(request)
                await self._reap(self.services.pop(websocket, None))
                return websocket
            finally:
                self.games -= 1

        async def _reap(self, app_service: Any) -> None:
            """Wait for a tab's game to end once textual-serve has asked it to quit (it saved
            itself after every choice), killing it after 10 seconds; so the server stops only
            once every game has."""
            process = getattr(app_service, "_process", None)
            if process is None:
                return
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()

    return GameServer
