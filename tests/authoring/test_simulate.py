"""`octobers simulate`: the same report whatever --jobs, coverage and variables by decade."""

from __future__ import annotations

import json
import subprocess
import sys

from game.authoring.simulate import SimReport, chunks, simulate
from game.loader import load_story

from conftest import MINI, REPO


def without_time(data: dict) -> dict:
    data = dict(data)
    data.pop("seconds")
    return data


def test_the_report_is_the_same_for_one_or_two_jobs():
    story = load_story([MINI])
    one = simulate(story, 160, seed=11, jobs=1, content_dirs=[MINI])
    two = simulate(story, 160, seed=11, jobs=2, content_dirs=[MINI])
    assert without_time(one.to_json(story)) == without_time(two.to_json(story))
    assert sum(one.endings.values()) == 160


def test_chunks_cover_every_game_once_in_order():
    for runs, jobs in ((1, 1), (7, 3), (1000, 4), (20001, 2)):
        ranges = chunks(runs, jobs)
        assert ranges[0][0] == 0 and ranges[-1][1] == runs
        assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:], strict=False))


def test_merging_caps_errors_as_one_run_would():
    whole, part_a, part_b = SimReport(0, 0), SimReport(0, 0), SimReport(0, 0)
    for index in range(900):
        part_a._error(False, f"a{index}")
    for index in range(300):
        part_b._error(index % 100 == 0, f"b{index}")
    whole.merge(part_a)
    whole.merge(part_b)
    assert len(whole.errors) == 1000 + 2  # crashes are always kept
    assert whole.errors[999] == "b99" and whole.errors[-1] == "b200"


def test_json_keeps_its_keys_and_adds_coverage_and_variables():
    story = load_story([MINI])
    data = simulate(story, 60, seed=2).to_json(story)
    for key in ("runs", "seed", "endings", "endings_unreached", "nodes_total", "nodes_reached",
                "unreached_nodes", "choices_total", "choices_reached", "unreached_choices",
                "decisions", "errors", "seconds"):
        assert key in data
    assert sum(data["choices"].values()) == data["decisions"]["total"] - data["continued"]
    assert data["choices"]["july.wait"] == 0 and "july.wait" in data["unreached_choices"]
    stability = data["variables"]["stability"]
    assert set(stability) <= {"1910s"} and stability["1910s"]["min"] <= \
        stability["1910s"]["mean"] <= stability["1910s"]["max"]
    assert data["variables"]["industry"]["1910s"] == {"min": 20, "mean": 20.0, "max": 20}


def test_progress_is_reported_up_to_the_total():
    story = load_story([MINI])
    seen: list[tuple[int, int]] = []
    simulate(story, 50, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (50, 50) and [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_readable_report_has_the_endings_table_and_no_progress_off_a_terminal():
    result = subprocess.run([sys.executable, "-m", "game", "simulate", "-n", "300", "-j", "2",
                             "--content", str(MINI)], capture_output=True, text=True, cwd=REPO,
                            timeout=120)
    assert result.returncode == 0 and result.stderr == ""
    out = result.stdout
    assert "Endings:" in out and "█" in out and "never reached" in out
    assert "Choices reached: 9 of 12" in out and "never taken: july.hidden, july.wait" in out
    assert "Variables by decade" in out and "1910s" in out
    as_json = subprocess.run([sys.executable, "-m", "game", "simulate", "-n", "300", "-j", "2",
                              "--json", "--content", str(MINI)], capture_output=True,
                             text=True, cwd=REPO, timeout=120)
    assert json.loads(as_json.stdout)["runs"] == 300
    bad = subprocess.run([sys.executable, "-m", "game", "simulate", "-j", "0", "--content",
                          str(MINI)], capture_output=True, text=True, cwd=REPO)
    assert bad.returncode == 2 and "usage:" in bad.stderr
