"""Many Octobers: a terminal game of alternate history, 1917-1991."""

__version__ = "0.1.0"
