"""The `octobers audit` command: its arguments, its JSON and its Rich tables.

The figures come from game/authoring/audit.py; this module turns them into a report.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from typing import Any

from game.authoring.audit import AuditResult, Settings, audit
from game.authoring.audit_stats import quartiles, wilson
from game.model import Story, iso_date, month_index

SHOWN_LIMIT = 40  # rows of the decisions table in the readable report


def _known_flags(story: Story) -> set[str]:
    flags = set(story.flags)
    for scenario in story.scenarios:
        flags.update(scenario.set)
    for node in story.nodes.values():
        effects = [c.effect for c in node.choices]
        effects += [o.effect for c in node.choices for o in c.outcomes]
        enter = getattr(node, "enter", None)
        if enter is not None:
            effects.append(enter)
        for effect in effects:
            flags.update(effect.set)
    return flags


def settings_from(args: argparse.Namespace, parser: argparse.ArgumentParser,
                  story: Story) -> Settings:
    """Check the arguments against the story; a mistake ends in usage, not a traceback."""
    if args.samples < 1:
        parser.error("--samples must be at least 1")
    if args.games < 0:
        parser.error("--games must be at least 1 (or 0 for the default)")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if args.top < 0:
        parser.error("--top must be 0 or more")
    if not 0 < args.dead_below <= 1:
        parser.error("--dead-below must be above 0 and at most 1")
    known = [s.id for s in story.scenarios]
    if args.scenario != "all" and args.scenario not in known:
        parser.error(f"unknown scenario '{args.scenario}' (known: {', '.join(known)})")
    match = re.fullmatch(r"(\d{4})-(\d{2})", args.at or "")
    if match is None or not 1 <= int(match.group(2)) <= 12:
        parser.error(f"--at: expected a date like 1941-06, got '{args.at}'")
    names = [v.id for v in story.variables.values() if v.shown]
    for name in args.var:
        if name not in story.variables:
            parser.error(f"--var: unknown variable '{name}' (known: "
                         f"{', '.join(story.variables)})")
        if name not in names:
            names.append(name)
    if args.outcome is not None and args.outcome not in _known_flags(story) and \
            args.outcome not in {e.id for e in story.endings}:
        parser.error(f"--outcome: '{args.outcome}' is neither a flag that the story sets "
                     "nor an ending")
    return Settings(seed=args.seed, scenario=args.scenario, policy=args.policy,
                    samples=args.samples, max_games=args.games,
                    at=month_index(int(match.group(1)), int(match.group(2))),
                    variables=tuple(names), outcome=args.outcome,
                    dead_below=args.dead_below, top=args.top)


# ---- JSON --------------------------------------------------------------------------------------
def to_json(result: AuditResult, story: Story) -> dict[str, Any]:
    """The report as plain data for `--json`."""
    settings = result.settings
    decisions = sorted(result.decisions, key=lambda d: (-d.tvd, d.node))
    rows = []
    for figures in decisions:
        node = story.nodes[figures.node]
        rows.append({
            "node": figures.node, "date": iso_date(node.date), "title": node.title.source,
            "states": figures.states, "futures": figures.futures,
            "tvd": round(figures.tvd, 4), "low": round(figures.low, 4),
            "high": round(figures.high, 4), "changed": round(figures.changed, 4),
            "verdict": figures.verdict(settings.dead_below),
            "pair": list(figures.pair) if figures.pair else None,
            "endings": figures.endings,
        })
    audited = {d.node for d in decisions}
    reached = {n for g in result.games for n in g.decisions}
    endings = Counter(g.ending for g in result.games)
    return {
        "seed": settings.seed, "scenario": settings.scenario, "policy": settings.policy,
        "samples": settings.samples, "games": len(result.games),
        "seconds": round(result.seconds, 2),
        "endings": dict(sorted(endings.items(), key=lambda kv: (-kv[1], kv[0]))),
        "decisions": rows,
        "dead": [r["node"] for r in rows if r["verdict"] == "dead"],
        "unclear": [r["node"] for r in rows if r["verdict"] == "unclear"],
        "pivotal": [r["node"] for r in rows if r["verdict"] == "moves"][:settings.top],
        "never_a_decision": sorted(set(story.nodes) - reached - audited),
        "variables": _variables_json(result, story),
        "last_decisions": _last_json(result),
        "errors": sum(g.errors for g in result.games),
    }


def _variables_json(result: AuditResult, story: Story) -> dict[str, Any]:
    settings = result.settings
    kept = [g for g in result.games if g.values is not None]
    out: dict[str, Any] = {
        "at": iso_date(settings.at) if settings.at is not None else None,
        "outcome": settings.outcome, "games": len(kept),
        "ended_before": len(result.games) - len(kept), "by_variable": {},
    }
    for column, name in enumerate(settings.variables):
        values = [g.values[column] for g in kept if g.values is not None]
        groups = []
        for number, (low, high) in enumerate(quartiles(values), start=1):
            inside = [g for g in kept if g.values is not None and
                      low <= g.values[column] <= high]
            hits = sum(g.hit for g in inside)
            rate_low, rate_high = wilson(hits, len(inside))
            endings = Counter(g.ending for g in inside)
            groups.append({
                "quartile": number, "low": low, "high": high, "games": len(inside),
                "outcome": hits, "rate": round(hits / len(inside), 4) if inside else 0.0,
                "rate_low": round(rate_low, 4), "rate_high": round(rate_high, 4),
                "endings": dict(sorted(endings.items(), key=lambda kv: (-kv[1], kv[0]))),
            })
        out["by_variable"][name] = groups
    return out


def _last_json(result: AuditResult) -> dict[str, Any]:
    tried = [g for g in result.games if g.last_changes is not None]
    changes = sum(bool(g.last_changes) for g in tried)
    low, high = wilson(changes, len(tried))
    by_node: dict[str, list[int]] = {}
    for game in tried:
        assert game.last is not None
        cell = by_node.setdefault(game.last, [0, 0])
        cell[0] += 1
        cell[1] += bool(game.last_changes)
    return {
        "games": len(tried), "futures": result.settings.last_futures,
        "can_change": changes, "share": round(changes / len(tried), 4) if tried else 0.0,
        "low": round(low, 4), "high": round(high, 4),
        "by_node": [{"node": node, "games": games, "can_change": hits}
                    for node, (games, hits) in sorted(by_node.items(),
                                                      key=lambda kv: (-kv[1][0], kv[0]))],
    }


# ---- the readable report -----------------------------------------------------------------------
def _share(count: int, total: int) -> str:
    return f"{count / total:.0%}" if total else "–"


def _top_endings(endings: dict[str, int], limit: int = 3) -> str:
    total = sum(endings.values())
    parts = [f"{name} {_share(count, total)}" for name, count in list(endings.items())[:limit]]
    return ", ".join(parts) + (", …" if len(endings) > limit else "")


def print_report(data: dict[str, Any], console: Any) -> None:
    """Write a report (from `to_json`) as Rich tables to a Rich console."""
    from rich.markup import escape
    from rich.table import Table

    rows = data["decisions"]
    console.print(f"Audit: {len(rows)} decisions, {data['samples']} samples each; "
                  f"{data['games']} games, seed {data['seed']}, policy {data['policy']}, "
                  f"{data['seconds']} s")
    console.print("TVD: how far the ending distribution moves between the two choices that "
                  "differ most (0 = not at all, 1 = entirely), with its 95% interval.")
    table = Table(show_edge=False, pad_edge=False, box=None)
    for name in ("decision", "date"):
        table.add_column(name, no_wrap=True)
    for name in ("TVD", "95% interval", "differ"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("furthest apart")
    for row in rows[:SHOWN_LIMIT]:
        pair = " / ".join(row["pair"]) if row["pair"] and row["tvd"] > 0 else ""
        mark = {"dead": "[dim]", "unclear": "[yellow]"}.get(row["verdict"], "")
        table.add_row(f"{mark}{escape(row['node'])}", row["date"], f"{row['tvd']:.2f}",
                      f"{row['low']:.2f}–{row['high']:.2f}", f"{row['changed']:.0%}",
                      escape(pair))
    console.print(table)
    if len(rows) > SHOWN_LIMIT:
        console.print(f"… and {len(rows) - SHOWN_LIMIT} more (--json lists every one)")
    console.print(f"Pivotal (largest TVD, shown to matter): {', '.join(data['pivotal'])}",
                  markup=False)
    by_node = {row["node"]: row for row in rows}
    for node in data["pivotal"][:5]:
        console.print(f"  {node}:", markup=False)
        for choice, endings in by_node[node]["endings"].items():
            console.print(f"    {choice} → {_top_endings(endings)}", markup=False)
    console.print(f"Dead ({len(data['dead'])}; the interval reaches 0 and stays under the "
                  f"threshold): {', '.join(data['dead']) or 'none'}", markup=False)
    if data["unclear"]:
        console.print(f"Unclear ({len(data['unclear'])}; the interval reaches 0 but the "
                      f"sample cannot rule out an effect): {', '.join(data['unclear'])}",
                      markup=False)
    _print_variables(data["variables"], console)
    _print_last(data["last_decisions"], console)
    if data["errors"]:
        console.print(f"Content problems met while playing: {data['errors']} "
                      "(run 'octobers simulate' to see them)")


def _print_variables(data: dict[str, Any], console: Any) -> None:
    from rich.table import Table

    outcome = data["outcome"]
    console.print(f"\nVariables at {data['at']} by quartile ({data['games']} games; "
                  f"{data['ended_before']} ended before and are left out)"
                  + (f"; outcome: {outcome}" if outcome else ""), markup=False)
    for name, groups in data["by_variable"].items():
        table = Table(title=None, show_edge=False, pad_edge=False, box=None)
        table.add_column(name, no_wrap=True)
        table.add_column("games", justify="right")
        if outcome:
            table.add_column(outcome, justify="right", no_wrap=True)
            table.add_column("95% interval", justify="right", no_wrap=True)
        table.add_column("most common endings")
        for group in groups:
            cells = [f"Q{group['quartile']} {group['low']}–{group['high']}",
                     str(group["games"])]
            if outcome:
                cells += [f"{group['rate']:.1%}",
                          f"{group['rate_low']:.0%}–{group['rate_high']:.0%}"]
            cells.append(_top_endings(group["endings"]))
            table.add_row(*cells)
        console.print(table)


def _print_last(data: dict[str, Any], console: Any) -> None:
    console.print(f"\nLast decisions: in {data['can_change']} of {data['games']} games "
                  f"({_share(data['can_change'], data['games'])}, 95% "
                  f"{data['low']:.0%}–{data['high']:.0%}) another choice at the last "
                  f"decision with a real choice can change the ending "
                  f"({data['futures']} futures tried).")
    top = data["by_node"][:6]
    if top:
        console.print("  most often last: " + ", ".join(
            f"{r['node']} {r['games']} ({_share(r['can_change'], r['games'])} can change)"
            for r in top), markup=False)


def run_audit(args: argparse.Namespace, parser: argparse.ArgumentParser, story: Story) -> int:
    """`octobers audit` once the story is loaded."""
    from game.loader import default_content_dir

    settings = settings_from(args, parser, story)
    progress = None
    bar: Any = None
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        bar = Progress("{task.description}", BarColumn(), MofNCompleteColumn(),
                       TimeElapsedColumn(), console=Console(stderr=True), transient=True)
        tasks: dict[str, Any] = {}

        def progress(label: str, done: int, total: int) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(label, total=total)
            bar.update(tasks[label], completed=done, total=total)

        bar.start()
    try:
        result = audit(story, settings, jobs=args.jobs, progress=progress,
                       content_dirs=args.content or [default_content_dir()])
    finally:
        if bar is not None:
            bar.stop()
    data = to_json(result, story)
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=False,
                      width=None if sys.stdout.isatty() else 120)
    print_report(data, console)
    return 0
