"""A game told as a Markdown chronicle: the timeline by year, the stats table, the ending.

    text = chronicle(game)          # the whole document, ending in one newline

Pure: it reads the game and returns text, and writes nothing. The ending screen (`e`) and
`octobers export SLOT` both use it, and the timeline screen shares its grouping by year
(`entries_by_year`) and its wording of changes (`describe_changes`), so the three agree.
Only what the player could see goes in: changes of hidden variables are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from game.engine import Change, Entry, Game
from game.model import MONTHS, format_date, year_of
from game.why import Reason, explain


def entries_by_year(entries: Iterable[Entry]) -> list[tuple[int, list[Entry]]]:
    """Timeline entries grouped under their year, in the order they were taken."""
    groups: list[tuple[int, list[Entry]]] = []
    for entry in entries:
        year = year_of(entry.date)
        if not groups or groups[-1][0] != year:
            groups.append((year, []))
        groups[-1][1].append(entry)
    return groups


def describe_changes(changes: Iterable[Change]) -> str:
    """The shown variables a turn moved, e.g. 'Stability -5, Industry +3' ('' for none)."""
    return ", ".join(f"{c.label} {c.delta:+d}" for c in changes if c.shown and c.delta)


def entry_line(entry: Entry) -> str:
    """One timeline entry as a Markdown list item (without its year)."""
    month = MONTHS[entry.date % 12]
    line = f"- **{month} — {entry.title}.** {_sentence(entry.log)}"
    if entry.log.strip() != entry.label.strip():
        line += f" *Chosen: {_sentence(entry.label)}*"
    changes = describe_changes(entry.changes)
    if changes:
        line += f" ({changes})"
    then = then_line(entry)
    if then:
        line += f" {then}"
    return line


def then_line(entry: Entry) -> str:
    """What the next event did as it came up (its `enter:`), e.g. 'Then: Stalin dies at
    Kuntsevo. (Stability -4)'; '' when it did nothing."""
    then = entry.then
    if then is None or not (then.log.strip() or describe_changes(then.changes)):
        return ""
    changes = describe_changes(then.changes)
    text = f"Then: {_sentence(then.log)}" if then.log.strip() else "Then:"
    return text + (f" ({changes})" if changes else "")


def reason_line(reason: Reason, why: str | None = None) -> str:
    """One decision of "How you got here" as a Markdown list item: date, event, choice, why."""
    why = why if why is not None else reason.why
    why = why[:1].upper() + why[1:]
    return (f"- **{format_date(reason.date)} — {reason.title}.** "
            f"*Chosen: {_sentence(reason.choice)}* {_sentence(why)}")


def how_you_got_here(game: Game) -> list[str]:
    """The decisions that most shaped a finished game's ending, as Markdown lines.

    A reason that names a variable the player never saw (hidden, and not revealed by the end)
    keeps its decision but not the secret: "it moved something this ending turns on".
    """
    secret = [v.label for v in game.story.variables.values() if not game.is_revealed(v.id)]
    lines = []
    for reason in explain(game):
        parts = [part for part in reason.why.split("; ")
                 if not any(part.startswith(label + " ") for label in secret)]
        why = "; ".join(parts) if parts else "it moved something this ending turns on"
        lines.append(reason_line(reason, why))
    return lines


def stats_rows(game: Game) -> list[tuple[str, list[int]]]:
    """The shown variables at the start and at the last record of each year."""
    shown = [v.id for v in game.story.shown_variables]
    if not game.history:
        return []
    start_date, start_values = game.history[0]
    rows = [(f"Start, {format_date(start_date)}", [start_values.get(v, 0) for v in shown])]
    last_of_year: dict[int, dict[str, int]] = {}
    for date, values in game.history[1:]:
        last_of_year[year_of(date)] = values
    for year, values in sorted(last_of_year.items()):
        rows.append((str(year), [values.get(v, 0) for v in shown]))
    return rows


def who_became_what(game: Game) -> list[str]:
    """The main figures met, this timeline against ours, as a Markdown table (or nothing)."""
    from game.codex import who_became_what as rows

    found = rows(game)
    if not found:
        return []

    def cell(text: str) -> str:
        return " ".join(text.split()).replace("|", "\\|")

    return ["| Who | In this timeline | In ours |", "| :--- | :--- | :--- |",
            *(f"| {cell(name)} | {cell(here)} | {cell(ours)} |" for name, here, ours in found)]


def chronicle(game: Game) -> str:
    """The whole run as Markdown: timeline by year, the stats table, the ending."""
    story = game.story
    scenario = story.scenario(game.origin.scenario)
    lines = [f"# {story.title}: a chronicle", ""]
    span = format_date(game.history[0][0] if game.history else game.date)
    if game.date != (game.history[0][0] if game.history else game.date):
        span += f" to {format_date(game.date)}"
    decisions = len(game.timeline)
    lines += [f"*{scenario.title} · seed {game.origin.seed} · {span} · {decisions} "
              f"decision{'s' if decisions != 1 else ''}*", ""]

    lines += ["## Timeline", ""]
    if not game.timeline:
        lines += ["No decision has been taken yet.", ""]
    for year, entries in entries_by_year(game.timeline):
        lines += [f"### {year}", ""]
        lines += [entry_line(entry) for entry in entries]
        lines.append("")

    labels = [v.label for v in story.shown_variables]
    rows = stats_rows(game)
    if labels and rows:
        lines += ["## Stats", ""]
        lines.append("| Year | " + " | ".join(labels) + " |")
        lines.append("| :--- | " + " | ".join("---:" for _ in labels) + " |")
        for label, values in rows:
            lines.append(f"| {label} | " + " | ".join(str(v) for v in values) + " |")
        lines.append("")

    if game.over:
        title, epilogue = game.ending_text()
        lines += [f"## The ending: {title}", ""]
        if epilogue.strip():
            lines += [epilogue.strip(), ""]
    else:
        node = game.node
        where = game.text(node.title) if node is not None else ""
        lines += ["## The story goes on", "",
                  f"The chronicle stops in {format_date(game.date)}, at *{where}*.", ""]
    texts = [f"{t.label}: {game.values[t.id]}." for t in story.texts.values() if t.shown]
    if texts:
        lines += [" ".join(texts), ""]
    reasons = how_you_got_here(game)
    if reasons:
        lines += ["## How you got here", "", *reasons, ""]
    table = who_became_what(game) if game.over else []
    if table:
        lines += ["## Who became what", "", *table, ""]

    if game.branches:
        lines += ["## Roads not taken", ""]
        lines += [_branch_line(game, branch.at, branch.title, branch.date)
                  for branch in game.branches]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def chronicle_name(game: Game, taken: Sequence[str] = ()) -> str:
    """A file name for a game's chronicle that is not among `taken` names."""
    ending = game.ending_id or "unfinished"
    stem = f"chronicle-{game.origin.scenario}-{ending}"
    name, number = f"{stem}.md", 1
    while name in taken:
        number += 1
        name = f"{stem}-{number}.md"
    return name


def _branch_line(game: Game, at: int, title: str, date: int) -> str:
    if at < len(game.timeline):
        entry = game.timeline[at]
        where = f"at decision {at + 1} ({format_date(entry.date)}, {entry.title})"
    else:
        where = f"after decision {at}"
    reached = f"*{title}*, {format_date(date)}" if title else format_date(date)
    return f"- Abandoned {where}: a future that reached {reached}."


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if not text or text[-1] in ".!?…" else text + "."
