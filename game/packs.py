"""Branch-pack manifests (`pack.yaml`): who a pack is and what it needs.

    name: tiflis_1907
    version: "1.0"
    description: The Tiflis robbery of 1907, played as a branch.
    requires:
      game: Many Octobers          # the title in the base game.yaml
      version: ">=0.1"             # the octobers program (`octobers --version`)
      packs: ["other_pack >=1.2"]  # packs, by manifest name, layered before this one

Version specifiers are comma-separated clauses of `>=`, `<=`, `>`, `<`, `==` or `!=` and a
dotted version of whole numbers (`>=0.1, <2`). An unmet requirement is a content error at the
line of the requirement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from game.errors import SourceRef
from game.schema import Reader
from game.yamlsrc import YMap, YStr

REQUIRE_KEYS = ("game", "version", "packs")
_CLAUSE = re.compile(r"^\s*(>=|<=|==|!=|>|<)?\s*(\d+(?:\.\d+)*)\s*\Z")
_PACK_REQ = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*(.*)\Z")


@dataclass(frozen=True)
class Manifest:
    """A pack's manifest, as read from one layer."""

    name: str
    version: str
    layer: int
    where: SourceRef


def parse_version(text: str) -> tuple[int, ...]:
    """'0.10.2' -> (0, 10, 2); raises ValueError for anything else."""
    if not re.fullmatch(r"\d+(\.\d+)*", text.strip()):
        raise ValueError(f"'{text}' is not a version (write whole numbers with dots, like 1.2)")
    return tuple(int(part) for part in text.strip().split("."))


def version_matches(version: str, spec: str) -> bool:
    """Whether a version meets a specifier such as '>=0.1, <2'; ValueError if malformed."""
    have = parse_version(version)
    clauses = [c for c in spec.split(",") if c.strip()]
    if not clauses:
        raise ValueError("an empty version requirement")
    for clause in clauses:
        match = _CLAUSE.match(clause)
        if match is None:
            raise ValueError(f"'{clause.strip()}' is not a version requirement "
                             "(like '>=0.1' or '==1.2')")
        op, number = match.group(1) or "==", parse_version(match.group(2))
        width = max(len(have), len(number))
        left = have + (0,) * (width - len(have))
        right = number + (0,) * (width - len(number))
        ok = {">=": left >= right, "<=": left <= right, ">": left > right, "<": left < right,
              "==": left == right, "!=": left != right}[op]
        if not ok:
            return False
    return True


def read_manifest(spec: YMap, r: Reader, layer: int, display: str) -> Manifest | None:
    """A pack's name and version (None when it declares no name)."""
    name = r.text(spec, "name", "pack manifest")
    version = r.text(spec, "version", "pack manifest")
    if version is not None:
        try:
            parse_version(str(version))
        except ValueError as exc:
            r.error(version, f"pack manifest: version {exc}")
            version = None
    if name is None:
        return None
    return Manifest(str(name), str(version or "0"), layer, r.ref(spec["name"]))


def check_requirements(spec: YMap, r: Reader, manifest: Manifest | None, layer: int,
                       title: str, engine_version: str, loaded: list[Manifest]) -> None:
    """Report every unmet `requires:` entry of one manifest as an error."""
    if "requires" not in spec:
        return
    what = f"pack '{manifest.name}'" if manifest else "this pack"
    needs = r.mapping(spec["requires"], "pack manifest: requires")
    if needs is None:
        return
    r.keys(needs, REQUIRE_KEYS, "pack manifest: requires")
    game = r.text(needs, "game", "pack manifest: requires")
    if game is not None and str(game) != title:
        r.error(game, f"{what} requires the game '{game}', but the base content is '{title}'")
    version = r.text(needs, "version", "pack manifest: requires")
    if version is not None:
        try:
            if not version_matches(engine_version, str(version)):
                r.error(version, f"{what} requires octobers {version}, but this is "
                                 f"octobers {engine_version}")
        except ValueError as exc:
            r.error(version, f"pack manifest: requires: version: {exc}")
    if "packs" in needs:
        for item in r.sequence(needs["packs"], "pack manifest: requires: packs") or []:
            if not isinstance(item, YStr) or item.is_null:
                r.error(item, "pack manifest: requires: packs: each entry is a pack name, "
                              "optionally with a version, like 'tiflis_1907 >=1.0'")
                continue
            _check_pack(item, r, what, layer, loaded)


def _check_pack(item: YStr, r: Reader, what: str, layer: int, loaded: list[Manifest]) -> None:
    match = _PACK_REQ.match(item)
    if match is None:
        r.error(item, f"pack manifest: requires: packs: '{item}' is not a pack name")
        return
    name, spec = match.group(1), match.group(2).strip()
    found = [m for m in loaded if m.name == name]
    earlier = [m for m in found if m.layer < layer]
    if not found:
        r.error(item, f"{what} requires the pack '{name}', which is not loaded (add "
                      f"--content with that pack's folder before this one)")
        return
    if not earlier:
        r.error(item, f"{what} requires the pack '{name}', which is layered after it "
                      "(give its --content folder first)")
        return
    if spec:
        try:
            if not version_matches(earlier[-1].version, spec):
                r.error(item, f"{what} requires the pack '{name}' {spec}, but version "
                              f"{earlier[-1].version} is loaded")
        except ValueError as exc:
            r.error(item, f"pack manifest: requires: packs: {exc}")

