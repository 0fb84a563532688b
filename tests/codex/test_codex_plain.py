"""`c` in plain mode: the list of entries met, an entry by any of its names, and the ending's
"Who became what"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def play(folder: Path, saves: Path, keys: list[str]) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "game", "play", "--plain", "--content", str(folder),
         "--saves-dir", str(saves), "--seed", "1"],
        input="\n".join(keys) + "\n", capture_output=True, text=True, cwd=REPO, timeout=120,
        env={**os.environ, "COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def test_c_lists_what_was_met_and_reads_an_entry(codex_story, tmp_path):
    folder, _ = codex_story
    out = flat(play(folder, tmp_path / "saves", ["c", "c tsar", "c kerensky", "c Kerenski",
                                                 "q"]))
    assert "The codex: 2 of 4 met." in out
    assert "People: Nicholas II." in out and "Institutions: Petrograd Soviet." in out
    assert "Nicholas II Person The last emperor." in out
    # Kerensky is not met yet: he is not shown, whatever the spelling
    assert "No open codex entry 'kerensky'" in out
    assert "No open codex entry 'Kerenski'" in out
    assert "The last emperor" in out and "lawyer" not in out


def test_the_ending_says_who_became_what(codex_story, tmp_path):
    folder, write = codex_story
    text = (folder / "events/1917.yaml").read_text().replace(
        "text: The Tsar is gone.", "text: Prince Lvov is gone.")
    write("events/1917.yaml", text)
    raw = play(folder, tmp_path / "saves", ["1"] * 12)
    out = flat(raw)
    assert "Who became what (this timeline; ours) - Prince Georgy Lvov: in exile in Paris; " \
           "in ours, died in Paris, 1925" in out
    assert raw.rstrip("\n").splitlines()[-1].startswith("ending: ")
