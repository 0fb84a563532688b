"""Tools for authors: check, simulate (and, later, graph and scaffolding)."""
