"""Hostile and broken saves: one clear sentence, nothing else touched, nothing lost."""

from __future__ import annotations

import errno
import io
import json
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_util import fuzz_examples

from game.engine import Game
from game.errors import SaveError
from game.loader import load_story
from game.saves import (
    AUTOSAVE,
    SAVE_FORMAT,
    SaveStore,
    check_slot,
    encode,
)

from conftest import FIXTURES, MINI, REPO

STORY = load_story([MINI])
GOLDEN = FIXTURES / "saves"
SAVED_AT = re.compile(rb'"saved_at":[-0-9.e+]+,')


def without_time(data: bytes) -> bytes:
    """Save bytes with the one field that is allowed to differ (saved_at) taken out."""
    assert len(SAVED_AT.findall(data)) == 1
    return SAVED_AT.sub(b"", data)


def random_game(draw: st.DrawFn) -> Game:
    """A game of the mini story after a random playthrough, with rewinds and branches."""
    scenario = draw(st.sampled_from([s.id for s in STORY.scenarios]))
    game = Game.new(STORY, scenario, seed=draw(st.integers(0, 2**63)))
    for _ in range(draw(st.integers(0, 8))):
        move = draw(st.sampled_from(["choose", "choose", "choose", "rewind", "restore"]))
        if move == "rewind" and game.path:
            game = game.rewind(draw(st.integers(0, len(game.path))))
        elif move == "restore" and game.branches:
            game = game.restore_branch(draw(st.integers(0, len(game.branches) - 1)))
        elif not game.over:
            views = [v for v in game.choices() if v.enabled]
            game.choose(draw(st.sampled_from(views)).id)
    return game


games = st.composite(random_game)


def played(seed: int = 11) -> Game:
    game = Game.new(STORY, seed=seed)
    game.choose("soviet")
    game.choose("rise")
    return game


# ---- round trip --------------------------------------------------------------------------------
@settings(max_examples=fuzz_examples(200), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(game=games(), tail=st.lists(st.integers(0, 10), max_size=4))
def test_save_load_save_gives_identical_bytes_and_the_same_future(tmp_path, game, tail):
    store = SaveStore(tmp_path)
    store.save(game, "trip")
    first = (tmp_path / "trip.json").read_bytes()
    loaded, notes = store.load("trip", STORY)
    assert notes == []
    store.save(loaded, "trip")
    assert without_time((tmp_path / "trip.json").read_bytes()) == without_time(first)
    assert without_time(encode(loaded, "trip")) == without_time(encode(game, "trip"))
    for pick in tail:  # the loaded game goes on exactly as the original would have
        if game.over:
            break
        views = [v for v in game.choices() if v.enabled]
        assert [v.id for v in loaded.choices()] == [v.id for v in game.choices()]
        choice = views[pick % len(views)].id
        assert loaded.choose(choice).entry == game.choose(choice).entry
        assert loaded.values == game.values and loaded.rng_state == game.rng_state


# ---- broken saves ------------------------------------------------------------------------------
def good_json() -> dict:
    return json.loads(encode(played(), "x"))


def mutated(change) -> bytes:
    data = good_json()
    change(data)
    return json.dumps(data).encode()


BROKEN = {
    "empty": (b"", "is empty"),
    "blank": (b"  \n\t\n", "is empty"),
    "truncated": (encode(played(), "x")[:200], "truncated or damaged"),
    "nul_filled": (b"\x00" * 4096, "truncated or damaged"),
    "binary": (bytes(range(256)) * 4, "not UTF-8 text"),
    "latin1": ('{"kind": "many-octobers-save", "game": "Octobres é"}'.encode("latin-1"),
               "not UTF-8 text"),
    "not_json": (b"this is not a save\n", "truncated or damaged"),
    "yaml": (b"kind: many-octobers-save\nformat: 1\n", "truncated or damaged"),
    "nan": (encode(played(), "x").replace(b'"turn":2', b'"turn":NaN'), "NaN"),
    "infinity": (encode(played(), "x").replace(b'"turn":2', b'"turn":-Infinity'), "Infinity"),
    "duplicate_key": (encode(played(), "x").replace(b'"turn":2', b'"turn":2,"turn":3'),
                      "duplicate key 'turn'"),
    "deep_array": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "deep_inside": (encode(played(), "x").replace(b'"problems":[]',
                                                   b'"problems":' + b"[" * 50_000
                                                   + b"]" * 50_000), "nested too deeply"),
    "huge_int": (encode(played(), "x").replace(b'"turn":2', b'"turn":' + b"9" * 5000),
                 "not valid JSON text"),
    "array": (b"[1, 2, 3]", "is not a Many Octobers save"),
    "string": (b'"many-octobers-save"', "is not a Many Octobers save"),
    "other_kind": (mutated(lambda d: d.update(kind="something-else")),
                   "is not a Many Octobers save"),
    "no_format": (mutated(lambda d: d.pop("format")), "no valid format version"),
    "format_text": (mutated(lambda d: d.update(format="1")), "no valid format version"),
    "format_bool": (mutated(lambda d: d.update(format=True)), "no valid format version"),
    "future": (mutated(lambda d: d.update(format=SAVE_FORMAT + 1)),
               f"newer version of Many Octobers (save format {SAVE_FORMAT + 1})"),
    "too_old": (mutated(lambda d: d.update(format=0)), "too old to load"),
    "other_game": (mutated(lambda d: d.update(game="Another Game")),
                   "belongs to another game ('Another Game')"),
    "no_state": (mutated(lambda d: d.pop("state")), "is damaged"),
    "state_list": (mutated(lambda d: d.update(state=[])), "is damaged"),
    "values_list": (mutated(lambda d: d["state"].update(values=[1, 2])),
                    "state values: expected an object"),
    "value_text": (mutated(lambda d: d["state"]["values"].update(stability=[1])),
                   "state values 'stability': expected a whole number"),
    "value_float": (mutated(lambda d: d["state"]["values"].update(stability=1.5)),
                    "state values 'stability': expected a whole number"),
    "turn_text": (mutated(lambda d: d["state"].update(turn="2")),
                  "state turn: expected a whole number"),
    "turn_negative": (mutated(lambda d: d["state"].update(turn=-1)),
                      "state turn: expected a whole number from 0 to 10,000"),
    "rng_huge": (mutated(lambda d: d["state"].update(rng=2**64)),
                 "state rng: expected a whole number from 0 to 2^64-1"),
    "seed_float": (mutated(lambda d: d["origin"].update(seed=1.0)),
                   "origin seed: expected a whole number"),
    "date_words": (mutated(lambda d: d["state"].update(date="March 1917")),
                   "state date: expected a date like 1917-03"),
    "date_month_13": (mutated(lambda d: d["state"].update(date="1917-13")),
                      "state date: expected a date like 1917-03"),
    "flags_dict": (mutated(lambda d: d["state"].update(flags={"a": 1})),
                   "state flags: expected a list"),
    "chosen_triple": (mutated(lambda d: d["state"].update(chosen=[["a", "b", "c"]])),
                      "state chosen 1: expected [node, choice]"),
    "path_numbers": (mutated(lambda d: d.update(path=[[1, 2]])), "path step 1: expected a text"),
    "branch_text": (mutated(lambda d: d.update(branches=["x"])), "branch 1: expected an object"),
    "timeline_turn": (mutated(lambda d: d["timeline"][0].update(turn=[1])),
                      "timeline entry 1 turn: expected a whole number"),
    "history_pairs": (mutated(lambda d: d.update(history=[["1917-03", {}, 3]])),
                      "history record 1: expected [date, values]"),
    "history_date": (mutated(lambda d: d.update(history=[["soon", {}]])),
                     "history record 1: expected a date"),
    "changes_huge": (mutated(lambda d: d["timeline"][0]["changes"].update(
        stability=["S", "@", 2, True])).replace(b'"@"', b"1e400"),
                     "timeline entry 1 changes of 'stability': expected a whole number"),
    "unclosed_array": (b"[" * 5000, "is not a usable save"),
    "escape_in_log": (mutated(lambda d: d["timeline"][0].update(log="\x1b]52;c;ZXZpbA==\x07")),
                      "it holds control characters"),
    "escape_in_key": (mutated(lambda d: d["state"]["values"].update({"\x1b[2J": 1})),
                      "it holds control characters"),
    "escape_in_scenario": (mutated(lambda d: d["origin"].update(scenario="\x9b31m")),
                           "it holds control characters"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_save_gives_one_sentence_and_leaves_other_saves_alone(tmp_path, name):
    content, phrase = BROKEN[name]
    store = SaveStore(tmp_path)
    store.save(played(), "good")
    store.autosave(played(3))
    before = {p.name: p.read_bytes() for p in tmp_path.glob("*.json")}
    (tmp_path / "bad.json").write_bytes(content)
    with pytest.raises(SaveError) as caught:
        store.load("bad", STORY)
    message = str(caught.value)
    assert phrase in message
    assert message.startswith(str(tmp_path / "bad.json"))
    assert message.endswith(".") and "\n" not in message
    assert "Traceback" not in message
    # nothing else changed, and the other saves still load and list
    assert {p.name: p.read_bytes() for p in tmp_path.glob("*.json") if p.name != "bad.json"} \
        == before
    assert store.load("good", STORY)[0].turn == 2
    assert store.load(AUTOSAVE, STORY)[0].turn == 2
    slots = {info.slot: info for info in store.slots()}
    assert slots["good"].problem is None and slots[AUTOSAVE].problem is None
    if name != "other_game":  # a save of another game reads; it only fails to load here
        assert slots["bad"].problem is not None
        assert (tmp_path / "bad.json").read_bytes() == content


def test_an_oversized_save_is_refused_unread(tmp_path):
    from game.saves import MAX_SAVE_BYTES

    (tmp_path / "big.json").write_bytes(b" " * (MAX_SAVE_BYTES + 1))
    with pytest.raises(SaveError, match="too large to be a save"):
        SaveStore(tmp_path).load("big", STORY)


def test_a_missing_save_is_one_sentence(tmp_path):
    with pytest.raises(SaveError, match=r"^There is no save at .*nothing\.json\.$"):
        SaveStore(tmp_path).load("nothing", STORY)


def test_a_save_that_is_a_folder_is_one_sentence(tmp_path):
    (tmp_path / "dir.json").mkdir()
    with pytest.raises(SaveError) as caught:
        SaveStore(tmp_path).load("dir", STORY)
    assert "\n" not in str(caught.value)
    assert [i.slot for i in SaveStore(tmp_path).slots() if i.problem] == ["dir"]


def _junk_containers(inner: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)


JUNK = st.recursive(st.none() | st.booleans() | st.integers() | st.floats()
                    | st.text(max_size=8), _junk_containers, max_leaves=6)


@settings(max_examples=fuzz_examples(300), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_damaged_saves_load_or_give_one_sentence(tmp_path, data):
    # Change one value anywhere in a real save to any JSON value, or cut or flip its bytes.
    raw = SAVED_AT.sub(b'"saved_at":1.0,', encode(played(data.draw(st.integers(0, 50))), "x"))
    how = data.draw(st.sampled_from(["value", "value", "cut", "flip"]))
    if how == "value":
        doc = json.loads(raw)
        spots: list = []

        def walk(node):
            if isinstance(node, dict | list):
                spots.append(node)
                for child in (node.values() if isinstance(node, dict) else node):
                    walk(child)

        walk(doc)
        spot = data.draw(st.sampled_from(spots))
        keys = list(spot) if isinstance(spot, dict) else list(range(len(spot)))
        if keys:
            key = data.draw(st.sampled_from(keys))
            if isinstance(spot, dict) and data.draw(st.booleans()):
                del spot[key]
            else:
                spot[key] = data.draw(JUNK)
        raw = json.dumps(doc, allow_nan=True).encode()
    elif how == "cut":
        raw = raw[:data.draw(st.integers(0, len(raw)))]
    else:
        index = data.draw(st.integers(0, len(raw) - 1))
        raw = raw[:index] + bytes([data.draw(st.integers(0, 255))]) + raw[index + 1:]
    (tmp_path / "f.json").write_bytes(raw)
    store = SaveStore(tmp_path)
    try:
        game, notes = store.load("f", STORY)
    except SaveError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(str(tmp_path / "f.json"))
    else:  # whatever loaded can be shown, played and saved again
        assert all(isinstance(note, str) for note in notes)
        for _ in range(3):
            if game.over:
                game.ending_text()
                break
            game.scene()
            game.choose(game.choices()[0].id)
        store.save(game, "again")
        store.load("again", STORY)
    store.slots()  # the save list never fails


# ---- newer formats are never overwritten -------------------------------------------------------
@pytest.mark.parametrize("slot", ["mine", AUTOSAVE])
def test_a_newer_format_save_is_never_overwritten(tmp_path, slot):
    store = SaveStore(tmp_path)
    future = mutated(lambda d: d.update(format=SAVE_FORMAT + 1))
    (tmp_path / f"{slot}.json").write_bytes(future)
    with pytest.raises(SaveError, match="newer version of Many Octobers"):
        store.save(played(), slot) if slot != AUTOSAVE else store.autosave(played())
    assert (tmp_path / f"{slot}.json").read_bytes() == future
    assert not list(tmp_path.glob(".tmp-*"))


# ---- golden saves ------------------------------------------------------------------------------
@pytest.mark.parametrize("path", sorted(GOLDEN.glob("format*.json")), ids=lambda p: p.stem)
def test_golden_saves_load_and_play_on_to_an_ending(tmp_path, path):
    store = SaveStore(tmp_path)
    (tmp_path / path.name).write_bytes(path.read_bytes())
    game, notes = store.load(path.stem, STORY)
    assert notes == []
    data = json.loads(path.read_bytes())
    assert game.turn == data["state"]["turn"] and game.path == [tuple(p) for p in data["path"]]
    if game.path:  # the timeline can be rewound: the recorded path still replays
        assert game.rewind(len(game.path) - 1).turn == len(game.path) - 1
    for branch in range(len(game.branches)):
        game.restore_branch(branch)
    while not game.over:
        game.choose(game.choices()[0].id)
    assert game.ending_text()[0]
    store.save(game, "continued")
    assert store.load("continued", STORY)[0].ending_id == game.ending_id


def test_there_is_a_golden_save_for_every_format_still_loaded():
    from game.saves import OLDEST_FORMAT

    for version in range(OLDEST_FORMAT, SAVE_FORMAT + 1):
        assert list(GOLDEN.glob(f"format{version}_*.json")), f"no golden save of format {version}"


# ---- temporary files ---------------------------------------------------------------------------
def test_stale_temp_files_are_cleaned_and_saves_are_not(tmp_path):
    store = SaveStore(tmp_path)
    store.save(played(), "keep")
    stale = [tmp_path / ".tmp-abc.json", tmp_path / ".tmp-1-link.json"]
    fresh = tmp_path / ".tmp-fresh.json"
    for path in [*stale, fresh]:
        path.write_bytes(b"{half a save")
    old = time.time() - 3600
    for path in stale:
        os.utime(path, (old, old))
    assert store.clean_temp_files() == 2
    assert not any(p.exists() for p in stale)
    assert fresh.exists()  # another game may be writing it right now
    assert (tmp_path / "keep.json").exists()
    assert [i.slot for i in store.slots()] == ["keep"]


def test_play_cleans_stale_temp_files_at_start(tmp_path, monkeypatch):
    from game.cli import main

    saves = tmp_path / "saves"
    saves.mkdir()
    stale = saves / ".tmp-crash.json"
    stale.write_bytes(b"{")
    os.utime(stale, (time.time() - 3600,) * 2)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert main(["play", "--plain", "--content", str(MINI), "--saves-dir", str(saves)]) == 0
    assert not stale.exists()
    assert (saves / "autosave.json").exists()


# ---- the CLI offers a backup -------------------------------------------------------------------
def test_plain_mode_offers_the_newest_backup_that_loads(tmp_path, monkeypatch, capsys):
    from game.cli import main

    saves = tmp_path / "saves"
    store = SaveStore(saves)
    game = Game.new(STORY, seed=2)
    store.autosave(game)  # becomes autosave.2
    game.choose("soviet")
    store.autosave(game)  # becomes autosave.1, then damaged below
    game.choose("rise")
    store.autosave(game)
    (saves / "autosave.json").write_bytes(b"\x00" * 100)
    (saves / "autosave.1.json").write_bytes(b"{")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    status = main(["play", "--plain", "--content", str(MINI), "--saves-dir", str(saves),
                   "--load", AUTOSAVE])
    err = capsys.readouterr().err
    assert status == 1
    assert err.splitlines() == [
        f"octobers: {saves / 'autosave.json'} is not a usable save (it is truncated or "
        "damaged).",
        "octobers: a backup copy loads: octobers play --plain --load autosave.2",
    ]
    assert "Traceback" not in err


# ---- a saves folder that cannot be written -----------------------------------------------------
def run_plain(args: list[str], stdin: str, monkeypatch) -> tuple[int, str]:
    from game.cli import main

    out = io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    monkeypatch.setattr(sys, "stdout", out)
    status = main(["play", "--plain", "--content", str(MINI), "--seed", "5", *args])
    return status, " ".join(out.getvalue().split())  # plain mode wraps lines at spaces


def test_a_saves_folder_that_is_a_file_gives_a_notice_and_play_goes_on(tmp_path, monkeypatch):
    blocked = tmp_path / "saves"
    blocked.write_text("I am a file")
    status, out = run_plain(["--saves-dir", str(blocked)], "1\n1\n1\n1\n1\n", monkeypatch)
    assert status == 0
    assert "(Autosave failed: Could not write to the saves folder" in out
    assert "Play goes on.)" in out
    assert "THE END:" in out
    assert blocked.read_text() == "I am a file"


def test_a_full_disk_gives_a_notice_and_play_goes_on(tmp_path, monkeypatch):
    real_fsync = os.fsync

    def full(fd):
        if os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).startswith(".tmp-"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc to tell temp files apart")
    saves = tmp_path / "saves"
    store = SaveStore(saves)
    store.autosave(Game.new(STORY, seed=9))
    kept = (saves / "autosave.json").read_bytes()
    monkeypatch.setattr(os, "fsync", full)
    status, out = run_plain(["--saves-dir", str(saves)], "1\n1\n", monkeypatch)
    assert status == 0
    assert out.count("(Autosave failed: Could not write to the saves folder") == 3
    assert "No space left on device" in out
    assert (saves / "autosave.json").read_bytes() == kept  # the last good autosave survives
    assert not list(saves.glob(".tmp-*"))


def test_a_read_only_saves_folder_gives_a_notice(tmp_path, monkeypatch):
    # Root ignores permissions, so make the write itself fail as a read-only folder would.
    import tempfile

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    status, out = run_plain(["--saves-dir", str(tmp_path / "ro")], "1\n", monkeypatch)
    assert status == 0
    assert "(Autosave failed: Could not write to the saves folder" in out
    assert "Read-only file system" in out


# ---- slot names --------------------------------------------------------------------------------
@pytest.mark.parametrize("slot", [
    "../escape", "..", ".", "/etc/passwd", "a/b", "a\\b", "C:evil", ".hidden", "", " lead",
    "trail ", "x" * 49, "nul\x00", "line\n", "tab\t", "name.json", "autosave.0", "autosave.10",
    "é", "Ｆｕｌｌ", "a\u202eb", "CON", "nul", "com1", "LPT9.1", None, 3,
])
def test_slot_names_that_could_leave_the_folder_are_refused(slot):
    with pytest.raises(SaveError):
        check_slot(slot)


@pytest.mark.parametrize("slot", ["autosave", "autosave.3", "My game 2", "a", "x" * 48,
                                  "before_peace", "1917-10", "console"])
def test_ordinary_slot_names_are_accepted(tmp_path, slot):
    assert SaveStore(tmp_path).path(slot) == tmp_path / f"{slot}.json"


@settings(max_examples=fuzz_examples(500), deadline=None)
@given(st.text(max_size=60))
def test_fuzz_any_accepted_slot_stays_inside_the_folder(slot):
    folder = Path("/saves/folder")
    try:
        path = SaveStore(folder).path(slot)
    except SaveError as exc:
        assert "\n" not in str(exc)
        return
    assert path.parent == folder
    assert path.name == f"{slot}.json"
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 _-]*(\.[1-9])?\.json", path.name)
    assert os.path.normpath(path) == str(path)


# ---- two games at once -------------------------------------------------------------------------
WRITER = textwrap.dedent("""
    import sys
    from game.engine import Game
    from game.loader import load_story
    from game.saves import SaveStore
    story = load_story([sys.argv[1]])
    store = SaveStore(sys.argv[2])
    seed = int(sys.argv[3])
    failures = 0
    for i in range(int(sys.argv[4])):
        game = Game.new(story, seed=seed * 1000 + i)
        game.choose(game.choices()[0].id)
        store.save(game, "shared")
        store.autosave(game)
    print("done")
""")


def test_two_games_writing_one_slot_at_once_never_corrupt_it(tmp_path):
    saves = tmp_path / "saves"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(MINI), str(saves), str(n),
                               "150"], cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for n in (1, 2)]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-2000:]
        assert out.strip() == "done"
    store = SaveStore(saves)
    for slot in ("shared", AUTOSAVE, *store.backups(AUTOSAVE)):
        game, _ = store.load(slot, STORY)
        assert game.turn == 1
    assert store.backups(AUTOSAVE) == ["autosave.1", "autosave.2", "autosave.3"]
    assert not list(saves.glob(".tmp-*"))


def test_a_held_lock_delays_a_save_and_then_it_succeeds(tmp_path):
    fcntl = pytest.importorskip("fcntl")
    store = SaveStore(tmp_path)
    store.save(played(), "first")  # creates the folder and the lock file
    marker = tmp_path / "released"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys, time\n"
         "fd = os.open(sys.argv[1], os.O_RDWR)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(0.3)\n"
         "open(sys.argv[2], 'w').close()\nos.close(fd)\ntime.sleep(5)\n",
         str(tmp_path / ".octobers.lock"), str(marker)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        store.save(played(4), "second")  # waits for the lock, then writes
        assert marker.exists()  # the write went in only after the holder let go
    finally:
        holder.kill()
        holder.wait(timeout=10)
    assert store.load("second", STORY)[0].turn == 2
    assert fcntl  # the platform has advisory locks
