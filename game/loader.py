"""Content folders → a checked Story. Every problem is collected, then reported at once."""

from __future__ import annotations

import gc
import hashlib
import os
import re
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game import __version__, cache
from game.codexload import build_codex
from game.engine import MAX_TEXT_LENGTH
from game.errors import ContentError, Problem, SourceRef, suggest
from game.expressions import BOOL, NUM, ExprError, Names, compile_expr
from game.extensions import extend_node, pack_changes, paragraph_id
from game.facts import nodes_digest
from game.model import (
    Choice,
    Danger,
    Effect,
    Ending,
    Expr,
    Node,
    Outcome,
    PackChange,
    Paragraph,
    Reveal,
    Scenario,
    Story,
    Template,
    TextVariable,
    Variable,
)
from game.packs import check_requirements, read_manifest
from game.safefiles import kind_problem, read_regular
from game.schema import INT_RE, Reader
from game.text import TemplateError, parse_template
from game.yamlsrc import MAX_FILE_BYTES, YMap, YSeq, YStr, parse_yaml, read_yaml

GAME_KEYS = ("title", "description", "variables", "texts", "flags", "scenarios", "endings",
             "codex", "codex_ignore", "unreachable")
PACK_KEYS = ("name", "version", "description", "requires", "variables", "texts", "flags",
             "scenarios", "endings", "codex", "codex_ignore", "unreachable")
VARIABLE_KEYS = ("label", "start", "min", "max", "shown", "description", "danger", "reveal")
DANGER_KEYS = ("below", "above", "warning")
REVEAL_KEYS = ("flag", "date")
TEXT_KEYS = ("label", "start", "shown")
SCENARIO_KEYS = ("id", "title", "date", "start", "description", "set", "vars", "texts")
ENDING_KEYS = ("id", "title", "text", "when", "immediate", "hint")
NODE_KEYS = ("id", "date", "until", "when", "priority", "title", "text", "history", "enter",
             "choices",
             "replace")
EXTEND_KEYS = ("extends", "choices", "text", "hide")
EVENT_FILE_KEYS = ("nodes", "endings", "codex")  # an event file written as a mapping
EFFECT_KEYS = ("effects", "assign", "set", "clear", "texts", "log", "goto", "unlock")
CHOICE_KEYS = ("id", "label", "when", "locked", "outcomes", "ai", *EFFECT_KEYS)
OUTCOME_KEYS = ("id", "weight", *EFFECT_KEYS)
PARAGRAPH_KEYS = ("id", "when", "text")
# The keys of the blocks that can set flags (choices, outcomes, scenarios, arrivals)
_SETTER_KEY_SET = frozenset((*CHOICE_KEYS, *OUTCOME_KEYS, *SCENARIO_KEYS))
_NODE_KEY_SET = frozenset(NODE_KEYS)


NOT_REGULAR = ("refused: {what}; a content folder holds only regular files and never follows "
               "a link (copy the file in instead)")


def _content_files(folder: Path) -> list[tuple[Path, str | None]]:
    """The .yaml files under a content folder, sorted, each with why it is refused (or None).

    Symbolic links (to files or folders) and anything that is not a regular file are refused,
    never followed: a pack's `events/env.yaml -> /proc/self/environ` must not be read.
    """
    found: list[tuple[Path, str | None]] = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        here = Path(root)
        for name in dirs:
            if (here / name).is_symlink():
                found.append((here / name, NOT_REGULAR.format(what="a symbolic link to a "
                                                                   "folder")))
        for name in files:
            if not name.endswith(".yaml"):
                continue
            kind = kind_problem(here / name)
            what = {"is a symbolic link": "a symbolic link",
                    "is not a regular file": "not a regular file"}.get(kind or "")
            found.append((here / name, NOT_REGULAR.format(what=what) if what else None))
    return sorted(found)


MAX_SCENE_CHARS = 100_000  # characters in one scene's text (every paragraph, before filling in)
MAX_SCENE_BLOCKS = 300  # Markdown blocks (paragraphs, list items, headings) in one scene
MAX_TABLE_ROWS = 200  # rows of Markdown tables in one scene


def scene_too_large(sources: Iterable[str]) -> str | None:
    """Why a scene's text is more than the game renders (a sentence naming the limit), or None.

    The full-screen game lays out every Markdown block and table row of a scene at once: 20,000
    one-letter paragraphs took over a minute and 1.4 GB. Real scenes are a few hundred words.
    """
    chars = blocks = rows = 0
    for source in sources:
        chars += len(source)
        lines = source.split("\n")
        rows += sum(1 for line in lines if line.lstrip().startswith("|"))
        blocks += sum(1 for n, line in enumerate(lines) if line.strip() and (
            n == 0 or not lines[n - 1].strip() or line.lstrip()[:1] in "-*#>"
            or line.lstrip()[:2].rstrip(".").isdigit()))
    if chars > MAX_SCENE_CHARS:
        return f"the text is longer than {MAX_SCENE_CHARS:,} characters; split the scene"
    if rows > MAX_TABLE_ROWS:
        return f"the text has more than {MAX_TABLE_ROWS} table rows; shorten the table"
    if blocks > MAX_SCENE_BLOCKS:
        return (f"the text has more than {MAX_SCENE_BLOCKS} paragraphs, list items or "
                "headings; split the scene")
    return None


def _folder_hint(folder: Path, layer: int) -> str:
    """Why a --content folder without its game.yaml (layer 0) or pack.yaml is likely the
    wrong folder, as a '; ...' clause naming the right one, or ''."""
    if layer == 0 and (folder / "pack.yaml").is_file():
        return (f": {display_path(folder)} is a branch pack (it has pack.yaml); put the game's "
                f"own content first: --content {display_path(default_content_dir())} "
                f"--content {display_path(folder)}")
    for parent in list(folder.resolve().parents)[:3]:
        for name in ("pack.yaml", "game.yaml"):
            if (parent / name).is_file():
                shown = display_path(parent)
                if layer == 0 and name == "pack.yaml":
                    return (f": {display_path(folder)} is a sub-folder of the branch pack "
                            f"{shown} (it has pack.yaml); give the game's own content first, "
                            f"then the pack's folder: --content "
                            f"{display_path(default_content_dir())} --content {shown}")
                return (f": {display_path(folder)} is a sub-folder of {shown}, which has the "
                        f"{name}; give --content {shown}")
    return ""


_COMMENT_ROW = re.compile(rb"^[^\n]*?[^\s#][ \t]+#[^\n]*", re.MULTILINE)


def _comment_rows(raw: bytes) -> dict[int, str]:
    """The lines of a file that hold a ` #` after something else, by line number."""
    if b"#" not in raw:  # most files: found at memchr speed
        return {}
    rows = {}
    line, at = 1, 0
    for match in _COMMENT_ROW.finditer(raw):
        line += raw.count(b"\n", at, match.start())
        at = match.start()
        rows[line] = match.group().decode("utf-8", errors="replace").rstrip("\r")
    return rows


def _warn_if_cut(r: Reader, value: YStr, what: str) -> None:
    """Warn when unquoted text stops at a ` #`: YAML took the rest of the line as a comment."""
    where = value.where
    row = r.comment_rows.get(where.line)
    if row is None or "\n" in value:
        return
    written = row[where.col - 1:]
    rest = written[len(value):] if written.startswith(value) else ""
    if rest.strip().startswith("#"):
        r.warn(value, f"{what}: the text stops before '{rest.strip()}': in unquoted text "
                      "YAML reads ' #' and all after it as a comment; if the '#' belongs to the "
                      "text, put the whole text in quotes")


def default_content_dir() -> Path:
    """The shipped campaign: ./content when run from the repository, else the packaged copy."""
    here = Path(__file__).resolve().parent
    for candidate in (Path.cwd() / "content", here.parent / "content", here / "_content"):
        if (candidate / "game.yaml").is_file():
            return candidate
    return here.parent / "content"


def load_story(content_dirs: Sequence[Path | str] | None = None) -> Story:
    """Load and check content; raises ContentError listing every error."""
    story, problems = load_with_problems(content_dirs)
    errors = [p for p in problems if p.severity == "error"]
    if errors or story is None:
        raise ContentError(errors or problems)
    return story


def load_with_problems(
    content_dirs: Sequence[Path | str] | None = None, use_cache: bool | None = None,
    read: Any = None,
) -> tuple[Story | None, list[Problem]]:
    """Load content; returns the story (None when there are errors) and all problems.

    Content that loaded cleanly before comes from the compiled-content cache (game/cache.py)
    unless `use_cache` is False; None means "unless OCTOBERS_CACHE=0". `read` is what
    `read_files` returned for the same folders: the files are then not read again (so that
    what is loaded is exactly what was keyed).
    """
    dirs = [Path(d) for d in (content_dirs or [default_content_dir()])]
    use = cache.enabled() if use_cache is None else use_cache
    with _gc_paused():
        if isinstance(read, _Loader) and read.dirs == dirs and read.use_cache == use and \
                not read.ran:
            return read.run()
        return _Loader(dirs, use).run()


def files_key(content_dirs: Sequence[Path | str] | None, purpose: str,
              code: Sequence[Path] = ()) -> str | None:
    """A cache key of every content file, for another kind of entry than a load (`purpose`,
    and `code`: the source files it also depends on); None when the cache is off or the
    folders cannot be read cleanly (then there is nothing safe to key)."""
    return read_files(content_dirs, purpose, code)[0]


def read_files(content_dirs: Sequence[Path | str] | None, purpose: str,
               code: Sequence[Path] = ()) -> tuple[str | None, Any]:
    """`files_key`, and the files as read for it, which `load_with_problems` takes (`read`)
    instead of reading them again."""
    if not cache.enabled():
        return None, None
    loader = _Loader([Path(d) for d in (content_dirs or [default_content_dir()])], True)
    loader.discover()
    if loader.problems or not loader.files or any(f.raw is None for f in loader.files):
        return None, None
    return cache.content_key(
        [display_path(d) for d in loader.dirs],
        [(f.layer, f.relative, f.display, f.sha) for f in loader.files if f.sha is not None],
        purpose, code), loader


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while loading.

    Loading makes hundreds of thousands of small objects that all stay alive; the collector
    would walk the whole growing heap again and again for nothing (5x the time of the load
    itself on a 10,000-node campaign). Reference counting still frees what is dropped.
    Afterwards the new objects go straight to the oldest generation (freeze, then unfreeze:
    two list splices), where they would end up anyway, instead of being walked once more by
    the first young collection.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:  # never thaw what someone else froze
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


def display_path(path: Path) -> str:
    """A path as shown in messages: relative to the working folder when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


@dataclass
class _File:
    path: Path
    display: str
    layer: int
    role: str  # "game", "pack" or "events"
    data: Any = None
    reader: Reader | None = None
    raw: bytes | None = None  # the bytes read once: hashed, cached under, then parsed
    sha: cache.Sha256 | None = None  # their digest (with raw)
    relative: str = ""  # its path inside its content folder
    part: _Part | None = None  # its nodes from the per-file cache (then it is not parsed)
    part_key: str | None = None
    parse_problems: list[Problem] = field(default_factory=list)


@dataclass
class _RawNode:
    raw: YMap
    file: _File
    node_id: str
    choices: list[tuple[Any, _File]] = field(default_factory=list)
    extensions: list[tuple[YMap, _File]] = field(default_factory=list)  # `extends:` blocks
    built: Node | None = None  # the node as the per-file cache holds it (raw is a stub)
    flags_set: list[YStr] | tuple[()] = ()  # then: the flags it sets, at the node's place


class _Loader:
    def __init__(self, dirs: list[Path], use_cache: bool = False, use_parts: bool = True):
        self.dirs = dirs
        self.use_cache = use_cache
        self.use_parts = use_parts  # False: a second try that compiles every file afresh
        self.restart = False  # the per-file cache could not be used: load again without it
        self.ran = False
        self.by_file: dict[int, tuple[list[Node], int, int]] = {}  # id(file): nodes, problems
        self.interface_key = ""
        self.plain: dict[int, int] = {}
        self.names_stored: tuple[tuple[str, ...], ...] = ()
        self.problems: list[Problem] = []
        self.files: list[_File] = []
        self.hash = hashlib.sha256()
        self.compiled: dict[tuple[str, str], Expr] = {}
        self.changes: list[PackChange] = []  # what packs' `extends:` add and hide
        self.unknown_reads: list[tuple[int, str, str]] = []  # (problem index, what, flag)
        self.segments: dict[int, tuple[tuple[Node, ...], bytes]] = {}  # see node_segments

    # ---- discovery and reading -------------------------------------------------------
    def run(self) -> tuple[Story | None, list[Problem]]:
        if not self.files:  # (read_files may have read them)
            self.discover()
        self.ran = True
        key = self.cache_key()
        if key is not None:
            hit = cache.load(key)
            if hit is not None:
                return hit
            self.find_parts()
        for file in self.files:
            self.parse(file)
        self.release_targeted_parts()
        if any(p.severity == "error" for p in self.problems):
            return None, self.problems  # unreadable files: later checks would only cascade
        game_files = [f for f in self.files if f.role == "game"]
        if not game_files or game_files[0].data is None:
            if not game_files:
                where = SourceRef(display_path(self.dirs[0] / "game.yaml")) if self.dirs else \
                    SourceRef("content")
                self.problems.append(Problem(where, "no game.yaml: the first content folder "
                                                    "must declare the game"
                                             + (_folder_hint(self.dirs[0], 0) if self.dirs
                                                else "")))
            return None, self.problems
        story = self.build(game_files[0])
        if self.restart or (any(p.severity == "error" for p in self.problems)
                            and any(f.part is not None for f in self.files)):
            # a file's cached nodes no longer fit the rest (or something is wrong, and the
            # report must be exactly a fresh load's): compile every file afresh
            return _Loader(self.dirs, self.use_cache, use_parts=False).run()
        if any(p.severity == "error" for p in self.problems):
            return None, self.problems
        if key is not None and story is not None:
            if all(f.part is not None or f.role != "events" for f in self.files):
                cache.store(key, story, self.problems)  # the same content a second time
            self.store_parts()
            _SEGMENTS[story] = self.segments  # goes with the story
        return story, self.problems

    def parse(self, file: _File) -> None:
        """Read one file's YAML (unless its nodes come from the per-file cache)."""
        comments: dict[int, str] = {}
        if file.part is None:
            if file.raw is not None:
                comments = _comment_rows(file.raw)  # for titles YAML cut at a ' #'
                file.data, problems = parse_yaml(file.raw, file.display)
            else:
                file.data, problems = read_yaml(file.path, file.display)
            file.parse_problems = problems
            self.problems.extend(problems)
            file.raw = None
        file.reader = Reader(file.display, self.problems)
        file.reader.comment_rows = comments

    def cache_key(self) -> str | None:
        """The cache key of these files, or None when the cache is off or cannot help."""
        if not self.use_cache or self.problems or not self.files or \
                any(f.raw is None for f in self.files):
            return None  # missing folders or unreadable files: report them afresh
        return cache.content_key(
            [display_path(d) for d in self.dirs],
            [(f.layer, f.relative, f.display, f.sha) for f in self.files if f.sha is not None])

    def discover(self) -> None:
        for layer, folder in enumerate(self.dirs):
            if not folder.is_dir():
                self.problems.append(Problem(SourceRef(display_path(folder)),
                                             "content folder not found"))
                continue
            if layer and not any((folder / n).is_file() for n in ("pack.yaml", "game.yaml")):
                hint = _folder_hint(folder, layer)
                if hint:  # a pack's sub-folder given as the pack
                    self.problems.append(Problem(SourceRef(display_path(folder)),
                                                 f"no pack.yaml in this content folder{hint}"))
            paths = []
            for path, problem in _content_files(folder):
                if problem is None:
                    paths.append(path)
                else:
                    self.problems.append(Problem(SourceRef(display_path(path)), problem))
            for path in paths:
                rel = path.relative_to(folder)
                role = "events"
                if len(rel.parts) == 1 and rel.name == "game.yaml":
                    role = "game" if layer == 0 else "pack"
                elif len(rel.parts) == 1 and rel.name == "pack.yaml":
                    role = "pack"
                self.files.append(_File(path, display_path(path), layer, role))
            self.files.sort(key=lambda f: (f.layer, f.role == "events", str(f.path)))
        for file in self.files:
            file.relative = str(file.path.relative_to(self.dirs[file.layer]))
            try:
                self.hash.update(file.relative.encode())
                raw = read_regular(file.path, MAX_FILE_BYTES)
                self.hash.update(raw)
            except OSError:
                continue  # read_yaml says why
            if len(raw) <= MAX_FILE_BYTES:  # larger ones are refused by read_yaml
                file.raw, file.sha = raw, cache.Sha256(hashlib.sha256(raw).digest())

    # ---- building --------------------------------------------------------------------
    def build(self, game: _File) -> Story | None:
        r = game.reader
        assert r is not None
        top = r.mapping(game.data, "game.yaml")
        if top is None:
            return None
        r.keys(top, GAME_KEYS, "game.yaml")
        title = r.text(top, "title", "game.yaml", required=True) or "Untitled"
        self.variables: dict[str, Variable] = {}
        self.text_vars: dict[str, TextVariable] = {}
        self.declared_flags: set[str] = set()
        self.raw_scenarios: list[tuple[Any, Reader]] = []
        self.raw_endings: list[tuple[Any, Reader]] = []
        self.raw_reveals: list[tuple[str, Any, Reader]] = []
        self.raw_codex: list[tuple[Any, Reader]] = []
        self.codex_ignore: set[str] = set()
        self.raw_unreachable: list[tuple[Any, Reader]] = []
        self.read_world(top, r, "game.yaml")
        manifests = []
        for file in self.files:
            if file.role == "pack" and file.data is not None:
                assert file.reader is not None
                pack = file.reader.mapping(file.data, file.display)
                if pack is not None:
                    file.reader.keys(pack, PACK_KEYS, "pack manifest")
                    self.read_world(pack, file.reader, "pack manifest")
                    manifests.append((pack, file, read_manifest(pack, file.reader, file.layer,
                                                                file.display)))
        loaded = [m for _, _, m in manifests if m is not None]
        for pack, file, manifest in manifests:
            assert file.reader is not None
            check_requirements(pack, file.reader, manifest, file.layer, str(title), __version__,
                               loaded)
        self.collect_nodes()
        self.codex_ids = {str(e.get("id")) for e, _ in self.raw_codex if isinstance(e, YMap)}
        self.flags = set(self.declared_flags)
        self.collect_flags()
        self.resolve_reveals()
        self.names = Names(
            numbers=self.variables, texts=self.text_vars, flags=self.flags,
            nodes=self.raw_nodes,
            choices={nid: _choice_ids(raw) for nid, raw in self.raw_nodes.items()},
        )
        self.template_names = set(self.variables) | set(self.text_vars)
        self.ending_ids = [str(e.get("id")) for e, _ in self.raw_endings if isinstance(e, YMap)]
        nodes = self.build_nodes()
        endings = self.build_endings()
        scenarios = self.build_scenarios(nodes)
        codex = build_codex(self, self.raw_codex)
        unreachable = self.build_unreachable(nodes, endings)
        self.explain_flag_typos()
        return Story(
            title=str(title), variables=self.variables, texts=self.text_vars,
            flags=frozenset(self.flags), scenarios=tuple(scenarios), nodes=nodes,
            endings=tuple(endings), content_hash=self.hash.hexdigest()[:16],
            files=tuple(f.display for f in self.files),
            packs=tuple(display_path(d) for d in self.dirs[1:]), codex=codex,
            codex_ignore=frozenset(self.codex_ignore), changes=pack_changes(self),
            unreachable=unreachable,
        )

    def build_unreachable(self, nodes: dict[str, Node], endings: list[Ending]) -> frozenset[str]:
        """`unreachable:` ids (node, node.choice or ending) that no game reaches on purpose."""
        out: set[str] = set()
        ending_ids = {e.id for e in endings}
        for item, r in self.raw_unreachable:
            if not isinstance(item, YStr) or item.is_null:
                r.error(item, "unreachable: each entry is a node id, node.choice or an ending id")
                continue
            name = str(item).strip()
            node_id, _, choice_id = name.partition(".")
            node = nodes.get(node_id)
            if choice_id:
                if node is None:
                    r.error(item, f"unreachable: unknown node '{node_id}'"
                                  f"{suggest(node_id, nodes)}")
                elif choice_id not in {c.id for c in node.choices}:
                    r.error(item, f"unreachable: node '{node_id}' has no choice '{choice_id}'"
                                  f"{suggest(choice_id, [c.id for c in node.choices])}")
                else:
                    out.add(name)
            elif node is None and name not in ending_ids:
                r.error(item, f"unreachable: '{name}' is no node or ending"
                              f"{suggest(name, [*nodes, *ending_ids])}")
            else:
                out.add(name)
        return frozenset(out)

    def read_world(self, top: YMap, r: Reader, what: str) -> None:
        if "variables" in top:
            variables = r.mapping(top["variables"], f"{what}: variables")
            for key, value in (variables or {}).items():
                self.read_variable(key, value, r, variables.key_where[key])  # type: ignore[union-attr]
        if "texts" in top:
            texts = r.mapping(top["texts"], f"{what}: texts")
            for key, value in (texts or {}).items():
                self.read_text_var(key, value, r, texts.key_where[key])  # type: ignore[union-attr]
        if "flags" in top:
            for flag in r.id_list(top["flags"], f"{what}: flags"):
                self.declared_flags.add(str(flag))
        if "scenarios" in top:
            for item in r.sequence(top["scenarios"], f"{what}: scenarios") or []:
                self.raw_scenarios.append((item, r))
        if "endings" in top:
            for item in r.sequence(top["endings"], f"{what}: endings") or []:
                self.raw_endings.append((item, r))
        if "codex" in top:
            for item in r.sequence(top["codex"], f"{what}: codex") or []:
                self.raw_codex.append((item, r))
        if "codex_ignore" in top:  # names `check --strict` should not ask a codex entry for
            for name in r.sequence(top["codex_ignore"], f"{what}: codex_ignore") or []:
                self.codex_ignore.add(str(name))
        if "unreachable" in top:
            for item in r.sequence(top["unreachable"], f"{what}: unreachable") or []:
                self.raw_unreachable.append((item, r))

    def read_variable(self, key: str, value: Any, r: Reader, where: SourceRef) -> None:
        what = f"variable '{key}'"
        if r.ident(YStr(key, where, True), "variable id") is None:
            return
        if key in self.variables or key in self.text_vars:
            first = (self.variables.get(key) or self.text_vars[key]).where
            r.error(YStr(key, where, True), f"{what} is declared twice (first at {first})")
            return
        spec = r.mapping(value, what)
        if spec is None:
            return
        r.keys(spec, VARIABLE_KEYS, what)
        start = r.integer(spec["start"], f"{what}: start") if "start" in spec else 0
        low = r.integer(spec["min"], f"{what}: min") if "min" in spec else 0
        high = r.integer(spec["max"], f"{what}: max") if "max" in spec else 100
        shown = r.boolean(spec["shown"], f"{what}: shown") if "shown" in spec else False
        if None in (start, low, high):
            return
        assert start is not None and low is not None and high is not None
        if not low <= start <= high:
            r.error(spec, f"{what}: start {start} is outside min {low} .. max {high}")
        label = r.text(spec, "label", what) or key
        description = r.text(spec, "description", what) or ""
        danger = self.read_danger(spec, r, what, low, high) if "danger" in spec else None
        if "reveal" in spec:
            if shown:
                r.error(spec["reveal"], f"{what}: 'reveal' is for hidden variables; this one "
                                        "is shown from the start")
            else:
                self.raw_reveals.append((key, spec["reveal"], r))
        self.variables[key] = Variable(key, str(label), start, low, high, bool(shown),
                                       str(description), where, danger)

    def read_danger(self, spec: YMap, r: Reader, what: str, low: int, high: int
                    ) -> Danger | None:
        """`danger: {below: 15, warning: "..."}`: the zone the bar marks and warns about."""
        table = r.mapping(spec["danger"], f"{what}: danger")
        if table is None:
            return None
        r.keys(table, DANGER_KEYS, f"{what}: danger")
        below = r.integer(table["below"], f"{what}: danger: below") if "below" in table \
            else None
        above = r.integer(table["above"], f"{what}: danger: above") if "above" in table \
            else None
        if "below" not in table and "above" not in table:
            r.error(table, f"{what}: danger needs 'below', 'above' or both")
            return None
        for name, bound in (("below", below), ("above", above)):
            if bound is not None and not low < bound <= high and name == "below":
                r.error(table[name], f"{what}: danger below {bound} lies outside "
                                     f"{low} .. {high}, so it could never be reached")
            if bound is not None and not low <= bound < high and name == "above":
                r.error(table[name], f"{what}: danger above {bound} lies outside "
                                     f"{low} .. {high}, so it could never be reached")
        if below is not None and above is not None and below > above:
            r.error(table, f"{what}: danger below {below} and above {above} overlap")
        warning = r.text(table, "warning", f"{what}: danger") or ""
        return Danger(below, above, str(warning))

    def resolve_reveals(self) -> None:
        """`reveal: always`, `reveal: {flag: NAME}` or `reveal: {date: YYYY-MM}`, once the
        flags are known."""
        for key, value, r in self.raw_reveals:
            what = f"variable '{key}': reveal"
            if isinstance(value, YStr) and str(value) == "always":
                reveal = Reveal(always=True)
            else:
                table = r.mapping(value, what) if not isinstance(value, YStr) else None
                if table is None:
                    r.error(value, f"{what} must be 'always', {{flag: NAME}} or "
                                   "{date: YYYY-MM}")
                    continue
                r.keys(table, REVEAL_KEYS, what)
                flag = r.ident(table["flag"], f"{what}: flag") if "flag" in table else None
                if flag is not None and flag not in self.flags:
                    r.error(table["flag"], f"{what}: unknown flag '{flag}'"
                                           f"{suggest(flag, self.flags)}")
                date = r.date(table["date"], f"{what}: date") if "date" in table else None
                if flag is None and date is None:
                    r.error(table, f"{what} needs a 'flag' or a 'date'")
                    continue
                reveal = Reveal(flag=flag, date=date)
            variable = self.variables[key]
            self.variables[key] = Variable(
                variable.id, variable.label, variable.start, variable.min, variable.max,
                variable.shown, variable.description, variable.where, variable.danger, reveal)

    def read_text_var(self, key: str, value: Any, r: Reader, where: SourceRef) -> None:
        what = f"text '{key}'"
        if r.ident(YStr(key, where, True), "text id") is None:
            return
        if key in self.variables or key in self.text_vars:
            first = (self.variables.get(key) or self.text_vars[key]).where
            r.error(YStr(key, where, True), f"{what} is declared twice (first at {first})")
            return
        spec = r.mapping(value, what)
        if spec is None:
            return
        r.keys(spec, TEXT_KEYS, what)
        start = r.text(spec, "start", what) or ""
        if len(start) > MAX_TEXT_LENGTH:
            r.error(spec["start"], f"{what}: start is longer than {MAX_TEXT_LENGTH:,} "
                                   "characters, the most a text may hold")
            start = ""
        label = r.text(spec, "label", what) or key
        shown = r.boolean(spec["shown"], f"{what}: shown") if "shown" in spec else False
        self.text_vars[key] = TextVariable(key, str(label), str(start), bool(shown), where)

    def collect_nodes(self) -> None:
        self.raw_nodes: dict[str, _RawNode] = {}
        extensions: list[tuple[YMap, _File]] = []
        for file in self.files:
            if file.part is not None:
                self.add_stubs(file, file.part)
                continue
            if file.role != "events" or file.data is None:
                continue
            r = file.reader
            assert r is not None
            items: list[Any] = []
            data = file.data
            if isinstance(data, YStr) and data.is_null:
                continue
            if isinstance(data, YMap) and ("nodes" in data or "endings" in data
                                           or "codex" in data) and "id" not in data:
                r.keys(data, EVENT_FILE_KEYS, "event file")
                for item in (r.sequence(data["codex"], "codex") or []) \
                        if "codex" in data else []:
                    self.raw_codex.append((item, r))
                items = list(r.sequence(data["nodes"], "nodes") or []) if "nodes" in data else []
                for item in (r.sequence(data["endings"], "endings") or []) \
                        if "endings" in data else []:
                    self.raw_endings.append((item, r))
            elif isinstance(data, YMap):
                items = [data]
            elif isinstance(data, YSeq):
                items = list(data)
            else:
                r.error(data, "an event file holds a list of nodes")
                continue
            for item in items:
                spec = r.mapping(item, "a node")
                if spec is None:
                    continue
                if "extends" in spec:
                    extensions.append((spec, file))
                    continue
                node_id = r.ident(spec.get("id"), "node id") if "id" in spec else None
                if "id" not in spec:
                    r.error(spec, "node: missing 'id'")
                if node_id is None:
                    continue
                previous = self.raw_nodes.get(node_id)
                if previous is not None:
                    replace = "replace" in spec and r.boolean(spec["replace"], "replace")
                    if replace and previous.file.layer < file.layer:
                        del self.raw_nodes[node_id]
                    else:
                        hint = "; a pack may replace a node only with 'replace: true'" \
                            if previous.file.layer < file.layer else ""
                        r.error(spec["id"], f"node id '{node_id}' is already used at "
                                            f"{previous.raw.where}{hint}")
                        continue
                elif "replace" in spec:
                    r.error(spec["id"], f"node '{node_id}' says replace: true, but there is no "
                                        "earlier node with this id")
                raw = _RawNode(spec, file, node_id)
                for choice in r.sequence(spec.get("choices"), f"node '{node_id}': choices") \
                        or [] if "choices" in spec else []:
                    raw.choices.append((choice, file))
                self.raw_nodes[node_id] = raw
        for spec, file in extensions:
            r = file.reader
            assert r is not None
            r.keys(spec, EXTEND_KEYS, "extends", listed=True)
            target = r.ident(spec["extends"], "extends")
            if target is None:
                continue
            if target not in self.raw_nodes:
                r.error(spec["extends"], f"extends unknown node '{target}'"
                                         f"{suggest(target, self.raw_nodes)}")
                continue
            for choice in r.sequence(spec["choices"], "extension choices") or [] \
                    if "choices" in spec else []:
                self.raw_nodes[target].choices.append((choice, file))
            self.raw_nodes[target].extensions.append((spec, file))

    def collect_flags(self) -> None:
        """Every flag something sets. Flags set under a misspelt key (`flags:` for `set:`,
        `choises:` for `choices:`) count too: the misspelling is reported once, at its key,
        not again at every condition that reads those flags."""
        def scan(block: Any) -> None:
            if not isinstance(block, YMap):
                return
            keys = ["set"] if "set" in block else []
            keys += [k for k in block.keys() - _SETTER_KEY_SET
                     if k == "flags" or suggest(k, ("set",))]  # `flags:`, `sett:`
            for key in keys:
                items = block[key]
                items = items if isinstance(items, YSeq) else [items]
                for item in items:
                    if isinstance(item, YStr) and not item.is_null:
                        self.flags.add(str(item))
                        self.flag_sets.setdefault(str(item), []).append(item)
        self.flag_sets: dict[str, list[YStr]] = {}  # each flag's setters, for their places
        for scenario, _ in self.raw_scenarios:
            scan(scenario)
        for raw in self.raw_nodes.values():
            if raw.built is not None:  # a stand-in: its flags, and no misspelt keys
                for item in raw.flags_set:
                    self.flags.add(str(item))
                    self.flag_sets.setdefault(str(item), []).append(item)
                continue
            scan(raw.raw.get("enter"))
            misspelt = [(c, raw.file) for key in raw.raw.keys() - _NODE_KEY_SET
                        if isinstance(raw.raw[key], YSeq) and suggest(key, ("choices",))
                        for c in raw.raw[key]]
            for choice, _ in [*raw.choices, *misspelt]:
                scan(choice)
                if isinstance(choice, YMap) and isinstance(choice.get("outcomes"), YSeq):
                    for outcome in choice["outcomes"]:
                        scan(outcome)

    def explain_flag_typos(self) -> None:
        """A flag read under a name nothing sets, near a flag set once and read nowhere: the
        set is the likelier typo (one place against the readers'), so say so at both places
        instead of inviting the author to "fix" the readers' correct spelling."""
        import difflib

        reads: dict[str, list[tuple[int, str]]] = {}
        for index, what, flag in self.unknown_reads:
            reads.setdefault(flag, []).append((index, what))
        if not reads:
            return
        sources = " ".join(text for text, _ in self.compiled)
        for flag, places in reads.items():
            near = difflib.get_close_matches(flag, list(self.flag_sets), n=1, cutoff=0.6)
            if not near:
                continue
            setter = near[0]
            sets = [item.where for item in self.flag_sets[setter]]
            if len(sets) != 1 or setter in self.declared_flags or \
                    re.search(rf"\bflags\.{re.escape(setter)}\b", sources):
                continue
            first = self.problems[places[0][0]].where
            more = f" (and {len(places) - 1} more place{'s' if len(places) > 2 else ''})" \
                if len(places) > 1 else ""
            for index, what in places:
                self.problems[index] = Problem(
                    self.problems[index].where,
                    f"{what}: unknown flag '{flag}': nothing sets it, but '{setter}' is set "
                    f"once, at {sets[0]}, and read nowhere; that set is likely the typo "
                    f"(write '{flag}' there)")
            self.problems.append(Problem(
                sets[0], f"flag '{setter}' is set here but never read, while '{flag}' is read "
                         f"at {first}{more} and set nowhere: this is likely a typo for "
                         f"'{flag}'"))

    # ---- pieces ----------------------------------------------------------------------
    def expr(self, r: Reader, value: Any, what: str, want: str = BOOL) -> Expr | None:
        if not isinstance(value, YStr) or value.is_null:
            r.error(value, f"{what} must be an expression in quotes")
            return None
        text = str(value)
        known = self.compiled.get((text, want))
        if known is not None:  # the same text checks and compiles the same way
            return Expr(known.source, r.ref(value), known.fn, known.uses_date)
        try:
            expr = self.compiled[text, want] = compile_expr(text, r.ref(value), self.names, want)
            return expr
        except ExprError as exc:
            where = r.ref(value)
            if exc.col > 0 and "\n" not in value:
                where = SourceRef(where.path, where.line,
                                  where.col + exc.col - (1 if value.plain else 0))
            if exc.flag is not None:
                self.unknown_reads.append((len(self.problems), what, exc.flag))
            self.problems.append(Problem(where, f"{what}: {exc.message}"))
            return None

    def template(self, r: Reader, value: Any, what: str) -> Template | None:
        if not isinstance(value, YStr):
            r.error(value, f"{what} must be text")
            return None
        if r.comment_rows and value.plain and what.endswith((": title", ": label", ": log")):
            _warn_if_cut(r, value, what)

        def unknown(name: str, offset: int) -> None:
            hint = suggest(name, self.template_names | {"year", "month", "date"})
            r.error(value, f"{what}: unknown name '{{{name}}}' in text{hint}")
        try:
            return parse_template(str(value), self.template_names, unknown)
        except TemplateError as exc:
            r.error(value, f"{what}: {exc.message}")
            return None

    def paragraphs(self, r: Reader, value: Any, what: str) -> tuple[Paragraph, ...]:
        """A scene's text, within the bounds of what the game renders (`scene_too_large`)."""
        out = self._paragraphs(r, value, what)
        problem = scene_too_large(p.template.source for p in out)
        if problem is not None:
            r.error(value, f"{what}: {problem}")
            return ()
        return out

    def _paragraphs(self, r: Reader, value: Any, what: str) -> tuple[Paragraph, ...]:
        if isinstance(value, YStr):
            template = self.template(r, value, what)
            return (Paragraph(template),) if template else ()
        out = []
        for item in r.sequence(value, what) or []:
            if isinstance(item, YStr):
                template = self.template(r, item, what)
                if template:
                    out.append(Paragraph(template))
                continue
            spec = r.mapping(item, f"{what}: paragraph")
            if spec is None:
                continue
            r.keys(spec, PARAGRAPH_KEYS, f"{what}: paragraph")
            when = self.expr(r, spec["when"], f"{what}: paragraph 'when'") \
                if "when" in spec else None
            body = r.text(spec, "text", f"{what}: paragraph", required=True)
            template = self.template(r, body, what) if body is not None else None
            pid = paragraph_id(r, spec, what, out)
            if template:
                out.append(Paragraph(template, when, pid))
        return tuple(out)

    def flag_list(self, r: Reader, spec: YMap, key: str, what: str) -> tuple[str, ...]:
        if key not in spec:
            return ()
        out = []
        for flag in r.id_list(spec[key], f"{what}: {key}"):
            if flag not in self.flags:
                r.error(flag, f"{what}: unknown flag '{flag}'{suggest(flag, self.flags)}")
            out.append(str(flag))
        return tuple(out)

    def entries(self, r: Reader, spec: YMap, key: str, what: str, known: Any,
                kind: str, hint: str = "") -> list[tuple[str, Any]]:
        """The (name, value) pairs of a table of variables (`effects:`, `vars:`, `texts:`),
        reporting names that are not declared, at the name's own position."""
        if key not in spec:
            return []
        table = r.mapping(spec[key], f"{what}: {key}")
        if table is None:
            return []
        out = []
        for name, value in table.items():
            if name not in known:
                r.error(YStr(name, table.key_where[name], True),
                        f"{what}: unknown {kind} '{name}'{suggest(name, known)}"
                        f"{hint if hint and name in self.text_vars else ''}")
                continue
            out.append((name, value))
        return out

    def amounts(self, r: Reader, spec: YMap, key: str, what: str
                ) -> tuple[tuple[str, int | Expr], ...]:
        out: list[tuple[str, int | Expr]] = []
        for name, value in self.entries(r, spec, key, what, self.variables, "variable",
                                        " (text variables are set with 'texts:')"):
            amount: int | Expr | None
            if isinstance(value, YStr) and value.plain and INT_RE.match(value):
                amount = int(value)  # the common case, "+5", without a detour
            elif isinstance(value, YStr) and value.plain and \
                    not any(c.isalpha() for c in value):
                amount = r.integer(value, f"{what}: {key}: '{name}'")
            else:
                amount = self.expr(r, value, f"{what}: {key}: '{name}'", NUM)
            if amount is not None:
                out.append((name, amount))
        return tuple(out)

    def effect(self, r: Reader, spec: YMap, what: str) -> Effect:
        texts = []
        for name, value in self.entries(r, spec, "texts", what, self.text_vars,
                                        "text variable"):
            template = self.template(r, value, f"{what}: texts: '{name}'")
            if template is not None:
                texts.append((name, template))
        goto = None
        if "goto" in spec:
            goto = r.ident(spec["goto"], f"{what}: goto")
            if goto is not None and goto not in self.raw_nodes and goto not in self.ending_ids:
                hint = suggest(goto, [*self.raw_nodes, *self.ending_ids])
                r.error(spec["goto"], f"{what}: goto to unknown node or ending '{goto}'{hint}")
        log = self.template(r, spec["log"], f"{what}: log") if "log" in spec else None
        return Effect(
            deltas=self.amounts(r, spec, "effects", what),
            assign=self.amounts(r, spec, "assign", what),
            set=self.flag_list(r, spec, "set", what),
            clear=self.flag_list(r, spec, "clear", what),
            texts=tuple(texts), log=log, goto=goto, unlock=self.unlock_list(r, spec, what),
            set_where=r.ref(spec["set"]) if "set" in spec else None,
            goto_where=r.ref(spec["goto"]) if "goto" in spec else None,
        )

    def unlock_list(self, r: Reader, spec: YMap, what: str) -> tuple[str, ...]:
        """`unlock: [codex ids]`: codex entries an effect opens without a mention."""
        if "unlock" not in spec:
            return ()
        out = []
        for entry in r.id_list(spec["unlock"], f"{what}: unlock"):
            if entry not in self.codex_ids:
                r.error(entry, f"{what}: unknown codex entry '{entry}'"
                               f"{suggest(entry, self.codex_ids)}")
            out.append(str(entry))
        return tuple(out)

    def build_node(self, raw: _RawNode, order: int) -> Node | None:
        spec, r = raw.raw, raw.file.reader
        assert r is not None
        what = f"node '{raw.node_id}'"
        meant = r.keys(spec, NODE_KEYS, what)
        date = r.date(spec["date"], f"{what}: date") if "date" in spec else None
        if "date" not in spec:
            r.error(spec, f"{what}: missing 'date'")
        until = r.date(spec["until"], f"{what}: until") if "until" in spec else date
        if date is not None and until is not None and until < date:
            r.error(spec["until"], f"{what}: 'until' is before 'date'")
        when = self.expr(r, spec["when"], f"{what}: when") if "when" in spec else None
        priority = r.integer(spec["priority"], f"{what}: priority") if "priority" in spec else 0
        title = self.template(r, spec["title"], f"{what}: title") if "title" in spec else None
        if "title" not in spec:
            r.error(spec, f"{what}: missing 'title'")
        text = self.paragraphs(r, spec["text"], f"{what}: text") if "text" in spec else ()
        if "text" not in spec:
            r.error(spec, f"{what}: missing 'text'")
        history = r.text(spec, "history", what) or ""
        enter = None
        if "enter" in spec:
            table = r.mapping(spec["enter"], f"{what}: enter")
            if table is not None:
                r.keys(table, EFFECT_KEYS, f"{what}: enter")
                if "goto" in table:
                    r.error(table["goto"], f"{what}: enter: 'goto' has no place here; arrival "
                                           "effects apply before the player chooses (put the "
                                           "goto on a choice)")
                enter = self.effect(r, table, f"{what}: enter")
        choices: list[Choice] = []
        seen: dict[str, SourceRef] = {}
        if not raw.choices and "choices" not in meant:  # a misspelt key says it first
            r.error(spec, f"{what}: a node needs at least one choice")
        for item, file in raw.choices:
            cr = file.reader
            assert cr is not None
            choice = self.build_choice(cr, item, what, seen)
            if choice is not None:
                choices.append(choice)
        if raw.extensions:
            text, choices = extend_node(self, raw, text, choices)
        if date is None or until is None or title is None:
            return None
        return Node(
            id=raw.node_id, date=date, until=until, title=title, text=text,
            history=str(history), choices=tuple(choices), where=r.ref(spec.get("id", spec)),
            order=order, when=when, priority=priority or 0, enter=enter,
        )

    def build_choice(self, r: Reader, item: Any, node_what: str,
                     seen: dict[str, SourceRef]) -> Choice | None:
        spec = r.mapping(item, f"{node_what}: choice")
        if spec is None:
            return None
        choice_id = r.ident(spec.get("id"), f"{node_what}: choice id") if "id" in spec else None
        if "id" not in spec:
            r.error(spec, f"{node_what}: choice without an 'id'")
        what = f"{node_what}, choice '{choice_id or '?'}'"
        r.keys(spec, CHOICE_KEYS, what)
        if choice_id is not None and choice_id in seen:
            first = seen[choice_id]
            at = f"line {first.line}" if first.path == r.path else str(first)
            r.error(spec["id"], f"{what}: duplicate choice id (first at {at})")
        if choice_id is not None:
            seen[choice_id] = r.ref(spec["id"])
        label = self.template(r, spec["label"], f"{what}: label") if "label" in spec else None
        if "label" not in spec:
            r.error(spec, f"{what}: missing 'label'")
        when = self.expr(r, spec["when"], f"{what}: when") if "when" in spec else None
        locked = self.template(r, spec["locked"], f"{what}: locked") if "locked" in spec \
            else None
        if locked is not None and "when" not in spec:
            r.error(spec["locked"], f"{what}: 'locked' needs a 'when' to say when it is locked")
        ai: float | Expr = 1.0
        if "ai" in spec:
            value = spec["ai"]
            if isinstance(value, YStr) and value.plain and not any(c.isalpha() for c in value):
                ai = r.number(value, f"{what}: ai") or 0.0
            else:
                ai = self.expr(r, value, f"{what}: ai", NUM) or 0.0
        outcomes = []
        if "outcomes" in spec:
            items: list[Any] = r.sequence(spec["outcomes"], f"{what}: outcomes") or []
            if not items:
                r.error(spec["outcomes"], f"{what}: 'outcomes' is empty")
            for index, entry in enumerate(items, start=1):
                outcome = r.mapping(entry, f"{what}: outcome {index}")
                if outcome is None:
                    continue
                owhat = f"{what}, outcome {index}"
                r.keys(outcome, OUTCOME_KEYS, owhat)
                weight: float | Expr = 1.0
                if "weight" in outcome:
                    value = outcome["weight"]
                    if isinstance(value, YStr) and value.plain and \
                            not any(c.isalpha() for c in value):
                        weight = r.number(value, f"{owhat}: weight") or 0.0
                    else:
                        weight = self.expr(r, value, f"{owhat}: weight", NUM) or 0.0
                oid = r.ident(outcome["id"], f"{owhat}: id") if "id" in outcome else None
                outcomes.append(Outcome(weight, self.effect(r, outcome, owhat), r.ref(outcome),
                                        oid))
        effect = self.effect(r, spec, what)
        if choice_id is None or label is None:
            return None
        return Choice(id=choice_id, label=label, effect=effect, where=r.ref(spec["id"]),
                      when=when, locked=locked, outcomes=tuple(outcomes), ai=ai)

    def build_endings(self) -> list[Ending]:
        endings: list[Ending] = []
        ids: dict[str, SourceRef] = {}
        fallback_seen = False
        for item, r in self.raw_endings:
            spec = r.mapping(item, "ending")
            if spec is None:
                continue
            ending_id = r.ident(spec.get("id"), "ending id") if "id" in spec else None
            if "id" not in spec:
                r.error(spec, "ending without an 'id'")
            what = f"ending '{ending_id or '?'}'"
            r.keys(spec, ENDING_KEYS, what)
            if ending_id is not None:
                if ending_id in ids or ending_id in self.raw_nodes:
                    first = ids.get(ending_id) or self.raw_nodes[ending_id].raw.where
                    r.error(spec["id"], f"{what}: id already used at {first}")
                ids[ending_id] = r.ref(spec["id"])
            immediate = r.boolean(spec["immediate"], f"{what}: immediate") \
                if "immediate" in spec else False
            when = self.expr(r, spec["when"], f"{what}: when") if "when" in spec else None
            if immediate and "when" not in spec:
                r.error(spec, f"{what}: an immediate ending needs a 'when'")
            title = self.template(r, spec["title"], f"{what}: title") if "title" in spec \
                else None
            if "title" not in spec:
                r.error(spec, f"{what}: missing 'title'")
            text = self.paragraphs(r, spec["text"], f"{what}: text") if "text" in spec else ()
            hint = " ".join(str(r.text(spec, "hint", what) or "").split())  # one line
            if "when" not in spec and not immediate:
                fallback_seen = True
            if ending_id is not None and title is not None:
                endings.append(Ending(ending_id, title, text, r.ref(spec["id"]), when,
                                      bool(immediate), hint))
        if not fallback_seen:
            where = self.raw_endings[0][1].ref(self.raw_endings[0][0]) if self.raw_endings \
                else SourceRef(self.files[0].display, 1, 1)
            self.problems.append(Problem(where, "no fallback ending: add an ending with no "
                                                "'when' so that every game can end"))
        return endings

    # ---- the per-file cache (game/cache.py, kinds FILES and NAMES) ------------------------
    # An event file that holds only plain nodes (no `extends`, no `replace`, no endings, and
    # that no other file extends or replaces) is stored after a clean load as the nodes it
    # compiled to, keyed by its bytes and place, with the digest of `names_now()`: every name the
    # content declared then (variables, texts, flags, nodes, choices, endings), stored once
    # beside. On the next load such a file is not parsed: stubs stand for its nodes while the
    # names are gathered (`add_stubs`), and its nodes are used as stored if no name it was
    # compiled with has gone since (names added elsewhere cannot change how a file compiles
    # that compiled without an error: the loader only ever asks whether a name exists). If a
    # name has gone, or on any error, the whole load is done again without the per-file
    # cache, so that what a load returns (and reports) is always exactly what a load from the
    # YAML returns. The contract this rests on: for a node no other file extends, replaces or
    # adds choices to, `build_node` reads nothing from outside its own file but whether the
    # names in `names_now()` exist (game/extensions.py works only on extended nodes).

    def find_parts(self) -> None:
        """Give each event file its key, and its cached nodes where they are stored."""
        for file in self.files:
            if file.role != "events" or file.sha is None:
                continue
            file.part_key = cache.content_key(
                [], [(file.layer, file.relative, file.display, file.sha)], purpose="file")
            if self.use_parts:
                file.part = _Part.of(cache.load_part(file.part_key, cache.FILES))

    def release_targeted_parts(self) -> None:
        """Parse after all the cached files whose nodes another file extends or replaces."""
        if not any(f.part is not None for f in self.files):
            for file in self.files:
                file.raw = None
            return
        targets = set()
        for file in self.files:
            for item in _node_items(file.data):
                if "extends" in item:
                    targets.add(str(item["extends"]))
                elif "replace" in item:
                    targets.add(str(item.get("id")))
        for file in self.files:
            if file.part is not None and targets & {n.id for n in file.part.nodes}:
                file.part = None
                self.parse(file)
            file.raw = None

    def add_stubs(self, file: _File, part: _Part) -> None:
        """Stand-ins for a cached file's nodes: their ids and the flags they set (their choices'
        ids are read from the nodes), which is all that gathering the names reads of them."""
        for node, flags in zip(part.nodes, part.flags, strict=True):
            if node.id in self.raw_nodes:
                self.restart = True  # a duplicate id: let a fresh load report it
                return
            stub = _stub(node.where, YStr(node.id, node.where, True))  # where: the id's place
            raw = _RawNode(stub, file, node.id, built=node)  # its choices: node.choices
            if flags:  # collect_flags takes them from here, as from an `enter: set:` at the node
                raw.flags_set = [YStr(f, node.where, True) for f in flags]
            self.raw_nodes[node.id] = raw

    def build_nodes(self) -> dict[str, Node]:
        """Every node, compiled or (per-file cache) as stored; in the order they were read.

        A node's YAML is let go once it is built (a stub keeps its id and place), and the
        event files' trees with it, so that a large campaign's YAML and its compiled story
        are never all in memory at once.
        """
        nodes: dict[str, Node] = {}
        names = self.names_now() if self.use_cache else ()
        interface = _digest(names) if names else ""
        earlier = {f.part.interface for f in self.files if f.part is not None} - {interface}
        if not all(_still_there(cache.load_part(k, cache.NAMES), names) for k in earlier):
            self.restart = True
            return {}
        self.find_plain_files()
        for file in self.files:
            if file.role == "events":
                file.data = None  # its nodes are held by raw_nodes until built, its endings
        for order, raw in enumerate(self.raw_nodes.values()):
            node: Node | None
            if raw.built is not None:
                part = raw.file.part
                assert part is not None
                if part.nodes[0] is raw.built:
                    self.problems.extend(part.problems)  # the file's own warnings, once
                    self.segments[id(raw.built)] = (part.nodes, part.digest)
                node = raw.built
                object.__setattr__(node, "order", order)  # unshared: just unpickled
            else:
                before = len(self.problems)
                node = self.build_node(raw, order)
                raw.raw, raw.choices = _released(raw.raw, raw.node_id), []  # YAML let go
                built, start, _ = self.by_file.get(id(raw.file), ([], before, 0))
                self.by_file[id(raw.file)] = (built, start, len(self.problems))
                if node is not None:
                    built.append(node)
            if node is not None:
                nodes[node.id] = node
        self.interface_key, self.names_stored = interface, names
        return nodes

    def names_now(self) -> tuple[tuple[str, ...], ...]:
        """Every name of the content, by kind: all a node's compilation reads from outside."""
        return (tuple(sorted(self.variables)), tuple(sorted(self.text_vars)),
                tuple(sorted(self.flags)), tuple(sorted(self.raw_nodes)),
                tuple(sorted(self.ending_ids)),
                tuple(sorted(f"{n}.{c}" for n, ids in self.names.choices.items() for c in ids)),
                tuple(sorted(self.codex_ids)))  # `unlock:` names codex entries

    def find_plain_files(self) -> None:
        """The event files compiled now that may be stored: only nodes, none extended or
        replaced from elsewhere; with how many nodes each holds."""
        self.plain = {}
        for file in self.files:
            data = file.data
            if file.part is not None or file.part_key is None or \
                    not isinstance(data, (YMap, YSeq)) or \
                    (isinstance(data, YMap) and "endings" in data):
                continue
            items = list(_node_items(data))
            if not any("extends" in i or "replace" in i for i in items):
                self.plain[id(file)] = len(items)
        for raw in self.raw_nodes.values():
            if raw.built is None and (raw.extensions
                                      or any(f is not raw.file for _, f in raw.choices)):
                self.plain.pop(id(raw.file), None)  # extended by another file

    def store_parts(self) -> None:
        """After a clean load: store each plain event file compiled afresh."""
        stored = False
        for file in self.files:
            built, start, end = self.by_file.get(id(file), ([], 0, 0))
            if not built or file.part_key is None or len(built) != self.plain.get(id(file)) \
                    or any(self.raw_nodes[n.id].file is not file for n in built):
                continue  # not plain, or one of its nodes was replaced by a later file
            problems = [*file.parse_problems, *self.problems[start:end]]
            digest = nodes_digest(built)
            self.segments[id(built[0])] = (tuple(built), digest)
            flags = tuple(tuple(_flags_set(n)) for n in built)
            stored |= cache.store_part(file.part_key, cache.FILES,
                                       (self.interface_key, tuple(built), problems, digest,
                                        flags), prune=False)
        if stored:
            cache.prune_parts(cache.FILES)
            if cache.load_part(self.interface_key, cache.NAMES) is None:
                cache.store_part(self.interface_key, cache.NAMES, self.names_stored)

    def build_scenarios(self, nodes: dict[str, Node]) -> list[Scenario]:
        scenarios: list[Scenario] = []
        ids: dict[str, SourceRef] = {}
        for item, r in self.raw_scenarios:
            spec = r.mapping(item, "scenario")
            if spec is None:
                continue
            scenario_id = r.ident(spec.get("id"), "scenario id") if "id" in spec else None
            if "id" not in spec:
                r.error(spec, "scenario without an 'id'")
            what = f"scenario '{scenario_id or '?'}'"
            r.keys(spec, SCENARIO_KEYS, what)
            if scenario_id in ids:
                r.error(spec["id"], f"{what}: declared twice (first at {ids[scenario_id]})")
            title = r.text(spec, "title", what, required=True)
            date = r.date(spec["date"], f"{what}: date") if "date" in spec else None
            if "date" not in spec:
                r.error(spec, f"{what}: missing 'date'")
            start = r.ident(spec["start"], f"{what}: start") if "start" in spec else None
            if "start" not in spec:
                r.error(spec, f"{what}: has no start node (add 'start: NODE_ID')")
            elif start is not None and start not in self.raw_nodes:
                r.error(spec["start"], f"{what}: start node '{start}' does not exist"
                                       f"{suggest(start, self.raw_nodes)}")
            description = r.text(spec, "description", what) or ""
            flags = self.flag_list(r, spec, "set", what)
            values: list[tuple[str, int]] = []
            for name, value in self.entries(r, spec, "vars", what, self.variables, "variable"):
                variable = self.variables[name]
                number = r.integer(value, f"{what}: vars: '{name}'")
                if number is not None:
                    if not variable.min <= number <= variable.max:
                        r.error(value, f"{what}: {name} {number} is outside "
                                       f"{variable.min} .. {variable.max}")
                    values.append((name, number))
            texts: list[tuple[str, str]] = []
            for name, value in self.entries(r, spec, "texts", what, self.text_vars,
                                            "text variable"):
                if isinstance(value, YStr) and len(value) > MAX_TEXT_LENGTH:
                    r.error(value, f"{what}: texts: '{name}' is longer than "
                                   f"{MAX_TEXT_LENGTH:,} characters, the most a text may hold")
                elif isinstance(value, YStr):
                    texts.append((name, str(value)))
                else:
                    r.error(value, f"{what}: texts: '{name}' must be text")
            if scenario_id is None or title is None or date is None or start is None:
                continue
            ids[scenario_id] = r.ref(spec["id"])
            scenarios.append(Scenario(scenario_id, str(title), date, start, str(description),
                                      r.ref(spec["id"]), flags, tuple(values), tuple(texts)))
        if not scenarios and not any(p.severity == "error" for p in self.problems):
            self.problems.append(Problem(SourceRef(self.files[0].display, 1, 1),
                                         "no scenarios: declare at least one under 'scenarios'"))
        return scenarios


@dataclass
class _Part:
    """An event file's nodes from the per-file cache, and the interface they were built in."""

    interface: str
    nodes: tuple[Node, ...]
    problems: list[Problem]
    digest: bytes  # of its nodes' facts (game/facts.py), for check's analysis key
    flags: tuple[tuple[str, ...], ...]  # the flags each node sets (_flags_set)

    @staticmethod
    def of(payload: tuple[Any, ...] | None) -> _Part | None:
        if payload is None or len(payload) != 5:
            return None
        interface, nodes, problems, digest, flags = payload
        if not isinstance(interface, str) or not isinstance(nodes, tuple) or not nodes or \
                not all(isinstance(n, Node) for n in nodes) or not isinstance(problems, list) \
                or not all(isinstance(p, Problem) for p in problems) or \
                type(digest) is not bytes or len(digest) != 32 or \
                not isinstance(flags, tuple) or len(flags) != len(nodes) or \
                not all(isinstance(f, tuple) and all(type(x) is str for x in f) for f in flags):
            return None
        return _Part(interface, nodes, problems, digest, flags)


_SEGMENTS: weakref.WeakKeyDictionary[Story, dict[int, tuple[tuple[Node, ...], bytes]]] = \
    weakref.WeakKeyDictionary()


def node_segments(story: Story) -> dict[int, tuple[tuple[Node, ...], bytes]]:
    """The runs of a story's nodes that came from (or went into) the per-file cache in the
    load that made it, by id of their first node: (the nodes, the digest of their facts as
    game/facts.py gives it). Empty for a story from elsewhere (a whole entry, a fresh load)."""
    return _SEGMENTS.get(story, {})


def _choice_ids(raw: _RawNode) -> set[str]:
    """The ids of a node's choices: as written, or (a cached node's) as compiled."""
    ids = {str(c.get("id")) for c, _ in raw.choices if isinstance(c, YMap)}
    if raw.built is not None:
        ids.update(c.id for c in raw.built.choices)
    return ids


def _node_items(data: Any) -> Iterator[YMap]:
    """The mappings of an event file that are nodes or extensions (as collect_nodes reads)."""
    if isinstance(data, YMap) and ("nodes" in data or "endings" in data) and "id" not in data:
        data = data.get("nodes")
    if isinstance(data, YMap):
        yield data
    elif isinstance(data, YSeq):
        yield from (item for item in data if isinstance(item, YMap))


class _Stub(YMap):
    """A stand-in for a cached node's mapping (or a choice's): only its id and flags set."""

    __slots__ = ()
    key_where: dict[str, SourceRef] = {}


def _released(spec: YMap, node_id: str) -> YMap:
    """What is kept of a built node's mapping: its place, its id (the value, with its place)
    and whether it said `replace` (game/extensions.py's pack_changes reads them)."""
    stub = _stub(spec.where, spec.get("id", node_id))
    if "replace" in spec:
        stub["replace"] = spec["replace"]
    return stub


def _stub(where: SourceRef, id: str | None = None) -> YMap:
    stub = dict.__new__(_Stub)
    stub.__dict__["where"] = where
    if id is not None:
        stub["id"] = id
    return stub


def _flags_set(node: Node) -> list[str]:
    effects = [] if node.enter is None else [node.enter]
    for choice in node.choices:
        effects.append(choice.effect)
        effects.extend(o.effect for o in choice.outcomes)
    return list(dict.fromkeys(flag for effect in effects for flag in effect.set))


def _digest(names: tuple[tuple[str, ...], ...]) -> str:
    digest = hashlib.sha256()
    for kind in names:
        digest.update(repr(kind).encode() + b"\0")
    return digest.hexdigest()


def _still_there(then: tuple[Any, ...] | None, now: tuple[tuple[str, ...], ...]) -> bool:
    """Whether every name of an earlier load (`then`, from the cache) is still declared."""
    if then is None or len(then) != len(now) or \
            not all(isinstance(kind, tuple) and all(type(n) is str for n in kind)
                    for kind in then):
        return False
    return all(set(old) <= set(new) for old, new in zip(then, now, strict=True))
