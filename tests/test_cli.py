"""The `octobers` command as a user runs it, in subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import MINI, REPO


def octobers(*args: str, stdin: str = "", env: dict | None = None, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "game", *args], input=stdin, capture_output=True, text=True,
        cwd=cwd or REPO, env={**os.environ, **(env or {})}, timeout=120)


def test_version_and_help():
    result = octobers("--version")
    assert result.returncode == 0 and result.stdout.startswith("octobers ")
    result = octobers("--help")
    assert result.returncode == 0
    for command in ("play", "check", "simulate", "audit"):
        assert command in result.stdout


def test_bad_argument_prints_usage():
    result = octobers("simulate", "-n", "lots")
    assert result.returncode == 2
    assert "usage:" in result.stderr
    assert "Traceback" not in result.stderr


def test_plain_play_to_an_ending(tmp_path):
    result = octobers("play", "--plain", "--content", str(MINI), "--seed", "4",
                      "--saves-dir", str(tmp_path), stdin="x\n0\n9\n2\n1\n1\n1\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "March 1917 · Petrograd" in out
    assert "Stability 40 · Industry 20 · War-readiness 30 · Leading: Prince Lvov" in out
    assert out.count("Please enter a number from 1 to 2.") == 3
    assert "→ Kerensky takes the lead." in out
    assert "Stability +5 (45)" in out
    assert "THE END: Grey" in out
    assert out.rstrip().splitlines()[-1] == "ending: grey"


def test_plain_shows_locked_choices(tmp_path):
    result = octobers("play", "--plain", "--content", str(MINI), "--seed", "4",
                      "--saves-dir", str(tmp_path), stdin="1\n2\n")
    assert "2. [locked: The Soviet will not wait.] Wait" in result.stdout
    assert "That choice is locked: The Soviet will not wait." in result.stdout


def test_plain_end_of_input_autosaves_and_continues(tmp_path):
    first = octobers("play", "--plain", "--content", str(MINI), "--seed", "4",
                     "--saves-dir", str(tmp_path), stdin="2\n")
    assert first.returncode == 0
    assert "octobers play --plain --load autosave" in first.stdout
    second = octobers("play", "--plain", "--content", str(MINI), "--saves-dir", str(tmp_path),
                      "--load", "autosave", stdin="1\n1\n1\n")
    assert second.returncode == 0
    first_scene = next(line for line in second.stdout.splitlines() if " · " in line)
    assert first_scene == "August 1917 · August"
    assert second.stdout.rstrip().endswith("ending: grey")


def test_saves_dir_from_environment(tmp_path):
    result = octobers("play", "--plain", "--content", str(MINI), "--seed", "1", stdin="1\n",
                      env={"OCTOBERS_SAVES": str(tmp_path / "env")})
    assert result.returncode == 0
    assert (tmp_path / "env" / "autosave.json").is_file()


def test_corrupt_save_is_one_sentence(tmp_path):
    (tmp_path / "broken.json").write_text("{oops")
    result = octobers("play", "--plain", "--content", str(MINI), "--saves-dir", str(tmp_path),
                      "--load", "broken")
    assert result.returncode == 1
    assert "broken.json is not a usable save" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_slot_name_gets_usage(tmp_path):
    result = octobers("play", "--plain", "--load", "../../etc/passwd",
                      "--saves-dir", str(tmp_path))
    assert result.returncode == 2 and "usage:" in result.stderr


def test_check_clean_and_broken(tmp_path):
    ok = octobers("check", "--content", str(MINI))
    assert ok.returncode == 0 and ok.stdout.splitlines()[-1].startswith("ok: 6 nodes")
    (tmp_path / "game.yaml").write_text((MINI / "game.yaml").read_text())
    (tmp_path / "events.yaml").write_text(
        "- id: petrograd\n  date: 1917-03\n  title: P\n  text: t\n  choices:\n"
        "    - {id: a, label: A, effects: {stabilty: 1}}\n")
    bad = octobers("check", "--content", str(tmp_path))
    assert bad.returncode == 1
    assert "events.yaml:6:" in bad.stdout
    assert "unknown variable 'stabilty' (did you mean 'stability'?)" in bad.stdout
    as_json = json.loads(octobers("check", "--content", str(tmp_path), "--format",
                                  "json").stdout)
    assert as_json["ok"] is False and as_json["problems"][0]["line"] == 6


def test_simulate_json_is_deterministic():
    args = ("simulate", "-n", "200", "--seed", "9", "--json", "--content", str(MINI))
    first, second = json.loads(octobers(*args).stdout), json.loads(octobers(*args).stdout)
    first.pop("seconds"), second.pop("seconds")
    assert first == second
    for key in ("runs", "endings", "nodes_total", "nodes_reached", "unreached_nodes",
                "decisions", "errors"):
        assert key in first
    assert first["runs"] == 200 and sum(first["endings"].values()) == 200
    assert first["unreached_nodes"] == ["skipped"]
    assert set(first["decisions"]) >= {"min", "median", "max", "total"}
    readable = octobers("simulate", "-n", "50", "--content", str(MINI))
    assert "Endings:" in readable.stdout
