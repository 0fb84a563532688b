"""Every key of the plain prompt, as a player types it: `octobers play --plain` in a
subprocess with its input piped (docs/playing.md, "Plain mode")."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

from game.engine import Game
from game.plain import COMMANDS, PlainSession
from game.saves import SaveStore

from conftest import MINI, REPO

PROMPT = re.compile(r"^(Your choice \[[^\]]*\]:|The end\. Keys: .*finish:|.*Save over it\? "
                    r"\[y/N\])(?: (?P<entry>.*))?$")


def play(tmp_path, stdin: str, *args: str, columns: int = 80) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "game", "play", "--plain", "--content", str(MINI),
         "--saves-dir", str(tmp_path), *args],
        input=stdin, capture_output=True, text=True, cwd=REPO, timeout=120,
        env={**os.environ, "COLUMNS": str(columns)})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def flat(text: str) -> str:
    """Text with its wrapping undone (every run of spaces and newlines one space)."""
    return " ".join(text.split())


def answers(out: str) -> list[tuple[str, str]]:
    """(what was typed, what the game answered) for each prompt, in order: piped input is
    echoed after the prompt."""
    pairs: list[tuple[str, list[str]]] = []
    for line in out.splitlines():
        match = PROMPT.match(line)
        if match:
            pairs.append((match.group("entry") or "", []))
        elif pairs:
            pairs[-1][1].append(line)
    return [(entry, "\n".join(lines)) for entry, lines in pairs]



def test_every_key_in_one_game(tmp_path):
    keys = ["?", "o", "t", "u", "d", "c lenin", "s", "s ../x", "s autosave", "s mine", "2",
            "t", "r 1", "t", "r B1", "e", "l", "l nothere", "l mine",
            "2", "1", "1", "1", "t", "e", ""]
    out = play(tmp_path, "\n".join(keys) + "\n", "--seed", "4")
    said = answers(out)
    assert [entry for entry, _ in said] == keys
    reply = dict(enumerate(text for _, text in said))

    assert "? for help, q to quit]: ?" in out  # the prompt names help and quit
    for command in COMMANDS:  # ? lists every key
        key = f"{command.key} {command.arg}".strip()
        assert f"  {key:<8} {command.help[:20]}" in reply[0], command.key
    assert "  1-2      take that choice" in reply[0]
    assert "In our timeline: Petrograd" in reply[1]
    assert "In our timeline Nicholas II abdicated on 15 March 1917." in reply[1]
    assert "No decision has been taken yet." in reply[2]
    assert "STATE OF THE UNION" in reply[3] and "Stability: 40 (from 0 to 100)" in reply[3]
    assert re.search(r"^  democracy +30  hidden$", reply[4], re.M)  # d shows hidden ones
    assert "Flags\n  none set" in reply[4] and "came up by" in reply[4]
    assert "There is no codex in this content." in reply[5]
    assert "Saves in " in reply[6] and "none yet." in reply[6]
    assert "'../x' is not a valid slot name" in reply[7]
    assert "'autosave' is kept for the automatic save; choose another name." in reply[8]
    assert "Saved to 'mine'" in reply[9] and (tmp_path / "mine.json").is_file()
    assert "→ Kerensky takes the lead." in reply[10]

    assert "  1. March — Petrograd: Kerensky takes the lead." in reply[11]
    assert "Now · August 1917 · August (your decision)" in reply[11]
    assert "Back in March 1917. The future you left is kept as a branch" in reply[12]
    assert "March 1917 · Petrograd" in reply[12]  # the rewound game is shown afresh
    assert "B1. August, August 1917: 1 decision; parted from this timeline at the start" \
        in reply[13]
    assert "Back in the future you left, August 1917." in reply[14]
    assert "August 1917 · August" in reply[14]
    chronicle = tmp_path / "chronicle-february-unfinished.md"
    assert f"Chronicle written to {chronicle}" in flat(reply[15])
    assert "## The story goes on" in chronicle.read_text()
    assert "  - mine: March 1917 · Petrograd;" in reply[16]
    assert "  - autosave: August 1917 · August;" in reply[16]
    assert flat(reply[17]) == f"There is no save at {tmp_path / 'nothere.json'}."
    assert "Loaded 'mine'." in reply[18] and "March 1917 · Petrograd" in reply[18]

    ending = reply[22]
    assert "THE END: Grey" in ending and "Nothing much changes." in ending
    assert "Stability 25 · Industry 20 · War-readiness 30 · Leading: Kerensky" in ending
    assert "4 decisions, March 1917 to March 1918" in ending
    assert ("How you got here\n"
            "  - March 1917 — Petrograd. Chosen: Back the Duma. Stability +5.") in ending
    assert "Endings discovered: 1 of 3" in ending
    assert "The end · Grey" in reply[23]
    assert (tmp_path / "chronicle-february-grey.md").is_file()
    assert f"Chronicle written to {tmp_path / 'chronicle-february-grey.md'}" in flat(reply[24])
    assert out.rstrip().splitlines()[-1] == "ending: grey"


def test_q_quits_and_saves(tmp_path):
    out = play(tmp_path, "2\nq\n1\n", "--seed", "4")
    assert [entry for entry, _ in answers(out)] == ["2", "q"]  # nothing read after q
    assert "Continue it with: octobers play --plain --load autosave" in flat(out)
    again = play(tmp_path, "", "--load", "autosave")
    assert "August 1917 · August" in again


def test_dev_says_why_each_choice_is_open_or_locked(tmp_path):
    out = play(tmp_path, "1\n", "--seed", "4", "--dev")
    july = out.split("July days", 1)[1]
    assert "  1. Rise now\n     open: no condition" in july
    assert ('  2. [locked: The Soviet will not wait.] Wait\n'
            '     locked: when "democracy > 100" → false (democracy = 40)') in july
    assert '[hidden] hidden: Hidden choice (when "flags.no_stalin" → false' in july
    plain = play(tmp_path / "other", "1\n", "--seed", "4")
    assert "open: no condition" not in plain and "[hidden]" not in plain


def test_save_over_an_existing_slot_asks_first(tmp_path, mini_story):
    store = SaveStore(tmp_path)
    out = io.StringIO()
    game = Game.new(mini_story, seed=4)
    session = PlainSession(game, store, io.StringIO("s keep\n2\ns keep\nn\ns keep\ny\nq\n"),
                           out)
    session.run()
    text = out.getvalue()
    assert text.count("There is already a save called 'keep'. Save over it? [y/N]") == 2
    assert "Not saved." in text
    loaded, _ = store.load("keep", game.story)
    assert loaded.node_id == "august"  # the second "yes" saved over the first


def test_a_bad_save_is_one_sentence_and_names_a_backup(tmp_path, mini_story):
    store = SaveStore(tmp_path)
    first = PlainSession(Game.new(mini_story, seed=4), store, io.StringIO("2\n1\nq\n"),
                         io.StringIO())
    first.run()
    (tmp_path / "autosave.json").write_text("{oops")
    out = io.StringIO()
    PlainSession(Game.new(mini_story, seed=4), SaveStore(tmp_path),
                 io.StringIO("l autosave\nq\n"), out).run()
    text = flat(out.getvalue())
    assert "autosave.json is not a usable save" in text
    assert "A backup that loads exists: autosave.1." in text
    assert "Traceback" not in text


LOG = ("The detachments ride out to the Volga villages with quotas, rifles and lists of "
       "kulaks, and come back with a third of the grain and none of the goodwill.")


def test_consequences_wrap_at_spaces_and_never_split_a_word(make_content, tmp_path):
    from game.loader import load_story

    folder = make_content(events=f"""\
        - id: first
          date: 1917-03
          title: The *grain* levy
          text: "The commissars read *Pravda* aloud.\\n\\n- one\\n- two\\n\\n> A quote."
          history: _In our timeline_ it failed.
          choices:
            - {{id: go, label: "Send the **detachments**", log: "{LOG}",
                effects: {{stability: -5, industry: +3}}}}
        """)
    out = io.StringIO()
    session = PlainSession(Game.new(load_story([folder]), seed=1), SaveStore(tmp_path),
                           io.StringIO("o\n1\n"), out, width=40)
    session.run()
    text = out.getvalue()
    assert all(len(line) <= 40 for line in text.splitlines())
    assert "The grain levy" in text and "Send the detachments" in text
    assert "The commissars read Pravda aloud." in text
    assert "  - one\n  - two\n\n    A quote." in text
    assert "In our timeline it failed." in text
    said = text.split("→ ", 1)[1].split("\n\n", 1)[0].splitlines()
    assert said[0].startswith("The detachments") and all(s.startswith("  ") for s in said[1:])
    assert flat(" ".join(said)).startswith(LOG)  # every word whole, in order
    assert "*" not in text and "_" not in text
