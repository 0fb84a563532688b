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

import re
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from serve_helpers import MINI, REPO, Server, find_chromium, game_processes, games_down_to

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


@pytest.fixture
def browser_kit() -> Any:
    """Playwright's sync API and the Chromium to drive, or a skip saying what is missing."""
    pytest.importorskip("textual_serve",
                        reason="textual-serve is not installed (pip install '.[test]')")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install '.[test]')")
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("no Chromium: apt-get install chromium, or set OCTOBERS_CHROMIUM to its path")
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
            press(second, "q")  # quitting a tab's game ends its process; the page says so
            sync_api.expect(second.get_by_text("Session ended.")).to_be_visible()
            if Path("/proc").is_dir():
                assert games_down_to(server.saves, 1) == 1
            second.get_by_role("button", name="Restart").click()  # a new game, a new process
            wait_for(second, "New game", "endings discovered")
            if Path("/proc").is_dir():
                assert len(game_processes(server.saves)) == 2
            second.close()
            if Path("/proc").is_dir():  # closing the tab ends its game
                assert games_down_to(server.saves, 1) == 1

            assert (server.saves / "autosave.json").is_file()  # saves go to --saves-dir

            # Stopping the server (Ctrl+C, SIGTERM) with a tab open ends that tab's game, and
            # the page says the session ended.
            server.process.send_signal(signal.SIGINT)
            assert server.process.wait(15) == 0, server.output()
            sync_api.expect(page.locator("body")).to_have_class(re.compile("-closed"))
            assert page.get_by_text("Session ended.").is_visible()
            if Path("/proc").is_dir():
                assert games_down_to(server.saves, 0) == 0
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
