"""Errors that say how to fix: one test per message, asserting its words and its line.

The mistakes are those a new author makes (issue 13): habits from Python, C and SQL in
conditions, YAML's structure, a misspelt key or flag, wrong command-line ids and folders. Each
test writes the mistake into a small content folder, loads it, and checks that the message
explains the fix and points at the line where the mistake is (found by a marker in the text,
so the expected line is the mistake's own).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from helpers import BASE

from game.authoring.lint import lint
from game.cli import main
from game.errors import Problem
from game.loader import load_with_problems

GAME = """\
title: Test
variables:
  stability: {label: Stability, start: 50, shown: true}
  kirov_following: {label: Kirov's following, start: 10}
texts:
  leader: {label: Leading, start: Lvov}
flags: [kirov_lives]
scenarios:
  - {id: s, title: S, date: 1917-03, start: first}
endings:
  - {id: fallback, title: Fallback, text: The end.}
"""

NODE = """\
- id: first
  date: 1917-03
  title: First
  text: Start.
  history: Real.
  choices:
    - id: go
      label: Go
      when: "{cond}"
"""


def write(folder: Path, **files: str) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def load(tmp_path: Path, events: str, game: str = GAME) -> list[Problem]:
    folder = write(tmp_path / "content", **{"game.yaml": game, "events.yaml": events})
    _, problems = load_with_problems([folder], use_cache=False)
    return problems


def line_of(text: str, marker: str) -> int:
    """The 1-based line of the first line of `text` holding `marker`."""
    return next(n for n, row in enumerate(textwrap.dedent(text).splitlines(), start=1)
                if marker in row)


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [p.format(with_source=False) for p in problems]
    return problems[0]


# ---- Python, C and SQL habits in conditions ------------------------------------------------
@pytest.mark.parametrize(("cond", "words", "at"), [
    ("stability = 45", "`=` sets a value; to compare, use `==`", "="),
    ("stability > 1 && flags.kirov_lives", "`&&` is not an operator here: use `and`", "&&"),
    ("stability > 1 || flags.kirov_lives", "`||` is not an operator here: use `or`", "||"),
    ("!flags.kirov_lives", "`!` is not an operator here: use `not` (write `not "
                           "flags.kirov_lives`)", "!"),
    ("stability => 40", "`=>` is not an operator: did you mean `>=`?", "=>"),
    ("stability > 1 AND flags.kirov_lives", "write `and` in small letters", "AND"),
    ("leader == Sergei Kirov", "'Sergei Kirov' is not a name: put text in quotes, like "
                               "'Sergei Kirov'", "Sergei"),
    ("flags.kirov_lives flags.kirov_lives", "something is missing between 'flags.kirov_lives' "
                                            "and 'flags.kirov_lives': an operator such as "
                                            "`and`, `or` or `==`", " flags"),
])
def test_condition_habits_say_what_to_write(tmp_path, cond, words, at):
    events = NODE.replace("{cond}", cond)
    problem = only(load(tmp_path, events))
    assert problem.message == f"node 'first', choice 'go': when: syntax error in expression: " \
                              f"{words}"
    assert problem.where.line == line_of(events, "when:")
    row = textwrap.dedent(events).splitlines()[problem.where.line - 1]
    assert row[problem.where.col - 1:].startswith(at)  # the caret is under the habit


def test_a_single_word_compared_with_text_is_told_to_be_quoted(tmp_path):
    events = NODE.replace("{cond}", "leader == Kirov")
    problem = only(load(tmp_path, events))
    assert problem.message.endswith("unknown variable 'Kirov': to compare with text, put it in "
                                    "quotes, like 'Kirov'")
    assert problem.where.line == line_of(events, "when:")


def test_quoted_text_is_never_taken_for_a_habit(tmp_path):
    events = NODE.replace("{cond}", "leader == 'A = B && C'")
    assert load(tmp_path, events) == []


def test_unquoted_not_sign_explains_the_yaml_tag(tmp_path):
    events = NODE.replace('"{cond}"', "!flags.kirov_lives")
    problem = only(load(tmp_path, events))
    assert problem.message == (
        "YAML tags are not supported in content (!flags.kirov_lives): a `!` at the start of a "
        "value starts a YAML tag; to say 'not', quote the condition and write `not`: "
        "\"not flags.kirov_lives\"")
    assert problem.where.line == line_of(events, "when:")


def test_a_flag_written_as_a_variable_suggests_the_flag(tmp_path):
    # a variable with a near name exists, but the flag of exactly that name is the meaning
    events = NODE.replace("{cond}", "kirov_lives")
    problem = only(load(tmp_path, events))
    assert problem.message.endswith("unknown variable 'kirov_lives' (did you mean "
                                    "'flags.kirov_lives'?)")
    assert problem.where.line == line_of(events, "when:")


def test_a_flag_misspelt_where_it_is_set_is_reported_at_the_set(tmp_path):
    events = """\
    - id: first
      date: 1917-03
      title: First
      text: Start.
      history: Real.
      choices:
        - id: go
          label: Go to Moscow
          set: [kirov_in_moskow]
    - id: second
      date: 1917-05
      title: Second
      text: Later.
      history: Real.
      choices:
        - id: stay
          label: Stay
          when: "flags.kirov_in_moscow"
        - id: leave
          label: Leave
          when: "not flags.kirov_in_moscow"
    """
    problems = load(tmp_path, events)
    setter = [p for p in problems if "is set here" in p.message]
    readers = [p for p in problems if "is set here" not in p.message]
    assert len(setter) == 1 and len(readers) == 2
    events_path = str(tmp_path / "content" / "events.yaml")
    assert setter[0].where.line == line_of(events, "set: [kirov_in_moskow]")
    assert setter[0].message.startswith(
        "flag 'kirov_in_moskow' is set here but never read, while 'kirov_in_moscow' is read at ")
    assert setter[0].message.endswith(" (and 1 more place) and set nowhere: this is likely a "
                                      "typo for 'kirov_in_moscow'")
    assert [p.where.line for p in readers] == [line_of(events, '"flags.kirov_in_moscow"'),
                                               line_of(events, "not flags.kirov_in_moscow")]
    assert readers[0].message == (
        "node 'second', choice 'stay': when: unknown flag 'kirov_in_moscow': nothing sets it, "
        f"but 'kirov_in_moskow' is set once, at {events_path}:9:13, and read nowhere; that set "
        "is likely the typo (write 'kirov_in_moscow' there)")


def test_a_misspelt_reader_of_a_well_used_flag_is_still_the_reader(tmp_path):
    # the flag is set and read correctly elsewhere: the reader is the typo, as before
    events = NODE.replace("{cond}", "flags.kirov_live")
    problem = only(load(tmp_path, events))
    assert problem.message.endswith("unknown flag 'kirov_live' (did you mean 'kirov_lives'?); "
                                    "no choice or scenario sets it")


# ---- YAML structure ------------------------------------------------------------------------
@pytest.mark.parametrize(("events", "marker", "words"), [
    ("- id: first\n  date: 1917-03\n  title: Lenin: the return\n", "Lenin",
     "YAML syntax: a colon and a space inside unquoted text (after 'title:') make YAML read a "
     "new key; put the text in quotes: title: \"Lenin: the return\""),
    ("- id: first\n  date: 1917-03\n   title: First\n  text: x\n", "title",
     "YAML syntax: bad indentation: this line is indented more than the line above (3 spaces, "
     "not 2), so YAML reads it as part of that line's value; line its key up with the keys "
     "above"),
    ("- id: first\n  date: 1917-03\n title: First\n  text: x\n", "title",
     "YAML syntax: bad indentation: this line starts at column 2 and the line above at column "
     "3; line its key up with the keys of the same block (YAML counts spaces)"),
    ("- id: first\n  choices:\n    - id: go\n      label: Go\n   - id: stay\n", "stay",
     "YAML syntax: a list item out of line: this '- ' starts at column 4 (the item above "
     "starts at column 5, line 3); the items of one list line up with each other, under the "
     "key that holds them (like 'choices:')"),
    ("- id: first\n  date: 1917-03\n  title First\n", "title First",
     "YAML syntax: this line has no ':' after its key; write 'key: value' (or, if it continues "
     "the text above, indent it further or put the text in quotes)"),
    ("- id: first\n  title: \"First\n  date: 1917-03\n", "title",
     "YAML syntax: a quoted text that never ends: the quote opened here has no closing quote"),
    ("- id: first\n  title: \"First\" of all\n", "of all",
     "YAML syntax: text after a closing quote: put the whole text in quotes"),
    ("- id: first\n  choices:\n    - {id: go, label: Go\n    - {id: x, label: X}\n", "go",
     "YAML syntax: a '{' or '[' opened here is not closed on its line; close it with '}' or "
     "']'"),
    ("- id: first\n  choices:\n    -id: go\n    - id: x\n", "-id",
     "YAML syntax: a '-' with no space after it: YAML reads '-id' as a key, not as a list "
     "item; write '- ' (a dash and a space)"),
])
def test_yaml_structure_errors_in_plain_words_at_the_mistake(tmp_path, events, marker, words):
    problem = only(load(tmp_path, events))
    assert problem.message == words
    assert problem.where.line == line_of(events, marker)


@pytest.mark.parametrize("key", ["label", "title", "log"])
def test_text_cut_by_a_comment_is_warned(tmp_path, key):
    events = """\
    - id: first
      date: 1917-03
      title: First
      text: Start.
      history: Real.
      choices:
        - id: go
          label: Go
          log: Gone
    """.replace(f"{key}: {'First' if key == 'title' else 'Go' if key == 'label' else 'Gone'}",
                f"{key}: Pay worker#1 # or else")
    problem = only(load(tmp_path, events))
    assert problem.severity == "warning"
    assert problem.message.endswith(
        f"{key}: the text stops before '# or else': in unquoted text YAML reads ' #' and all "
        "after it as a comment; if the '#' belongs to the text, put the whole text in quotes")
    assert problem.where.line == line_of(events, "# or else")


def test_a_comment_after_quoted_text_or_a_flow_mapping_is_no_cut(tmp_path):
    events = """\
    - id: first
      date: 1917-03
      title: "First # of many"  # the first event
      text: Start.
      history: Real.
      choices:
        - {id: go, label: Go}  # the only way
    """
    assert load(tmp_path, events) == []


# ---- one typo, one error -------------------------------------------------------------------
def test_a_misspelt_choices_key_gives_one_error_not_four(tmp_path):
    events = """\
    - id: first
      date: 1917-03
      title: First
      text: Start.
      history: Real.
      choises:
        - id: go
          label: Go
          set: [went]
    - id: second
      date: 1917-05
      when: "flags.went"
      title: Second
      text: Later.
      history: Real.
      choices:
        - {id: stay, label: Stay, when: "not flags.went"}
    """
    problem = only(load(tmp_path, events))
    assert problem.message == "node 'first': unknown key 'choises' (did you mean 'choices'?)"
    assert problem.where.line == line_of(events, "choises")


@pytest.mark.parametrize(("key", "hint"), [
    ("flags: [x]", "unknown key 'flags' (did you mean 'set'? a choice raises flags with "
                   "'set:')"),
    ("condition: \"stability > 3\"", "unknown key 'condition' (did you mean 'when'? conditions "
                                     "are written under 'when:')"),
    ("chance: 0.5", "unknown key 'chance' (a choice has no chance of its own: give it "
                    "'outcomes:', each with a 'weight:')"),
    ("probability: 0.5", "unknown key 'probability' (a choice has no chance of its own: give "
                         "it 'outcomes:', each with a 'weight:')"),
])
def test_plausible_wrong_keys_get_the_right_one(tmp_path, key, hint):
    events = NODE.replace('when: "{cond}"', key)
    problem = only(load(tmp_path, events))
    assert problem.message == f"node 'first', choice 'go': {hint}"
    assert problem.where.line == line_of(events, key)


def test_chance_in_an_outcome_means_weight(tmp_path):
    events = NODE.replace('when: "{cond}"', "outcomes:\n        - chance: 2")
    problem = only(load(tmp_path, events))
    assert problem.message == ("node 'first', choice 'go', outcome 1: unknown key 'chance' "
                               "(did you mean 'weight'? chances are written as 'weight:' on "
                               "each outcome)")
    assert problem.where.line == line_of(events, "chance")


def test_date_needs_two_digits_for_the_month(tmp_path):
    events = NODE.replace('when: "{cond}"', "").replace("1917-03", "1934-1")
    problem = only(load(tmp_path, events))
    assert problem.message == ("node 'first': date must be a month written YYYY-MM, with two "
                               "digits for the month: write 1934-01")
    assert problem.where.line == line_of(events, "1934-1")


# ---- across files --------------------------------------------------------------------------
def test_a_duplicate_choice_added_by_a_pack_names_the_first_file(tmp_path):
    pack = write(tmp_path / "pack", **{"events.yaml": """\
        - extends: start
          choices:
            - {id: reform, label: Reform again}
        """})
    _, problems = load_with_problems([BASE, pack], use_cache=False)
    problem = only(problems)
    assert problem.where.path.endswith("pack/events.yaml") and problem.where.line == 3
    assert problem.message.startswith("node 'start', choice 'reform': duplicate choice id "
                                      "(first at ")
    assert problem.message.endswith("fixtures/base/events/1917.yaml:7:11)")


def test_a_variable_declared_twice_says_where_first(tmp_path):
    pack = write(tmp_path / "pack", **{"pack.yaml": """\
        name: twice
        variables:
          stability: {label: Again}
        """})
    _, problems = load_with_problems([BASE, pack], use_cache=False)
    problem = only(problems)
    assert problem.where.line == 3
    assert problem.message.startswith("variable 'stability' is declared twice (first at ")
    assert problem.message.endswith("fixtures/base/game.yaml:3:3)")


def test_a_scenario_declared_twice_says_where_first(tmp_path):
    pack = write(tmp_path / "pack", **{"pack.yaml": """\
        name: twice
        scenarios:
          - {id: spring, title: Again, date: 1917-04, start: start}
        """})
    _, problems = load_with_problems([BASE, pack], use_cache=False)
    problem = only(problems)
    assert problem.where.line == 3
    assert problem.message.startswith("scenario 'spring': declared twice (first at ")
    assert problem.message.endswith("fixtures/base/game.yaml:8:10)")


def test_extends_with_a_key_it_cannot_take_lists_what_it_can(tmp_path):
    pack = write(tmp_path / "pack", **{"events.yaml": """\
        - extends: start
          title: A new title
          choices: [{id: later, label: Later}]
        """})
    _, problems = load_with_problems([BASE, pack], use_cache=False)
    problem = only(problems)
    assert problem.where.line == 2
    assert problem.message.startswith("extends: unknown key 'title'")
    from game.loader import EXTEND_KEYS

    assert problem.message.endswith(f"; it takes only {', '.join(map(repr, EXTEND_KEYS))}")


# ---- endings -------------------------------------------------------------------------------
def test_a_pack_ending_that_always_holds_shadows_the_base_fallback(tmp_path):
    pack = write(tmp_path / "pack", **{"pack.yaml": """\
        name: shadow
        endings:
          - {id: kirov_era, when: "stability >= 0", title: Kirov, text: Kirov rules.}
        """})
    story, problems = load_with_problems([BASE, pack], use_cache=False)
    assert story is not None, problems
    (problem,) = [p for p in lint(story) if p.code == "ending"]
    assert problem.where.path.endswith("base/game.yaml")
    assert problem.where.line == 12  # the fallback's line in the base
    assert problem.message.startswith("ending 'fallback' can never be reached: ending "
                                      "'kirov_era' (")
    assert problem.message.endswith("pack/pack.yaml:3:10) comes first and always holds, and no "
                                    "goto leads to it")


def test_a_second_fallback_is_warned(tmp_path):
    pack = write(tmp_path / "pack", **{"pack.yaml": """\
        name: second
        endings:
          - {id: other_fallback, title: Another end, text: Also the end.}
        """})
    story, problems = load_with_problems([BASE, pack], use_cache=False)
    assert story is not None, problems
    problem = only([p for p in lint(story) if p.code == "ending-fallback"])
    assert problem.where.line == 3
    assert problem.message.startswith("ending 'other_fallback' can never be reached: ending "
                                      "'fallback' (")
    assert problem.message.endswith(") is already the fallback (no 'when'), and only the "
                                    "first fallback ends a game; give this one a 'when', or "
                                    "lead a goto to it")


# ---- carets and names in warnings ----------------------------------------------------------
def test_goto_into_the_past_names_its_outcome_at_the_goto_line(tmp_path):
    text = """\
    - id: relapse
      date: 1918-06
      title: Relapse
      text: Back.
      history: Real.
      choices:
        - id: again
          label: Again
          outcomes:
            - weight: 1
            - weight: 1
              goto: start
    """
    pack = write(tmp_path / "pack", **{"events.yaml": text})
    story, problems = load_with_problems([BASE, pack], use_cache=False)
    assert story is not None, problems
    problem = only([p for p in lint(story) if p.code == "goto-past"])
    assert problem.message.startswith("node 'relapse', choice 'again', outcome 2: goto 'start' "
                                      "goes into the past")
    assert problem.where.line == line_of(text, "goto: start")


def test_flag_set_here_points_at_the_set_line(tmp_path):
    text = """\
    - id: orphanage
      date: 1917-09
      title: Orphanage
      text: A flag no one reads.
      history: Real.
      choices:
        - id: raise
          label: Raise it
          outcomes:
            - weight: 1
              set: [orphan]
    """
    pack = write(tmp_path / "pack", **{"events.yaml": text})
    story, problems = load_with_problems([BASE, pack], use_cache=False)
    assert story is not None, problems
    problem = only([p for p in lint(story) if p.code == "flag-unread"])
    assert problem.message == "flag 'orphan' is set here but no condition reads it"
    assert problem.where.line == line_of(text, "set: [orphan]")


# ---- the command line ----------------------------------------------------------------------
def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("argv", "words"), [
    (("play", "--plain", "--start-at", "reform_evnt"),
     "octobers play: error: --start-at: unknown node 'reform_evnt' (did you mean "
     "'reform_event'?)"),
    (("play", "--plain", "--set", "stabilty=3"),
     "octobers play: error: --set: unknown variable 'stabilty' (did you mean 'stability'?)"),
    (("play", "--plain", "--flag", "reforms"),
     "octobers play: error: --flag: unknown flag 'reforms' (did you mean 'reform'?)"),
    (("play", "--plain", "--flag", "nothing_like_it"),
     "octobers play: error: --flag: unknown flag 'nothing_like_it'"),
    (("new-branch", "mine", "--extends", "strat"),
     "octobers new-branch: error: --extends: unknown node 'strat' (did you mean 'start'?)"),
])
def test_command_line_ids_get_did_you_mean_and_the_commands_usage(capsys, argv, words):
    command = argv[0]
    code, _, err = run(capsys, *argv, "--content", str(BASE))
    assert code == 2
    assert err.startswith(f"usage: octobers {command} ")  # the command's usage, not the top's
    assert err.rstrip().splitlines()[-1] == words


def test_usage_errors_after_loading_print_the_commands_usage(capsys):
    code, _, err = run(capsys, "simulate", "--content", str(BASE), "--scenario", "winter")
    assert code == 2
    assert err.startswith("usage: octobers simulate ")
    assert "unknown scenario 'winter'" in err


def test_a_pack_alone_is_told_to_put_the_game_first(tmp_path, capsys):
    pack = write(tmp_path / "mypack", **{"pack.yaml": "name: mypack\n",
                                         "events/a.yaml": "- extends: start\n"})
    code, out, _ = run(capsys, "check", "--content", str(pack))
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(f"{pack}/game.yaml: no game.yaml: the first content folder must "
                            f"declare the game: {pack} is a branch pack (it has pack.yaml); "
                            "put the game's own content first: --content ")
    assert first.endswith(f" --content {pack}")


def test_a_packs_sub_folder_is_told_where_the_manifest_is(tmp_path, capsys):
    pack = write(tmp_path / "mypack", **{"pack.yaml": "name: mypack\n",
                                         "events/a.yaml": "- extends: start\n"})
    code, out, _ = run(capsys, "check", "--content", str(BASE), "--content",
                       str(pack / "events"))
    assert code == 1
    assert out.splitlines()[0] == (
        f"{pack}/events: no pack.yaml in this content folder: {pack}/events is a sub-folder of "
        f"{pack}, which has the pack.yaml; give --content {pack}")


def test_one_warning_is_one_warning(tmp_path, capsys):
    pack = write(tmp_path / "pack", **{"events.yaml": """\
        - id: undocumented
          date: 1917-04
          title: No note
          text: x
          choices: [{id: go, label: Go}]
        """})
    code, out, _ = run(capsys, "check", "--content", str(BASE), "--content", str(pack))
    assert code == 0
    assert out.rstrip().splitlines()[-1].endswith("in 3 files; 1 warning")


def test_json_problems_carry_a_rule_code_and_a_hint(tmp_path, capsys):
    folder = write(tmp_path / "content", **{"game.yaml": GAME, "events.yaml": NODE.replace(
        '"{cond}"', '"stability => 40"').replace("label: Go", "label: Go\n      lable: Go again")})
    code, out, _ = run(capsys, "check", "--format", "json", "--content", str(folder))
    assert code == 1
    problems = json.loads(out)["problems"]
    assert [(p["line"], p["code"], p["hint"]) for p in problems] == [
        (9, "unknown-key", "did you mean 'label'?"),
        (10, "expression-syntax", "did you mean `>=`?"),
    ]
    code, out, _ = run(capsys, "check", "--format", "json", "--content", str(BASE),
                       "--content", str(write(tmp_path / "pack", **{"events.yaml": """\
                           - id: undocumented
                             date: 1917-04
                             title: No note
                             text: x
                             choices: [{id: go, label: Go}]
                           """})))
    (warning,) = json.loads(out)["problems"]
    assert (warning["severity"], warning["code"]) == ("warning", "no-history")


def test_a_misspelt_set_key_gives_no_follow_on_unknown_flags(tmp_path):
    events = NODE.replace('when: "{cond}"', "sett: [went]") + """\
- id: second
  date: 1917-05
  when: "flags.went"
  title: Second
  text: Later.
  history: Real.
  choices:
    - {id: stay, label: Stay}
"""
    problem = only(load(tmp_path, events))
    assert problem.message == "node 'first', choice 'go': unknown key 'sett' (did you mean 'set'?)"
    assert problem.where.line == line_of(events, "sett")


def test_every_rule_code_is_documented():
    import re

    from game.authoring import lint as lint_module
    from game.errors import RULES

    docs = (Path(__file__).parents[2] / "docs" / "authoring.md").read_text(encoding="utf-8")
    table = docs[docs.index("#### Messages, rule codes and hints"):]
    documented = set(re.findall(r"`([a-z][a-z-]+)`", table))
    codes = {code for code, _ in RULES} | set(lint_module.WARNINGS) | {
        "content", "analysis-budget", "codex-unopened", "codex-missing"}
    assert codes <= documented, codes - documented


def test_every_check_warning_carries_its_code():
    from helpers import FAULTS

    from game.authoring.lint import WARNINGS

    seen = set()
    for fault in sorted(FAULTS.iterdir()):
        story, _ = load_with_problems([BASE, fault], use_cache=False)
        assert story is not None
        for problem in lint(story):
            assert problem.code in WARNINGS, problem
            assert problem.to_json()["code"] == problem.code
            seen.add(problem.code)
    assert seen == set(WARNINGS) - {"ending-fallback"}  # that one has its own test above
