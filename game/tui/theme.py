"""The house themes: deep red, ochre and paper, dark (the default) and light."""

from __future__ import annotations

from textual.theme import Theme

DEEP_RED = "#9e1b1b"
OCHRE = "#c9922e"
PAPER = "#efe4cc"
INK = "#231a14"

OCTOBERS = Theme(
    name="octobers",
    primary=DEEP_RED,
    secondary=OCHRE,
    accent=OCHRE,
    warning="#d9a441",
    error="#e2583e",
    success="#8aa65c",
    foreground=PAPER,
    background="#1b1411",
    surface="#261b16",
    panel="#3a241d",
    dark=True,
    variables={
        "footer-key-foreground": OCHRE,
        "block-cursor-background": DEEP_RED,
        "block-cursor-foreground": PAPER,
        "input-selection-background": f"{DEEP_RED} 45%",
    },
)

OCTOBERS_PAPER = Theme(
    name="octobers-paper",
    primary="#8c1616",
    secondary="#8a5d12",
    accent="#8a5d12",
    warning="#9a6a10",
    error="#b3261e",
    success="#4d6b2a",
    foreground=INK,
    background=PAPER,
    surface="#e6d8bb",
    panel="#d9c7a3",
    dark=False,
    variables={
        "footer-key-foreground": "#8c1616",
        "block-cursor-background": "#8c1616",
        "block-cursor-foreground": PAPER,
    },
)

THEMES = (OCTOBERS, OCTOBERS_PAPER)
DEFAULT_THEME = OCTOBERS.name
