"""`octobers new-branch PATH`: scaffold a branch pack that passes `check` from the start.

The pack adds one choice to an existing node (by default the first scenario's start) that
raises the flag NAME_begins, and one new event a month after that node's window, gated on the
flag. That is the whole pattern of a branch: a choice sets a flag, a later event reads it.
Its YAML files start with a `# yaml-language-server: $schema=` line naming the copy of the
content schema it writes beside them, so editors check them as you type.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from string import Template

from game import __version__
from game.model import Story, iso_date

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}\Z")


class ScaffoldError(Exception):
    """The pack cannot be created as asked; the message says why in one sentence."""


@dataclass(frozen=True)
class Scaffold:
    """What new-branch wrote."""

    folder: Path
    files: tuple[Path, ...]
    extends: str
    event: str
    flag: str


def check_name(name: str) -> str:
    """The pack name, if it is a usable id; raises ScaffoldError otherwise."""
    if not NAME_RE.match(name):
        raise ScaffoldError(f"'{name}' is not a usable pack name: use lowercase letters, digits "
                            "and _, starting with a letter (at most 40 characters)")
    return name


def scaffold(name: str, folder: Path, base: Story, extends: str | None = None,
             base_shown: str = "content", folder_shown: str | None = None) -> Scaffold:
    """Write a new pack into `folder` (which must not exist or be empty), layered on `base`.

    `base_shown` and `folder_shown` are the base content's and the pack's paths as the
    README's commands should give them (the pack's by default: its folder's name).
    """
    check_name(name)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ScaffoldError(f"{folder} already exists and is not empty; choose another name "
                            "or --dir")
    target_id = extends or (base.scenarios[0].start if base.scenarios else "")
    target = base.nodes.get(target_id)
    if target is None:
        raise ScaffoldError(f"there is no node '{target_id}' to extend in the base content")
    taken = {f"{name}_first"} & set(base.nodes)
    if taken:
        raise ScaffoldError(f"the base content already has a node '{name}_first'; choose "
                            "another name")
    flag, event = f"{name}_begins", f"{name}_first"
    date = iso_date(target.until + 1)
    shown = base.shown_variables or list(base.variables.values())
    effects_up = f"\n      effects: {{{shown[0].id}: +2}}" if shown else ""
    effects_down = f"\n      effects: {{{shown[0].id}: -2}}" if shown else ""
    values = {"name": name, "folder": folder_shown or folder.name, "base": base_shown,
              "title": base.title,
              "title_yaml": json.dumps(base.title, ensure_ascii=False), "flag": flag,
              "event": event, "date": date, "target": target.id, "up": effects_up,
              "down": effects_down, "version": ".".join(__version__.split(".")[:2])}
    pack = Template(textwrap.dedent("""\
        # yaml-language-server: $$schema=content.schema.json
        # The manifest of the ${name} pack. Play it layered over the campaign:
        #   octobers play --content ${base} --content ${folder}
        name: ${name}
        version: "0.1"
        description: One line on what this branch changes.
        requires:
          game: ${title_yaml}
          version: ">=${version}"
        # A pack may also declare variables, texts, flags, scenarios and endings here,
        # with the same keys as game.yaml.
        """)).substitute(values)
    events = Template(textwrap.dedent("""\
        # yaml-language-server: $$schema=../content.schema.json
        # A pack adds choices to a node it does not own with `extends:`, and nodes of its own.
        # This new choice at '${target}' raises the flag ${flag}; the event below is
        # dated after '${target}' and fires only when that flag is up.
        - extends: ${target}
          choices:
            - id: ${name}_begin
              label: Take another road (${name})
              set: [${flag}]
              log: "A new branch begins: ${name}."

        - id: ${event}
          date: ${date}
          when: "flags.${flag}"
          priority: 10
          title: The first step of ${name}
          text: |
            Write what happens here, in Markdown. Names in braces are filled in from the
            game, like the year: {year}.
          history: |
            In our timeline: what really happened at this moment, in two or three sentences.
          choices:
            - id: press_on
              label: Press on${up}
              log: "The ${name} branch presses on."
            - id: turn_back
              label: Turn back${down}
              log: "The ${name} branch turns back."
        """)).substitute(values)
    readme = Template(textwrap.dedent("""\
        # ${name}

        A branch pack for *${title}*. Describe here, for players, what this branch
        changes and where it begins.

        ## Play and check it

        ```sh
        octobers check --content ${base} --content ${folder}
        octobers play --content ${base} --content ${folder} --start-at ${target}
        octobers graph --content ${base} --content ${folder} -o ${name}.svg
        octobers proof --content ${base} --content ${folder} -o ${name}-proof.md
        octobers simulate --content ${base} --content ${folder} -n 500
        ```

        ## Files

        - `pack.yaml`: the manifest (name, version, what the pack needs).
        - `events/${name}.yaml`: a new choice at `${target}` that raises `${flag}`,
          and the event `${event}` (${date}) that it opens.
        - `content.schema.json`: the format, for your editor (the YAML files name it on
          their first line); `octobers schema -o content.schema.json` renews it.

        The format is in the game's `docs/authoring.md`.
        """)).substitute(values)
    from game.authoring.content_schema import schema_text

    files = {folder / "pack.yaml": pack, folder / "events" / f"{name}.yaml": events,
             folder / "README.md": readme, folder / "content.schema.json": schema_text()}
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Scaffold(folder, tuple(files), target.id, event, flag)
