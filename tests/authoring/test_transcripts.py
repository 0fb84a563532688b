"""`octobers simulate --transcripts DIR`: whole games as Markdown, for reading end to end."""

from __future__ import annotations

import subprocess
import sys

from game.authoring.simulate import POLICIES
from game.authoring.transcripts import write_transcripts
from game.loader import load_story

from conftest import MINI


def test_every_scenario_and_policy_and_ending_gets_a_transcript(tmp_path):
    story = load_story([MINI])
    written = write_transcripts(story, tmp_path, per=1, seed=3)
    pairs = {(w.scenario, w.policy) for w in written}
    assert {(s.id, p) for s in story.scenarios for p in POLICIES} <= pairs
    reachable = {w.ending for w in written}
    assert len(reachable) >= 2
    for item in written:
        text = item.path.read_text(encoding="utf-8")
        assert text.startswith("# ") and "## The ending" in text
        assert text.count("**→**") == item.decisions  # every decision, marked
    # the same seed writes the same games
    again = write_transcripts(story, tmp_path / "again", per=1, seed=3)
    assert [w.path.read_text() for w in written] == [w.path.read_text() for w in again]


def test_the_scene_text_is_in_the_transcript(tmp_path):
    story = load_story([MINI])
    written = write_transcripts(story, tmp_path, per=1, seed=1)
    first = next(w for w in written if w.scenario == story.scenarios[0].id)
    assert "Stability is 40" in first.path.read_text(encoding="utf-8")


def test_cli_writes_transcripts_and_rejects_a_bad_count(tmp_path):
    out = tmp_path / "tr"
    done = subprocess.run([sys.executable, "-m", "game", "simulate", "--content", str(MINI),
                           "--transcripts", str(out), "--per", "1"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "transcripts in" in done.stdout and list(out.glob("*.md"))
    bad = subprocess.run([sys.executable, "-m", "game", "simulate", "--content", str(MINI),
                          "--transcripts", str(out), "--per", "0"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "--per must be between 1 and 100" in bad.stderr
