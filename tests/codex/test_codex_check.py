"""`octobers check` on codex entries: errors with file and line, and the codex warnings."""

from __future__ import annotations

import textwrap

from game.authoring.codexlint import codex_warnings
from game.loader import load_story, load_with_problems


def _errors(folder):
    story, problems = load_with_problems([folder])
    return story, [p for p in problems if p.severity == "error"]


def test_an_alias_claimed_by_two_entries_is_an_error_at_the_second(codex_story):
    folder, write = codex_story
    write("events/more.yaml", """\
        codex:
          - id: other_lvov
            kind: person
            name: Vladimir Lvov
            aliases: [Lvov]
            summary: Procurator of the Holy Synod.
        """)
    _, errors = _errors(folder)
    assert len(errors) == 1
    error = errors[0]
    assert error.where.path.endswith("more.yaml") and error.where.line == 5
    assert "'Lvov' is already claimed by codex entry 'lvov'" in error.message
    assert "codex.yaml:" in error.message


def test_kind_and_keys_are_checked_with_did_you_mean(codex_story):
    folder, write = codex_story
    write("events/more.yaml", """\
        codex:
          - id: vikzhel
            kind: instituton
            name: Vikzhel
            summery: The railwaymen's union.
        """)
    _, errors = _errors(folder)
    messages = sorted(f"{e.where.line}: {e.message}" for e in errors)
    assert any(m.startswith("3:") and "unknown kind 'instituton'" in m
               and "did you mean 'institution'" in m for m in messages), messages
    assert any(m.startswith("5:") and "summery" in m for m in messages), messages
    assert any("summary" in m for m in messages), messages


def test_a_when_that_reads_an_unknown_flag_is_an_error(codex_story):
    folder, write = codex_story
    write("events/more.yaml", """\
        codex:
          - id: vikzhel
            kind: institution
            name: Vikzhel
            summary: The railwaymen's union.
            fate:
              - when: "flags.soviet_powr"
                text: broken up
        """)
    _, errors = _errors(folder)
    assert len(errors) == 1 and errors[0].where.line == 7
    assert "soviet_powr" in errors[0].message and "soviet_power" in errors[0].message


def test_unlock_names_a_codex_entry(codex_story):
    folder, write = codex_story
    text = (folder / "events/1917.yaml").read_text().replace(
        "      texts: {leader: Kerensky}\n",
        "      texts: {leader: Kerensky}\n      unlock: [kerenksy]\n")
    write("events/1917.yaml", text)
    _, errors = _errors(folder)
    assert len(errors) == 1 and errors[0].where.path.endswith("1917.yaml")
    assert "unknown codex entry 'kerenksy'" in errors[0].message
    assert "did you mean 'kerensky'" in errors[0].message


def test_an_entry_no_text_names_is_a_warning(codex_story):
    folder, write = codex_story
    write("events/more.yaml", """\
        codex:
          - id: vikzhel
            kind: institution
            name: Vikzhel
            summary: The railwaymen's union.
        """)
    story = load_story([folder])
    # Lvov and Kerensky, whom the mini story names only in a log, are unnamed too
    warnings = [w for w in codex_warnings(story) if w.where.path.endswith("more.yaml")]
    assert [(w.where.line, w.severity) for w in warnings] == [(2, "warning")]
    assert "codex entry 'vikzhel'" in warnings[0].message
    assert "'Vikzhel'" in warnings[0].message


def test_strict_asks_for_an_entry_for_a_person_named_in_three_scenes(codex_story):
    folder, write = codex_story
    nodes = "".join(textwrap.dedent(f"""\
        - id: frunze_{n}
          date: 1918-0{n}
          title: Frunze {n}
          text: General Frunze{"'s" if n == 2 else ""} army moves.
          history: Nothing.
          choices: [{{id: ok, label: OK}}]
        """) for n in (2, 3, 4))
    write("events/frunze.yaml", nodes)
    story = load_story([folder])
    unnamed = codex_warnings(story, strict=False)
    missing = [w for w in codex_warnings(story, strict=True) if w not in unnamed]
    assert len(missing) == 1
    assert "'General Frunze' is named in 3 scenes (frunze_2, frunze_3, frunze_4)" in \
        missing[0].message
    assert missing[0].where.path.endswith("frunze.yaml") and missing[0].where.line == 1
    write("game.yaml", (folder / "game.yaml").read_text() + "codex_ignore: [Frunze]\n")
    story = load_story([folder])
    assert codex_warnings(story, strict=True) == codex_warnings(story, strict=False)
