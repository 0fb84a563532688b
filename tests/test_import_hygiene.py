"""Nothing under game/ but game/tui/ imports Textual (checked in a clean subprocess)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import game


def engine_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(game.__path__, "game."):
        if info.name.startswith("game.tui") or info.name == "game.__main__":
            continue
        names.append(info.name)
    return names


def test_engine_modules_do_not_import_textual():
    modules = engine_modules()
    assert "game.engine" in modules and "game.loader" in modules
    code = ("import importlib, sys\n"
            f"for name in {modules!r}:\n"
            "    importlib.import_module(name)\n"
            "bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]\n"
            "print(','.join(bad))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""


def test_version_imports_no_yaml_or_textual():
    code = ("import sys\nfrom game.cli import main\n"
            "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
            "print('textual' in sys.modules, 'yaml' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip().splitlines()[-1] == "False False"
