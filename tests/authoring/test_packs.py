"""Branch packs: layering, `extends:`, explicit `replace:`, collisions and `requires:`."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from helpers import BASE

from game.engine import Game
from game.loader import load_story, load_with_problems
from game.packs import version_matches


def write_pack(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name.replace("__", "/")).parent.mkdir(parents=True, exist_ok=True)
        (folder / name.replace("__", "/")).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def errors(*dirs: Path) -> list[str]:
    story, problems = load_with_problems(list(dirs))
    assert story is None
    return [f"{Path(p.where.path).name}:{p.where.line}: {p.message}" for p in problems
            if p.severity == "error"]


EXTENSION = """\
    - extends: start
      choices:
        - {id: wait, label: Wait and see, when: "industry >= 20", effects: {stability: +1}}
    - id: pack_event
      date: 1917-04
      title: Pack event
      text: Added by a pack.
      history: Real.
      choices:
        - {id: ok, label: OK, effects: {industry: +1}}
    """


def test_a_pack_adds_nodes_and_extends_a_node_of_the_base(tmp_path):
    pack = write_pack(tmp_path / "pack", **{"events.yaml": EXTENSION})
    story = load_story([BASE, pack])
    assert "pack_event" in story.nodes
    assert [c.id for c in story.nodes["start"].choices] == ["reform", "build", "wait"]
    game = Game.new(story, seed=1)
    assert [v.id for v in game.choices()] == ["reform", "build", "wait"]
    game.choose("wait")
    assert game.node_id == "pack_event"


def test_layers_load_in_order_and_a_later_pack_extends_an_earlier_one(tmp_path):
    first = write_pack(tmp_path / "first", **{"events.yaml": EXTENSION})
    second = write_pack(tmp_path / "second", **{"events.yaml": """\
        - extends: pack_event
          choices:
            - {id: more, label: More, effects: {industry: +2}}
        """})
    story = load_story([BASE, first, second])
    assert [c.id for c in story.nodes["pack_event"].choices] == ["ok", "more"]
    assert errors(BASE, second) == [
        "events.yaml:1: extends unknown node 'pack_event'"]


def test_replace_true_replaces_a_node_of_an_earlier_layer(tmp_path):
    pack = write_pack(tmp_path / "pack", **{"events.yaml": """\
        - id: peace
          replace: true
          date: 1918-05
          title: A later peace
          text: Replaced.
          history: Real.
          choices:
            - {id: refuse, label: Refuse, effects: {stability: -1}}
        """})
    story = load_story([BASE, pack])
    assert story.nodes["peace"].title.source == "A later peace"
    assert [c.id for c in story.nodes["peace"].choices] == ["refuse"]


def test_an_id_collision_without_replace_names_both_files(tmp_path):
    pack = write_pack(tmp_path / "pack", **{"events.yaml": """\
        - id: peace
          date: 1918-05
          title: Again
          text: Collides.
          history: Real.
          choices:
            - {id: ok, label: OK}
        """})
    (message,) = errors(BASE, pack)
    assert message.startswith("events.yaml:1: node id 'peace' is already used at ")
    assert "base/events/1917.yaml:24:3" in message
    assert message.endswith("; a pack may replace a node only with 'replace: true'")


MANIFEST = """\
    name: {name}
    version: "{version}"
    requires:
      game: {game}
      version: "{needs}"
    """


def test_requires_is_enforced_for_the_game_and_the_program_version(tmp_path):
    pack = write_pack(tmp_path / "pack", **{"pack.yaml": MANIFEST.format(
        name="p", version="1.0", game="Another Game", needs=">=99")})
    assert errors(BASE, pack) == [
        "pack.yaml:4: pack 'p' requires the game 'Another Game', but the base content is "
        "'Lint Base'",
        "pack.yaml:5: pack 'p' requires octobers >=99, but this is octobers "
        f"{__import__('game').__version__}",
    ]


def test_required_packs_must_be_loaded_earlier_and_in_a_matching_version(tmp_path):
    first = write_pack(tmp_path / "first", **{"pack.yaml": MANIFEST.format(
        name="first", version="1.2", game="Lint Base", needs=">=0.1")})
    second = write_pack(tmp_path / "second", **{"pack.yaml": """\
        name: second
        requires:
          packs: ["first >=1.0, <2"]
        """})
    assert load_story([BASE, first, second]).title == "Lint Base"
    assert errors(BASE, second) == [
        "pack.yaml:3: pack 'second' requires the pack 'first', which is not loaded (add "
        "--content with that pack's folder before this one)"]
    assert errors(BASE, second, first) == [
        "pack.yaml:3: pack 'second' requires the pack 'first', which is layered after it "
        "(give its --content folder first)"]
    newer = write_pack(tmp_path / "newer", **{"pack.yaml": MANIFEST.format(
        name="first", version="2.1", game="Lint Base", needs=">=0.1")})
    assert errors(BASE, newer, second) == [
        "pack.yaml:3: pack 'second' requires the pack 'first' >=1.0, <2, but version 2.1 "
        "is loaded"]


@pytest.mark.parametrize(("version", "spec", "ok"), [
    ("0.1.0", ">=0.1", True), ("0.1.0", ">0.1", False), ("1.10", ">1.9", True),
    ("1.2", ">=1.0, <2", True), ("2.0", ">=1.0, <2", False), ("1.0", "1", True),
    ("1.0", "!=1.0.0", False),
])
def test_version_requirements(version, spec, ok):
    assert version_matches(version, spec) is ok


def test_a_malformed_version_requirement_is_an_error_not_a_crash(tmp_path):
    pack = write_pack(tmp_path / "pack", **{"pack.yaml": MANIFEST.format(
        name="p", version="1.0", game="Lint Base", needs="about two")})
    (message,) = errors(BASE, pack)
    assert message.startswith("pack.yaml:5: pack manifest: requires: version: 'about two' is "
                              "not a version requirement")
