"""`octobers proof`: a pack's or the campaign's whole text in story order, as Markdown.

For proofreading and spell-checking: every event's title, date, paragraphs (each condition as
a small note above it), history note, choices and what their outcomes write in the timeline;
then the endings. Word counts per event and per content folder. With packs layered, the last
folder is proofed (its own events and endings, and what its `extends:` add to earlier
events); `--all` proofs every folder in turn.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from game.model import Choice, Ending, Node, Paragraph, Story, iso_date

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def words(text: str) -> int:
    """Words in a text, for the counts (Markdown marks and {names} aside)."""
    return len(_WORD.findall(re.sub(r"\{[^}]*\}", "x", text)))


@dataclass
class _Section:
    heading: str
    lines: list[str]
    words: int


def _inside(path: str, folder: Path) -> bool:
    try:
        return Path(path).resolve().is_relative_to(folder.resolve())
    except (OSError, ValueError):
        return False


def _note(condition: str) -> str:
    return f"<small>when `{condition}`</small>"


def _paragraphs(paragraphs: Sequence[Paragraph], lines: list[str]) -> int:
    count = 0
    for paragraph in paragraphs:
        if paragraph.when is not None:
            lines.append(_note(paragraph.when.source))
            lines.append("")
        text = paragraph.template.source.strip()
        lines.extend([text, ""])
        count += words(text)
    return count


def _choice(choice: Choice, lines: list[str]) -> int:
    label = choice.label.source
    count = words(label)
    notes = []
    if choice.when is not None:
        notes.append(f"when `{choice.when.source}`")
    if choice.locked is not None:
        notes.append(f"locked: “{choice.locked.source}”")
        count += words(choice.locked.source)
    lines.append(f"- **{label}**" + (f" <small>{'; '.join(notes)}</small>" if notes else ""))
    logs = []
    if choice.effect.log is not None:
        logs.append(("", choice.effect.log.source))
    for index, outcome in enumerate(choice.outcomes, start=1):
        if outcome.effect.log is not None:
            weight = outcome.weight.source if not isinstance(outcome.weight, int | float) \
                else f"{outcome.weight:g}"
            logs.append((f"<small>outcome {index}, weight {weight}</small> ",
                         outcome.effect.log.source))
    for prefix, log in logs:
        lines.append(f"  - {prefix}*{log.strip()}*")
        count += words(log)
    return count


def _event(node: Node, only: set[str] | None = None) -> _Section:
    """An event's whole text, or (with `only`) just the choices of those ids."""
    lines: list[str] = [f"<small>`{node.id}` · {node.where.path}:{node.where.line}"
                        + (f" · when `{node.when.source}`" if node.when else "") + "</small>",
                        ""]
    count = words(node.title.source)
    if only is None:
        count += _paragraphs(node.text, lines)
        if node.history.strip():
            lines.extend([f"> *In our timeline:* {node.history.strip()}", ""])
            count += words(node.history)
    choices = [c for c in node.choices if only is None or c.id in only]
    if choices:
        lines.append("Choices:" if only is None else "Choices added:")
        lines.append("")
        for choice in choices:
            count += _choice(choice, lines)
        lines.append("")
    date = iso_date(node.date) + (f" to {iso_date(node.until)}" if node.until != node.date
                                  else "")
    return _Section(f"{date} · {node.title.source}", lines, count)


def _ending(ending: Ending) -> _Section:
    lines = [f"<small>ending `{ending.id}` · {ending.where.path}:{ending.where.line}"
             + (f" · when `{ending.when.source}`" if ending.when else "") + "</small>", ""]
    count = words(ending.title.source) + _paragraphs(ending.text, lines)
    return _Section(f"Ending · {ending.title.source}", lines, count)


def _extension(story: Story, node: Node, folder: str) -> _Section | None:
    """What a pack's `extends:` adds to an earlier event: paragraphs, choices, hides."""
    changes = [c for c in story.changes if c.pack == folder and c.node == node.id
               and c.kind not in ("node added", "node replaced")]
    if not changes:
        return None
    added = {c.item for c in changes if c.kind == "choice added"}
    section = _event(node, added)
    section.heading += " (extended)"
    count = section.words
    lines = section.lines
    for change in changes:
        if change.kind == "paragraph added":
            lines.extend([f"<small>paragraph added at {change.where.path}:{change.where.line}"
                          "</small>", "", change.text.strip(), ""])
            count += words(change.text)
        elif change.kind.endswith("hidden"):
            lines.extend([f"<small>{change.kind}: `{change.item}` "
                          f"({change.where.path}:{change.where.line})</small>", ""])
    section.words = count
    return section


def proof(story: Story, folders: Sequence[Path], everything: bool = False) -> str:
    """The Markdown proof of the last folder (or, with `everything`, of each in turn)."""
    from game.loader import display_path

    order = sorted(story.nodes.values(), key=lambda n: (n.date, -n.priority, n.order))
    chosen = list(enumerate(folders)) if everything else [(len(folders) - 1, folders[-1])]
    parts: list[tuple[str, list[_Section]]] = []
    for layer, folder in chosen:
        shown = display_path(folder)
        later = [f for f in folders[layer + 1:]]

        def mine(path: str, folder: Path = folder, later: list[Path] = later) -> bool:
            return _inside(path, folder) and not any(_inside(path, f) for f in later)

        sections: list[_Section] = []
        for scenario in story.scenarios:
            if mine(scenario.where.path):
                text = scenario.description.strip()
                sections.append(_Section(
                    f"Scenario · {scenario.title}",
                    [f"<small>`{scenario.id}` · starts {iso_date(scenario.date)} at "
                     f"`{scenario.start}`</small>", "", text, ""],
                    words(scenario.title) + words(text)))
        for node in order:
            if mine(node.where.path):
                sections.append(_event(node))
            elif layer > 0:
                extension = _extension(story, node, shown)
                if extension is not None:
                    sections.append(extension)
        sections.extend(_ending(e) for e in story.endings if mine(e.where.path))
        parts.append((shown, sections))
    out = [f"# Proof: {story.title}", ""]
    out.append("| content | sections | words |")
    out.append("|---|---:|---:|")
    for shown, sections in parts:
        out.append(f"| {shown} | {len(sections)} | {sum(s.words for s in sections):,} |")
    out.append("")
    for shown, sections in parts:
        out.extend([f"## {shown}", "",
                    f"{len(sections)} sections, {sum(s.words for s in sections):,} words.",
                    ""])
        for section in sections:
            out.extend([f"### {section.heading}", "", f"*{section.words:,} words*", ""])
            out.extend(section.lines)
    return "\n".join(out).rstrip("\n") + "\n"
