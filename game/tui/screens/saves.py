"""Save to a named slot (`s`) and load a saved game (`l`).

Both dialogs list the slots in the saves folder (`SaveStore.slots()`, newest first) with the
in-game date, the event, the three stats and when it was saved, and what tells one game from
another: its scenario, when it began, the number of decisions and who leads. A broken save is
listed with its problem and cannot be loaded (it can be deleted, or overwritten by a save).
Overwriting and deleting ask first. The store does the reading and writing; a failure is a
notice. A slot name follows the store's one rule (`saves.slot_problem`), whose sentence the
dialog shows as it is typed."""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from game.errors import SaveError
from game.model import format_date
from game.output import printable
from game.saves import AUTOSAVE, MAX_SLOT, SaveStore, SlotInfo, shown_folder, slot_problem
from game.tui.screens.confirm import ConfirmScreen

TIME_FORMAT = "%Y-%m-%d %H:%M"

DIALOG_CSS = """
.slots-dialog .dialog-title { height: auto; text-style: bold; color: $secondary; }
.slots-dialog .field-label { height: 1; margin-top: 1; color: $text-muted; }
.slots-dialog .field-error { height: auto; color: $error; }
.slots-dialog #slot-name { margin: 0; }
.slots-dialog #no-saves { height: 1fr; color: $text-muted; padding: 1 0; }
.slots-dialog .saves-folder { height: auto; max-height: 2; color: $text-muted; }
"""


def slot_prompt(info: SlotInfo) -> Content:
    """A slot as listed: name and when saved; date and event; the stats (or the problem)."""
    saved = time.strftime(TIME_FORMAT, time.localtime(info.saved_at))
    name = printable(slot_label(info.slot))
    if info.problem is not None:
        problem = printable(info.problem.replace(str(info.path), info.path.name))
        return Content.assemble((name, "bold"), ("  cannot be loaded", "bold $error"),
                                ("\n   " + problem, "italic"))
    where = printable(" · ".join(x for x in (info.date_label, info.title) if x))
    if info.ending is not None:
        where = f"{where} (the end)"
    if info.leader:
        where = f"{where} · led by {printable(info.leader)}"
    stats = printable(" · ".join(f"{label} {value}" for label, value in info.stats))
    return Content.assemble((name, "bold"), (f"  saved {saved}", "dim"),
                            ("\n   ", ""), (where, "$secondary"),
                            ("\n   " + printable(game_line(info)), ""), ("\n   " + stats, "dim"))


def game_line(info: SlotInfo) -> str:
    """Which game a save belongs to (`SlotInfo.game_line`; the leader is on the line above)."""
    return info.game_line()


def slot_label(slot: str) -> str:
    """A slot's name as listed: the autosave and its backups say what they are."""
    if slot == AUTOSAVE:
        return "autosave (automatic)"
    if slot.startswith(f"{AUTOSAVE}."):
        return f"autosave, backup {slot.rsplit('.', 1)[1]}"
    if slot.startswith(f"{AUTOSAVE} "):
        return f"{slot} (automatic, another window)"
    return slot


def is_automatic(slot: str) -> bool:
    """Whether a slot is the autosave or one of its backups (no one saves to those)."""
    return slot == AUTOSAVE or slot.startswith((f"{AUTOSAVE}.", f"{AUTOSAVE} "))


def suggest_slot(date_label: str, title: str) -> str:
    """A valid slot name made from the date and event, e.g. 'March 1918 The Assembly'."""
    text = "".join(c if c.isalnum() or c in "_-" else " " for c in f"{date_label} {title}")
    name = " ".join(text.split())[:MAX_SLOT].strip()
    return name if slot_problem(name) is None else "my game"


class SlotList(OptionList):
    """The saves in the folder, one option per slot; a broken one is shown with its problem."""

    DEFAULT_CSS = """
    SlotList { height: 1fr; border: round $primary; }
    SlotList:focus { border: round $secondary; }
    """

    def __init__(self, store: SaveStore, automatic: bool = True, *, id: str | None = None):
        super().__init__(id=id)
        self.store = store
        self.automatic = automatic
        self.infos: list[SlotInfo] = []
        self.reload()

    def reload(self) -> None:
        """Read the folder again (after a save or a delete)."""
        self.infos = [info for info in self.store.slots()
                      if self.automatic or not is_automatic(info.slot)]
        self.set_options(Option(slot_prompt(info), id=f"slot-{n}")
                         for n, info in enumerate(self.infos))
        self.highlighted = 0 if self.infos else None

    @property
    def current(self) -> SlotInfo | None:
        """The highlighted slot, if any."""
        index = self.highlighted
        return None if index is None or index >= len(self.infos) else self.infos[index]


class SaveScreen(ModalScreen[None]):
    """Name a slot and save the game to it; Escape goes back."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [Binding("escape", "close", "Back")]

    def compose(self) -> ComposeResult:
        game = self.app.game  # type: ignore[attr-defined]
        store: SaveStore = self.app.store  # type: ignore[attr-defined]
        suggestion = "my game"
        if game is not None:
            title = game.ending_text()[0] if game.over else game.scene().title
            suggestion = suggest_slot(format_date(game.date), title)
        with Vertical(id="save-box", classes="dialog slots-dialog"):
            yield Static("Save the game", id="save-title", classes="dialog-title")
            yield Static("Slot name:", classes="field-label")
            yield Input(suggestion, placeholder="letters, digits, spaces, - and _",
                        max_length=MAX_SLOT, id="slot-name")
            yield Static("", id="slot-error", classes="field-error", markup=False)
            yield Static("Existing saves (pick one to save over it):", classes="field-label")
            yield Static("No named saves yet.", id="no-saves")
            yield SlotList(store, automatic=False, id="slots")
            yield Static("Enter saves · Escape goes back", classes="dialog-hint")

    def on_mount(self) -> None:
        """The name field has the focus."""
        self.query_one("#slot-error", Static).display = False
        slots = self.query_one(SlotList)
        slots.display = bool(slots.infos)
        self.query_one("#no-saves", Static).display = not slots.infos
        self.query_one("#slot-name", Input).focus()

    def problem_with(self, name: str) -> str | None:
        """Why a name cannot be a slot, or None (the store's own rule: `slot_problem`)."""
        return slot_problem(name, automatic=False)

    def show_error(self, message: str | None) -> None:
        """Show (or clear) the inline error under the name."""
        error = self.query_one("#slot-error", Static)
        error.update(printable(message or ""))
        error.display = message is not None

    def on_input_changed(self, event: Input.Changed) -> None:
        """Check the name as it is typed."""
        name = event.value.strip()
        self.show_error(self.problem_with(name) if name else None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Save, asking first if the slot exists."""
        event.stop()
        name = event.value.strip()
        problem = self.problem_with(name) if name else "Give the save a name."
        if problem is not None:
            self.show_error(problem)
            return
        store: SaveStore = self.app.store  # type: ignore[attr-defined]
        if store.exists(name):
            def answered(yes: bool | None) -> None:
                if yes:
                    self.save(name)

            self.app.push_screen(ConfirmScreen(f"There is already a save called '{name}'. "
                                               "Save over it?", yes="Save over it"), answered)
        else:
            self.save(name)

    def save(self, name: str) -> None:
        """Write the slot; on failure the error stays in the dialog."""
        store: SaveStore = self.app.store  # type: ignore[attr-defined]
        game = self.app.game  # type: ignore[attr-defined]
        try:
            path = store.save(game, name)
        except SaveError as exc:
            self.show_error(str(exc))
            return
        self.app.notify(f"Saved to '{name}' ({path}).", title="Saved", markup=False)
        self.dismiss()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Picking an existing save puts its name in the field."""
        event.stop()
        info = self.query_one(SlotList).infos[event.option_index]
        field = self.query_one("#slot-name", Input)
        field.value = info.slot
        field.focus()

    def action_close(self) -> None:
        """Back without saving."""
        self.dismiss()


class LoadScreen(ModalScreen[None]):
    """Pick a save to load, or delete one; Escape goes back."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("delete", "delete", "Delete"),
    ]

    def compose(self) -> ComposeResult:
        store: SaveStore = self.app.store  # type: ignore[attr-defined]
        with Vertical(id="load-box", classes="dialog slots-dialog"):
            yield Static("Load a game", id="load-title", classes="dialog-title")
            yield Static(printable(f"Saves live in {shown_folder(store.folder)}"),
                         id="saves-folder", classes="saves-folder", markup=False)
            yield Static("No saves yet.", id="no-saves", markup=False)
            yield SlotList(store, id="slots")
            yield Static("Enter loads · Delete deletes · Escape goes back",
                         classes="dialog-hint")

    def on_mount(self) -> None:
        """Focus the list."""
        self.refresh_slots()
        self.query_one(SlotList).focus()

    def refresh_slots(self) -> None:
        """Show the list, or a word that there is nothing to load."""
        slots = self.query_one(SlotList)
        slots.reload()
        self.query_one("#no-saves", Static).display = not slots.infos
        slots.display = bool(slots.infos)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Load the picked save (the app shows it, or says why it cannot)."""
        event.stop()
        info = self.query_one(SlotList).infos[event.option_index]
        if info.problem is not None:
            self.app.notify(info.problem, title="Cannot load", severity="error", markup=False)
            return
        self.app.load_slot(info.slot)  # type: ignore[attr-defined]

    def action_delete(self) -> None:
        """Delete the highlighted save, after asking."""
        info = self.query_one(SlotList).current
        if info is None:
            return
        store: SaveStore = self.app.store  # type: ignore[attr-defined]

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                store.delete(info.slot)
            except SaveError as exc:
                self.app.notify(str(exc), severity="error", markup=False)
            else:
                self.app.notify(f"Deleted '{info.slot}'.", markup=False)
            self.refresh_slots()

        self.app.push_screen(ConfirmScreen(f"Delete the save '{info.slot}'? This cannot be "
                                           "undone.", yes="Delete"), answered)

    def action_close(self) -> None:
        """Back."""
        self.dismiss()
