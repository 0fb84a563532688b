"""`octobers new-branch NAME`: a scaffold that passes check over its base."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml
from helpers import BASE

from game.authoring.content_schema import schema_text
from game.authoring.lint import lint
from game.authoring.newbranch import ScaffoldError, scaffold
from game.engine import Game
from game.loader import load_story, load_with_problems

from conftest import MINI, REPO


@pytest.mark.parametrize("base", [MINI, BASE])
def test_the_scaffold_loads_without_errors_or_warnings_of_its_own(tmp_path, base):
    made = scaffold("kamo", tmp_path / "kamo", load_story([base]))
    assert sorted(p.name for p in made.files) == ["README.md", "content.schema.json",
                                                  "kamo.yaml", "pack.yaml"]
    story, problems = load_with_problems([base, tmp_path / "kamo"])
    assert story is not None and problems == []
    assert [p for p in lint(story) if "kamo" in p.where.path] == []
    game = Game.new(story, seed=1)
    game.choose("kamo_begin")
    assert game.node_id == "kamo_first"


def test_the_scaffold_refuses_a_used_folder_and_a_bad_name(tmp_path):
    story = load_story([MINI])
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "file").write_text("x")
    with pytest.raises(ScaffoldError, match="already exists and is not empty"):
        scaffold("taken", tmp_path / "taken", story)
    with pytest.raises(ScaffoldError, match="not a usable pack name"):
        scaffold("Bad-Name", tmp_path / "bad", story)


def test_new_branch_command(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "game", "new-branch", *args,
                               "--content", str(MINI), "--dir", str(tmp_path)],
                              capture_output=True, text=True, cwd=REPO, timeout=60)

    made = run("tiflis", "--extends", "assembly")
    assert made.returncode == 0, made.stderr
    assert "check: ok; 'tiflis_first' follows 'assembly'" in made.stdout
    assert "- extends: assembly" in (tmp_path / "tiflis" / "events" / "tiflis.yaml").read_text()
    again = run("tiflis")
    assert again.returncode == 1 and "already exists" in again.stderr
    bad = run("9lives")
    assert bad.returncode == 2 and "usage:" in bad.stderr and "Traceback" not in bad.stderr
    unknown = run("other", "--extends", "nowhere")
    assert unknown.returncode == 2 and "unknown node 'nowhere'" in unknown.stderr


def test_new_branch_takes_a_path_and_its_hint_uses_the_paths_as_given(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    made = subprocess.run([sys.executable, "-m", "game", "new-branch", "packs/kirov_lives",
                           "--content", str(MINI), "--extends", "assembly"],
                          capture_output=True, text=True, cwd=work, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert made.returncode == 0, made.stderr
    folder = work / "packs" / "kirov_lives"
    assert (folder / "events" / "kirov_lives.yaml").is_file()
    assert "name: kirov_lives\n" in (folder / "pack.yaml").read_text()
    assert f"next: octobers play --content {MINI} --content packs/kirov_lives " \
           "--start-at assembly\n" in made.stdout
    assert f"octobers check --content {MINI} --content packs/kirov_lives\n" in \
        (folder / "README.md").read_text()
    bad = subprocess.run([sys.executable, "-m", "game", "new-branch", "packs/Bad-Name",
                          "--content", str(MINI)], capture_output=True, text=True, cwd=work,
                         timeout=60, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert bad.returncode == 2 and "'Bad-Name' is not a usable pack name" in bad.stderr


def test_the_scaffold_names_the_schema_on_the_first_line_and_validates(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    made = scaffold("kamo", tmp_path / "kamo", load_story([MINI]))
    schema_file = tmp_path / "kamo" / "content.schema.json"
    assert schema_file.read_text(encoding="utf-8") == schema_text()
    check = jsonschema.Draft202012Validator(json.loads(schema_file.read_text()))
    for path in made.files:
        if path.suffix == ".yaml":
            first = path.read_text(encoding="utf-8").splitlines()[0]
            target = (path.parent / first.split("$schema=", 1)[1]).resolve()
            assert first.startswith("# yaml-language-server: $schema=")
            assert target == schema_file.resolve()
            assert list(check.iter_errors(yaml.safe_load(path.read_text()))) == []
