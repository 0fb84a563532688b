"""`octobers serve` in a subprocess, for the tests in tests/web: started on a free localhost
port and stopped in all cases, with bounded waits."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
MINI = REPO / "tests" / "fixtures" / "mini"


def find_chromium() -> str | None:
    """The distribution's Chromium, or None."""
    named = os.environ.get("OCTOBERS_CHROMIUM")
    if named:
        return named if Path(named).is_file() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def game_processes(saves: Path) -> list[int]:
    """The ids of the `play` processes running on `saves` (Linux's /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"play" in argv and str(saves).encode() in argv and b"env" not in argv[:1]:
            found.append(int(entry.name))
    return found


class Server:
    """`octobers serve` in a process group of its own, stopped in all cases."""

    def __init__(self, saves: Path, log: Path, content: Path | None = MINI,
                 *extra: str):
        self.port = free_port()
        self.saves = saves
        self.log = log
        args = [sys.executable, "-m", "game", "serve", "--port", str(self.port),
                "--saves-dir", str(saves)]
        if content is not None:
            args += ["--content", str(content)]
        args += extra
        with log.open("wb") as out:
            self.process = subprocess.Popen(args, cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}/"

    def wait_listening(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"octobers serve stopped:\n{self.output()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"octobers serve did not listen in {seconds} s:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text("utf-8", "replace")

    def stop(self) -> None:
        """SIGTERM, then SIGKILL for the server and whatever is left in its group."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # the group's games, if any is left
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            pass


def games_down_to(saves: Path, count: int, seconds: float = 15) -> int:
    """Wait (bounded) until at most `count` games run on `saves`; how many run then."""
    deadline = time.monotonic() + seconds
    while len(game_processes(saves)) > count and time.monotonic() < deadline:
        time.sleep(0.1)
    return len(game_processes(saves))
