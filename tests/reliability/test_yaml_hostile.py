"""Hostile content files: whatever the bytes, the reader ends in Problems at path:line."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_util import fuzz_examples

from game.errors import Problem
from game.loader import load_story, load_with_problems
from game.yamlsrc import MAX_DEPTH, MAX_FILE_BYTES, MAX_PROBLEMS, YMap, YSeq, YStr, parse_yaml

from conftest import FIRST_NODE, MINI, REPO


def messages(raw: bytes) -> list[str]:
    _, problems = parse_yaml(raw, "x.yaml")
    return [f"{p.where}: {p.message}" for p in problems]


def only_problem(raw: bytes) -> str:
    value, problems = parse_yaml(raw, "x.yaml")
    assert value is None
    assert len(problems) == 1, problems
    return f"{problems[0].where}: {problems[0].message}"


# ---- nesting and bombs -------------------------------------------------------------------------
DEEP_SCRIPT = """
import sys
from game.yamlsrc import parse_yaml
n = 100_000
raw = {
    "flow": b"[" * n + b"]" * n,
    "unclosed": b"[" * n,
    "flow_map": b"{a: " * n + b"1" + b"}" * n,
    "block": b"".join(b" " * i + b"- \\n" for i in range(1500)),
    "block_map": b"".join(b" " * i + b"a:\\n" for i in range(1500)),
}[sys.argv[1]]
value, problems = parse_yaml(raw, "deep.yaml")
assert value is None
print(problems[0].where, problems[0].message)
"""


@pytest.mark.parametrize("shape", ["flow", "unclosed", "flow_map", "block", "block_map"])
def test_deep_nesting_is_refused_without_crashing_the_process(shape):
    # PyYAML's C constructor segfaults on 100,000 nested '['; the reader never lets it build.
    done = subprocess.run([sys.executable, "-c", DEEP_SCRIPT, shape], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"nesting deeper than {MAX_DEPTH} levels" in done.stdout
    assert done.stdout.startswith("deep.yaml:")


def test_nesting_up_to_the_limit_is_accepted():
    raw = b"[" * MAX_DEPTH + b"x" + b"]" * MAX_DEPTH
    value, problems = parse_yaml(raw, "x.yaml")
    assert problems == []
    for _ in range(MAX_DEPTH - 1):
        value = value[0]
    assert value == ["x"]


def test_alias_bomb_expands_nothing():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    value, problems = parse_yaml("\n".join(lines).encode(), "bomb.yaml")
    text = [f"{p.where}: {p.message}" for p in problems]
    assert text[0] == "bomb.yaml:1:4: anchors (&name) are not supported in content"
    assert "bomb.yaml:2:8: aliases (*name) are not supported in content" in text
    # Reading stops after a bounded number of problems; nothing was expanded.
    assert len(problems) == MAX_PROBLEMS + 1
    assert "stopped reading it" in problems[-1].message


def test_a_file_full_of_aliases_is_read_quickly_and_bounded():
    raw = b"a: &a x\nb: [" + b"*a, " * 400_000 + b"*a]\n"
    assert len(raw) < MAX_FILE_BYTES
    _, problems = parse_yaml(raw, "x.yaml")
    assert len(problems) == MAX_PROBLEMS + 1


def test_many_duplicate_keys_are_bounded():
    raw = b"".join(b"a: 1\n" for _ in range(10_000))
    _, problems = parse_yaml(raw, "x.yaml")
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[0].message == "duplicate key 'a' (first given at line 1)"


def test_oversized_file_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    from game.yamlsrc import read_yaml

    value, problems = read_yaml(path, "big.yaml")
    assert value is None
    assert [p.message for p in problems] == ["file is larger than 2 MiB; split it"]
    assert parse_yaml(path.read_bytes(), "big.yaml")[1][0].message.startswith("file is larger")


# ---- tags and keys ---------------------------------------------------------------------------
@pytest.mark.parametrize("tag", [
    "!!python/object:os.system", "!!python/object/apply:os.system", "!!python/name:os.system",
    "!!python/module:os", "!!binary", "!!set", "!!omap", "!!timestamp", "!!float", "!!int",
    "!!bool", "!!null", "!custom", "!<tag:yaml.org,2002:python/object:os.system>",
])
def test_tags_are_refused_at_their_position(tag):
    problems = messages(f"title: ok\ntext: {tag} ls\n".encode())
    assert problems[0].startswith("x.yaml:2:7: YAML tags are not supported in content")


def test_python_object_tag_in_a_node_is_refused_by_the_loader(make_content):
    events = FIRST_NODE.replace("  text: Start.\n",
                                "  text: !!python/object/apply:os.system [echo pwned]\n")
    _, problems = load_with_problems([make_content(events)])
    assert [f"{Path(p.where.path).name}:{p.where.line}:{p.where.col}: {p.message}"
            for p in problems][0].startswith(
        "events.yaml:4:9: YAML tags are not supported in content "
        "(tag:yaml.org,2002:python/object/apply:os.system)")


def test_string_tags_are_allowed():
    value, problems = parse_yaml(b"a: !!str 1.10\nb: ! NO\n", "x.yaml")
    assert problems == []
    assert value == {"a": "1.10", "b": "NO"}


def test_merge_keys_are_refused():
    problems = messages(b"base: {x: 1}\nnode:\n  <<: {y: 2}\n  z: 3\n")
    assert problems == ["x.yaml:3:3: merge keys (<<) are not supported in content"]


def test_a_quoted_merge_key_is_an_ordinary_key():
    value, problems = parse_yaml(b'"<<": 1\n', "x.yaml")
    assert problems == [] and value == {"<<": "1"}


def test_a_complex_key_is_refused():
    assert messages(b"? [a, b]\n: 1\n") == [
        "x.yaml:1:3: a key must be a plain word, not a list or map"]


def test_several_documents_are_refused():
    assert messages(b"a: 1\n---\nb: 2\n") == [
        "x.yaml:1:1: a content file holds one YAML document, not several"]


# ---- scalars stay text ------------------------------------------------------------------------
def test_unquoted_yaml11_values_stay_exactly_as_written():
    raw = b"a: NO\nb: 1.10\nc: 12:30\nd: 2020-01-01\ne: 0x1F\nf: 1_000\ng: .inf\nh: ~\ni: 012\n"
    value, problems = parse_yaml(raw, "x.yaml")
    assert problems == []
    assert value == {"a": "NO", "b": "1.10", "c": "12:30", "d": "2020-01-01", "e": "0x1F",
                     "f": "1_000", "g": ".inf", "h": "~", "i": "012"}
    assert all(type(v) is YStr for v in value.values())


def test_text_fields_keep_yaml11_lookalikes_and_ids_report_them(make_content):
    events = """\
    - id: NO
      date: 1917-03
      title: 12:30
      text: 2020-01-01
      history: 1.10
      choices:
        - {id: yes, label: NO}
        - {id: off, label: 1.10}
        - {id: 1.10, label: 12:30}
        - {id: 2020-01-01, label: 2020-01-01}
    """
    game = textwrap.dedent("""\
    title: 1.10
    variables:
      stability: {label: NO, start: 50, shown: true}
    scenarios:
      - {id: s, title: 12:30, date: 1917-03, start: NO}
    endings:
      - {id: fallback, title: 2020-01-01, text: NO}
    """)
    story, problems = load_with_problems([make_content(textwrap.dedent(events), game)])
    found = [f"{Path(p.where.path).name}:{p.where.line}: {p.message}" for p in problems]
    assert "events.yaml:9: node 'NO': choice id '1.10' is not a valid id (use letters, digits " \
           "and _, not starting with a digit)" in found
    assert any(f.startswith("events.yaml:10: ") and "'2020-01-01' is not a valid id" in f
               for f in found)
    # Fix the two bad ids; everything else loads and keeps the text exactly as written.
    events = events.replace("{id: 1.10,", "{id: v110,").replace("{id: 2020-01-01,", "{id: d,")
    story = load_story([make_content(textwrap.dedent(events), game)])
    node = story.nodes["NO"]
    assert story.title == "1.10"
    assert node.title.source == "12:30"
    assert node.history == "1.10"
    assert [c.id for c in node.choices] == ["yes", "off", "v110", "d"]
    assert [c.label.source for c in node.choices] == ["NO", "1.10", "12:30", "2020-01-01"]
    assert story.variables["stability"].label == "NO"
    assert story.scenarios[0].title == "12:30"
    assert story.endings[0].title.source == "2020-01-01"


@pytest.mark.parametrize("big", ["9" * 5000, "1" + "0" * 12 + "1", "-" + "9" * 30])
def test_huge_numbers_in_content_are_reported_not_raised(problems_of, big):
    events = FIRST_NODE.replace("  date: 1917-03\n", f"  date: 1917-03\n  priority: {big}\n")
    events = events.replace("{id: go, label: Go}", f"{{id: go, label: Go, ai: {big}}}")
    problems = problems_of(events)
    assert "events.yaml:3: node 'first': priority is too large (at most 1,000,000,000,000 " \
           "either way)" in problems
    assert any(p.startswith("events.yaml:8: ") and "ai is too large" in p for p in problems)


def test_a_400_digit_decimal_is_not_infinity(problems_of):
    events = FIRST_NODE.replace("{id: go, label: Go}",
                                "{id: go, label: Go, ai: 1" + "0" * 400 + ".5}")
    assert any("ai is too large" in p for p in problems_of(events))


# ---- encodings and line breaks ---------------------------------------------------------------
def test_invalid_utf8_is_reported_at_line_and_column():
    assert only_problem(b"a: 1\nb: caf\xe9\n") == \
        "x.yaml:2:7: the file is not valid UTF-8 (save it as UTF-8)"


def test_utf16_is_reported_as_not_utf8():
    assert only_problem("a: 1\n".encode("utf-16")) == \
        "x.yaml:1:1: the file is not valid UTF-8 (save it as UTF-8)"


def test_a_leading_bom_is_dropped_and_positions_are_unchanged():
    value, problems = parse_yaml(b"\xef\xbb\xbfa: 1\nb: [\n", "x.yaml")
    assert value is None and problems[0].where.line == 3
    value, problems = parse_yaml(b"\xef\xbb\xbfa: NO\n", "x.yaml")
    assert problems == [] and value == {"a": "NO"}
    assert value["a"].where.line == 1 and value["a"].where.col == 4


def test_a_bom_after_the_start_is_reported():
    assert only_problem(b"a: 1\nb: x\xef\xbb\xbfy\n") == \
        "x.yaml:2:5: the file contains a byte-order mark (U+FEFF) after the start; remove it"


@pytest.mark.parametrize("newline", [b"\r\n", b"\r"])
def test_crlf_and_cr_files_read_like_lf_files(newline):
    lf = b"a: |\n  one\n  two\nb: [x,\n   y]\nc: 3\n"
    value, problems = parse_yaml(lf.replace(b"\n", newline), "x.yaml")
    assert problems == []
    assert value == {"a": "one\ntwo\n", "b": ["x", "y"], "c": "3"}
    assert value["c"].where.line == 6
    broken = b"a: 1\nb: 2\nc: [\n".replace(b"\n", newline)
    assert parse_yaml(broken, "x.yaml")[1][0].where.line == 4


def test_crlf_error_positions_match_the_editor(tmp_path):
    path = tmp_path / "crlf.yaml"
    path.write_bytes(b"a: 1\r\nb: caf\xe9\r\n")
    _, problems = parse_yaml(path.read_bytes(), str(path))
    assert (problems[0].where.line, problems[0].where.col) == (2, 7)
    assert "b: caf" in problems[0].format()


def test_tab_indentation_is_reported_with_a_hint():
    problems = messages(b"node:\n  title: a\n\ttext: b\n")
    assert len(problems) == 1
    assert problems[0].startswith("x.yaml:3:")
    assert problems[0].endswith("; indent with spaces, not tabs")
    problems = messages(b"a:\n\tb: 1\n")
    assert problems[0].startswith("x.yaml:2:1: ") and "indent with spaces" in problems[0]


def test_tabs_inside_text_are_fine():
    value, problems = parse_yaml(b'a: "x\ty"\nb: x\ty\n', "x.yaml")
    assert problems == [] and value == {"a": "x\ty", "b": "x\ty"}


@pytest.mark.parametrize("char, name", [
    ("\x00", "a NUL character"), ("\x01", "the control character U+0001"),
    ("\x1b", "the control character U+001B"), ("\x7f", "the control character U+007F"),
    ("\u0085", "the line break U+0085"), ("\u2028", "the line separator U+2028"),
    ("\u2029", "the paragraph separator U+2029"), ("\uffff", "the control character U+FFFF"),
])
def test_control_characters_and_odd_line_breaks_are_reported_at_their_place(char, name):
    raw = f"a: 1\nb: xy{char}z\n".encode()
    assert only_problem(raw) == f"x.yaml:2:6: the file contains {name}; remove it"


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u2069"])
def test_bidirectional_overrides_are_reported(char):
    # "Trojan source": what a reviewer of a pack reads must be what the game shows.
    assert only_problem(f"a: 1\nb: xy{char}z\n".encode()) == \
        f"x.yaml:2:6: the file contains the bidirectional character U+{ord(char):04X}; remove it"


@pytest.mark.parametrize("escape, code", [
    ("\\e[2J", "001B"), ("\\x1b]52;c;ZXZpbA==\\a", "001B"), ("\\x9b31m", "009B"),
    ("\\r", "000D"), ("\\0", "0000"), ("\\u202e", "202E"), ("\\L", "2028"),
])
def test_control_characters_written_as_escapes_are_reported(escape, code):
    raw = f'a: 1\ntitle: "Hello {escape} there"\n'.encode()
    assert messages(raw) == [f"x.yaml:2:8: the text holds the character U+{code} (written as an "
                             "escape); remove it"]


def test_tab_and_newline_escapes_are_fine():
    value, problems = parse_yaml(b'a: "one\\ttwo\\nthree \\u00e9"\n', "x.yaml")
    assert problems == [] and value == {"a": "one\ttwo\nthree é"}


def test_astral_and_accented_text_is_fine():
    value, problems = parse_yaml("a: Ленин 😀 café\n".encode(), "x.yaml")
    assert problems == [] and value == {"a": "Ленин 😀 café"}


# ---- fuzzing ---------------------------------------------------------------------------------
# OCTOBERS_FUZZ=10 multiplies every example count, for a longer hunt than CI's.
FUZZ = settings(max_examples=fuzz_examples(400), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
LOADER_FUZZ = settings(max_examples=fuzz_examples(120), deadline=None,
                       suppress_health_check=[HealthCheck.too_slow,
                                              HealthCheck.function_scoped_fixture])

YAML_BITS = st.sampled_from([
    "a", "id", "title", ":", ": ", "- ", "-", "[", "]", "{", "}", ",", "? ", "&x ", "*x", "!",
    "!!python/object:os.system ", "!!str ", "<<: ", "\n", "\n  ", "\n    ", "\t", "  ", "#",
    '"', "'", "\\", "|", ">", "|-", "---", "...", "%YAML 1.1", "%TAG ! tag:x,2000:", "NO",
    "1.10", "12:30", "2020-01-01", "~", "null", "é", "😀", "\r\n", "\r", "\ufeff", "\x00",
    "\u2028", "\x85", "\x07", "@", "`", "%", "{a: [b, {c: d}]}", "[" * 50, "]" * 50,
])


def check_result(value: object, problems: list[Problem]) -> None:
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.where.path == "fuzz.yaml"
        assert "\n" not in problem.message
    if problems and any(p.severity == "error" for p in problems):
        return
    stack = [value]
    while stack:
        item = stack.pop()
        assert item is None or isinstance(item, YStr | YMap | YSeq)
        if isinstance(item, YMap):
            stack.extend(item.values())
        elif isinstance(item, YSeq):
            stack.extend(item)


@FUZZ
@given(st.binary(max_size=400))
def test_fuzz_reader_with_bytes_ends_in_problems(raw):
    check_result(*parse_yaml(raw, "fuzz.yaml"))


@FUZZ
@given(st.lists(YAML_BITS, max_size=60).map("".join))
def test_fuzz_reader_with_yaml_like_text_ends_in_problems(text):
    check_result(*parse_yaml(text.encode("utf-8", "surrogatepass"), "fuzz.yaml"))


@FUZZ
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_fuzz_reader_with_unicode_text_ends_in_problems(text):
    check_result(*parse_yaml(text.encode("utf-8"), "fuzz.yaml"))


# Structured fuzzing of the whole loader: documents shaped like content, with random keys and
# values from the format's own vocabulary, written to a folder and loaded.
WORDS = ["id", "date", "until", "when", "priority", "title", "text", "history", "choices",
         "label", "effects", "assign", "set", "clear", "texts", "log", "goto", "outcomes",
         "weight", "locked", "ai", "extends", "replace", "stability", "industry", "leader",
         "first", "go", "s", "fallback", "collapse", "start", "min", "max", "shown", "variables",
         "scenarios", "endings", "immediate", "vars", "flags", "requires", "name", "version"]
SCALARS = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(["1917-03", "1917-13", "0000-00", "9999-12", "+5", "-5", "1.5", "1e999",
                     "NO", "yes", "true", "~", "", "stability > 3", "flags.x", "{leader}",
                     "{", "}", "{{", "visited('first')", "1/0", "stability ** 99", "2 ** 16",
                     "__import__('os')", "'", "0", "-0", "99999999999999999999", "nan",
                     "9" * 5000, "1" + "0" * 400 + ".5"]),
    st.text(max_size=12),
)


def yamlish(depth: int = 3) -> st.SearchStrategy[object]:
    if depth == 0:
        return SCALARS
    inner = yamlish(depth - 1)
    return st.one_of(
        SCALARS,
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(WORDS), inner, max_size=6),
    )


def dump(value: object) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)  # JSON is YAML; every scalar quoted


PACK_WORDS = ["name", "version", "requires", "game", "packs", "description", "variables",
              "flags", "scenarios", "endings"]
PACK_SCALARS = st.sampled_from(["mini", "Mini Octobers", "0.1", ">=0.1", "<0.1, >=9", "==",
                                "1.2.3", "x >=1", "9" * 5000, "١٢", ">=1" * 30, "", "pack"])


@LOADER_FUZZ
@given(game=st.dictionaries(st.sampled_from(WORDS), yamlish(), max_size=8),
       events=st.lists(st.dictionaries(st.sampled_from(WORDS), yamlish(), max_size=10),
                       max_size=3),
       pack=st.none() | st.dictionaries(st.sampled_from(PACK_WORDS), PACK_SCALARS
                                        | st.dictionaries(st.sampled_from(PACK_WORDS),
                                                          PACK_SCALARS | st.lists(PACK_SCALARS),
                                                          max_size=3), max_size=5),
       plain=st.booleans(), over_mini=st.booleans())
def test_fuzz_loader_with_content_shaped_documents_ends_in_problems(tmp_path, game, events,
                                                                   pack, plain, over_mini):
    import yaml

    def text(value: object) -> str:
        return yaml.safe_dump(value, allow_unicode=True) if plain else dump(value)

    folder = tmp_path / "fuzz"
    folder.mkdir(exist_ok=True)
    (folder / "game.yaml").write_text(text(game), encoding="utf-8")
    (folder / "events.yaml").write_text(text(events), encoding="utf-8")
    folders = [folder]
    if pack is not None:  # a branch pack layered over it, with a manifest
        layer = tmp_path / "pack"
        layer.mkdir(exist_ok=True)
        (layer / "pack.yaml").write_text(text(pack), encoding="utf-8")
        (layer / "more.yaml").write_text(text(events[::-1]), encoding="utf-8")
        folders = [MINI, layer] if over_mini else [folder, layer]
    story, problems = load_with_problems(folders)
    assert story is not None or any(p.severity == "error" for p in problems)


@LOADER_FUZZ
@given(st.data())
def test_fuzz_loader_with_mutated_mini_fixture_ends_in_problems(tmp_path, data):
    from conftest import MINI

    folder = tmp_path / "mut"
    (folder / "events").mkdir(parents=True, exist_ok=True)
    sources = {path.relative_to(MINI): path.read_text(encoding="utf-8")
               for path in MINI.rglob("*.yaml")}
    target = data.draw(st.sampled_from(sorted(sources)))
    lines = sources[target].splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["drop", "dup", "replace", "insert"]))
        if action == "drop" and len(lines) > 1:
            del lines[index]
        elif action == "dup":
            lines.insert(index, lines[index])
        else:
            piece = data.draw(st.lists(YAML_BITS, max_size=6).map("".join))
            if action == "replace":
                line = lines[index]
                cut = data.draw(st.integers(0, len(line)))
                lines[index] = line[:cut] + piece + line[cut:].lstrip(" ")
            else:
                lines.insert(index, piece + "\n")
    sources[target] = "".join(lines)
    for rel, text in sources.items():
        (folder / rel).write_bytes(text.encode("utf-8", "surrogatepass"))
    story, problems = load_with_problems([folder])
    assert story is not None or any(p.severity == "error" for p in problems)
    for problem in problems:
        assert problem.format()  # every problem renders, with its source line when known


_MINI_DATA: dict[str, object] = {}


def _mini_data() -> dict[str, object]:
    """The mini fixture as plain data (a fresh copy each time)."""
    import copy

    import yaml

    from conftest import MINI

    if not _MINI_DATA:
        _MINI_DATA.update({str(path.relative_to(MINI)): yaml.load(  # noqa: S506 - own fixture
            path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            for path in sorted(MINI.rglob("*.yaml"))})
    return copy.deepcopy(_MINI_DATA)


def _containers(value: object, out: list[object]) -> list[object]:
    if isinstance(value, dict | list):
        out.append(value)
        for item in (value.values() if isinstance(value, dict) else value):
            _containers(item, out)
    return out


@LOADER_FUZZ
@given(st.data())
def test_fuzz_loader_with_mutated_mini_structure_ends_in_problems(tmp_path, data):
    # Replace, drop or add values deep inside the fixture's real structure, so the schema
    # (not only the YAML reader) meets wrong types and odd values in every place.
    import yaml

    files = _mini_data()
    for _ in range(data.draw(st.integers(1, 3))):
        name = data.draw(st.sampled_from(sorted(files)))
        spots = _containers(files[name], [])
        spot = data.draw(st.sampled_from(spots))
        new = data.draw(yamlish(2))
        if isinstance(spot, dict):
            key = data.draw(st.sampled_from(sorted(spot) + WORDS))
            if key in spot and data.draw(st.booleans()):
                del spot[key]
            else:
                spot[key] = new
        elif spot:
            index = data.draw(st.integers(0, len(spot) - 1))
            action = data.draw(st.sampled_from(["replace", "drop", "insert"]))
            if action == "replace":
                spot[index] = new
            elif action == "drop":
                del spot[index]
            else:
                spot.insert(index, new)
    folder = tmp_path / "struct"
    (folder / "events").mkdir(parents=True, exist_ok=True)
    for name, value in files.items():
        (folder / name).write_text(yaml.dump(value, Dumper=yaml.CSafeDumper, allow_unicode=True,
                                             sort_keys=False), encoding="utf-8")
    story, problems = load_with_problems([folder])
    assert story is not None or any(p.severity == "error" for p in problems)
    if story is not None:  # what loads also plays
        from game.authoring.simulate import simulate

        report = simulate(story, 3, seed=1)
        assert not [e for e in report.errors if "Error:" in e], report.errors
