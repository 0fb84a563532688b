"""`octobers check`'s result, kept in the cache while the content is unchanged; and `--watch`.

    problems, summary = check_content(dirs)          # load, validate and (warnings) lint
    watch(dirs)                                      # re-check on every save until Ctrl-C

A check result is a pure function of the content files and of the code that checks them, so
it is kept in the compiled-content cache (game/cache.py, kind CHECKS: signed, bounded, a bad
entry is a miss) under a key of every file's bytes and place and of this code: checking
unchanged content reads no YAML and builds no story. Changed content is loaded through the
per-file cache (only the changed files are compiled again) and analysed afresh.

`watch` polls the files' modification times and sizes, as `play --watch` does (no thread, no
new dependency), and after each change prints only what changed: the new problems in full,
the fixed ones in a line each, or "all clear" once nothing is left.
"""

from __future__ import annotations

import hashlib
import marshal
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from game import cache
from game.errors import Problem
from game.output import printable

_HERE = Path(__file__).resolve().parent
CODE = (_HERE / "checking.py", _HERE / "lint.py", _HERE / "analysis.py",
        _HERE / "commands.py")  # what a check result depends on beyond the loader


class _Count:
    """Stands for a collection of which only the size is kept (`len(summary.nodes)`)."""

    __slots__ = ("n",)

    def __init__(self, n: int):
        self.n = n

    def __len__(self) -> int:
        return self.n


@dataclass(frozen=True)
class Summary:
    """What check prints of a story that loaded: how many of each, and what packs change."""

    nodes: _Count
    endings: _Count
    scenarios: _Count
    files: _Count
    changes: tuple[Any, ...] = ()  # Story.changes: PackChange records

    @staticmethod
    def of(story: Any) -> Summary:
        return Summary(_Count(len(story.nodes)), _Count(len(story.endings)),
                       _Count(len(story.scenarios)), _Count(len(story.files)),
                       tuple(getattr(story, "changes", ())))

    def counts(self) -> tuple[int, int, int, int]:
        return len(self.nodes), len(self.endings), len(self.scenarios), len(self.files)


def check_content(content_dirs: Sequence[Path | str] | None, warnings: bool = True,
                  strict: bool = False) -> tuple[Summary | None, list[Problem]]:
    """Every problem `check` reports (warnings too unless `warnings` is False; `strict` adds
    the warnings only --strict asks for), and the summary when the content loaded (None when
    it has errors)."""
    from game.loader import load_with_problems, read_files

    purpose = "check" if warnings else "check without warnings"
    key, read = read_files(content_dirs, f"{purpose}{' strict' if strict else ''}", CODE)
    if key is not None:
        found = _valid(cache.load_part(key, cache.CHECKS))
        if found is not None:
            return found
    story, problems = load_with_problems(content_dirs, read=read)  # the files as keyed
    del read
    if story is not None and warnings:
        problems = [*problems, *_warnings(story, strict)]
    summary = Summary.of(story) if story is not None else None
    if key is not None:
        cache.store_part(key, cache.CHECKS, (summary.counts() if summary else None,
                                             list(problems),
                                             summary.changes if summary else ()))
    return summary, list(problems)


def _warnings(story: Any, strict: bool = False) -> list[Problem]:
    """check's warnings (commands.lint_problems). The analysis's (game/authoring/lint.py) are
    kept under a key of what the analysis reads (`_analysed`): after an edit to prose (a
    title, a paragraph, a label, a log line) the last analysis of the same facts is used
    again. The codex's warnings read the prose itself and are made afresh every time."""
    from game.authoring.commands import lint_problems

    return lint_problems(story, strict, analysis=_analysis)


def _analysis(story: Any) -> list[Problem]:
    from game.authoring.lint import lint

    key = None
    if cache.enabled():
        digest = hashlib.sha256(_analysed(story)).hexdigest()
        key = cache.content_key([], [], purpose=f"analysis {digest}", code=CODE)
        found = cache.load_part(key, cache.CHECKS)
        if found is not None and len(found) == 1 and isinstance(found[0], list) and \
                all(isinstance(p, Problem) for p in found[0]):
            return list(found[0])
    problems = lint(story)
    if key is not None:
        cache.store_part(key, cache.CHECKS, (list(problems),))
    return problems


# Every field of the model, as `_analysed` treats it: in its key (ANALYSED) or left out as
# prose or as something the analysis never reads (NOT_ANALYSED). A field added to the model
# must be put in one of them (a test checks), and one the analysis starts to read must move
# to ANALYSED and into the key.
ANALYSED = {
    "Story": {"variables", "texts", "flags", "scenarios", "nodes", "endings", "files"},
    "Variable": {"id", "start", "min", "max", "where"},
    "TextVariable": {"id", "start", "where"},
    "Scenario": {"id", "date", "start", "where", "set", "vars", "texts"},
    "Node": {"id", "date", "until", "where", "order", "priority", "history", "when", "enter",
             "text", "choices"},
    "Paragraph": {"when"},
    "Choice": {"id", "where", "when", "locked", "ai", "effect", "outcomes"},
    "Outcome": {"where", "weight", "effect"},
    "Effect": {"deltas", "assign", "set", "clear", "texts", "goto",
               "set_where", "goto_where"},  # where a warning's caret goes
    "Ending": {"id", "where", "when", "immediate", "text", "hint"},  # hint: the no-hint warning
    "Expr": {"source", "where"},
    "Template": {"source"},
}
NOT_ANALYSED = {
    "Story": {"title", "content_hash", "packs", "changes", "unreachable", "codex",
              "codex_ignore"},
    "Variable": {"label", "shown", "description", "danger", "reveal"},
    "TextVariable": {"label", "shown"},
    "Scenario": {"title", "description"},
    "Node": {"title"},
    "Paragraph": {"template", "id"},
    "Choice": {"label", "hidden"},
    "Outcome": {"id"},
    "Effect": {"log", "unlock"},
    "Ending": {"title"},
    "Expr": {"fn", "uses_date"},  # both follow from the source
    "Template": {"parts"},  # follows from the source
}


def _analysed(story: Any) -> bytes:
    """Everything of a story the warnings' analysis (game/authoring/lint.py) reads: every
    field but prose, and prose only as far as the analysis looks at it (game/facts.py); and
    the game's and the packs' own files, which it reads again for the declared flags. The
    nodes of a file that came from the per-file cache count as that file's stored digest of
    their facts (and the place of its first node in the story): the same digest, the same
    facts."""
    import gc

    from game.facts import expr, node_facts, where
    from game.loader import node_segments
    from game.safefiles import read_regular
    from game.yamlsrc import MAX_FILE_BYTES

    out: list[Any] = []
    add = out.append
    w, ex = where, expr
    segments = node_segments(story)
    was_enabled = gc.isenabled()
    gc.disable()  # many small tuples, no cycles
    try:
        for v in story.variables.values():
            add(("v", v.id, v.start, v.min, v.max, w(v.where)))
        for t in story.texts.values():
            add(("t", t.id, t.start, w(t.where)))
        add(("f", tuple(sorted(story.flags)), story.files))
        for s in story.scenarios:
            add(("s", s.id, s.date, s.start, w(s.where), s.set, s.vars, s.texts))
        nodes = list(story.nodes.values())
        i = 0
        while i < len(nodes):
            n = nodes[i]
            segment = segments.get(id(n))
            if segment is not None:
                run, digest = segment
                here = nodes[i:i + len(run)]
                if len(here) == len(run) and all(
                        a is b and a.order == n.order + k
                        for k, (a, b) in enumerate(zip(here, run, strict=True))):
                    add(("p", digest, n.order, len(run)))
                    i += len(run)
                    continue
            add(("o", n.order, node_facts(n)))
            i += 1
        for e in story.endings:
            add(("e", e.id, w(e.where), ex(e.when), e.immediate,
                 tuple(ex(p.when) for p in e.text)))
        flat = marshal.dumps(out, 2)  # by value (version 2 has no back-references)
    finally:
        if was_enabled:
            gc.enable()
    files: list[tuple[str, bytes | None]] = []
    for display in story.files:
        if Path(display).name in ("game.yaml", "pack.yaml"):
            try:  # as the analysis reads them: never through a link, never unbounded
                files.append((display, read_regular(display, MAX_FILE_BYTES + 1,
                                                    truncate=True)))
            except OSError:
                files.append((display, None))
    return flat + marshal.dumps(files, 2)


def _valid(payload: tuple[Any, ...] | None) -> tuple[Summary | None, list[Problem]] | None:
    from game.model import PackChange

    if payload is None or len(payload) != 3:
        return None
    counts, problems, changes = payload
    if not isinstance(changes, tuple) or not all(isinstance(c, PackChange) for c in changes):
        return None
    if not isinstance(problems, list) or not all(isinstance(p, Problem) for p in problems):
        return None
    if counts is None:
        return None, problems
    if not isinstance(counts, tuple) or len(counts) != 4 or \
            not all(type(n) is int for n in counts):
        return None
    nodes, endings, scenarios, files = counts
    return Summary(_Count(nodes), _Count(endings), _Count(scenarios), _Count(files),
                   changes), problems


# ---- check --watch ------------------------------------------------------------------------
def _identity(problem: Problem) -> tuple[str, str, str]:
    # a problem is the same one while its file, kind and words stay: editing lines above it
    # moves it without making it new
    return problem.where.path, problem.severity, problem.message


def _tally(problems: list[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    return (f"{errors} error{'s' if errors != 1 else ''}, "
            f"{warnings} warning{'s' if warnings != 1 else ''}")


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.where.path, p.where.line, p.where.col, p.message))


def watch(content_dirs: Sequence[Path | str] | None, warnings: bool = True, strict: bool = False,
          out: TextIO | None = None, interval: float = 0.5, polls: int | None = None,
          sleep: Callable[[float], None] = time.sleep) -> int:
    """Check, then re-check after every saved change and print what changed, until Ctrl-C
    (or `polls` polls: for tests). Returns 0."""
    import sys

    from game.authoring.watch import ContentWatcher
    from game.loader import default_content_dir, display_path

    stream = out or sys.stdout
    dirs = [Path(d) for d in (content_dirs or [default_content_dir()])]

    def say(text: str) -> None:
        stream.write(text + "\n")
        stream.flush()

    try:
        watcher = ContentWatcher(dirs)
        summary, problems = check_content(dirs, warnings, strict)
        for problem in _sorted(problems):
            say(problem.format())
        say(_headline(summary, problems))
        last_loaded = problems if summary is not None else None
        say(printable(f"watching {len(watcher.snapshot)} files in "
                      f"{', '.join(display_path(d) for d in dirs)}; Ctrl-C to stop"))
        done = 0
        while polls is None or done < polls:
            sleep(interval)
            done += 1
            changed = watcher.changes()
            if not changed:
                continue
            summary, now = check_content(dirs, warnings, strict)
            if summary is None and last_loaded is not None:
                # with errors the warnings are not analysed: they are not fixed, only unknown
                now = _keep_warnings(now, last_loaded)
            say(printable(f"-- {time.strftime('%H:%M:%S')}: "
                          f"{', '.join(display_path(Path(p)) for p in changed[:3])}"
                          f"{f' and {len(changed) - 3} more' if len(changed) > 3 else ''} "
                          "changed"))
            _report_change(problems, now, summary, say)
            problems = now
            if summary is not None:
                last_loaded = now
    except KeyboardInterrupt:
        say("stopped watching")
    return 0


def _keep_warnings(now: list[Problem], loaded: list[Problem]) -> list[Problem]:
    """The problems of a check with errors, and the warnings of the last one without."""
    seen = Counter(map(_identity, now))
    kept = list(now)
    for problem in loaded:
        key = _identity(problem)
        if problem.severity != "error":
            if seen[key] > 0:
                seen[key] -= 1
            else:
                kept.append(problem)
    return kept


def _headline(summary: Summary | None, problems: list[Problem]) -> str:
    if summary is not None and not any(p.severity == "error" for p in problems):
        nodes, endings, scenarios, files = summary.counts()
        return (f"{'all clear' if not problems else 'ok'}: {nodes} nodes, {endings} endings, "
                f"{scenarios} scenarios in {files} files"
                + (f"; {_tally(problems).split(', ')[1]}" if problems else ""))
    return _tally(problems)


def _report_change(before: list[Problem], now: list[Problem], summary: Summary | None,
                   say: Callable[[str], None]) -> None:
    old, new = Counter(map(_identity, before)), Counter(map(_identity, now))
    added = new - old
    fixed = old - new
    for problem in _sorted(now):
        key = _identity(problem)
        if added[key] > 0:
            added[key] -= 1
            say(f"new: {problem.format()}")
    for problem in _sorted(before):
        key = _identity(problem)
        if fixed[key] > 0:
            fixed[key] -= 1
            prefix = "" if problem.severity == "error" else f"{problem.severity}: "
            say(printable(f"fixed: {problem.where.path}: {prefix}{problem.message}"))
    later = "" if summary is not None or not warnings_of(now) else \
        " (the warnings are those of the last check without errors: they are analysed " \
        "again once the errors are fixed)"
    if not now:
        say(_headline(summary, now))
    elif not (new - old) and not (old - new):
        say(f"no new or fixed problems ({_tally(now)}){later}")
    else:
        say(f"now {_tally(now)}{later}")


def warnings_of(problems: list[Problem]) -> list[Problem]:
    """The problems that are not errors."""
    return [p for p in problems if p.severity != "error"]
