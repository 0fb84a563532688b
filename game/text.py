"""Narrative text: `{name}` templates, parsed once at load and filled in at play."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

from game.model import MONTHS, Paragraph, Template, format_date

_HOLE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
SPECIAL_NAMES = ("year", "month", "date")


class TemplateError(Exception):
    """A template is malformed; `offset` is the 0-based index of the fault in the text."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.message = message
        self.offset = offset


def parse_template(source: str, known: Collection[str],
                   on_unknown: Callable[[str, int], None]) -> Template:
    """Split text into literal and `{name}` parts; unknown names go to `on_unknown`."""
    if "{" not in source and "}" not in source:
        return Template(((False, source),), source)
    parts: list[tuple[bool, str]] = []
    literal: list[str] = []
    position = 0
    for match in _HOLE.finditer(source):
        literal.append(source[position:match.start()])
        position = match.end()
        token = match.group(0)
        if token == "{{":
            literal.append("{")
        elif token == "}}":
            literal.append("}")
        elif match.group(1) is not None:
            name = match.group(1).strip()
            if name not in known and name not in SPECIAL_NAMES:
                on_unknown(name, match.start())
            if literal:
                parts.append((False, "".join(literal)))
                literal = []
            parts.append((True, name))
        else:
            raise TemplateError(
                f"unmatched '{token}' in text; write '{token * 2}' for a literal brace",
                match.start())
    literal.append(source[position:])
    if any(literal):
        parts.append((False, "".join(literal)))
    return Template(tuple(parts), source)


def render(template: Template, values: Mapping[str, Any], date: int) -> str:
    """Fill a template's holes from the state's values and the calendar."""
    if len(template.parts) == 1 and not template.parts[0][0]:
        return template.parts[0][1]
    out = []
    for is_name, text in template.parts:
        if not is_name:
            out.append(text)
        elif text in values:
            value = values[text]
            out.append(str(int(value)) if isinstance(value, float) else str(value))
        elif text == "year":
            out.append(str(date // 12))
        elif text == "month":
            out.append(MONTHS[date % 12])
        elif text == "date":
            out.append(format_date(date))
        else:
            out.append("{" + text + "}")
    return "".join(out)


def render_paragraphs(paragraphs: tuple[Paragraph, ...], values: Mapping[str, Any], date: int,
                      holds: Callable[[Any], bool]) -> str:
    """The paragraphs whose conditions hold, filled in and joined by blank lines."""
    if len(paragraphs) == 1:  # the commonest case, without building lists
        paragraph = paragraphs[0]
        if paragraph.when is None or holds(paragraph.when):
            return render(paragraph.template, values, date).strip()
        return ""
    shown = [render(p.template, values, date).strip() for p in paragraphs
             if p.when is None or holds(p.when)]
    return "\n\n".join(text for text in shown if text)
