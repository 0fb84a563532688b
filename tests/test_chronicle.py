"""The Markdown chronicle of a run, and `octobers export SLOT [-o FILE]`."""

from __future__ import annotations

import pytest

from game.chronicle import chronicle, chronicle_name, entries_by_year, stats_rows
from game.cli import main
from game.engine import Game
from game.saves import SaveStore

from conftest import MINI


def played(story, choices, seed=4):
    game = Game.new(story, seed=seed)
    for number in choices:
        game.choose(number)
    return game


def test_a_finished_run_reads_as_timeline_stats_and_ending(mini_story):
    # Back the Soviet, rise (fails with seed 4), go on, submit: the Assembly rules.
    game = played(mini_story, [1, 1, 1, 2, 1])
    assert game.ending_id == "democratic"
    assert chronicle(game) == """\
# Mini Octobers: a chronicle

*February · seed 4 · March 1917 to March 1918 · 5 decisions*

## Timeline

### 1917

- **March — Petrograd.** The Soviet takes the lead. *Chosen: Back the Soviet.* (Stability -5)
- **July — July days.** The rising fails. *Chosen: Rise now.* (Stability -10)
- **August — August.** Go on.

### 1918

- **January — The Assembly.** The Assembly rules. *Chosen: Submit to it.*
- **March — Peace.** Peace is signed. *Chosen: Sign.* (Stability +3)

## Stats

| Year | Stability | Industry | War-readiness |
| :--- | ---: | ---: | ---: |
| Start, March 1917 | 40 | 20 | 30 |
| 1917 | 25 | 20 | 30 |
| 1918 | 28 | 20 | 30 |

## The ending: Democracy

The soviets rule. Prince Lvov leads.

3 million died.

Leading: Prince Lvov.

## How you got here

- **March 1917 — Petrograd.** *Chosen: Back the Soviet.* It moved something this ending turns on.
- **January 1918 — The Assembly.** *Chosen: Submit to it.* It moved something this ending turns on.
"""


def test_hidden_variables_never_appear_in_the_chronicle(mini_story):
    game = played(mini_story, [1, 1, 1, 2, 1])
    text = chronicle(game)
    assert "Soviet democracy" not in text and "War dead" not in text


def test_an_unfinished_run_says_where_the_story_stopped(mini_story):
    game = played(mini_story, [2])
    text = chronicle(game)
    assert "## The story goes on\n\nThe chronicle stops in August 1917, at *August*.\n" \
        in text
    assert "- **March — Petrograd.** Kerensky takes the lead. *Chosen: Back the Duma.* " \
        "(Stability +5)" in text
    assert "## The ending" not in text
    assert text.endswith("Leading: Kerensky.\n")


def test_a_new_game_has_an_empty_timeline_and_a_start_row(mini_story):
    text = chronicle(Game.new(mini_story, seed=1))
    assert "*February · seed 1 · March 1917 · 0 decisions*" in text
    assert "## Timeline\n\nNo decision has been taken yet.\n" in text
    assert "| Start, March 1917 | 40 | 20 | 30 |\n\n## The story goes on" in text


def test_abandoned_futures_are_listed_as_roads_not_taken(mini_story):
    game = played(mini_story, [1, 1, 1, 2, 1]).rewind(2)
    game.choose(2)  # End it, instead of going on to the Assembly
    text = chronicle(game)
    assert text.endswith(
        "## Roads not taken\n\n"
        "- Abandoned at decision 3 (August 1917, August): a future that reached "
        "*Democracy*, March 1918.\n")
    assert "- **August — August.** End it.\n" in text


def test_entries_group_by_year_and_stats_take_each_years_last_values(mini_story):
    game = played(mini_story, [1, 1, 1, 2, 1])
    assert [(year, [e.node_id for e in entries])
            for year, entries in entries_by_year(game.timeline)] == \
        [(1917, ["petrograd", "july", "august"]), (1918, ["assembly", "peace"])]
    assert stats_rows(game) == [("Start, March 1917", [40, 20, 30]), ("1917", [25, 20, 30]),
                                ("1918", [28, 20, 30])]


def test_chronicle_names_do_not_overwrite_earlier_ones(mini_story):
    game = played(mini_story, [1, 1, 1, 2, 1])
    assert chronicle_name(game) == "chronicle-february-democratic.md"
    assert chronicle_name(game, ["chronicle-february-democratic.md"]) == \
        "chronicle-february-democratic-2.md"
    assert chronicle_name(Game.new(mini_story, seed=1)) == "chronicle-february-unfinished.md"


# ---- octobers export -------------------------------------------------------------------------
@pytest.fixture
def saved(tmp_path, mini_story):
    store = SaveStore(tmp_path)
    game = played(mini_story, [1, 1, 1, 2, 1])
    store.save(game, "my run")
    return store, game


def export(*args: str) -> int:
    return main(["export", *args, "--content", str(MINI)])


def test_export_writes_the_chronicle_beside_the_saves_by_default(saved, capsys):
    store, game = saved
    assert export("my run", "--saves-dir", str(store.folder)) == 0
    target = store.folder / "my run-chronicle.md"
    assert target.read_text(encoding="utf-8") == chronicle(game)
    assert capsys.readouterr().out == f"Wrote {target}\n"


def test_export_to_a_file_or_to_stdout(saved, capsys, tmp_path):
    store, game = saved
    out = tmp_path / "elsewhere.md"
    assert export("my run", "--saves-dir", str(store.folder), "-o", str(out)) == 0
    assert out.read_text(encoding="utf-8") == chronicle(game)
    capsys.readouterr()
    assert export("my run", "--saves-dir", str(store.folder), "-o", "-") == 0
    assert capsys.readouterr().out == chronicle(game)


def test_export_of_a_missing_or_broken_slot_is_one_sentence(saved, capsys):
    store, _ = saved
    assert export("nothing", "--saves-dir", str(store.folder)) == 1
    err = capsys.readouterr().err
    assert err == f"octobers: there is no save 'nothing' in {store.folder}.\n"
    (store.folder / "broken.json").write_text("{", encoding="utf-8")
    assert export("broken", "--saves-dir", str(store.folder)) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "broken.json is not a usable save" in err


def test_export_refuses_a_slot_name_that_leaves_the_folder(saved, capsys):
    store, _ = saved
    with pytest.raises(SystemExit) as exit_:
        export("../etc", "--saves-dir", str(store.folder))
    assert exit_.value.code == 2
    assert "'../etc' is not a valid slot name" in capsys.readouterr().err


def test_export_that_cannot_write_is_one_sentence(saved, capsys, tmp_path):
    store, _ = saved
    target = tmp_path / "no" / "such" / "folder.md"
    assert export("my run", "--saves-dir", str(store.folder), "-o", str(target)) == 1
    assert capsys.readouterr().err == \
        f"octobers: could not write {target}: No such file or directory.\n"


def test_a_decisions_line_says_what_the_next_event_did_as_it_came_up(make_content):
    from game.chronicle import entry_line
    from game.engine import Game
    from game.loader import load_story

    events = """\
    - id: first
      date: 1917-03
      title: First
      text: t
      choices: [{id: go, label: Go}]
    - id: funeral
      date: 1924-01
      title: The funeral
      enter: {log: "Lenin is dead", effects: {stability: -4}}
      text: t
      choices: [{id: go, label: Go}]
    """
    game = Game.new(load_story([make_content(events)]), seed=1)
    game.choose("go")
    assert entry_line(game.timeline[0]).endswith("Then: Lenin is dead. (Stability -4)")
    game.choose("go")
    assert "Then:" not in entry_line(game.timeline[1])
