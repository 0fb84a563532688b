"""Markdown as plain text (game/plaintext.py): no markup left, wrapped, no word split."""

from __future__ import annotations

import pytest

from game.plaintext import inline_text, markdown_lines, wrap_line

LONG = ("Comrades, the detachments are requisitioning grain from the villages of the Volga, "
        "and the peasants are answering with sawn-off shotguns and burnt barns.")


def words_of(text: str) -> list[str]:
    return text.split()


def test_emphasis_keeps_only_its_words():
    assert inline_text("Stalin takes over *Pravda* and **Zvezda**.") == \
        "Stalin takes over Pravda and Zvezda."
    assert inline_text("_Swan Lake_ on every channel") == "Swan Lake on every channel"
    assert markdown_lines("The ballet is *Swan Lake*, again.", 80) == \
        ["The ballet is Swan Lake, again."]


def test_what_is_not_markup_stays():
    assert inline_text("flags.purge_great and 2 * 3") == "flags.purge_great and 2 * 3"
    assert inline_text("  indented *words*") == "  indented words"
    # a year opening a wrapped line is prose, not a numbered list
    assert markdown_lines("the whole system of\n1918. The name stuck.", 80) == \
        ["the whole system of 1918. The name stuck."]


def test_links_code_and_headings():
    lines = markdown_lines("# The Kremlin\n\nSee [the decree](https://example.org/d) and "
                           "`flags.nep`.", 80)
    assert lines == ["The Kremlin", "", "See the decree (https://example.org/d) and flags.nep."]


def test_lists_and_quotes_are_indented():
    text = ("Three drafts:\n\n- a commonwealth\n- a treaty\n  1. federal\n  2. confederal\n\n"
            "> I remain in my place; you remain in yours.\n\nAfter.")
    assert markdown_lines(text, 80) == [
        "Three drafts:", "",
        "  - a commonwealth",
        "  - a treaty",
        "      1. federal",
        "      2. confederal", "",
        "    I remain in my place; you remain in yours.", "",
        "After."]


@pytest.mark.parametrize("width", [20, 33, 50, 80])
def test_wrapping_fits_and_never_splits_a_word(width):
    text = f"{LONG}\n\n- {LONG}\n\n> {LONG}"
    lines = markdown_lines(text, width)
    assert all(len(line) <= width for line in lines)
    assert words_of(" ".join(lines)) == words_of(f"{LONG} - {LONG} {LONG}")
    list_lines = [line for line in lines if line.startswith("  ")][:2]
    assert list_lines[0].startswith("  - ") and list_lines[1].startswith("    ")


def test_a_plain_line_hangs_under_its_marker():
    lines = wrap_line(f"→ {LONG}", 40)
    assert all(len(line) <= 40 for line in lines)
    assert all(line.startswith("  ") for line in lines[1:])
    assert words_of(" ".join(lines)) == words_of(f"→ {LONG}")
    numbered = wrap_line(f"  12. {LONG}", 40)
    assert all(line.startswith(" " * 6) for line in numbered[1:])
    assert wrap_line("short", 40) == ["short"]


def test_a_word_longer_than_the_width_stands_whole_on_its_own_line():
    path = "/home/someone/.local/share/many-octobers/saves/chronicle-february-grey.md"
    lines = wrap_line(f"Chronicle written to {path}", 30)
    assert lines == ["Chronicle written to", path]


def test_prose_without_markup_takes_the_quick_path_to_the_same_lines():
    import game.plaintext as plaintext
    from game.loader import load_story

    story = load_story()
    texts = [p.template.source for n in story.nodes.values() for p in n.text]
    texts += [n.history for n in story.nodes.values()] + ["One\n\n\n  two\nthree", "A\n---"]
    quick = 0
    for text in texts:
        blocks = plaintext._Blocks(64, "")
        blocks.run(plaintext._parser().parse(text))
        while blocks.lines and not blocks.lines[-1].strip():
            blocks.lines.pop()
        assert markdown_lines(text, 64) == blocks.lines, text[:60]
        quick += not plaintext._MARKDOWN.search(text)
    assert quick > len(texts) // 2


@pytest.mark.parametrize("text", ["> " * 5000 + "x", "- " * 3000 + "x", "[" * 5000 + "x",
                                  "> " * 18 + "deep words " * 30, "*" * 5000, "`" * 5000])
def test_hostile_markdown_neither_crashes_nor_overflows(text):
    lines = markdown_lines(text, 40)
    assert all(len(line) <= 40 or len(line.split()) == 1 for line in lines)
