"""Markdown as plain text for people: no markup left, wrapped to a width, no word split.

    lines = markdown_lines(text, width=80)      # a block of Markdown: paragraphs, lists, quotes
    inline_text("*Pravda* prints it")           # one line's Markdown -> 'Pravda prints it'
    wrap_line("  → a long line ...", 80)        # one plain line, hanging under its marker

Plain mode (game/plain.py) prints every text through these. Emphasis keeps only its words
(`*Pravda*` reads "Pravda"), a link reads "text (address)", headings stand as their own
paragraph, list items are indented under "- " or "1. ", and quotes are indented four spaces.
Lines break only at spaces, never inside a word: a word longer than the whole width (a file's
path, an address) stands alone on its line, whole, so it can still be copied.

Parsing is CommonMark (markdown-it-py, which Rich already brings), with raw HTML shown as
text, so "1918. The name..." inside a paragraph stays prose and `snake_case_name` keeps its
underscores. Prose with no Markdown character at all (most narrative) skips the parser and
gives the same lines (a test holds the two paths to the campaign's texts).

Pure: text in, text out. Callers pass text from files through `game.output.printable` first.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

MIN_WIDTH = 20
QUOTE = "    "
RULE_CHAR = "─"


@lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


_CHUNK = re.compile(r"[ \t]*[^ \t]+")


def fill(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """Text laid out greedily in lines of at most `width` (the first line starting with
    `first`, the others with `rest`), breaking only at spaces, which keep their width inside a
    line; a word longer than a whole line stands alone on one."""
    lines: list[str] = []
    line, empty = first, True
    for chunk in _CHUNK.findall(text):
        word = chunk.lstrip(" \t")
        if empty:
            line, empty = line + word, False
        elif len(line) + len(chunk) <= width:
            line += chunk
        else:
            lines.append(line)
            line = rest + word
    lines.append(line if not empty else line.rstrip())
    return lines


def wrap_line(line: str, width: int, hang: str | None = None) -> list[str]:
    """One plain line wrapped to `width`; continuation lines hang under the text after the
    line's indentation and any leading marker ("- ", "→ ", "12. "), or under `hang`."""
    width = max(MIN_WIDTH, width)
    if len(line) <= width:
        return [line]
    if hang is None:
        hang = " " * _hang_width(line)
    if len(hang) > width // 2:
        hang = hang[: width // 2]
    body = line.lstrip(" ")
    return fill(body, width, line[:len(line) - len(body)], hang)


_MARKERS = ("- ", "→ ", "⇒ ", "• ", "↳ ")


def _hang_width(line: str) -> int:
    stripped = line.lstrip(" ")
    indent = len(line) - len(stripped)
    for marker in _MARKERS:
        if stripped.startswith(marker):
            return indent + len(marker)
    number = len(stripped) - len(stripped.lstrip("0123456789"))
    if 0 < number <= 4 and stripped[number:number + 2] in (". ", ") "):
        return indent + number + 2
    if stripped.startswith("[") and "] " in stripped[:16]:  # "[B1] ...", "[open] ..."
        return indent + stripped.index("] ") + 2
    return indent


def wrap_text(text: str, width: int) -> list[str]:
    """Plain text (no Markdown) wrapped line by line, each line hanging under its marker."""
    out: list[str] = []
    for line in text.split("\n"):
        out += wrap_line(line.rstrip(), width)
    return out


def inline_text(text: str) -> str:
    """A one-line Markdown text (a title, a label, a log line) as plain words."""
    if not any(mark in text for mark in "*_`[]<>\\&~!"):
        return text  # the commonest case: nothing to parse
    body = text.lstrip(" ")
    tokens = _parser().parseInline(body)
    return text[:len(text) - len(body)] + "".join(_inline(token.children or [])
                                                  for token in tokens)


_MARKDOWN = re.compile(r"[*_`\[\]<>\\&~|!#=]|^ {0,3}(-|\+ |\+$|\d{1,9}[.)]( |$))|^ {4}|^\t", re.M)


def markdown_lines(text: str, width: int, indent: str = "") -> list[str]:
    """A block of Markdown as wrapped plain lines, blank lines between paragraphs."""
    width = max(MIN_WIDTH, width)
    if not _MARKDOWN.search(text):  # prose only (most narrative): paragraphs and spaces
        renderer = _Blocks(width, indent)
        for paragraph in re.split(r"\n[ \t]*\n", text.strip()):
            if paragraph.strip():
                renderer.gap()
                renderer.emit(" ".join(paragraph.split()))
        return renderer.lines
    tokens = _parser().parse(text)
    renderer = _Blocks(width, indent)
    renderer.run(tokens)
    lines = renderer.lines
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def markdown_text(text: str, width: int, indent: str = "") -> str:
    """`markdown_lines` joined with newlines."""
    return "\n".join(markdown_lines(text, width, indent))


def _inline(children: list[Any]) -> str:
    out: list[str] = []
    link: list[str] = []  # the address of each open link, "" where it reads as its text
    start: list[int] = []
    for token in children:
        kind = token.type
        if kind in ("text", "code_inline", "html_inline"):
            out.append(token.content)
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "hardbreak":
            out.append("\n")
        elif kind == "image":
            out.append(token.content or "".join(c.content for c in token.children or []))
        elif kind == "link_open":
            link.append(str(token.attrs.get("href", "")))
            start.append(len(out))
        elif kind == "link_close" and link:
            href, began = link.pop(), start.pop()
            words = "".join(out[began:])
            if href and href not in (words, f"mailto:{words}") and not href.startswith("#"):
                out.append(f" ({href})")
        # em, strong, s: the words only
    return "".join(out)


class _Blocks:
    """Walks markdown-it's block tokens, keeping a stack of indentation prefixes."""

    def __init__(self, width: int, indent: str):
        self.width = width
        self.lines: list[str] = []
        self.prefix = [indent]  # the continuation prefix of each open container
        self.first: str | None = None  # the first line's prefix of the next block (a marker)
        self.ordered: list[int | None] = []  # the next number of each open list (None: bullet)
        self.row: list[str] | None = None  # the cells of a table row being read

    def gap(self) -> None:
        """A blank line before a new block (not at the very start, not twice)."""
        if self.lines and self.lines[-1].strip():
            self.lines.append("")

    def flush_marker(self) -> None:
        """A list marker that no text followed (an empty item) still gets its line."""
        if self.first is not None:
            self.lines.append(self.first.rstrip())
            self.first = None

    def emit(self, text: str) -> None:
        """A paragraph of plain text, wrapped under the current prefixes."""
        rest = "".join(self.prefix)
        first = self.first if self.first is not None else rest
        self.first = None
        excess = max(0, len(rest) - self.width // 2)  # deep nesting: indent at most half
        rest, first = rest[excess:], first[min(excess, len(first) - len(first.lstrip())):]
        width = self.width
        for number, part in enumerate(text.split("\n")):
            self.lines += fill(" ".join(part.split()), width, rest if number else first, rest)

    def run(self, tokens: list[Any]) -> None:
        """Render the tokens into `lines`."""
        for token in tokens:
            handler = getattr(self, "on_" + token.type, None)
            if handler is not None:
                handler(token)

    def on_paragraph_open(self, token: Any) -> None:
        if not token.hidden:  # a tight list's paragraphs are hidden: no blank line between
            self.gap()

    def on_heading_open(self, token: Any) -> None:
        self.gap()

    def on_inline(self, token: Any) -> None:
        text = _inline(token.children or [])
        if self.row is not None:
            self.row.append(" ".join(text.split()))
        else:
            self.emit(text)

    def on_fence(self, token: Any) -> None:
        self.flush_marker()
        self.gap()
        rest = "".join(self.prefix) + QUOTE
        for line in token.content.rstrip("\n").split("\n"):
            self.lines += wrap_line(rest + line.rstrip(), self.width, hang=rest)

    on_code_block = on_fence

    def on_blockquote_open(self, token: Any) -> None:
        self.flush_marker()
        self.prefix.append(QUOTE)

    def on_blockquote_close(self, token: Any) -> None:
        self.prefix.pop()

    def on_bullet_list_open(self, token: Any) -> None:
        if not self.ordered:  # a list inside an item follows its text directly
            self.gap()
        self.flush_marker()
        start = token.attrs.get("start", 1) if token.type == "ordered_list_open" else None
        self.ordered.append(int(start) if start is not None else None)

    on_ordered_list_open = on_bullet_list_open

    def on_bullet_list_close(self, token: Any) -> None:
        self.ordered.pop()

    on_ordered_list_close = on_bullet_list_close

    def on_list_item_open(self, token: Any) -> None:
        self.flush_marker()
        number = self.ordered[-1]
        marker = "- " if number is None else f"{number}. "
        if number is not None:
            self.ordered[-1] = number + 1
        self.first = "".join(self.prefix) + "  " + marker
        self.prefix.append("  " + " " * len(marker))

    def on_list_item_close(self, token: Any) -> None:
        self.flush_marker()
        self.prefix.pop()

    def on_hr(self, token: Any) -> None:
        self.gap()
        self.lines.append("".join(self.prefix) + RULE_CHAR * 3)

    def on_table_open(self, token: Any) -> None:
        self.gap()

    def on_tr_open(self, token: Any) -> None:
        self.row = []

    def on_tr_close(self, token: Any) -> None:
        cells, self.row = self.row or [], None
        self.emit(" | ".join(cells))
