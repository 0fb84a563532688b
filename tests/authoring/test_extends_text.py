"""`extends:` with `text:` (paragraphs added, placed by id) and `hide:` (by id, on a condition),
and `check`'s summary of what each pack changes."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from game.cli import main
from game.engine import Game
from game.loader import load_story, load_with_problems
from game.model import Expr

from conftest import REPO

GAME = """\
    title: Ext Base
    variables:
      stability: {label: Stability, start: 50, shown: true}
    flags: [kirov_lives]
    scenarios:
      - {id: s, title: S, date: 1934-01, start: kirov}
    endings:
      - {id: fallback, title: Fallback, text: The end.}
    """
EVENTS = """\
    - id: kirov
      date: 1934-12
      title: Kirov
      text:
        - {id: shot, text: Kirov is shot in the Smolny.}
        - {id: mourning, when: "stability > 10", text: The city mourns.}
      history: Real.
      choices:
        - id: purge
          label: Purge
          when: "stability > 20"
          locked: Not yet.
          outcomes:
            - {id: wide, weight: 2, effects: {stability: -10}, log: Wide.}
            - {id: narrow, weight: "1 + 1", log: Narrow.}
        - {id: wait, label: Wait}
    """


def write(folder: Path, **files: str) -> Path:
    for name, text in files.items():
        path = folder / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return write(tmp_path / "base", **{"game.yaml": GAME, "events__e.yaml": EVENTS})


def pack(tmp_path: Path, events: str, name: str = "pack") -> Path:
    return write(tmp_path / name, **{"events__x.yaml": events})


def texts(story, node="kirov"):
    return [p.template.source for p in story.nodes[node].text]


def scene(story, flags=(), values=None) -> str:
    game = Game.new(story, seed=1, flags=list(flags), values=values or {})
    return game.scene().text


def test_paragraphs_are_appended_or_placed_before_and_after_an_id(base, tmp_path):
    story = load_story([base, pack(tmp_path, """\
        - extends: kirov
          text:
            - Snow falls on the Neva.
            - {id: missed, before: shot, when: "flags.kirov_lives", text: The shot misses.}
            - {after: shot, text: A crowd gathers.}
        """)])
    assert texts(story) == ["The shot misses.", "Kirov is shot in the Smolny.",
                            "A crowd gathers.", "The city mourns.", "Snow falls on the Neva."]
    assert [p.id for p in story.nodes["kirov"].text] == ["missed", "shot", None, "mourning",
                                                          None]
    assert scene(story).split("\n\n") == ["Kirov is shot in the Smolny.", "A crowd gathers.",
                                          "The city mourns.", "Snow falls on the Neva."]
    assert scene(story, ["kirov_lives"]).startswith("The shot misses.\n\nKirov is shot")


def test_a_later_pack_places_text_by_an_id_an_earlier_pack_gave(base, tmp_path):
    first = pack(tmp_path, """\
        - extends: kirov
          text: [{id: missed, after: mourning, text: The shot misses.}]
        """, "first")
    second = pack(tmp_path, """\
        - extends: kirov
          text: [{before: missed, text: A second shot.}]
        """, "second")
    story = load_story([base, first, second])
    assert texts(story)[-2:] == ["A second shot.", "The shot misses."]


def test_hide_takes_a_paragraph_out_only_when_its_condition_holds(base, tmp_path):
    story = load_story([base, pack(tmp_path, """\
        - extends: kirov
          hide:
            - {id: shot, when: "flags.kirov_lives"}
            - {id: mourning, when: "flags.kirov_lives"}
        """)])
    paragraphs = story.nodes["kirov"].text
    assert paragraphs[0].when is not None and paragraphs[0].when.source == \
        "not (flags.kirov_lives)"
    assert paragraphs[1].when is not None and paragraphs[1].when.source == \
        "(stability > 10) and not (flags.kirov_lives)"
    assert scene(story) == "Kirov is shot in the Smolny.\n\nThe city mourns."
    assert scene(story, ["kirov_lives"]) == ""


def test_hide_without_a_condition_removes_the_paragraph_or_choice(base, tmp_path):
    story = load_story([base, pack(tmp_path, """\
        - extends: kirov
          hide: [shot, purge]
        """)])
    assert texts(story) == ["The city mourns."]
    assert [c.id for c in story.nodes["kirov"].choices] == ["wait"]


def test_a_hidden_choice_is_not_shown_even_as_locked(base, tmp_path):
    story = load_story([base, pack(tmp_path, """\
        - extends: kirov
          hide: [{id: purge, when: "flags.kirov_lives"}]
        """)])
    # without the flag: open above 20, shown locked below
    assert [(v.id, v.enabled) for v in Game.new(story, seed=1).choices()] == \
        [("purge", True), ("wait", True)]
    low = Game.new(story, seed=1, values={"stability": 5})
    assert [(v.id, v.enabled, v.locked_reason) for v in low.choices()] == \
        [("purge", False, "Not yet."), ("wait", True, None)]
    # with the flag: gone, whether its own condition holds or not
    for values in ({}, {"stability": 5}):
        game = Game.new(story, seed=1, flags=["kirov_lives"], values=values)
        assert [v.id for v in game.choices()] == ["wait"]
        assert game.open_choice_ids() == ["wait"]
        with pytest.raises(ValueError, match="no choice 'purge'"):
            game.choose("purge")


def test_hiding_an_outcome_gives_it_no_weight_while_the_condition_holds(base, tmp_path):
    story = load_story([base, pack(tmp_path, """\
        - extends: kirov
          hide: [{id: wide, when: "flags.kirov_lives"}]
        """)])
    wide, narrow = story.nodes["kirov"].choices[0].outcomes
    assert isinstance(wide.weight, Expr)
    assert wide.weight.source == "0 if (flags.kirov_lives) else (2.0)"
    assert isinstance(narrow.weight, Expr) and narrow.weight.source == "1 + 1"

    def drawn(flags: list[str]) -> set[int | None]:
        return {Game.new(story, seed=seed, flags=flags).choose("purge").entry.outcome
                for seed in range(40)}

    assert drawn(["kirov_lives"]) == {1}
    assert drawn([]) == {0, 1}


def problems(*dirs: Path) -> list[str]:
    story, found = load_with_problems(list(dirs), use_cache=False)
    return [f"{Path(p.where.path).name}:{p.where.line}:{p.where.col}: {p.message}"
            for p in found if p.severity == "error"]


def test_unknown_ids_are_errors_with_did_you_mean_line_and_column(base, tmp_path):
    bad = pack(tmp_path, """\
        - extends: kirov
          text:
            - {before: shoot, text: The shot misses.}
            - {before: shot, after: mourning, text: Both.}
          hide:
            - {id: purg, when: "flags.kirov_lives"}
            - {when: "flags.kirov_lives"}
        """)
    assert problems(base, bad) == [
        "x.yaml:3:16: extends 'kirov': no paragraph with the id 'shoot' in node 'kirov' "
        "(did you mean 'shot'?)",
        "x.yaml:4:29: extends 'kirov': a paragraph goes 'before' or 'after' another, not both",
        "x.yaml:6:12: extends 'kirov': hide: no paragraph, choice or outcome with the id "
        "'purg' in node 'kirov' (did you mean 'purge'?)",
        "x.yaml:7:7: extends 'kirov': hide: missing 'id' (of a paragraph, choice or outcome)",
    ]


def test_an_anchor_in_a_node_without_paragraph_ids_says_so(base, tmp_path):
    write(base, **{"events__e.yaml": EVENTS.replace("{id: shot, ", "{")
                   .replace("{id: mourning, ", "{")})
    bad = pack(tmp_path, """\
        - extends: kirov
          text: [{after: shot, text: More.}]
        """)
    assert problems(base, bad) == [
        "x.yaml:2:18: extends 'kirov': no paragraph with the id 'shot' in node 'kirov' "
        "(none of its paragraphs has an id)"]


def test_paragraph_ids_are_unique_within_a_text_and_an_id_may_not_name_two_things(
        base, tmp_path):
    write(base, **{"events__e.yaml": EVENTS.replace("{id: mourning,", "{id: shot,")})
    assert problems(base) == [
        "e.yaml:6:12: node 'kirov': text: paragraph id 'shot' is used twice in this text"]
    write(base, **{"events__e.yaml": EVENTS.replace("{id: mourning,", "{id: wait,")})
    bad = pack(tmp_path, """\
        - extends: kirov
          hide: [wait]
        """)
    assert problems(base, bad) == [
        "x.yaml:2:10: extends 'kirov': hide: the id 'wait' names more than one thing in node "
        "'kirov' (paragraph, choice); give them different ids"]


def test_check_summarises_what_each_pack_changes(base, tmp_path, capsys):
    mine = pack(tmp_path, """\
        - extends: kirov
          text: [{id: missed, before: shot, when: "flags.kirov_lives", text: It misses.}]
          hide:
            - {id: shot, when: "flags.kirov_lives"}
            - {id: purge, when: "flags.kirov_lives"}
          choices:
            - {id: rejoice, label: Rejoice, when: "flags.kirov_lives"}
        - id: kirov_lives_on
          date: 1935-01
          title: On
          text: He lives on.
          history: Real.
          choices: [{id: ok, label: OK, set: [kirov_lives]}]
        """, "kirov_pack")
    assert main(["check", "--content", str(base), "--content", str(mine)]) == 0
    out = capsys.readouterr().out
    assert f"pack {mine}: 1 node added; extends 1 node (kirov): 1 choice added, " \
           "1 paragraph added, 1 paragraph hidden, 1 choice hidden\n" in out
    assert main(["check", "--format", "json", "--content", str(base),
                 "--content", str(mine)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["packs"][0]["pack"] == str(mine)
    assert [(c["kind"], c["node"], c["id"], c["line"]) for c in data["packs"][0]["changes"]] == [
        ("node added", "kirov_lives_on", "kirov_lives_on", 8),
        ("choice added", "kirov", "rejoice", 7),
        ("paragraph added", "kirov", "missed", 2),
        ("paragraph hidden", "kirov", "shot", 4),
        ("choice hidden", "kirov", "purge", 5),
    ]


def test_the_campaigns_purges_event_names_its_kirov_paragraphs():
    story = load_story([REPO / "content"])
    ids = [p.id for p in story.nodes["purges"].text if p.id]
    assert {"chief_since_kirov", "chief_without_kirov", "kirov_decree",
            "terrorism_act"} <= set(ids)
    chief = next(p for p in story.nodes["purges"].text if p.id == "chief_since_kirov")
    assert "since Kirov died" in chief.template.source


def test_the_documented_example_loads_over_the_campaign(tmp_path):
    docs = (REPO / "docs" / "authoring.md").read_text(encoding="utf-8")
    block = next(b for b in docs.split("```yaml\n")[1:] if b.lstrip().startswith(
        "- extends: purges"))
    example = textwrap.dedent(block.split("```")[0])
    mine = write(tmp_path / "kirov_pack", **{
        "pack.yaml": "name: kirov_pack\nversion: \"0.1\"\nflags: [kirov_lives]\n",
        "events__purges.yaml": example})
    story = load_story([REPO / "content", mine])
    purges = story.nodes["purges"]
    at = [p.id for p in purges.text].index("chief_since_kirov")
    assert purges.text[at + 1].id == "kirov_at_the_table"
    chief = purges.text[at]
    assert chief.when is not None and chief.when.source.startswith("(visited('kirov')")
    assert chief.when.source.endswith(" and not (flags.kirov_lives)")
    great = next(c for c in purges.choices if c.id == "great_purge")
    assert great.hidden is not None and great.hidden.source == "flags.kirov_lives"
    limited = next(c for c in purges.choices if c.id == "limited_purge")
    assert [o.weight for o in limited.outcomes if o.id == "limits_raised"] == [0.0]


def test_an_extends_that_adds_nothing_is_an_error(base, tmp_path):
    empty = pack(tmp_path, """\
        - extends: kirov
          text: []
        """)
    assert problems(base, empty) == [
        "x.yaml:1:12: extends 'kirov' adds nothing: give it choices, text (paragraphs to add) "
        "or hide (ids to hide)"]
