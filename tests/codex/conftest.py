"""A copy of the mini fixture story with a codex, written per test."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

MINI = Path(__file__).parent.parent / "fixtures" / "mini"

CODEX = """\
codex:
  - id: lvov
    kind: person
    name: Prince Georgy Lvov
    aliases: [Lvov, Prince Lvov]
    summary: Head of the first Provisional Government.
    fate:
      - when: "flags.soviet_power"
        text: in exile in Paris
      - text: still in office
    fate_ours: died in Paris, 1925
    history: In our timeline he resigned in July 1917.
    main: true
  - id: kerensky
    kind: person
    name: Alexander Kerensky
    aliases: [Kerensky]
    summary: A lawyer and a socialist in the Provisional Government.
    sections:
      - when: "flags.soviet_power"
        text: He lost the Soviet's trust in March.
    fate: [{text: alive}]
    fate_ours: died in New York, 1970
    history: In our timeline he fled in November 1917.
  - id: soviet
    kind: institution
    name: Petrograd Soviet
    aliases: [Soviet, the Soviet]
    summary: The council of workers' and soldiers' deputies.
  - id: tsar
    kind: person
    name: Nicholas II
    aliases: [Tsar, Nicholas]
    summary: The last emperor.
"""


@pytest.fixture
def codex_story(tmp_path: Path):
    """A writable copy of the mini story; returns (folder, write(name, text))."""
    folder = tmp_path / "story"
    shutil.copytree(MINI, folder)

    def write(name: str, text: str) -> Path:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    write("events/codex.yaml", CODEX)
    return folder, write
