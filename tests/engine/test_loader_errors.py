"""Every kind of content error is reported with its message and line, all at once."""

from __future__ import annotations

from conftest import FIRST_NODE, GAME_YAML


def has(problems: list[str], expected: str) -> bool:
    return any(expected in p for p in problems)


def test_clean_content_has_no_problems(problems_of):
    assert problems_of() == []


def test_yaml_syntax_error_names_line(problems_of):
    problems = problems_of(FIRST_NODE + "- id: first2\n  title: a: b\n")
    assert len(problems) == 1
    assert problems[0].startswith("events.yaml:9: YAML syntax")


def test_duplicate_key_is_an_error(problems_of):
    events = FIRST_NODE.replace("  title: First\n", "  title: First\n  title: Again\n")
    problems = problems_of(events)
    assert "events.yaml:4: duplicate key 'title' (first given at line 3)" in problems


def test_unknown_key_suggests_the_right_one(problems_of):
    events = FIRST_NODE.replace("  history: Real.\n", "  histroy: Real.\n")
    problems = problems_of(events)
    assert has(problems, "events.yaml:5: node 'first': unknown key 'histroy' "
                         "(did you mean 'history'?)")


def test_wrong_type_is_reported(problems_of):
    events = FIRST_NODE.replace("  date: 1917-03\n", "  date: March 1917\n")
    problems = problems_of(events)
    assert has(problems, "events.yaml:2: node 'first': date must be a month written YYYY-MM")


def test_priority_must_be_whole_number(problems_of):
    events = FIRST_NODE.replace("  date: 1917-03\n", "  date: 1917-03\n  priority: 1.5\n")
    assert has(problems_of(events), "events.yaml:3: node 'first': priority must be a whole "
                                    "number, not '1.5'")


def test_duplicate_node_id_names_both_places(problems_of):
    problems = problems_of(FIRST_NODE + FIRST_NODE.replace("1917-03", "1917-04"))
    assert has(problems, "events.yaml:8: node id 'first' is already used at ")
    assert has(problems, "events.yaml:1:")


def test_unknown_goto_suggests_node(problems_of):
    events = FIRST_NODE.replace("{id: go, label: Go}", "{id: go, label: Go, goto: frist}")
    assert has(problems_of(events), "goto to unknown node or ending 'frist' "
                                    "(did you mean 'first'?)")


def test_unknown_variable_in_effects(problems_of):
    events = FIRST_NODE.replace("{id: go, label: Go}",
                                "{id: go, label: Go, effects: {stabilty: +5}}")
    assert has(problems_of(events), "events.yaml:7: node 'first', choice 'go': unknown "
                                    "variable 'stabilty' (did you mean 'stability'?)")


def test_unknown_variable_in_when(problems_of):
    events = FIRST_NODE.replace("  title: First\n", '  title: First\n  when: "industy > 3"\n')
    assert has(problems_of(events), "node 'first': when: unknown variable 'industy' "
                                    "(did you mean 'industry'?)")


def test_unknown_flag_in_when(problems_of):
    events = FIRST_NODE.replace("  title: First\n",
                                '  title: First\n  when: "flags.nope"\n')
    assert has(problems_of(events), "unknown flag 'nope'")


def test_unknown_flag_in_clear(problems_of):
    events = FIRST_NODE.replace("{id: go, label: Go}", "{id: go, label: Go, clear: [ghost]}")
    assert has(problems_of(events), "unknown flag 'ghost'")


def test_disallowed_expression_is_reported(problems_of):
    events = FIRST_NODE.replace("  title: First\n",
                                '  title: First\n  when: "stability.__class__ == 1"\n')
    assert has(problems_of(events), "attribute access not allowed")


def test_expression_syntax_error(problems_of):
    events = FIRST_NODE.replace("  title: First\n", '  title: First\n  when: "stability >"\n')
    assert has(problems_of(events), "events.yaml:4: node 'first': when: syntax error")


def test_unknown_name_in_text(problems_of):
    events = FIRST_NODE.replace("  text: Start.\n", "  text: Start {leadr}.\n")
    assert has(problems_of(events), "unknown name '{leadr}' in text (did you mean 'leader'?)")


def test_unknown_name_in_ending_text(problems_of):
    game = GAME_YAML.replace("text: The end.", 'text: "The end of {stabilty}."')
    assert has(problems_of(game=game), "unknown name '{stabilty}'")


def test_scenario_without_start_node(problems_of):
    game = GAME_YAML.replace(", start: first}", "}")
    assert has(problems_of(game=game), "scenario 's': has no start node")


def test_scenario_with_unknown_start_node(problems_of):
    game = GAME_YAML.replace("start: first", "start: firts")
    assert has(problems_of(game=game), "start node 'firts' does not exist "
                                       "(did you mean 'first'?)")


def test_no_fallback_ending(problems_of):
    game = GAME_YAML.replace("{id: fallback, title:", '{id: fallback, when: "industry > 5", '
                                                      "title:")
    assert has(problems_of(game=game), "no fallback ending")


def test_all_problems_are_reported_together(problems_of):
    events = FIRST_NODE.replace("  histroy", "  history").replace(
        "  text: Start.\n", "  text: Start {x}.\n  colour: red\n").replace(
        "{id: go, label: Go}", "{id: go, label: Go, goto: nowhere}")
    problems = problems_of(events)
    assert len(problems) >= 3


def test_python_tag_is_refused(problems_of):
    events = FIRST_NODE.replace("  text: Start.\n", "  text: !!python/object:os.system ls\n")
    assert has(problems_of(events), "events.yaml:4: YAML tags are not supported")


def test_aliases_are_refused(problems_of):
    events = FIRST_NODE.replace("  text: Start.\n", "  text: &t Start.\n  history: *t\n")
    events = events.replace("  history: Real.\n", "", 1)
    problems = problems_of(events)
    assert has(problems, "anchors (&name) are not supported")
    assert has(problems, "aliases (*name) are not supported")


def test_unquoted_words_stay_text(make_content):
    from game.loader import load_story

    events = FIRST_NODE.replace("  title: First\n", "  title: NO\n").replace(
        "label: Go", "label: 1.10")
    story = load_story([make_content(events)])
    node = story.nodes["first"]
    assert node.title.source == "NO"
    assert node.choices[0].label.source == "1.10"


def test_missing_game_yaml(tmp_path):
    from game.loader import load_with_problems

    (tmp_path / "events.yaml").write_text(FIRST_NODE)
    story, problems = load_with_problems([tmp_path])
    assert story is None
    assert "no game.yaml" in problems[0].message


def test_scenario_tables_report_unknown_names_and_wrong_types(problems_of):
    game = GAME_YAML.replace(
        "  - {id: s, title: S, date: 1917-03, start: first}",
        "  - {id: s, title: S, date: 1917-03, start: first, vars: {stabilty: 3},\n"
        "     texts: {leader: [a, b], leadr: x}}")
    problems = problems_of(game=game)
    assert has(problems, "game.yaml:8: scenario 's': unknown variable 'stabilty' "
                         "(did you mean 'stability'?)")
    assert has(problems, "game.yaml:9: scenario 's': texts: 'leader' must be text")
    assert has(problems, "game.yaml:9: scenario 's': unknown text variable 'leadr' "
                         "(did you mean 'leader'?)")


def test_text_variable_in_effects_points_to_texts(problems_of):
    events = FIRST_NODE.replace("{id: go, label: Go}", "{id: go, label: Go, effects: {leader: 1}}")
    assert has(problems_of(events), "unknown variable 'leader' (text variables are set "
                                    "with 'texts:')")
