"""The `octobers` command: play, check, simulate, audit and export.

Imports stay lazy so that `octobers --version`, `check` and `simulate` start fast and never
load Textual; only `play` without `--plain` imports the TUI.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from game import __version__

DESCRIPTION = """\
Many Octobers: be the will of revolutionary Russia's government from 1917 to 1991, one
decision at a time.
With no command, opens the game in the terminal (the same as `octobers play`).

Saves live in {saves}
(--saves-dir DIR or $OCTOBERS_SAVES choose another folder)."""

SAVES_HELP = ("save folder (default: $OCTOBERS_SAVES, else the saves/ of a git checkout the "
              "game runs from, else $XDG_DATA_HOME/many-octobers/saves; here: {saves})")


def _saves_help() -> str:
    from game.folders import default_saves_dir, shown_folder

    return SAVES_HELP.format(saves=shown_folder(default_saves_dir())).replace("%", "%%")


def _content_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", metavar="DIR", action="append", type=Path,
                        help="content folder; repeat to layer branch packs over the campaign "
                             "(default: the shipped campaign)")


def _set_value(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected VAR=VALUE, got '{text}'")
    name, value = text.split("=", 1)
    return name.strip(), value.strip()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with every command."""
    from game.folders import default_saves_dir, shown_folder

    parser = argparse.ArgumentParser(
        prog="octobers", formatter_class=argparse.RawDescriptionHelpFormatter,
        description=DESCRIPTION.format(saves=shown_folder(default_saves_dir())))
    parser.add_argument("--version", action="version", version=f"octobers {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = commands.add_parser("play", help="play the game (Textual, or --plain text)")
    _add_play_options(play)

    check = commands.add_parser("check", help="load and validate the content")
    _content_arg(check)
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--no-warnings", action="store_true",
                       help="report errors only (skip the reachability and usage warnings)")

    simulate = commands.add_parser("simulate", help="play many random games and report")
    _content_arg(simulate)
    simulate.add_argument("-n", "--runs", type=int, default=1000, metavar="N",
                          help="how many games (default 1000)")
    simulate.add_argument("--seed", type=int, default=0, metavar="S")
    simulate.add_argument("--scenario", metavar="ID", default="all",
                          help="scenario to start every game from (default: 'all', cycling "
                               "through the scenarios in order)")
    simulate.add_argument("--policy", choices=("random", "first", "weighted"),
                          default="random", help="how choices are picked")
    simulate.add_argument("--json", action="store_true", help="print JSON")
    simulate.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                          help="worker processes (default 1); the result is the same for any N")
    simulate.add_argument("--transcripts", type=Path, metavar="DIR",
                          help="instead of a report, write whole games as Markdown to DIR: "
                               "--per games for each scenario and policy, then one for each "
                               "ending not yet reached")
    simulate.add_argument("--per", type=int, default=2, metavar="K",
                          help="with --transcripts: games per scenario and policy (default 2)")

    from game.authoring.commands import (
        add_audit_parser,
        add_graph_parser,
        add_moment_options,
        add_new_branch_parser,
        add_proof_parser,
        add_schema_parser,
    )

    add_moment_options(simulate, simulate=True)
    add_audit_parser(commands, _content_arg)
    add_graph_parser(commands, _content_arg)
    add_new_branch_parser(commands, _content_arg)
    add_schema_parser(commands)
    add_proof_parser(commands, _content_arg)

    export = commands.add_parser("export", help="write a saved game as a Markdown chronicle")
    export.add_argument("slot", metavar="SLOT", help="the save slot, e.g. autosave")
    export.add_argument("-o", "--output", metavar="FILE",
                        help="where to write it ('-' for stdout; default: "
                             "SAVES/SLOT-chronicle.md)")
    export.add_argument("--saves-dir", metavar="DIR", type=Path,
                        help=_saves_help())
    _content_arg(export)
    _add_serve_parser(commands)
    return parser


def _add_serve_parser(commands: Any) -> None:
    serve = commands.add_parser(
        "serve", help="serve the full-screen game in a web page (needs textual-serve: "
                      "pip install 'many-octobers[web]')")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--saves-dir", metavar="DIR", type=Path, help=_saves_help())
    _content_arg(serve)


def _add_play_options(play: argparse.ArgumentParser) -> None:
    play.add_argument("--plain", action="store_true",
                      help="plain numbered text on stdin/stdout instead of the full-screen UI")
    play.add_argument("--seed", type=int, metavar="N", help="seed for chance (default: random)")
    play.add_argument("--scenario", metavar="ID", help="starting point (default: the first)")
    play.add_argument("--saves-dir", metavar="DIR", type=Path,
                      help=_saves_help())
    play.add_argument("--load", metavar="SLOT", help="continue a saved game")
    play.add_argument("--start-at", metavar="NODE", help="start at this node (for testing)")
    play.add_argument("--set", metavar="VAR=VALUE", action="append", type=_set_value,
                      default=[], help="set a variable at the start (for testing)")
    play.add_argument("--flag", metavar="NAME", action="append", default=[],
                      help="raise a flag at the start (for testing)")
    from game.authoring.commands import add_moment_options

    add_moment_options(play, simulate=False)  # --from-seed, --outcome, --ending
    play.add_argument("--dev", action="store_true",
                      help="developer panel (F12) in the UI; in --plain, why each choice is "
                      "open or locked")
    play.add_argument("--watch", action="store_true",
                      help="reload the content when a file changes (full-screen UI only)")
    _content_arg(play)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `octobers` command; returns the exit status."""
    with _filtered_output():
        parser = build_parser()
        argv = list(sys.argv[1:] if argv is None else argv)
        if not argv or (argv[0].startswith("-")
                        and argv[0] not in ("-h", "--help", "--version")):
            argv = ["play", *argv]  # `octobers --content DIR` plays, like `octobers play ...`
        args = parser.parse_args(argv)
        return _run(args.command or "play", args, argv, parser)


@contextmanager
def _filtered_output() -> Iterator[None]:
    """Everything the commands print goes through the one output filter (game/output.py)."""
    from game.output import FilteredStream

    saved = sys.stdout, sys.stderr
    sys.stdout = FilteredStream(sys.stdout)
    sys.stderr = FilteredStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def _run(command: str, args: argparse.Namespace, argv: list[str],
         parser: argparse.ArgumentParser) -> int:
    if args.command is None:
        args = parser.parse_args(["play", *(argv if argv is not None else sys.argv[1:])])
    try:
        if command == "check":
            return cmd_check(args)
        if command == "simulate":
            return cmd_simulate(args, parser)
        if command == "audit":
            return cmd_audit(args, parser)
        if command in ("schema", "proof"):
            from game.authoring.commands import cmd_proof, cmd_schema

            return cmd_schema(args) if command == "schema" else cmd_proof(args, _load)
        if command in ("graph", "new-branch"):
            return cmd_authoring(command, args, parser)
        if command == "export":
            return cmd_export(args, parser)
        if command == "serve":
            return cmd_serve(args, parser)
        return cmd_play(args, parser)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _err(message: str) -> None:
    sys.stderr.write(f"octobers: {message}\n")


def _load(content: list[Path] | None) -> Any:
    from game.errors import ContentError
    from game.loader import load_story

    try:
        return load_story(content)
    except ContentError as exc:
        for problem in exc.problems:
            sys.stderr.write(problem.format() + "\n")
        _err(f"{exc}; run 'octobers check' for details")
        return None


def cmd_check(args: argparse.Namespace) -> int:
    """`octobers check`."""
    from game.loader import load_with_problems

    story, problems = load_with_problems(args.content)
    if story is not None and not args.no_warnings:
        from game.authoring.commands import lint_problems

        problems = [*problems, *lint_problems(story, args.strict)]
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    failed = bool(errors) or (args.strict and bool(warnings))
    problems = sorted(problems, key=lambda p: (p.where.path, p.where.line, p.where.col))
    from game.extensions import changes_json, describe_changes

    changes = story.changes if story is not None else ()
    if args.format == "json":
        print(json.dumps({"ok": not failed, "errors": len(errors), "warnings": len(warnings),
                          "problems": [p.to_json() for p in problems],
                          "packs": changes_json(changes)}, indent=2))
        return 1 if failed else 0
    for problem in problems:
        print(problem.format())
    for line in describe_changes(changes):
        print(line)
    if story is not None and not failed:
        print(f"ok: {len(story.nodes)} nodes, {len(story.endings)} endings, "
              f"{len(story.scenarios)} scenarios in {len(story.files)} files"
              + (f"; {len(warnings)} warnings" if warnings else ""))
        return 0
    print(f"{len(errors)} error{'s' if len(errors) != 1 else ''}, "
          f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}")
    return 1


def cmd_simulate(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """`octobers simulate`."""
    if args.runs < 1:
        parser.error("-n must be at least 1")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    story = _load(args.content)
    if story is None:
        return 1
    if args.scenario not in (None, "all") and args.scenario not in \
            [s.id for s in story.scenarios]:
        parser.error(f"unknown scenario '{args.scenario}' (known: "
                     f"{', '.join(s.id for s in story.scenarios)})")
    if args.transcripts is not None:
        if not 1 <= args.per <= 100:
            parser.error("--per must be between 1 and 100")
        from game.authoring.commands import run_transcripts

        return run_transcripts(args, story)
    from game.authoring.commands import run_simulate

    return run_simulate(args, story, parser)


def cmd_audit(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """`octobers audit`: counterfactuals, which decisions and stats move the ending."""
    story = _load(args.content)
    if story is None:
        return 1
    from game.authoring.audit_report import run_audit

    return run_audit(args, parser, story)


def cmd_export(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """`octobers export SLOT [-o FILE]`: a saved game as a Markdown chronicle."""
    from game.chronicle import chronicle
    from game.errors import SaveError
    from game.saves import SaveStore, check_slot, default_saves_dir

    try:
        check_slot(args.slot)
    except SaveError as exc:
        parser.error(str(exc))
    store = SaveStore(args.saves_dir or default_saves_dir())
    if not store.exists(args.slot):
        _err(f"there is no save '{args.slot}' in {store.folder}.")
        return 1
    story = _load(args.content)
    if story is None:
        return 1
    try:
        game, notes = store.load(args.slot, story)
    except SaveError as exc:
        _err(str(exc))
        return 1
    for note in notes:
        _err(f"note: {note}.")
    text = chronicle(game)
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    target = Path(args.output) if args.output else store.folder / f"{args.slot}-chronicle.md"
    from game.safefiles import write_atomic

    try:  # a temporary file renamed over the target: never through a link, never half
        write_atomic(target, text.encode("utf-8"))
    except OSError as exc:
        _err(f"could not write {target}: {exc.strerror or exc}.")
        return 1
    print(f"Wrote {target}")
    return 0


def cmd_serve(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """`octobers serve`: the game in a web page, one game per browser tab (game/serve.py)."""
    from game.saves import default_saves_dir
    from game.serve import serve

    if not 1 <= args.port <= 65535:
        parser.error("--port must be between 1 and 65535")
    if _load(args.content) is None:  # a content error is said once here, not in every tab
        return 1
    return serve(args.host, args.port, (args.saves_dir or default_saves_dir()).absolute(),
                 list(args.content or []))


def cmd_authoring(command: str, args: argparse.Namespace,
                  parser: argparse.ArgumentParser) -> int:
    """`octobers graph` and `octobers new-branch`."""
    from game.authoring.commands import cmd_graph, cmd_new_branch

    story = _load(args.content)
    if story is None:
        return 1
    if command == "graph":
        return cmd_graph(args, parser, story)
    return cmd_new_branch(args, parser, story)


def _play_options(args: argparse.Namespace, parser: argparse.ArgumentParser,
                  story: Any) -> Any:
    from game.options import PlayOptions

    values: dict[str, int | str] = {}
    for name, value in args.set:
        if name in story.variables:
            try:
                values[name] = int(value)
            except ValueError:
                parser.error(f"--set {name}={value}: {name} takes a whole number")
        elif name in story.texts:
            from game.engine import MAX_TEXT_LENGTH

            if len(value) > MAX_TEXT_LENGTH:
                parser.error(f"--set {name}: a text holds at most {MAX_TEXT_LENGTH:,} "
                             "characters")
            values[name] = value
        else:
            parser.error(f"--set: unknown variable '{name}'")
    if args.scenario is not None and args.scenario not in [s.id for s in story.scenarios]:
        parser.error(f"unknown scenario '{args.scenario}' (known: "
                     f"{', '.join(s.id for s in story.scenarios)})")
    if args.start_at is not None and args.start_at not in story.nodes:
        parser.error(f"--start-at: unknown node '{args.start_at}'")
    from game.saves import default_saves_dir

    saves_dir = args.saves_dir or default_saves_dir()
    return PlayOptions(content_dirs=list(args.content or []), saves_dir=saves_dir,
                       seed=args.seed, scenario=args.scenario, load=args.load,
                       start_at=args.start_at, values=values, flags=list(args.flag),
                       dev=args.dev, watch=getattr(args, "watch", False))


def cmd_play(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """`octobers play`."""
    if args.load is not None:
        from game.errors import SaveError
        from game.saves import check_slot

        try:
            check_slot(args.load)
        except SaveError as exc:
            parser.error(str(exc))
    story = _load(args.content)
    if story is None:
        return 1
    options = _play_options(args, parser, story)
    from game.authoring.commands import play_moment, preview_plain

    play_moment(args, parser, story, options)  # --start-at's state, --outcome, --ending
    if options.ending is not None and args.plain:
        return preview_plain(story, options)
    _clean_saves_folder(options.saves_dir)
    if args.plain and args.watch:
        _err("note: --watch reloads content in the full-screen game only; plain mode plays "
             "the content as it was loaded")
    if not args.plain:
        try:
            from game.tui import run as run_tui
        except ImportError as exc:
            _err(f"the full-screen game is not available ({exc}); use --plain")
            return 1
        return int(run_tui(story, options))
    return play_plain(story, options)


def _clean_saves_folder(folder: Path | None) -> None:
    """Remove temporary files a crash left in the saves folder (never a save)."""
    from game.saves import SaveStore

    SaveStore(folder).clean_temp_files()


def play_plain(story: Any, options: Any) -> int:
    """Start or continue a game in plain mode."""
    from game.errors import SaveError
    from game.plain import PlainSession
    from game.saves import SaveStore

    store = SaveStore(options.saves_dir)
    elsewhere = store.claim_session()
    if elsewhere is not None:
        print(f"Note: Many Octobers is already open on this saves folder; this game autosaves "
              f"to '{elsewhere}', so neither overwrites the other's game.")
    if options.load is not None:
        try:
            game, notes = store.load(options.load, story)
        except SaveError as exc:
            _err(str(exc))
            backup = store.usable_backup(options.load)
            if backup is not None:
                _err(f"a backup copy loads: octobers play --plain --load {backup}")
            return 1
        for note in notes:
            print(f"Note: {note}.")
    else:
        game = options.new_game(story)
        for line in options.start_lines(game.origin.scenario):
            print(line)
    return PlainSession(game, store, sys.stdin, sys.stdout, dev=options.dev).run()
