"""The JSON Schema of content files (`octobers schema`) and the proof (`octobers proof`)."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
import yaml

from game import extensions, loader, packs
from game.authoring.content_schema import SCHEMA_PATH, build_schema, schema_text
from game.authoring.proof import proof, words
from game.cli import main
from game.loader import load_story

from conftest import REPO

jsonschema = pytest.importorskip("jsonschema")


def validator() -> object:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def content_files(*folders: Path) -> list[Path]:
    return [p for folder in folders for p in sorted(folder.rglob("*.yaml"))]


def test_the_shipped_schema_is_the_one_built_from_the_loaders_key_lists():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), \
        "run: python3 -m game schema -o game/content.schema.json"


@pytest.mark.parametrize(("definition", "keys"), [
    ("game", loader.GAME_KEYS), ("pack", loader.PACK_KEYS), ("node", loader.NODE_KEYS),
    ("extension", loader.EXTEND_KEYS), ("choice", loader.CHOICE_KEYS),
    ("outcome", loader.OUTCOME_KEYS), ("effect", loader.EFFECT_KEYS),
    ("ending", loader.ENDING_KEYS), ("scenario", loader.SCENARIO_KEYS),
    ("variable", loader.VARIABLE_KEYS), ("text_variable", loader.TEXT_KEYS),
])
def test_every_key_the_loader_accepts_is_in_the_schema_and_no_other(definition, keys):
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert list(schema["$defs"][definition]["properties"]) == list(keys)
    assert schema["$defs"][definition]["additionalProperties"] is False


def test_nested_key_lists_match_too():
    defs = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))["$defs"]
    variable = defs["variable"]["properties"]
    assert list(variable["danger"]["properties"]) == list(loader.DANGER_KEYS)
    assert list(variable["reveal"]["anyOf"][1]["properties"]) == list(loader.REVEAL_KEYS)
    assert list(defs["pack"]["properties"]["requires"]["properties"]) == \
        list(packs.REQUIRE_KEYS)
    paragraph = defs["paragraphs"]["anyOf"][1]["items"]["anyOf"][1]
    assert list(paragraph["properties"]) == list(loader.PARAGRAPH_KEYS)
    ext = defs["extension"]["properties"]
    assert list(ext["text"]["items"]["anyOf"][1]["properties"]) == list(extensions.TEXT_KEYS)
    assert list(ext["hide"]["items"]["anyOf"][1]["properties"]) == list(extensions.HIDE_KEYS)


def test_a_key_list_out_of_step_with_the_schema_fails_the_build(monkeypatch):
    monkeypatch.setattr(loader, "CHOICE_KEYS", (*loader.CHOICE_KEYS, "chance"))
    with pytest.raises(ValueError, match=r"no definition for \['chance'\]"):
        build_schema()
    monkeypatch.setattr(loader, "CHOICE_KEYS", tuple(k for k in loader.CHOICE_KEYS
                                                     if k not in ("ai", "chance")))
    with pytest.raises(ValueError, match=r"the loader does not accept: \['ai'\]"):
        build_schema()


def test_the_whole_campaign_and_the_example_pack_validate():
    check = validator()
    files = content_files(REPO / "content", REPO / "examples" / "tiflis_1907")
    assert len(files) > 100
    failures = {}
    for path in files:
        errors = list(check.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
        if errors:
            failures[str(path)] = jsonschema.exceptions.best_match(errors).message
    assert failures == {}


@pytest.mark.parametrize(("text", "bad"), [
    ("- id: a\n  date: 1917-03\n  title: A\n  text: T\n  choises: []\n", "choises"),
    ("- id: a\n  date: 1917-03\n  title: A\n  text: T\n  choices:\n"
     "    - {id: c, label: C, flags: [x]}\n", "flags"),
    ("- extends: a\n  choices: []\n  hid: [x]\n", "hid"),
    ("title: G\nvariabels: {}\n", "variabels"),
    ("name: p\nrequires: {gmae: G}\n", "gmae"),
])
def test_the_schema_rejects_a_misspelt_key(text, bad):
    errors = list(validator().iter_errors(yaml.safe_load(text)))
    assert errors
    assert any(bad in e.message for e in _leaves(errors)), [e.message for e in errors]


def _leaves(errors):
    for error in errors:
        yield error
        yield from _leaves(error.context or [])


def test_octobers_schema_writes_the_schema(tmp_path, capsys):
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == build_schema()
    target = tmp_path / "content.schema.json"
    assert main(["schema", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == schema_text()


# ---- proof --------------------------------------------------------------------------------
GAME = """\
    title: Proof Base
    variables:
      stability: {label: Stability, start: 50, shown: true}
    scenarios:
      - {id: s, title: Spring, date: 1917-03, start: first, description: It begins.}
    endings:
      - {id: fallback, title: The end, text: "Nothing more, nothing less."}
    """
EVENTS = """\
    - id: second
      date: 1917-06
      title: Second thoughts
      text: Later it rains.
      history: It rained.
      choices: [{id: go, label: Go on, log: "We went on."}]
    - id: first
      date: 1917-03
      title: First things
      text:
        - {id: opening, text: "The first paragraph, of six words."}
        - {when: "stability > 60", text: Only when stable.}
      history: In our timeline it was sunny.
      choices:
        - id: push
          label: Push hard
          when: "stability > 10"
          locked: Too weak.
          outcomes:
            - {weight: 2, log: "It works."}
            - {weight: 1, log: "It fails badly."}
    """


def write(folder: Path, **files: str) -> Path:
    for name, text in files.items():
        path = folder / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def test_words_counts_words_not_marks():
    assert words("**Kirov's** bodyguard, {leader}: 20 paces - behind.") == 6


def test_proof_writes_the_text_in_story_order_with_conditions_and_counts(tmp_path):
    base = write(tmp_path / "base", **{"game.yaml": GAME, "events__e.yaml": EVENTS})
    text = proof(load_story([base]), [base])
    headings = re.findall(r"^### (.*)$", text, re.M)
    assert headings == ["Scenario · Spring", "1917-03 · First things",
                        "1917-06 · Second thoughts", "Ending · The end"]
    first = text[text.index("### 1917-03"):text.index("### 1917-06")]
    assert "<small>when `stability > 60`</small>\n\nOnly when stable." in first
    assert "> *In our timeline:* In our timeline it was sunny." in first
    assert "- **Push hard** <small>when `stability > 10`; locked: “Too weak.”</small>" in first
    assert "  - <small>outcome 2, weight 1</small> *It fails badly.*" in first
    # title 2 + paragraphs 6 + 3 + history 6 + label 2 + locked 2 + logs 2 + 3
    assert "*26 words*" in first
    total = (1 + 2) + 26 + (2 + 3 + 2 + 2 + 3) + (2 + 4)
    assert f"| {base} | 4 | {total} |" in text


def test_proof_of_a_pack_holds_its_own_events_and_what_it_adds(tmp_path, capsys):
    base = write(tmp_path / "base", **{"game.yaml": GAME, "events__e.yaml": EVENTS})
    pack = write(tmp_path / "pack", **{"events__p.yaml": """\
        - extends: first
          text: [{after: opening, text: "A pack's paragraph here."}]
          hide: [opening]
          choices: [{id: wait, label: Wait it out}]
        - id: pack_event
          date: 1917-04
          title: The pack's own
          text: Pack text.
          history: Real.
          choices: [{id: ok, label: OK}]
        """})
    out = tmp_path / "proof.md"
    assert main(["proof", "--content", str(base), "--content", str(pack), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert re.findall(r"^### (.*)$", text, re.M) == ["1917-03 · First things (extended)",
                                                   "1917-04 · The pack's own"]
    extended = text[text.index("(extended)"):text.index("### 1917-04")]
    assert "- **Wait it out**" in extended and "Push hard" not in extended
    assert "A pack's paragraph here." in extended
    assert "paragraph hidden: `opening`" in extended
    assert "Later it rains" not in text
    assert main(["proof", "--all", "--content", str(base), "--content", str(pack)]) == 0
    both = capsys.readouterr().out
    rows = [line.split(" | ")[0] for line in both.splitlines()
            if line.startswith(f"| {tmp_path}")]
    assert rows == [f"| {base}", f"| {pack}"]


def test_proof_of_the_campaign_covers_every_event_and_ending():
    story = load_story([REPO / "content"])
    text = proof(story, [REPO / "content"])
    assert text.count("\n### ") == len(story.nodes) + len(story.endings) + \
        len(story.scenarios)
    assert "since Kirov died" in text
