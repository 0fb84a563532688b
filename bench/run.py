"""The benchmark suite of Many Octobers: one command, a table of medians.

    python bench/run.py                 # everything (about 4 minutes on 2 cores)
    python bench/run.py --quick         # fewer repeats, smaller runs (about 1.5 minutes)
    python bench/run.py --only load,turn --json results.json

Sections: startup, tui, load, turn, simulate, audit, peers, saves, memory. Every figure is the
median of several runs, each in a fresh interpreter (bench/probes.py), so nothing is warm unless
the row says so. Work files (synthetic campaigns, peer stories, a private content cache and
bytecode cache) go to bench/.work/, which git ignores; inkjs is installed by `--setup-ink`
into .peers/ink/ (also ignored). Benchmarks are not tests: nothing here fails a build.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / ".work"
PEERS = Path(os.environ.get("OCTOBERS_PEERS", REPO.parent / "shared" / "peers"))
INKJS = Path(os.environ.get("INKJS", REPO / ".peers" / "ink" / "node_modules" / "inkjs"))
PROBES = REPO / "bench" / "probes.py"
SHIPPED = REPO / "content"
SECTIONS = ("startup", "tui", "load", "turn", "simulate", "audit", "peers", "saves", "codex",
            "memory")


# ---- running things ---------------------------------------------------------------------------
def child_env(cache: Path | None = None) -> dict[str, str]:
    """The environment of every measured process: our own content cache and bytecode cache."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed program has its .pyc files
    env["PYTHONPYCACHEPREFIX"] = str(WORK / "pycache")
    env["XDG_CACHE_HOME"] = str(cache or WORK / "cache")
    env.pop("OCTOBERS_CACHE", None)
    return env


def probe(name: str, *args: str, env: dict[str, str] | None = None,
          timeout: float = 600) -> dict[str, Any]:
    """Run one probe in a fresh interpreter; its JSON answer."""
    done = subprocess.run([sys.executable, str(PROBES), name, *args], capture_output=True,
                          text=True, env=env or child_env(), timeout=timeout, cwd=REPO)
    if done.returncode != 0:
        raise RuntimeError(f"probe {name} failed: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def wall(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall time of a command (stdout and stderr discarded) and its peak memory in KiB."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=env or child_env(), cwd=REPO)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited with {process.returncode}")
    return seconds, usage.ru_maxrss


def median_of(runs: int, measure: Callable[[], float]) -> tuple[float, list[float]]:
    """Median of `runs` measurements, and the measurements."""
    values = [measure() for _ in range(runs)]
    return statistics.median(values), values


def octobers() -> list[str]:
    """The installed console script itself (not a version-manager shim), or python -m game."""
    script = Path(sys.executable).parent / "octobers"
    return [str(script)] if script.exists() else [sys.executable, "-m", "game"]


# ---- the table --------------------------------------------------------------------------------
class Table:
    """Rows of (section, what, value, target, ok, note), printed as they come."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        print(f"{'what':<58} {'median':>14} {'target':>12}  ok  note")

    def add(self, section: str, what: str, value: float | str | None, unit: str,
            target: str = "", ok: bool | None = None, note: str = "",
            runs: list[float] | None = None) -> None:
        shown = "n/a" if value is None else value if isinstance(value, str) else \
            _fmt(value, unit)
        mark = {True: "yes", False: "NO", None: ""}[ok]
        print(f"{what:<58} {shown:>14} {target:>12}  {mark:<3} {note}", flush=True)
        self.rows.append({"section": section, "what": what, "value": value, "unit": unit,
                          "target": target, "ok": ok, "note": note, "runs": runs or []})

    def skip(self, section: str, what: str, reason: str) -> None:
        self.add(section, what, None, "", note=f"skipped: {reason}")


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "ms":
        return f"{value:.2f} ms"
    if unit == "us":
        return f"{value:.1f} µs"
    if unit == "/s":
        return f"{value:,.0f}/s"
    if unit == "KB":
        return f"{value:,.0f} KB"
    if unit == "MB":
        return f"{value:.1f} MB"
    if unit == "x":
        return f"{value:.2f}x"
    return f"{value:g} {unit}".strip()


# ---- preparing the work folder ---------------------------------------------------------------
def prepare(quick: bool) -> None:
    """Synthetic campaigns and peer stories (made once, reused), and warm bytecode caches."""
    WORK.mkdir(parents=True, exist_ok=True)
    generator = PEERS / "gen_campaign.py"
    for nodes in (1000, 10000):
        target = WORK / f"c{nodes}"
        if not (target / "game.yaml").exists() and generator.exists():
            subprocess.run([sys.executable, str(generator), str(target), str(nodes)],
                           check=True, capture_output=True)
    # compile the package's bytecode once, as an installation would
    subprocess.run([*octobers(), "--version"], env=child_env(), capture_output=True)
    probe("load", str(SHIPPED), "nocache")


def campaign(nodes: int) -> Path | None:
    folder = WORK / f"c{nodes}"
    return folder if (folder / "game.yaml").exists() else None


# ---- sections ---------------------------------------------------------------------------------
def bench_startup(table: Table, runs: int) -> None:
    command = octobers()
    version, samples = median_of(runs * 2, lambda: wall([*command, "--version"])[0])
    table.add("startup", "octobers --version (whole process)", version, "s", "< 150 ms",
              version < 0.150, runs=samples)
    floor, samples = median_of(runs * 2, lambda: wall([sys.executable, "-c", "pass"])[0])
    table.add("startup", "  python -c pass on this machine (the floor)", floor, "s",
              note="interpreter and site-packages start-up", runs=samples)
    for argv in (["--version"], ["check", "--no-warnings"],
                 ["simulate", "-n", "5", "--seed", "1"]):
        result = probe("cli", *argv)
        table.add("startup", f"  Textual imported by `octobers {' '.join(argv)}`",
                  "yes" if result["textual"] else "no", "", "no", not result["textual"])
    check, samples = median_of(runs, lambda: wall([*command, "check"])[0])
    table.add("startup", "octobers check (shipped campaign, warm cache)", check, "s",
              runs=samples, note="whole process, with the lint warnings")


def tui_title_seconds(content: Path | None = None) -> float:
    """Seconds from launching `octobers play` in a 100x32 terminal to the title screen."""
    import fcntl
    import pty
    import select
    import struct
    import termios

    saves = WORK / "tui-saves"
    saves.mkdir(parents=True, exist_ok=True)
    argv = [*octobers(), "play", "--saves-dir", str(saves)]
    if content is not None:
        argv += ["--content", str(content)]
    env = child_env()
    env["TERM"] = "xterm-256color"
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: a 100x32 terminal, then the game
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 32, 100, 0, 0))
        os.chdir(REPO)
        os.execve(argv[0], argv, env)
    seen = b""
    found: float | None = None
    try:
        while time.perf_counter() - started < 30:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(fd, 65536)
                except OSError:
                    break
                if b"endings discovered" in seen:
                    found = time.perf_counter() - started
                    break
        os.write(fd, b"\x11")  # ctrl+q
        deadline = time.time() + 5
        while time.time() < deadline:
            try:
                os.read(fd, 65536)
            except OSError:
                pass
            if os.waitpid(pid, os.WNOHANG) != (0, 0):
                break
            time.sleep(0.05)
        else:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
    finally:
        os.close(fd)
    if found is None:
        raise RuntimeError("the title screen did not appear within 30 s")
    return found


def bench_tui(table: Table, runs: int) -> None:
    if not (REPO / "game" / "tui" / "app.py").exists():
        table.skip("tui", "TUI: launch to title screen", "game/tui is not there yet")
        return
    tui_title_seconds()  # once untimed: bytecode and content cache
    title, samples = median_of(runs, tui_title_seconds)
    table.add("tui", "TUI: launch to title screen (100x32 pty)", title, "s", "< 0.8 s",
              title < 0.8, runs=samples)


def bench_load(table: Table, runs: int) -> None:
    def load(folder: Path, mode: str, fresh_cache: bool = False) -> float:
        env = child_env(WORK / "cache-load")
        if fresh_cache:
            shutil.rmtree(WORK / "cache-load", ignore_errors=True)
        return probe("load", str(folder), mode, env=env)["load_s"]

    cold, samples = median_of(runs, lambda: load(SHIPPED, "nocache"))
    table.add("load", "shipped campaign: load + validate (no cache)", cold, "s", "< 0.3 s",
              cold < 0.3, runs=samples, note=_nodes(SHIPPED))
    load(SHIPPED, "cache", fresh_cache=True)
    warm, samples = median_of(runs, lambda: load(SHIPPED, "cache"))
    table.add("load", "shipped campaign: warm load (cache)", warm, "s", runs=samples)
    for nodes, cold_target in ((1000, None), (10000, 3.0)):
        folder = campaign(nodes)
        if folder is None:
            table.skip("load", f"{nodes:,} nodes", "no generator (../shared/peers)")
            continue
        count = max(1, runs - 2) if nodes == 10000 else runs
        cold, samples = median_of(count, partial(load, folder, "cache", fresh_cache=True))
        table.add("load", f"{nodes:,} nodes: cold load (writes the cache)", cold, "s",
                  f"< {cold_target:g} s" if cold_target else "",
                  cold < cold_target if cold_target else None, runs=samples)
        plain, samples = median_of(count, partial(load, folder, "nocache"))
        table.add("load", f"  {nodes:,} nodes: load without the cache", plain, "s",
                  runs=samples)
        warm, samples = median_of(runs, partial(load, folder, "cache"))
        table.add("load", f"{nodes:,} nodes: warm load (cache)", warm, "s",
                  "< 0.5 s" if cold_target else "", warm < 0.5 if cold_target else None,
                  runs=samples)


def _nodes(folder: Path) -> str:
    return f"{sum(1 for _ in folder.rglob('*.yaml'))} files"


def bench_turn(table: Table, runs: int, count: int) -> None:
    def median(folder: Path) -> float:
        return probe("turns", str(folder), str(count))["median_us"]

    shipped, samples = median_of(runs, lambda: median(SHIPPED))
    table.add("turn", "turn (choose + effects + next event), shipped", shipped, "us",
              "< 100 µs", shipped < 100, runs=samples)
    folder = campaign(10000)
    if folder is None:
        table.skip("turn", "turn, 10,000 nodes", "no synthetic campaign")
        return
    big, samples = median_of(runs, lambda: median(folder))
    table.add("turn", "turn, 10,000 nodes", big, "us", "< 1.5x", big < 1.5 * shipped,
              runs=samples, note=f"{big / shipped:.2f}x the shipped campaign")


def bench_codex(table: Table, runs: int) -> None:
    """What the codex costs: loading, a turn, and the two things the screens do with it."""
    bare = WORK / "campaign-without-codex"
    shutil.rmtree(bare, ignore_errors=True)
    shutil.copytree(SHIPPED, bare, ignore=shutil.ignore_patterns("codex"))
    env = child_env(WORK / "cache-codex")
    for folder, what in ((SHIPPED, "with"), (bare, "without")):
        value, samples = median_of(runs, lambda f=folder: probe(
            "load", str(f), "nocache", env=env)["load_s"])
        table.add("codex", f"shipped campaign: load + validate (no cache), {what} its codex",
                  value, "s", runs=samples)
    for folder, what in ((SHIPPED, "with"), (bare, "without")):
        value, samples = median_of(runs, lambda f=folder: probe(
            "turns", str(f), "2000")["median_us"])
        table.add("codex", f"turn, {what} the codex", value, "us", "< 100 µs", value < 100,
                  runs=samples)
    found = probe("codex", str(SHIPPED), "20")
    table.add("codex", f"what a finished game has met ({found['entries']} entries; "
                       "on opening the codex)", found["met_ms"] / 1000, "s")
    table.add("codex", "marking a scene's first mentions", found["link_us"], "us")


def bench_simulate(table: Table, runs: int, games: int) -> None:
    def rate(jobs: int, n: int = games) -> float:
        done = subprocess.run([*octobers(), "simulate", "-n", str(n), "--seed", "1",
                               "--jobs", str(jobs), "--json"], capture_output=True,
                              text=True, env=child_env(), cwd=REPO, check=True)
        data = json.loads(done.stdout)
        return data["decisions"]["total"] / data["seconds"]

    try:
        pairs = [(rate(1), rate(2)) for _ in range(runs)]  # alternating, as for the peers
    except subprocess.CalledProcessError as exc:
        table.skip("simulate", "simulate", f"failed ({exc.stderr.strip()[-80:]})")
        return
    one = statistics.median(a for a, _ in pairs)
    table.add("simulate", f"simulate decisions/s, 1 job ({games} games)", one, "/s",
              "≥ 50,000/s", one >= 50000, runs=[a for a, _ in pairs])
    two = statistics.median(b for _, b in pairs)
    speedup = statistics.median(b / a for a, b in pairs)
    table.add("simulate", "simulate decisions/s, --jobs 2", two, "/s", "≥ 1.7x",
              speedup >= 1.7, runs=[b for _, b in pairs],
              note=f"{speedup:.2f}x one job ({os.cpu_count()} cores)")
    small = wall([*octobers(), "simulate", "-n", str(games // 4), "--seed", "1"])[1]
    large = wall([*octobers(), "simulate", "-n", str(games * 2), "--seed", "1"])[1]
    table.add("simulate", f"simulate peak memory, {games // 4} → {games * 2} games",
              large / 1024, "MB", "flat", large < small * 1.25,
              note=f"{small / 1024:.1f} MB → {large / 1024:.1f} MB")


def bench_audit(table: Table, runs: int) -> None:
    """`octobers audit --jobs 2` on the shipped campaign, the whole command (issue 10)."""
    # `python -m game` from this checkout (start-up is measured elsewhere), so that a work tree
    # measures its own code and not an installed copy's
    argv = [sys.executable, "-m", "game", "audit", "--jobs", "2", "--seed", "7", "--json"]
    seconds: list[float] = []
    cpu: list[float] = []
    data: dict[str, Any] = {}
    subprocess.run(argv, capture_output=True, env=child_env(), cwd=REPO)  # warm the cache
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                   env=child_env(), cwd=REPO)
        out = process.stdout.read() if process.stdout else b""
        _, status, usage = os.wait4(process.pid, 0)
        seconds.append(time.perf_counter() - started)
        cpu.append(usage.ru_utime + usage.ru_stime)  # with the workers, which it waited for
        if os.waitstatus_to_exitcode(status) != 0:
            table.skip("audit", "audit", "failed")
            return
        data = json.loads(out)
    rows = data["decisions"]
    fewest = min((row["futures"] for row in rows), default=0)
    middle = statistics.median(seconds)
    table.add("audit", f"audit --jobs 2, shipped campaign ({len(rows)} decisions)", middle, "s",
              "< 20 s", middle < 20 and fewest >= 200, runs=seconds,
              note=f"CPU {statistics.median(cpu):.1f} s; {data['games']} games; every "
                   f"decision {fewest}+ play-ons per choice")


def bench_peers(table: Table, runs: int, games: int) -> None:
    generator, translator = PEERS / "gen_story.py", PEERS / "to_octobers.py"
    runner = PEERS / "run_ink.js"
    if not generator.exists():
        table.skip("peers", "peer comparison", f"no {generator}")
        return
    node = shutil.which("node")
    for nodes in (200, 2000):
        folder = WORK / f"n{nodes}"
        if not (folder / "octobers" / "game.yaml").exists():
            subprocess.run([sys.executable, str(generator), "--seed", "1", "--nodes",
                            str(nodes), "--out", str(folder)], check=True, capture_output=True)
            subprocess.run([sys.executable, str(translator), str(folder / "story.json"),
                            str(folder / "octobers")], check=True, capture_output=True)
        if node is None or not (INKJS / "package.json").exists():
            ours, samples = median_of(runs, partial(_play_rate, folder, games))
            table.add("peers", f"{nodes} nodes: our choices/s, text rendered", ours, "/s",
                      runs=samples)
            table.skip("peers", f"{nodes} nodes: inkjs", "no node or inkjs "
                       "(python bench/run.py --setup-ink)")
            continue
        # alternate the two, so that both see the same load on a shared machine, and take
        # the median of the pairs' ratios
        pairs = [(_play_rate(folder, games), _ink_rate(node, runner, folder, games))
                 for _ in range(runs)]
        ours = statistics.median(a for a, _ in pairs)
        theirs = statistics.median(b for _, b in pairs)
        ratio = statistics.median(a / b for a, b in pairs)
        table.add("peers", f"{nodes} nodes: our choices/s, text rendered", ours, "/s",
                  runs=[a for a, _ in pairs])
        table.add("peers", f"{nodes} nodes: inkjs choices/s", theirs, "/s",
                  runs=[b for _, b in pairs])
        table.add("peers", f"{nodes} nodes: ours / inkjs", ratio, "x", "≥ 3x", ratio >= 3,
                  runs=[a / b for a, b in pairs], note="median of alternating pairs")


def _ink_rate(node: str, runner: Path, folder: Path, games: int) -> float:
    done = subprocess.run([node, str(runner), str(folder / "story.ink"), "--k", str(games),
                           "--seed", "1", "--inkjs", str(INKJS), "--quiet"],
                          capture_output=True, text=True, check=True)
    return float(json.loads(done.stdout.strip().splitlines()[-1].split(" ", 1)[1])
                 ["choices_per_s"])


def _play_rate(folder: Path, games: int) -> float:
    return float(probe("play", str(folder / "octobers"), str(games), "1")["choices_per_s"])


def bench_saves(table: Table, runs: int) -> None:
    result = probe("saves", str(SHIPPED), str(max(20, runs * 4)))
    note = f"{result['decisions']} decisions"
    table.add("saves", "save a full-length game", result["save_ms"], "ms", "< 10 ms",
              result["save_ms"] < 10, note=note + ", written atomically with fsync")
    table.add("saves", "load a full-length game", result["load_ms"], "ms", "< 10 ms",
              result["load_ms"] < 10, note=note + ", with a replay check")
    table.add("saves", "size of a full-length save", result["bytes"] / 1000, "KB", "< 100 KB",
              result["bytes"] < 100_000)


def bench_memory(table: Table, runs: int) -> None:
    if not (REPO / "game" / "tui" / "app.py").exists():
        table.skip("memory", "TUI memory", "game/tui is not there yet")
        return
    peaks = [probe("tui_memory", str(SHIPPED), timeout=900)["rss_peak_kb"] / 1024
             for _ in range(max(1, runs // 2))]
    peak = statistics.median(peaks)
    table.add("memory", "TUI resident memory through a whole game (peak)", peak, "MB",
              "< 120 MB", peak < 120, runs=peaks, note="headless run_test, 100x32")


def setup_ink() -> int:
    """Install inkjs into .peers/ink (git-ignored)."""
    folder = REPO / ".peers" / "ink"
    folder.mkdir(parents=True, exist_ok=True)
    npm = shutil.which("npm")
    if npm is None:
        print("npm is not installed", file=sys.stderr)
        return 1
    if not (folder / "package.json").exists():
        subprocess.run([npm, "init", "-y"], cwd=folder, check=True, capture_output=True)
    return subprocess.run([npm, "install", "inkjs"], cwd=folder).returncode


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
            model = next((line.split(":", 1)[1].strip() for line in info
                          if line.startswith("model name")), model)
    except OSError:
        pass
    return {"cpu": model, "cores": os.cpu_count(), "python": platform.python_version(),
            "system": platform.platform(terse=True),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def main(argv: list[str] | None = None) -> int:
    """Run the suite; print the table (and write JSON with --json)."""
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller runs")
    parser.add_argument("--runs", type=int, help="repeats per figure (default 5, quick 3)")
    parser.add_argument("--only", help=f"comma-separated sections of: {', '.join(SECTIONS)}")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results")
    parser.add_argument("--setup-ink", action="store_true",
                        help="install inkjs into .peers/ink (needs npm), then stop")
    args = parser.parse_args(argv)
    if args.setup_ink:
        return setup_ink()
    only = set(SECTIONS if not args.only else args.only.split(","))
    unknown = only - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    runs = args.runs or (3 if args.quick else 5)
    info = machine()
    print(f"Many Octobers benchmarks: {info['cpu']}, {info['cores']} cores, Python "
          f"{info['python']}, {info['system']}; load average {info['load_average']}")
    started = time.perf_counter()
    prepare(args.quick)
    table = Table()
    steps: list[tuple[str, Callable[[], None]]] = [
        ("startup", lambda: bench_startup(table, runs)),
        ("tui", lambda: bench_tui(table, runs)),
        ("load", lambda: bench_load(table, runs)),
        ("turn", lambda: bench_turn(table, runs, 2000 if args.quick else 5000)),
        ("simulate", lambda: bench_simulate(table, runs, 1000 if args.quick else 3000)),
        ("audit", lambda: bench_audit(table, 1 if args.quick else 3)),
        ("peers", lambda: bench_peers(table, runs, 150 if args.quick else 300)),
        ("saves", lambda: bench_saves(table, runs)),
        ("memory", lambda: bench_memory(table, runs)),
        ("codex", lambda: bench_codex(table, runs)),
    ]
    for name, step in steps:
        if name in only:
            try:
                step()
            except Exception as exc:  # noqa: BLE001 - one broken section is a row, not a stop
                table.skip(name, name, f"{type(exc).__name__}: {exc}")
    info["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(f"done in {time.perf_counter() - started:.0f} s; load average now "
          f"{info['load_average_after']} (figures on a busy machine are slower and noisier)")
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "rows": table.rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
