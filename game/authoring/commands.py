"""The authoring commands of `octobers`: graph, new-branch, audit's arguments, simulate's report.

game/cli.py declares the commands and dispatches here, so that the authoring tools keep their
command-line glue beside them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from game.model import year_of


def add_graph_parser(commands: Any, content_arg: Any) -> None:
    """Declare `octobers graph`."""
    graph = commands.add_parser("graph", help="draw the story as a graph (Graphviz or Mermaid)")
    content_arg(graph)
    graph.add_argument("--format", choices=("dot", "mermaid"), default=None,
                       help="dot (Graphviz) or mermaid (default: from the -o file's "
                            "extension, else dot)")
    graph.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    graph.add_argument("--from", dest="year_from", type=int, metavar="YEAR",
                       help="only events from this year on")
    graph.add_argument("--to", dest="year_to", type=int, metavar="YEAR",
                       help="only events up to this year")


def add_audit_parser(commands: Any, content_arg: Any) -> None:
    """Declare `octobers audit`."""
    audit_ = commands.add_parser(
        "audit", help="which decisions change the ending, and which stats decide it")
    content_arg(audit_)
    audit_.add_argument("--seed", type=int, default=0, metavar="S")
    audit_.add_argument("--scenario", metavar="ID", default="all",
                        help="scenario every game starts from (default: 'all', in turn)")
    audit_.add_argument("--policy", choices=("random", "first", "weighted"), default="random",
                        help="how choices are picked, before and after the one tried")
    audit_.add_argument("--samples", type=int, default=200, metavar="N",
                        help="states sampled at each decision (default 200)")
    audit_.add_argument("--games", type=int, default=0, metavar="N",
                        help="the most games played to find them (default: 20 per sample)")
    audit_.add_argument("--at", default="1941-06", metavar="YYYY-MM",
                        help="the date the variables are read at (default 1941-06)")
    audit_.add_argument("--var", action="append", default=[], metavar="NAME",
                        help="also tabulate this variable by quartile (repeatable)")
    audit_.add_argument("--outcome", metavar="FLAG",
                        help="a flag set at the end of the game (or an ending id) whose rate "
                             "is given by quartile")
    audit_.add_argument("--dead-below", type=float, default=0.1, metavar="TVD",
                        help="a decision is dead when its interval reaches 0 and stays under "
                             "this (default 0.1)")
    audit_.add_argument("--top", type=int, default=10, metavar="N",
                        help="how many pivotal decisions to list (default 10)")
    audit_.add_argument("--json", action="store_true", help="print JSON")
    audit_.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                        help="worker processes (default 1); the result is the same for any N")


def add_new_branch_parser(commands: Any, content_arg: Any) -> None:
    """Declare `octobers new-branch`."""
    new = commands.add_parser("new-branch", help="scaffold a branch pack that passes check")
    new.add_argument("name", metavar="NAME", help="the pack's name (lowercase id)")
    content_arg(new)
    new.add_argument("--dir", type=Path, default=Path("."), metavar="DIR",
                     help="where to create the pack's folder (default: here)")
    new.add_argument("--extends", metavar="NODE",
                     help="the node that gets the new choice (default: the first scenario's "
                          "start)")


def cmd_graph(args: argparse.Namespace, parser: argparse.ArgumentParser, story: Any) -> int:
    """`octobers graph`: write the story's map."""
    from game.authoring.graph import render

    if args.year_from is not None and args.year_to is not None and \
            args.year_from > args.year_to:
        parser.error(f"--from {args.year_from} is after --to {args.year_to}")
    fmt = args.format
    if fmt is None:
        suffix = Path(args.output).suffix.lower() if args.output else ""
        fmt = "mermaid" if suffix in (".mmd", ".mermaid") else "dot"
    years = [year_of(n.date) for n in story.nodes.values()]
    if years and ((args.year_from is not None and args.year_from > max(years)) or
                  (args.year_to is not None and args.year_to < min(years))):
        parser.error(f"no events in that span: the story runs from {min(years)} to "
                     f"{max(years)}")
    text = render(story, fmt, args.year_from, args.year_to)
    if not args.output or args.output == "-":
        sys.stdout.write(text)
        return 0
    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as exc:
        sys.stderr.write(f"octobers: cannot write {args.output}: {exc.strerror or exc}\n")
        return 1
    sys.stderr.write(f"wrote {args.output} ({fmt})\n")
    return 0


def cmd_new_branch(args: argparse.Namespace, parser: argparse.ArgumentParser,
                   story: Any) -> int:
    """`octobers new-branch NAME`: write a pack, then check it layered over the base."""
    from game.authoring.lint import lint
    from game.authoring.newbranch import ScaffoldError, check_name, scaffold
    from game.loader import default_content_dir, display_path, load_with_problems

    try:
        check_name(args.name)
    except ScaffoldError as exc:
        parser.error(str(exc))
    if args.extends is not None and args.extends not in story.nodes:
        from game.errors import suggest

        parser.error(f"--extends: unknown node '{args.extends}'"
                     f"{suggest(args.extends, story.nodes)}")
    folder = args.dir / args.name
    try:
        made = scaffold(args.name, folder, story, args.extends)
    except (ScaffoldError, OSError) as exc:
        sys.stderr.write(f"octobers: {exc}\n")
        return 1
    base = list(args.content or [default_content_dir()])
    layered, problems = load_with_problems([*base, folder])
    mine = [p for p in problems if Path(p.where.path).resolve().is_relative_to(folder.resolve())]
    if layered is not None:
        mine += [p for p in lint(layered)
                 if Path(p.where.path).resolve().is_relative_to(folder.resolve())]
    shown = display_path(folder)
    print(f"created {shown}/: " + ", ".join(display_path(p) for p in made.files))
    for problem in mine:
        print(problem.format())
    if layered is None:
        print("check: the new pack does not load cleanly over the base content (see above)")
        return 1
    print(f"check: ok; '{made.event}' follows '{made.extends}' when the new choice is taken")
    content = " ".join(f"--content {display_path(Path(d))}" for d in base)
    print(f"next: octobers play {content} --content {shown} --start-at {made.extends}")
    return 0


def lint_problems(story: Any) -> list[Any]:
    """The check warnings for a loaded story."""
    from game.authoring.lint import lint

    return lint(story)


def run_transcripts(args: argparse.Namespace, story: Any) -> int:
    """`octobers simulate --transcripts DIR`: whole games as Markdown, for reading."""
    from collections import Counter

    from game.authoring.transcripts import write_transcripts

    try:
        written = write_transcripts(story, args.transcripts, args.per, args.seed)
    except OSError as exc:
        print(f"octobers: cannot write transcripts to {args.transcripts}: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return 1
    endings = Counter(w.ending for w in written)
    print(f"{len(written)} transcripts in {args.transcripts}; endings: "
          + ", ".join(f"{e} {n}" for e, n in endings.most_common()))
    missing = [e.id for e in story.endings if e.id not in endings]
    if missing:
        print(f"no transcript reached: {', '.join(missing)}")
    return 0


def run_simulate(args: argparse.Namespace, story: Any) -> int:
    """`octobers simulate` after its arguments are checked: play, then report."""
    from game.authoring.simulate import print_report, simulate
    from game.loader import default_content_dir

    progress = None
    bar: Any = None
    if not args.json and sys.stderr.isatty() and args.runs >= 200:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        bar = Progress("simulating", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                       console=Console(stderr=True), transient=True)
        task = bar.add_task("games", total=args.runs)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done)

        bar.start()
    try:
        report = simulate(story, args.runs, args.seed, args.scenario, args.policy,
                          jobs=args.jobs, progress=progress,
                          content_dirs=args.content or [default_content_dir()])
    finally:
        if bar is not None:
            bar.stop()
    data = report.to_json(story)
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=False,
                      width=None if sys.stdout.isatty() else 120)
    print_report(data, story, console)
    return 0
