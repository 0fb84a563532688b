"""`python -m game` runs the command-line interface."""

from game.cli import main

raise SystemExit(main())
