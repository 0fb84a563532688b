"""The stats explained, from the content itself: what each variable means, where its danger
lies, and what reads it (the endings and events whose conditions turn on it).

Shown on the State of the Union view and in help, so that the numbers the player steers are
never a mystery: the guide is built from the same conditions the engine evaluates.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.authoring.analysis import atoms_of
from game.model import Expr, Story, Variable, year_of


@dataclass(frozen=True)
class StatGuide:
    """One variable, explained."""

    variable: Variable
    danger: str | None
    readers: tuple[str, ...]


def guide(story: Story, shown_only: bool = False) -> list[StatGuide]:
    """A guide to every variable (or only the shown ones), in declaration order."""
    readers: dict[str, list[str]] = {name: [] for name in story.variables}
    texts = set(story.texts)

    def note(expr: Expr | None, phrase: str) -> None:
        if expr is None:
            return
        for name in dict.fromkeys(a.key for a in atoms_of(expr, texts=texts)
                                  if a.kind == "number"):
            if name in readers and phrase not in readers[name]:
                readers[name].append(phrase)

    for ending in story.endings:
        if ending.when is not None:
            note(ending.when, f"ending: {ending.title.source} (when {ending.when.source})")
    for node in sorted(story.nodes.values(), key=lambda n: (n.date, n.order)):
        year = year_of(node.date)
        if node.when is not None:
            note(node.when, f"event: {node.title.source} ({year}, when {node.when.source})")
        for choice in node.choices:
            if choice.when is not None:
                note(choice.when, f"choice: {node.title.source} ({year}), "
                                  f"\"{choice.label.source}\" (when {choice.when.source})")
            for outcome in choice.outcomes:
                if isinstance(outcome.weight, Expr):
                    note(outcome.weight, f"chance: {node.title.source} ({year}), "
                                         f"\"{choice.label.source}\": the odds of its "
                                         "outcomes")
    out = []
    for variable in story.variables.values():
        if shown_only and not variable.shown:
            continue
        danger = None
        if variable.danger is not None:
            danger = variable.danger.describe()
            if variable.danger.warning:
                danger += f": {variable.danger.warning}"
        out.append(StatGuide(variable, danger, tuple(readers[variable.id])))
    return out
