"""The authoring commands of `octobers`: graph, new-branch, audit's arguments, simulate's report.

game/cli.py declares the commands and dispatches here, so that the authoring tools keep their
command-line glue beside them.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path
from typing import Any

from game.model import year_of


def add_graph_parser(commands: Any, content_arg: Any) -> None:
    """Declare `octobers graph`."""
    graph = commands.add_parser("graph", help="draw the story as a graph (Graphviz or Mermaid)")
    content_arg(graph)
    graph.add_argument("--format", choices=("dot", "mermaid", *IMAGE_FORMATS), default=None,
                       help="dot (Graphviz text), mermaid, or an image drawn by Graphviz's "
                            "dot: svg, png, pdf (default: from the -o file's extension, "
                            "else dot)")
    graph.add_argument("-o", "--output", metavar="FILE",
                       help="write to FILE (default: stdout); .svg, .png and .pdf are drawn "
                            "with Graphviz")
    graph.add_argument("--from", dest="year_from", type=int, metavar="YEAR",
                       help="only events from this year on")
    graph.add_argument("--to", dest="year_to", type=int, metavar="YEAR",
                       help="only events up to this year")


IMAGE_FORMATS = ("svg", "png", "pdf")
GRAPHVIZ_HELP = ("install Graphviz (Debian/Ubuntu: sudo apt install graphviz; Fedora: sudo dnf "
                 "install graphviz; macOS: brew install graphviz; Windows: winget install "
                 "graphviz; or https://graphviz.org/download/)")


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
    new.add_argument("path", metavar="PATH",
                     help="the pack's folder; its last part is the pack's name (a lowercase "
                          "id), e.g. packs/kirov_lives")
    content_arg(new)
    new.add_argument("--dir", type=Path, default=Path("."), metavar="DIR",
                     help="a folder PATH is taken within (default: here)")
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
    suffix = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
    if fmt is None:
        fmt = "mermaid" if suffix in ("mmd", "mermaid") else \
            suffix if suffix in IMAGE_FORMATS else "dot"
    elif fmt in ("dot", "mermaid") and suffix in IMAGE_FORMATS:
        text_suffix = "mmd" if fmt == "mermaid" else "dot"
        parser.error(f"--format {fmt} writes text, not a .{suffix} image: leave out --format "
                     f"to draw the image with Graphviz, or write to a .{text_suffix} file")
    if fmt in IMAGE_FORMATS and (not args.output or args.output == "-"):
        parser.error(f"--format {fmt} needs -o FILE")
    years = [year_of(n.date) for n in story.nodes.values()]
    if years and ((args.year_from is not None and args.year_from > max(years)) or
                  (args.year_to is not None and args.year_to < min(years))):
        parser.error(f"no events in that span: the story runs from {min(years)} to "
                     f"{max(years)}")
    text = render(story, "mermaid" if fmt == "mermaid" else "dot", args.year_from, args.year_to)
    if fmt in IMAGE_FORMATS:
        return _draw(text, fmt, args.output)
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


def _draw(dot_text: str, fmt: str, output: str) -> int:
    """Render DOT text to an image file with Graphviz's `dot`, or say how to get it."""
    import shutil
    import subprocess

    program = shutil.which("dot")
    if program is None:
        sys.stderr.write(f"octobers: drawing {output} needs Graphviz's `dot` program, which "
                         f"is not installed: {GRAPHVIZ_HELP}. Or write the graph as text: "
                         f"-o {Path(output).with_suffix('.dot')} (Graphviz) or "
                         f"-o {Path(output).with_suffix('.mmd')} (Mermaid).\n")
        return 1
    try:
        done = subprocess.run([program, f"-T{fmt}"], input=dot_text.encode("utf-8"),
                              capture_output=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        sys.stderr.write(f"octobers: Graphviz's dot failed: {exc}\n")
        return 1
    if done.returncode != 0 or not done.stdout:
        detail = done.stderr.decode("utf-8", "replace").strip()
        sys.stderr.write(f"octobers: Graphviz's dot failed (exit {done.returncode})"
                         + (f": {detail}" if detail else "") + "\n")
        return 1
    from game.safefiles import write_atomic

    try:
        write_atomic(Path(output), done.stdout)
    except OSError as exc:
        sys.stderr.write(f"octobers: cannot write {output}: {exc.strerror or exc}\n")
        return 1
    sys.stderr.write(f"wrote {output} ({fmt}, drawn by Graphviz)\n")
    return 0


def cmd_new_branch(args: argparse.Namespace, parser: argparse.ArgumentParser,
                   story: Any) -> int:
    """`octobers new-branch PATH`: write a pack, then check it layered over the base."""
    from game.authoring.lint import lint
    from game.authoring.newbranch import ScaffoldError, check_name, scaffold
    from game.loader import default_content_dir, display_path, load_with_problems

    folder = args.dir / args.path
    name = folder.name
    try:
        check_name(name)
    except ScaffoldError as exc:
        parser.error(str(exc))
    if args.extends is not None and args.extends not in story.nodes:
        parser.error(f"--extends: unknown node '{args.extends}'")
    # Paths as the author gave them, relative to where they ran the command: never the
    # resolved folder of the installed package when they named their own content.
    base = list(args.content or [default_content_dir()])
    base_shown = " --content ".join(shlex.quote(str(d) if args.content else
                                                display_path(Path(d))) for d in base)
    shown = shlex.quote(str(folder))
    try:
        made = scaffold(name, folder, story, args.extends, base_shown, shown)
    except (ScaffoldError, OSError) as exc:
        sys.stderr.write(f"octobers: {exc}\n")
        return 1
    layered, problems = load_with_problems([*base, folder])
    mine = [p for p in problems if Path(p.where.path).resolve().is_relative_to(folder.resolve())]
    if layered is not None:
        mine += [p for p in lint(layered)
                 if Path(p.where.path).resolve().is_relative_to(folder.resolve())]
    print(f"created {folder}/: " + ", ".join(str(p) for p in made.files))
    for problem in mine:
        print(problem.format())
    if layered is None:
        print("check: the new pack does not load cleanly over the base content (see above)")
        return 1
    print(f"check: ok; '{made.event}' follows '{made.extends}' when the new choice is taken")
    print(f"next: octobers play --content {base_shown} --content {shown} "
          f"--start-at {made.extends}")
    return 0


def lint_problems(story: Any, strict: bool = False) -> list[Any]:
    """The check warnings for a loaded story; `strict` adds the codex's missing people."""
    from game.authoring.codexlint import codex_warnings
    from game.authoring.lint import lint

    return [*lint(story), *codex_warnings(story, strict)]


def run_transcripts(args: argparse.Namespace, story: Any) -> int:
    """`octobers simulate --transcripts DIR`: whole games as Markdown, for reading."""
    from collections import Counter

    from game.authoring.transcripts import write_transcripts

    moment = [name for name, given in (("--start-at", args.start_at), ("--set", args.set),
                                       ("--flag", args.flag), ("--outcome", args.outcome),
                                       ("--only", args.only), ("--from-seed", args.from_seed))
              if given]
    if moment:
        print(f"octobers: --transcripts plays whole games from each scenario; it does not take "
              f"{', '.join(moment)}", file=sys.stderr)
        return 2
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


def add_moment_options(parser: argparse.ArgumentParser, simulate: bool) -> None:
    """Test-any-moment options: `--from-seed` and `--outcome` (play and simulate), `--ending`
    (play), and for simulate also `--start-at`, `--set`, `--flag` and `--only`."""
    if simulate:
        parser.add_argument("--start-at", metavar="NODE",
                            help="start every game at this node, from the state a typical "
                                 "random game has there")
        parser.add_argument("--set", metavar="VAR=VALUE", action="append", default=[],
                            help="set a variable at the start (repeatable)")
        parser.add_argument("--flag", metavar="NAME", action="append", default=[],
                            help="raise a flag at the start (repeatable)")
        parser.add_argument("--only", metavar="PACK",
                            help="count coverage (nodes, choices, outcomes, endings) of this "
                                 "pack's files only: a --content folder, or its name")
    parser.add_argument("--from-seed", type=int, metavar="N",
                        help="with --start-at: the state of random game N as it reached the "
                             "node (the game `simulate -n 1 --seed N` plays)")
    parser.add_argument("--outcome", metavar="NODE.CHOICE=K", action="append", default=[],
                        help="always draw the K-th outcome (from 1) of that choice "
                             "(repeatable)")
    if not simulate:
        parser.add_argument("--ending", metavar="ID",
                            help="show this ending's epilogue for the start state (with "
                                 "--start-at, --set, --flag or --load) and stop")


def moment_start(args: argparse.Namespace, parser: argparse.ArgumentParser, story: Any,
                 scenario: str | None) -> Any:
    """The start `--start-at` asks for (startstate.Found), or None without it; usage
    errors for `--from-seed` alone, an unknown node, or a seed that never gets there."""
    from game.authoring.startstate import StartError, find_start
    from game.errors import suggest

    if args.start_at is None:
        if args.from_seed is not None:
            parser.error("--from-seed needs --start-at NODE")
        return None
    if args.start_at not in story.nodes:
        parser.error(f"--start-at: unknown node '{args.start_at}'"
                     f"{suggest(args.start_at, story.nodes)}")
    try:
        return find_start(story, args.start_at, scenario, args.from_seed)
    except StartError as exc:
        parser.error(f"--from-seed: {exc}")


def moment_setup(args: argparse.Namespace, parser: argparse.ArgumentParser,
                 story: Any) -> tuple[Any, Any, Any]:
    """simulate's (Setup, Scope, Found or None) from its test-any-moment arguments."""
    from game.authoring.simulate import Scope, Setup
    from game.authoring.startstate import parse_outcomes, start_flags, start_values
    from game.errors import suggest

    try:
        values = start_values(story, [_pair(text) for text in args.set])
        flags = start_flags(story, args.flag)
        outcomes = parse_outcomes(story, args.outcome)
    except ValueError as exc:
        parser.error(str(exc))
    found = moment_start(args, parser, story,
                         None if args.scenario in (None, "all") else args.scenario)
    if found is not None:
        args.scenario = found.scenario
    setup = Setup(args.start_at, tuple(sorted(values.items())), tuple(sorted(set(flags))),
                  None if found is None else found.state, outcomes)
    scope = Scope.of(story)
    if args.only is not None:
        packs = {Path(p).resolve(): p for p in story.packs}
        wanted = Path(args.only).resolve()
        named = [p for p in story.packs if Path(p).name == args.only]
        if wanted in packs:
            scope = Scope.of(story, Path(packs[wanted]))
        elif len(named) == 1:
            scope = Scope.of(story, Path(named[0]))
        else:
            known = ", ".join(story.packs) or "none: give the pack with another --content"
            parser.error(f"--only: '{args.only}' is not a pack of this run"
                         f"{suggest(args.only, [Path(p).name for p in story.packs])} "
                         f"(packs: {known})")
    if found is not None:
        scope = scope.since(story, story.nodes[args.start_at].date)
    return setup, scope, found


def play_moment(args: argparse.Namespace, parser: argparse.ArgumentParser, story: Any,
                options: Any) -> None:
    """Fill `options` (PlayOptions) from play's test-any-moment arguments: the state
    `--start-at` starts from, forced outcomes, the ending to preview."""
    from game.authoring.startstate import check_ending, parse_outcomes

    try:
        options.outcomes = parse_outcomes(story, args.outcome)
        options.ending = None if args.ending is None else check_ending(story, args.ending)
    except ValueError as exc:
        parser.error(str(exc))
    if args.load is not None:
        if args.start_at is not None or args.from_seed is not None:
            parser.error("--load continues a saved game; it cannot take --start-at too")
        return
    found = moment_start(args, parser, story, args.scenario)
    if found is not None:
        options.scenario, options.start_state, options.start_note = \
            found.scenario, found.state, found.note


def preview_plain(story: Any, options: Any) -> int:
    """`octobers play --plain --ending ID`: the epilogue for the start (or loaded) state."""
    import shutil

    from game.authoring.startstate import ending_condition
    from game.errors import SaveError
    from game.output import printable
    from game.plain import status_line
    from game.plaintext import MIN_WIDTH, markdown_lines
    from game.saves import SaveStore

    if options.load is not None:
        try:
            game, _ = SaveStore(options.saves_dir).load(options.load, story)
        except SaveError as exc:
            sys.stderr.write(f"octobers: {exc}\n")
            return 1
        print(f"Previewing with the state of the save '{options.load}'.")
    else:
        game = options.new_game(story)
        if options.start_at is None:
            print(f"Previewing with the start of the scenario '{game.origin.scenario}'.")
        for line in options.start_lines(game.origin.scenario):
            print(line)
    title, epilogue = game.ending_text(options.ending)
    print("═" * 60)
    print(printable(f"ENDING PREVIEW ({options.ending}): {title}"))
    print("═" * 60)
    width = max(MIN_WIDTH, shutil.get_terminal_size((80, 24)).columns)
    for line in markdown_lines(printable(epilogue), width):
        print(line)
    print()
    print(status_line(game))
    print(ending_condition(game, options.ending))
    print(f"(The state of {game.date // 12}-{game.date % 12 + 1:02d}; nothing is saved or "
          "recorded as discovered.)")
    return 0


def _pair(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise ValueError(f"--set: expected VAR=VALUE, got '{text}'")
    name, value = text.split("=", 1)
    return name.strip(), value.strip()


def run_simulate(args: argparse.Namespace, story: Any,
                 parser: argparse.ArgumentParser | None = None) -> int:
    """`octobers simulate` after its arguments are checked: play, then report."""
    from game.authoring.simulate import Scope, Setup, print_report, simulate
    from game.loader import default_content_dir

    setup, scope, found = (Setup(), Scope.of(story), None) if parser is None else \
        moment_setup(args, parser, story)
    if found is not None and not args.json:
        print(f"Every game starts at '{args.start_at}' from {found.note}.")
    if setup.outcomes and not args.json:
        from game.authoring.startstate import describe_outcomes

        print(f"Forced outcomes: {describe_outcomes(setup.outcomes)}")

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
                          content_dirs=args.content or [default_content_dir()], setup=setup)
    finally:
        if bar is not None:
            bar.stop()
    data = report.to_json(story, scope)
    if found is not None:
        data["start"] = {"node": args.start_at, "scenario": found.scenario, "from": found.note,
                         "fallback": found.fallback}
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=False,
                      width=None if sys.stdout.isatty() else 120)
    print_report(data, story, console)
    return 0


def add_schema_parser(commands: Any) -> None:
    """Declare `octobers schema`."""
    schema = commands.add_parser("schema", help="write the JSON Schema of content files "
                                                "(for editors)")
    schema.add_argument("-o", "--output", metavar="FILE",
                        help="write to FILE (default: stdout)")


def cmd_schema(args: argparse.Namespace) -> int:
    """`octobers schema [-o FILE]`: the JSON Schema for game.yaml, pack.yaml and events."""
    from game.authoring.content_schema import schema_text

    return _write_out(args.output, schema_text(), "the content schema")


def _write_out(output: str | None, text: str, what: str) -> int:
    """Text to stdout (no -o, or '-') or to a file, atomically; 1 with a message on failure."""
    if not output or output == "-":
        sys.stdout.write(text)
        return 0
    from game.safefiles import write_atomic

    try:
        write_atomic(Path(output), text.encode("utf-8"))
    except OSError as exc:
        sys.stderr.write(f"octobers: cannot write {output}: {exc.strerror or exc}\n")
        return 1
    sys.stderr.write(f"wrote {output} ({what})\n")
    return 0


def add_proof_parser(commands: Any, content_arg: Any) -> None:
    """Declare `octobers proof`."""
    proof = commands.add_parser("proof", help="the whole text in story order, as Markdown "
                                              "(for proofreading)")
    content_arg(proof)
    proof.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    proof.add_argument("--all", action="store_true",
                       help="every content folder in turn, not only the last (the pack)")


def cmd_proof(args: argparse.Namespace, load: Any) -> int:
    """`octobers proof`: the last content folder's text (or --all), with word counts."""
    from game.authoring.proof import proof
    from game.loader import default_content_dir

    story = load(args.content)
    if story is None:
        return 1
    folders = list(args.content or [default_content_dir()])
    return _write_out(args.output, proof(story, folders, args.all), "proof")
