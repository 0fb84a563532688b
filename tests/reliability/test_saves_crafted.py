"""Crafted saves that passed the old checks and crashed later (issue 14), and the schema fuzz.

Every field of a save is checked for type and range on load (game/savecheck.py), the writer
checks what it writes the same way, a damaged autosave never rotates a good backup out, and
the ending chart's work follows the screen, not the data. The fuzz mutates a real save at and
past every bound and asserts: a save loads and re-saves, or it is one SaveError sentence.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_util import fuzz_examples

from game import savecheck
from game.chronicle import chronicle
from game.engine import Game
from game.errors import SaveError
from game.loader import load_story
from game.saves import AUTOSAVE, SaveStore, encode, read_file

from conftest import MINI

STORY = load_story([MINI])


def played(seed: int = 11) -> Game:
    game = Game.new(STORY, seed=seed)
    game.choose("soviet")
    game.choose("rise")
    return game


def good() -> dict:
    return json.loads(encode(played(), "x"))


def write(path: Path, data: dict | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8",
                    errors="surrogatepass")  # a lone surrogate written raw: not UTF-8
    return path


def refused(tmp_path: Path, text: str, phrase: str) -> None:
    path = write(tmp_path / "crafted.json", text)
    with pytest.raises(SaveError) as caught:
        SaveStore(tmp_path).load("crafted", STORY)
    assert phrase in str(caught.value)
    assert [s.problem is not None for s in SaveStore(tmp_path).slots()] == [True]
    del path


def as_text(change) -> str:
    data = good()
    change(data)
    return json.dumps(data)


# ---- the crafted saves of the issue -----------------------------------------------------------
@pytest.mark.parametrize("value", ["1e400", "1e300", "-1", "true", '"soon"'])
def test_saved_at_out_of_range_is_refused(tmp_path, value):
    text = as_text(lambda d: d.update(saved_at=12345)).replace("12345", value)
    refused(tmp_path, text, "saved_at")


@pytest.mark.parametrize("key", ["saved_at", "began_at"])
def test_a_time_of_four_hundred_digits_is_refused_not_a_traceback(tmp_path, key):
    # math.isfinite(10**400) raises OverflowError: the check must not make the int a float
    text = as_text(lambda d: d.update({key: 12345})).replace("12345", "1" + "0" * 400)
    refused(tmp_path, text, key)


def test_huge_history_values_are_refused(tmp_path):
    refused(tmp_path, as_text(lambda d: d["history"][0][1].update(stability=10**40)),
            "history record 1 'stability': expected a whole number from -10^15 to 10^15")


def test_a_change_with_thousands_of_digits_is_refused(tmp_path):
    big = "9" * 4300  # each end is valid JSON; their difference has 4,301 digits
    text = as_text(lambda d: d["timeline"][0]["changes"].update(
        stability=["Stability", 1, 2, True])).replace('"Stability", 1, 2', f'"S", -{big}, {big}')
    refused(tmp_path, text, "timeline entry 1 changes of 'stability'")


@pytest.mark.parametrize("at", [-1, 99])
def test_a_branch_outside_its_path_is_refused(tmp_path, at):
    text = as_text(lambda d: d.update(branches=[{"at": at, "path": [["a", "b"]],
                                                 "date": "1917-03", "title": ""}]))
    refused(tmp_path, text, "branch 1 at: expected a whole number from 0 to 1")


def test_a_turn_with_thousands_of_digits_is_refused(tmp_path):
    text = as_text(lambda d: d["state"].update(turn=7)).replace('"turn": 7', '"turn": '
                                                                  + "9" * 4299)
    refused(tmp_path, text, "state turn")


@pytest.mark.parametrize("where", ["title", "log", "label"])
def test_a_lone_surrogate_is_refused(tmp_path, where):
    text = as_text(lambda d: d["timeline"][0].update({where: "SURROGATE"}))
    refused(tmp_path, text.replace("SURROGATE", "\\ud800"), "broken characters")


def test_history_running_backwards_is_refused(tmp_path):
    def backwards(d):
        d["history"] = [["1991-12", d["history"][0][1]], ["1917-01", d["history"][0][1]]]
    refused(tmp_path, as_text(backwards), "history record 2: the history runs backwards")


def test_a_timeline_running_backwards_is_refused(tmp_path):
    def backwards(d):
        d["timeline"][1]["date"] = "1900-01"
    refused(tmp_path, as_text(backwards), "timeline entry 2 date: the timeline runs backwards")


def test_a_million_timeline_entries_are_refused_before_anything_is_built(tmp_path):
    text = as_text(lambda d: d.update(timeline="MANY")).replace('"MANY"', "[" + ",".join(
        ["{}"] * 1_500_000) + "]")
    refused(tmp_path, text, "timeline: a list of more than 10,000 items")


def test_a_huge_summary_title_is_refused(tmp_path):
    refused(tmp_path, as_text(lambda d: d["summary"].update(title="T" * 4_900_000)),
            "the summary's title: a text longer than 1,000 characters")


def test_a_huge_text_value_is_refused(tmp_path):
    refused(tmp_path, as_text(lambda d: d["state"]["values"].update(leader="x" * 1001)),
            "state values 'leader': a text longer than 1,000 characters")


@pytest.mark.parametrize("date", ["0000-01", "9999-12", "1917-3"])
def test_dates_outside_the_content_years_are_refused(tmp_path, date):
    refused(tmp_path, as_text(lambda d: d["state"].update(date=date)), "state date")


def test_the_then_field_is_checked(tmp_path):
    def bad_then(d):
        d["timeline"][0]["then"] = {"node": "x", "title": "t", "log": "l",
                                    "changes": {"stability": ["S", 1, 10**20, True]}}
    refused(tmp_path, as_text(bad_then), "timeline entry 1 then changes of 'stability'")
    refused(tmp_path, as_text(lambda d: d.update(opening=["x"])), "opening: expected an object")


def test_the_load_and_save_dialog_list_a_crafted_save_without_crashing(tmp_path):
    text = as_text(lambda d: d.update(saved_at=1)).replace('"saved_at": 1,', '"saved_at": 1e400,')
    write(tmp_path / "crafted.json", text)
    infos = SaveStore(tmp_path).slots()
    assert len(infos) == 1 and infos[0].problem is not None
    time.localtime(infos[0].saved_at)  # the dialogs format this; 1e400 raised OverflowError


# ---- the writer and the backups ---------------------------------------------------------------
def test_a_game_beyond_the_bounds_is_not_written_and_the_old_save_stays(tmp_path):
    store = SaveStore(tmp_path)
    store.autosave(played())
    before = {p.name: p.read_bytes() for p in tmp_path.glob("*.json")}
    game = played()
    game.values["leader"] = "x" * 5000  # beyond what a save may hold
    with pytest.raises(SaveError, match="cannot be saved"):
        store.autosave(game)
    with pytest.raises(SaveError, match="cannot be saved"):
        store.save(game, "named")
    assert {p.name: p.read_bytes() for p in tmp_path.glob("*.json")} == before


def test_a_damaged_autosave_never_rotates_a_good_backup_out(tmp_path):
    store = SaveStore(tmp_path)
    game = Game.new(STORY, seed=11)
    for choice in ("soviet", "rise"):
        game.choose(choice)
        store.autosave(game)
    store.autosave(game)
    store.autosave(game)
    backups = {n: (tmp_path / f"{AUTOSAVE}.{n}.json").read_bytes() for n in (1, 2, 3)}
    (tmp_path / "autosave.json").write_text("{ damaged", encoding="utf-8")
    store = SaveStore(tmp_path)  # a new session: nothing remembered
    store.autosave(game)
    assert {n: (tmp_path / f"{AUTOSAVE}.{n}.json").read_bytes() for n in (1, 2, 3)} == backups
    read_file(tmp_path / "autosave.json")


# ---- the ending chart -------------------------------------------------------------------------
def test_the_chart_draws_at_most_the_plot_whatever_the_dates(monkeypatch):
    from game.tui.widgets import chart

    drawn = []
    real = chart._segment

    def counting(*args):
        dots = real(*args)
        drawn.append(len(dots))
        return dots

    monkeypatch.setattr(chart, "_segment", counting)
    points = tuple((date, value) for date, value in
                   [(10**7, 0), (0, 100), (10**7, 0), (-10**7, 100)] * 10)
    width, height = 60, 5
    chart.plot([chart.Series("S", points)], (0, 1), (0, 100), width, height)
    assert max(drawn) <= 2 * width + 4 * height  # a line never leaves the plot
    ticks = chart.year_ticks((0, 10**9), width)
    assert len(ticks) <= width // 5 + 1


# ---- the schema fuzz --------------------------------------------------------------------------
LIMITS = [savecheck.MAX_VALUE, savecheck.MAX_ITEMS, savecheck.MAX_TEXT_VALUE,
          savecheck.MAX_SUMMARY, savecheck.MAX_NAME, savecheck.MAX_SAVED_AT, 2**64, 10]
bounds = st.sampled_from(LIMITS).flatmap(lambda n: st.sampled_from([n - 1, n, n + 1, -n, -n - 1]))
strings = st.one_of(
    st.text(max_size=20),
    bounds.filter(lambda n: 0 <= n <= 200_001).map(lambda n: "é" * n),
    st.sampled_from(["\ud800", "\x1b[2J", "\u202e", "1917-03", "0000-01", "2199-12", "2200-01",
                     "1917-13", "1917-3", "1917-03\n", "soviet", "petrograd", ""]))
leaves = st.one_of(st.none(), st.booleans(), bounds, st.integers(), strings,
                   st.floats(allow_nan=False), st.just(10**4299))
values = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(strings, inner, max_size=3)), max_leaves=6)


def _places(data, prefix=()):
    """Every (container, key) in a JSON value, to mutate."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield data, key
            yield from _places(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield data, index
            yield from _places(value, prefix + (index,))


@settings(max_examples=fuzz_examples(300), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_fuzz_the_save_schema_at_and_past_every_bound(tmp_path, data):
    base = json.loads(encode(played(data.draw(st.integers(0, 50))), "fuzz"))
    for _ in range(data.draw(st.integers(1, 3))):
        places = list(_places(base))
        container, key = data.draw(st.sampled_from(places))
        kind = data.draw(st.sampled_from(["value", "repeat", "drop"]))
        if kind == "value":
            container[key] = data.draw(values)
        elif kind == "repeat" and isinstance(container[key], list | str):
            container[key] = container[key] * data.draw(st.sampled_from([0, 2, 10_001]))
        elif kind == "drop" and isinstance(container, dict):
            del container[key]
    folder = Path(tempfile.mkdtemp(dir=tmp_path))  # one folder per example
    path = write(folder / "fuzz.json", json.dumps(base, ensure_ascii=data.draw(st.booleans())))
    store = SaveStore(folder)
    try:
        game, _ = store.load("fuzz", STORY)
    except SaveError as exc:
        assert "\n" not in str(exc)
        for info in store.slots():  # the dialogs list it (as broken, or as another game's)
            time.localtime(info.saved_at)
        return
    for info in store.slots():
        time.localtime(info.saved_at)
    chronicle(game)
    again = encode(game, "again")  # what loads can be saved, and what is saved loads
    write(folder / "again.json", again.decode())
    read_file(folder / "again.json")
    del path
