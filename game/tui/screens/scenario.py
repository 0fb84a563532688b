"""The scenario picker: every starting point with its date and description."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from game.model import Scenario, format_date


def scenario_prompt(scenario: Scenario) -> Content:
    """Title and date on the first line, then the description (content text, kept plain)."""
    description = " ".join(scenario.description.split())
    return Content.assemble((scenario.title, "bold"), "  ",
                            (format_date(scenario.date), "$secondary"),
                            *(("\n", (description, "dim")) if description else ()))


WHO_YOU_ARE = ("In every scenario you are the will of whichever government holds power: "
               "the hand in its ruling councils, not one named person.")


class ScenarioScreen(Screen[None]):
    """Pick where history turns; Enter starts the highlighted scenario."""

    BINDINGS = [("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        with Vertical(id="scenario-box"):
            yield Static("Choose where history turns", id="scenario-heading")
            yield Static(WHO_YOU_ARE, id="scenario-who")
            options: list[Option | None] = []
            for index, scenario in enumerate(self.app.story.scenarios):  # type: ignore[attr-defined]
                if index:
                    options.append(None)
                options.append(Option(scenario_prompt(scenario), id=scenario.id))
            yield OptionList(*options, id="scenarios")
        yield Footer()

    def on_mount(self) -> None:
        """The first scenario is highlighted."""
        scenarios = self.query_one("#scenarios", OptionList)
        scenarios.highlighted = 0
        scenarios.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Start the picked scenario."""
        event.stop()
        self.app.new_game(event.option.id)  # type: ignore[attr-defined]
