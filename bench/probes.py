"""Measurements that run in a fresh interpreter each; `bench/run.py` starts them.

    python bench/probes.py NAME [ARGS...]

Each probe prints one line of JSON (its last line of output). A fresh process per measurement
keeps runs independent: nothing is warm unless the probe says so (the compiled-content cache
lives where $XDG_CACHE_HOME points; run.py points it into bench/.work/).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()


def _rss_kb() -> tuple[int, int]:
    """(current, peak) resident memory of this process in KiB, from /proc (0 elsewhere)."""
    now = peak = 0
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    now = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    peak = int(line.split()[1])
    except OSError:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return now, peak


def _dirs(arg: str) -> list[str] | None:
    return None if arg in ("", "-") else arg.split(os.pathsep)


def cli(*argv: str) -> dict[str, Any]:
    """Run an `octobers` command in this process; did it import Textual?"""
    from game.cli import main

    code: Any = 0
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = exc.code
    return {"argv": list(argv), "code": code, "textual": "textual" in sys.modules,
            "seconds": time.perf_counter() - STARTED}


def load(dirs: str, mode: str) -> dict[str, Any]:
    """Load and validate content: mode "nocache" (the loader alone) or "cache" (with it)."""
    started = time.perf_counter()
    from game.loader import load_with_problems

    imported = time.perf_counter()
    story, problems = load_with_problems(_dirs(dirs), use_cache=(mode == "cache"))
    done = time.perf_counter()
    return {"load_s": done - imported, "import_s": imported - started,
            "nodes": len(story.nodes) if story else 0,
            "errors": sum(p.severity == "error" for p in problems)}


def _random_game(story: Any, seed: int, turn_times: list[int] | None = None) -> Any:
    from game import rng
    from game.engine import Game

    game = Game.new(story, seed=rng.derive(seed, 1))
    state = rng.derive(seed, 2)
    clock = time.perf_counter_ns
    while not game.over:
        views = [v for v in game.choices() if v.enabled]
        state, roll = rng.uniform(state)
        pick = views[int(roll * len(views))].id
        started = clock()
        game.choose(pick)
        if turn_times is not None:
            turn_times.append(clock() - started)
    return game


def turns(dirs: str, count: str) -> dict[str, Any]:
    """Median time of one turn: choose(), its effects and finding the next event."""
    from game.loader import load_story

    story = load_story(_dirs(dirs))
    times: list[int] = []
    seed = 0
    while len(times) < int(count):
        _random_game(story, seed, times)
        seed += 1
    times.sort()
    return {"turns": len(times), "games": seed, "median_us": statistics.median(times) / 1000,
            "p90_us": times[int(len(times) * 0.9)] / 1000}


def play(dirs: str, games: str, render: str) -> dict[str, Any]:
    """Random playthroughs, as the peer runners play them; with render=1 every scene's text
    (title, narrative, choice labels, and the epilogue) is filled in, as ink's Continue() does.
    """
    from game import rng
    from game.engine import Game
    from game.loader import load_story

    story = load_story(_dirs(dirs))
    choices = chars = 0
    started = time.perf_counter()
    for index in range(int(games)):
        game = Game.new(story, seed=rng.derive(1, index, 1))
        state = rng.derive(1, index, 2)
        while not game.over:
            if render == "1":
                scene = game.scene()
                chars += len(scene.title) + len(scene.text) + \
                    sum(len(view.label) for view in scene.choices)
                views = [view for view in scene.choices if view.enabled]
            else:
                views = [view for view in game.choices() if view.enabled]
            state, roll = rng.uniform(state)
            # step(): the turn without our timeline entry, which ink has no counterpart of;
            # every text a player sees has been rendered above
            game.step(views[int(roll * len(views))].id)
            choices += 1
        if render == "1":
            chars += sum(len(part) for part in game.ending_text())
    seconds = time.perf_counter() - started
    return {"choices": choices, "seconds": seconds, "choices_per_s": choices / seconds,
            "mean_choices": choices / int(games), "chars": chars}


def saves(dirs: str, repeats: str) -> dict[str, Any]:
    """Save and load of a full-length game (the longest of 40 random games), and its size."""
    from game.loader import load_story
    from game.saves import SaveStore

    story = load_story(_dirs(dirs))
    game = max((_random_game(story, seed) for seed in range(40)), key=lambda g: len(g.path))
    save_times, load_times = [], []
    with tempfile.TemporaryDirectory() as folder:
        store = SaveStore(Path(folder))
        for _ in range(int(repeats)):
            started = time.perf_counter()
            path = store.save(game, "bench")
            save_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            loaded, _ = store.load("bench", story)
            load_times.append(time.perf_counter() - started)
        size = path.stat().st_size
    assert loaded.path == game.path
    return {"decisions": len(game.path), "save_ms": statistics.median(save_times) * 1000,
            "load_ms": statistics.median(load_times) * 1000, "bytes": size}


def tui_memory(dirs: str) -> dict[str, Any]:
    """Resident memory of the full-screen game played through a whole game (headless)."""
    import asyncio

    from game.loader import load_story
    from game.options import PlayOptions
    from game.tui import make_app

    story = load_story(_dirs(dirs))
    samples: list[int] = []

    async def run() -> int:
        with tempfile.TemporaryDirectory() as folder:
            app = make_app(story, PlayOptions(saves_dir=Path(folder), seed=7))
            async with app.run_test(size=(100, 32)) as pilot:
                await pilot.pause()
                app.new_game(None)
                await pilot.pause()
                decisions = 0
                while app.game is not None and not app.game.over and decisions < 400:
                    number = next(v.number for v in app.game.choices() if v.enabled)
                    await pilot.press(str(number) if number < 10 else "enter")
                    await pilot.pause()
                    decisions += 1
                    samples.append(_rss_kb()[0])
                await pilot.pause()
                return decisions

    decisions = asyncio.run(run())
    now, peak = _rss_kb()
    return {"decisions": decisions, "rss_end_kb": now, "rss_peak_kb": peak,
            "rss_max_sampled_kb": max(samples or [now])}


def codex(dirs: str, games: str) -> dict[str, Any]:
    """The codex's costs in play: working out what a finished game has met (a replay of its
    path, as the codex screen does when it opens) and marking a scene's first mentions (as
    the game screen does on every scene)."""
    from game import codex as codex_module
    from game.loader import load_story

    story = load_story(_dirs(dirs))
    met_ms: list[float] = []
    link_us: list[float] = []
    for seed in range(int(games)):
        game = _random_game(story, seed)
        codex_module._met.cache_clear()
        started = time.perf_counter()
        codex_module.met(game)
        met_ms.append((time.perf_counter() - started) * 1000)
        replay = type(game).from_origin(story, game.origin)
        for _, choice_id in game.path:
            text = replay.scene().text
            started = time.perf_counter()
            codex_module.link_mentions(story, text)
            link_us.append((time.perf_counter() - started) * 1e6)
            replay.step(choice_id)
    return {"entries": len(story.codex), "met_ms": statistics.median(met_ms),
            "link_us": statistics.median(link_us)}


PROBES: dict[str, Callable[..., dict[str, Any]]] = {
    "cli": cli, "load": load, "turns": turns, "play": play, "saves": saves,
    "tui_memory": tui_memory, "codex": codex,
}

if __name__ == "__main__":
    name, *args = sys.argv[1:]
    print(json.dumps(PROBES[name](*args)))
