"""`octobers serve` without a browser: the command each tab runs, who may start a game, and
what the server says when it cannot serve."""

from __future__ import annotations

import errno
import os
import shlex
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from game.serve import exposure_warning, is_loopback, play_command, websocket_allowed

from serve_helpers import MINI, REPO, Server


def octobers(*args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "game", *args] if code is None else \
        [sys.executable, "-c", code, *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=60,
                          stdin=subprocess.DEVNULL)


def test_the_tab_command_quotes_every_path(tmp_path):
    saves = tmp_path / "my saves; $(touch pwned) 'quoted'"
    packs = [tmp_path / "pack one", tmp_path / 'pack "two"']
    argv = shlex.split(play_command(saves, packs))
    python = argv.index(sys.executable)
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    assert argv[:python] == ["env", f"PYTHONPATH={path}"]  # this checkout, first
    assert argv[python + 1:] == ["-P", "-m", "game", "play", "--saves-dir", str(saves),
                                 "--content", str(packs[0]), "--content", str(packs[1])]


def test_the_tab_command_runs_this_game_not_a_game_folder_where_it_starts(tmp_path):
    decoy = tmp_path / "game"
    decoy.mkdir()
    (decoy / "__init__.py").write_text("")
    (decoy / "__main__.py").write_text("print('the decoy ran')\n")
    command = play_command(tmp_path / "saves", [MINI]) + " --help"
    result = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True,
                            cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "usage: octobers play" in result.stdout
    assert "decoy" not in result.stdout


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST.",
                                  "::1", "[::1]", "game.localhost"])
def test_loopback_hosts(host):
    assert is_loopback(host)
    assert exposure_warning(host, 8000, Path("/saves")) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.5", "example.org", ""])
def test_other_hosts_warn(host):
    assert not is_loopback(host)
    warning = exposure_warning(host, 8123, Path("/srv/saves"))
    assert warning is not None
    assert "anyone who can reach port 8123 can play here" in warning
    assert "/srv/saves" in warning


@pytest.mark.parametrize(("origin", "host", "bound", "allowed"), [
    ("http://127.0.0.1:8000", "127.0.0.1:8000", "127.0.0.1", True),
    ("http://localhost:8000", "localhost:8000", "127.0.0.1", True),
    (None, "127.0.0.1:8000", "127.0.0.1", True),  # not a browser
    ("https://evil.example", "127.0.0.1:8000", "127.0.0.1", False),  # another site's page
    ("http://127.0.0.1:9999", "127.0.0.1:8000", "127.0.0.1", False),  # another local port
    ("null", "127.0.0.1:8000", "127.0.0.1", False),
    # a site whose name was rebound to 127.0.0.1: its Origin and Host agree, but not local
    ("http://evil.example:8000", "evil.example:8000", "127.0.0.1", False),
    ("http://192.168.1.5:8000", "192.168.1.5:8000", "0.0.0.0", True),
    ("http://[::1]:8000", "[::1]:8000", "::1", True),
    ("http://a", 'a"><script>', "0.0.0.0", False),  # not a host
])
def test_who_may_start_a_game(origin, host, bound, allowed):
    assert websocket_allowed(origin, host, bound) is allowed


def test_without_textual_serve_one_sentence_says_how_to_install(tmp_path):
    code = ("import sys\nsys.modules['textual_serve'] = None\n"
            "sys.modules['textual_serve.server'] = None\n"
            "from game.cli import main\nsys.exit(main(sys.argv[1:]))")
    result = octobers("serve", "--content", str(MINI), "--saves-dir", str(tmp_path),
                      code=code)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "octobers: the browser version needs textual-serve, which is not installed: "
        "pip install 'many-octobers[web]' (or pip install textual-serve) adds it."]
    assert result.stdout == ""


def test_serve_options_are_checked(tmp_path):
    result = octobers("serve", "--port", "70000", "--saves-dir", str(tmp_path))
    assert result.returncode == 2 and "--port must be between 1 and 65535" in result.stderr
    result = octobers("serve", "--content", str(tmp_path / "missing"))
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_a_host_beyond_this_machine_is_warned_about(tmp_path):
    pytest.importorskip("textual_serve", reason="textual-serve is not installed")
    # 192.0.2.1 is a documentation address, on no machine: the warning comes, then the
    # server cannot listen there, and says so in a sentence.
    result = octobers("serve", "--host", "192.0.2.1", "--port", "8123",
                      "--content", str(MINI), "--saves-dir", str(tmp_path))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0] == (f"octobers: warning: listening on 192.0.2.1, not on this machine "
                        f"alone: anyone who can reach port 8123 can play here, and write "
                        f"saves in {tmp_path}.")
    assert lines[1].startswith("octobers: could not serve on 192.0.2.1:8123: ")
    assert "Traceback" not in result.stderr


def test_a_port_in_use_is_one_sentence(tmp_path):
    pytest.importorskip("textual_serve", reason="textual-serve is not installed")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = octobers("serve", "--port", str(port), "--content", str(MINI),
                          "--saves-dir", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr == (f"octobers: could not serve on 127.0.0.1:{port}: "
                             f"{os.strerror(errno.EADDRINUSE)}.\n")


def test_another_site_cannot_start_a_game(tmp_path):
    """A page from elsewhere that opens a WebSocket to the local server is turned away; the
    server's own page is let in (the browser test plays through it)."""
    pytest.importorskip("textual_serve", reason="textual-serve is not installed")
    server = Server(tmp_path / "saves", tmp_path / "serve.log")
    try:
        server.wait_listening()
        assert upgrade_status(server.port, "http://evil.example") == 403
        assert upgrade_status(server.port, f"http://127.0.0.1:{server.port}") == 101
    finally:
        server.stop()


def upgrade_status(port: int, origin: str) -> int:
    """The status of a WebSocket upgrade to /ws sent with `origin`."""
    request = (f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {origin}\r\n"
               "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request.encode("ascii"))
        status_line = connection.makefile("rb").readline().decode("ascii")
    return int(status_line.split()[1])


async def test_at_most_nine_games_at_once(tmp_path):
    """One game per autosave slot: a tenth tab is turned away until one closes (and a
    server on a network cannot be made to start processes without end)."""
    pytest.importorskip("textual_serve", reason="textual-serve is not installed")
    from aiohttp import web
    from aiohttp.test_utils import make_mocked_request

    from game.serve import MAX_GAMES, _server_class

    assert MAX_GAMES == 9
    server = _server_class()("true", host="127.0.0.1", port=8000)
    server.games = MAX_GAMES
    request = make_mocked_request("GET", "/ws", headers={
        "Host": "127.0.0.1:8000", "Origin": "http://127.0.0.1:8000"})
    with pytest.raises(web.HTTPServiceUnavailable):
        await server.handle_websocket(request)
    assert server.games == MAX_GAMES
