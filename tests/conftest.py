"""Shared fixtures: the mini story, inline content folders, the shipped campaign."""

from __future__ import annotations

import os
import textwrap
import time
from pathlib import Path

import pytest

from game.loader import load_story, load_with_problems

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
REPO = Path(__file__).parent.parent

GAME_YAML = """\
title: Test
variables:
  stability: {label: Stability, start: 50, shown: true}
  industry: {label: Industry, start: 20, shown: true}
texts:
  leader: {label: Leading, start: Lvov}
scenarios:
  - {id: s, title: S, date: 1917-03, start: first}
endings:
  - {id: collapse, immediate: true, when: "stability <= 0", title: Collapse, text: Gone.}
  - {id: fallback, title: Fallback, text: The end.}
"""

FIRST_NODE = """\
- id: first
  date: 1917-03
  title: First
  text: Start.
  history: Real.
  choices:
    - {id: go, label: Go}
"""


PRIVATE_FOLDERS = ("XDG_CACHE_HOME", "XDG_DATA_HOME", "OCTOBERS_SAVES")


@pytest.fixture(autouse=True, scope="session")
def _private_folders(tmp_path_factory):
    """Keep the test run out of the user's own folders and the checkout's saves/: the content
    cache, the data folder and the default saves folder are temporary (subprocesses inherit
    them). A test of the defaults themselves sets or removes these with monkeypatch."""
    saved = {name: os.environ.get(name) for name in PRIVATE_FOLDERS}
    for name in PRIVATE_FOLDERS:
        os.environ[name] = str(tmp_path_factory.mktemp(name.lower()))
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def mini_story():
    """The small fixture story that uses every key of the format."""
    return load_story([MINI])


@pytest.fixture
def make_content(tmp_path):
    """Write a content folder from inline YAML: make_content(events=..., game=...)."""

    def make(events: str = FIRST_NODE, game: str = GAME_YAML, **files: str) -> Path:
        folder = tmp_path / "content"
        folder.mkdir(exist_ok=True)
        (folder / "game.yaml").write_text(textwrap.dedent(game), encoding="utf-8")
        (folder / "events.yaml").write_text(textwrap.dedent(events), encoding="utf-8")
        for name, text in files.items():
            (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
        return folder

    return make


@pytest.fixture
def problems_of(make_content):
    """Load inline content and return its problems as 'file:line: message' strings."""

    def run(events: str = FIRST_NODE, game: str = GAME_YAML, **files: str) -> list[str]:
        folder = make_content(events, game, **files)
        _, problems = load_with_problems([folder])
        return [f"{Path(p.where.path).name}:{p.where.line}: {p.message}" for p in problems]

    return run


@pytest.fixture
def utc(monkeypatch):
    """Local time is UTC while the test runs (dates shown from timestamps are then fixed)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    """A fresh, empty cache folder for one test; returns the folder entries go into."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("OCTOBERS_CACHE", raising=False)
    return tmp_path / "xdg" / "many-octobers"


@pytest.fixture
def parses(monkeypatch):
    """Counts the files the loader really parses (a cache hit parses none)."""
    import game.loader

    calls: list[str] = []
    real = game.loader.parse_yaml

    def counting(raw, name):
        calls.append(name)
        return real(raw, name)

    monkeypatch.setattr(game.loader, "parse_yaml", counting)
    return calls
