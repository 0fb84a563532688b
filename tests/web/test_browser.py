"""The game in a real browser: `octobers serve`, driven in headless Chromium by Playwright.

Chromium is the distribution's package (`apt-get install chromium`; .ci/run installs it), never
a browser Playwright downloads: $OCTOBERS_CHROMIUM names it, else `chromium` or
`chromium-browser` on PATH. Without Chromium, Playwright or textual-serve the test skips and
says which is missing.

The page draws the terminal on a canvas (xterm.js), so the text on screen is read from
xterm.js's own buffer, what the canvas shows: an init script catches textual-serve's terminal
object as the page builds it (`HOOK`), and `screen` reads its rows.

Run as a script, it takes the screenshot in docs/ of the campaign in a browser:
    python3 tests/web/test_browser.py docs/browser.png
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
MINI = REPO / "tests" / "fixtures" / "mini"
OUTPUT = REPO / "tests" / "output"  # gitignored: the screenshots of the last run
WAIT_MS = 20_000  # the longest any one step may take before the test fails

# textual.js builds `{terminal, fitAddon, ...}` and keeps it to itself; the first assignment
# of its `fitAddon` passes through this setter, which keeps the object as window.__octobers.
HOOK = """
Object.defineProperty(Object.prototype, "fitAddon", {
  configurable: true,
  set(value) {
    window.__octobers = this;
    Object.defineProperty(this, "fitAddon",
                          {value, writable: true, configurable: true, enumerable: true});
  },
});
"""

# The rows on screen, as text (null until the terminal exists).
SCREEN = """() => {
  const terminal = window.__octobers && window.__octobers.terminal;
  if (!terminal) return null;
  const buffer = terminal.buffer.active, rows = [];
  for (let y = 0; y < terminal.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
}"""

SHOWS = f"""(wanted) => {{
  const text = ({SCREEN})();
  return text !== null && wanted.every((part) => text.includes(part));
}}"""


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

    def __init__(self, saves: Path, log: Path, content: Path | None):
        self.port = free_port()
        self.saves = saves
        self.log = log
        args = [sys.executable, "-m", "game", "serve", "--port", str(self.port),
                "--saves-dir", str(saves)]
        if content is not None:
            args += ["--content", str(content)]
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


@pytest.fixture
def browser_kit() -> Any:
    """Playwright's sync API and the Chromium to drive, or a skip saying what is missing."""
    pytest.importorskip("textual_serve",
                        reason="textual-serve is not installed (pip install '.[test]')")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install '.[test]')")
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("no Chromium: apt-get install chromium (or set OCTOBERS_CHROMIUM)")
    return sync_api, chromium


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path / "saves", tmp_path / "serve.log", MINI)
    try:
        running.wait_listening()
        yield running
    finally:
        running.stop()


def screen(page: Any) -> str:
    return str(page.evaluate(SCREEN) or "")


def wait_for(page: Any, *wanted: str) -> str:
    """Wait until the screen shows every one of `wanted`; the screen's text."""
    try:
        page.wait_for_function(SHOWS, arg=list(wanted), timeout=WAIT_MS, polling=100)
    except Exception as exc:  # Playwright's TimeoutError: say what the screen showed
        shown = "\n".join(line.rstrip() for line in screen(page).splitlines() if line.strip())
        raise AssertionError(f"the page never showed {wanted!r}; it shows:\n{shown}") from exc
    return screen(page)


def settle(page: Any) -> None:
    """Wait until the screen has stopped changing and the canvas has drawn it (bounded)."""
    deadline = time.monotonic() + 5
    shown = screen(page)
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = screen(page)
        if now == shown:
            break
        shown = now
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => "
                  "requestAnimationFrame(done)))")


def press(page: Any, key: str) -> None:
    """Press `key` once the screen is still (a key sent while a screen is being put up may
    reach the one going away)."""
    settle(page)
    page.keyboard.press(key)


def open_game(browser: Any, url: str, width: int = 1200, height: int = 800) -> Any:
    """A new tab on the game, at its title screen, focused to take keys."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(WAIT_MS)
    page.add_init_script(HOOK)
    page.route("**/fonts.googleapis.com/**", lambda route: route.abort())  # no network here
    page.goto(url)
    wait_for(page, "New game", "endings discovered")
    page.locator("#terminal").click(position={"x": 4, "y": 4})  # the page takes keys after a click
    return page


def test_a_game_in_the_browser(browser_kit: Any, server: Server) -> None:
    sync_api, chromium = browser_kit
    OUTPUT.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, timeout=60_000,
                                             args=["--no-sandbox"])
        try:
            page = open_game(browser, server.url)
            assert "endings discovered: 0 of 3" in screen(page)

            press(page, "Enter")  # New game
            wait_for(page, "Choose where history turns", "February", "Late start")
            press(page, "Enter")  # the first scenario
            text = wait_for(page, "March 1917  ·  Petrograd", "1. Back the Soviet",
                            "2. Back the Duma")
            assert "The Tsar is gone. Stability is 40." in text
            assert "Prince Lvov" in text

            press(page, "2")  # Back the Duma
            text = wait_for(page, "→ Kerensky takes the lead.", "Stability ▲5")
            assert "Stability 45" in text and "Kerensky" in text

            press(page, "t")
            text = wait_for(page, "Timeline · Mini Octobers: the history so far")
            assert "Back the Duma" in text and "Kerensky takes the lead." in text
            settle(page)
            page.screenshot(path=str(OUTPUT / "browser-timeline.png"))

            # A second tab is a game of its own, in a process of its own, and leaves the
            # first one where it was.
            second = open_game(browser, server.url)
            assert "Continue" in screen(second)  # the first tab's game is saved
            if Path("/proc").is_dir():
                assert len(game_processes(server.saves)) == 2
            assert "Timeline · Mini Octobers" in screen(page)
            second.close()
            if Path("/proc").is_dir():  # closing the tab ends its game
                deadline = time.monotonic() + 15
                while len(game_processes(server.saves)) > 1 and time.monotonic() < deadline:
                    time.sleep(0.1)
                assert len(game_processes(server.saves)) == 1

            assert (server.saves / "autosave.json").is_file()  # saves go to --saves-dir

            # Stopping the server (Ctrl+C, SIGTERM) with a tab open ends that tab's game, and
            # the page says the session ended.
            server.process.send_signal(signal.SIGINT)
            assert server.process.wait(15) == 0, server.output()
            sync_api.expect(page.locator("body")).to_have_class(re.compile("-closed"))
            assert page.get_by_text("Session ended.").is_visible()
            if Path("/proc").is_dir():
                deadline = time.monotonic() + 15
                while game_processes(server.saves) and time.monotonic() < deadline:
                    time.sleep(0.1)
                assert game_processes(server.saves) == []
            assert "Traceback" not in server.output()
        finally:
            browser.close()


def docs_screenshot(target: Path) -> None:
    """The campaign in a browser after one decision, 1000 pixels wide, into `target`."""
    import tempfile

    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("no Chromium: apt-get install chromium")
    with tempfile.TemporaryDirectory() as folder:
        running = Server(Path(folder) / "saves", Path(folder) / "serve.log", None)
        try:
            running.wait_listening()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium,
                                                     args=["--no-sandbox"])
                try:
                    page = open_game(browser, running.url + "?fontsize=14", 1000, 640)
                    press(page, "Enter")  # New game
                    wait_for(page, "Choose where history turns")
                    press(page, "Enter")  # the first scenario
                    wait_for(page, "1. ")
                    press(page, "1")
                    wait_for(page, "→ ")
                    settle(page)
                    page.screenshot(path=str(target))
                finally:
                    browser.close()
        finally:
            running.stop()


if __name__ == "__main__":
    docs_screenshot(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/browser.png"))
