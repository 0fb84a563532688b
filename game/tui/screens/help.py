"""Help: how to play, and every key."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from game.union import guide_markdown

HOW_TO_PLAY = """\
You are the will of whichever government holds power, from 1917 to 1991: not one person, but
the hand in its ruling councils, whoever sits in the chair (the sidebar's *Leading*). Each
event brings a decision; your choices move **stability**, **industry** and **war-readiness**
(the bars on the right, with ▲/▼ for the last change and a line of their history; below 100
columns, one line under the date) and decide what happens next. A red **│** on a bar marks
where its danger zone begins, and a value inside it is red with a **!**: a notice warns you
the first time. **u** shows the State of the Union: every stat you can see, more as your rule
reveals them. The game saves itself
after every choice: quit whenever you like and pick *Continue* on the title screen.
"""

KEYS = [
    ("Anywhere", [
        ("q", "quit (the game is already saved)"),
        ("? or F1", "this help"),
        ("ctrl+p", "command palette: new game, save, load, timeline, State of the Union, "
                   "help, theme, quit"),
        ("Escape", "close a dialog, go back"),
        ("Tab / shift+Tab", "move between parts of the screen"),
    ]),
    ("Title and menus", [
        ("↑ ↓, Enter", "pick an entry (or click it)"),
    ]),
    ("Playing", [
        ("1 – 9", "take that choice"),
        ("↑ ↓, Enter", "take the highlighted choice (or click it)"),
        ("o", "\"In our timeline\": what really happened"),
        ("c", "codex: the people, parties and terms met so far, in your timeline and ours "
              "(/ searches, p lists the people); a marked name in the text opens its entry"),
        ("u", "State of the Union: every stat you can see, its trend and danger zone, and "
              "what the stats mean (also on the ending screen)"),
        ("t", "timeline: the history so far; return to an earlier decision"),
        ("s", "save to a named slot"),
        ("l", "load a saved game"),
        ("Escape", "back to the title (the game is saved; Continue picks it up)"),
        ("Page Up / Page Down", "scroll the narrative"),
        ("F12", "debug panel: every variable, the flags, why each choice is open or locked, "
                "outcome weights and the last draw (with --dev)"),
        ("[ / ]", "scroll the debug panel up / down (with --dev)"),
    ]),
    ("Timeline, saves and ending", [
        ("↑ ↓, Enter", "pick an entry or slot"),
        ("Enter (timeline)", "return to that decision, or to a branch you left (asks first)"),
        ("Enter (save)", "save to the name typed (asks before saving over a slot)"),
        ("Delete (load)", "delete the highlighted save (asks first)"),
        ("y / n", "answer a question (n or Escape says no)"),
        ("e", "export the finished game as a Markdown chronicle (ending screen)"),
        ("t (ending)", "the timeline: still return to any decision"),
        ("Escape (ending)", "back to the title"),
    ]),
]


def keys_markdown() -> str:
    """Every key as Markdown tables, one per place."""
    out = []
    for place, keys in KEYS:
        out.append(f"### {place}\n\n| Key | What it does |\n|---|---|")
        out += [f"| {key} | {what} |" for key, what in keys]
        out.append("")
    return "\n".join(out)


class HelpScreen(ModalScreen[None]):
    """Every key and what it does; Escape closes."""

    BINDINGS = [("escape,question_mark,f1", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="dialog"):
            yield Static("How to play", id="help-title")
            with VerticalScroll(id="help-scroll"):
                yield Markdown(HOW_TO_PLAY + "\n" + keys_markdown() + self._guide(),
                               open_links=False)
            yield Static("Escape closes", classes="dialog-hint")

    def _guide(self) -> str:
        story = getattr(self.app, "story", None)
        if story is None or not story.shown_variables:
            return ""
        return "\n## What the stats mean\n\n" + guide_markdown(story)

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        """Close help."""
        self.dismiss(result)
