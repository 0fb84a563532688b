"""`octobers graph`: the story as a map, in Graphviz dot or Mermaid.

Nodes are grouped by year. Solid edges: a `goto` (bold, labelled with the choice) and time
order (thin: from an event that leaves the next step to the calendar, to the events of the
next month that has any). Dashed edges: from the node whose choice
raises a flag to each event (or ending) whose `when`, or one of whose choices' `when`, reads
that flag. Scenarios are entry points; endings are drawn apart, in their own group. The events
of each branch pack (a later --content folder) are filled with the pack's own colour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from game.authoring.analysis import atoms_of
from game.model import Node, Story, iso_date, year_of

FORMATS = ("dot", "mermaid")


@dataclass(frozen=True)
class GNode:
    """A box on the map: an event, an ending or a scenario's entry."""

    key: str
    kind: str  # "node", "ending" or "scenario"
    id: str
    title: str
    year: int | None
    date: str = ""
    pack: int = 0  # 0: the base content; n: the n-th pack layered over it


@dataclass(frozen=True)
class GEdge:
    """An arrow: 'goto', 'time' (the calendar), 'flag' (gates) or 'start' (scenario)."""

    source: str
    target: str
    kind: str
    label: str = ""


@dataclass
class Graph:
    """The map of a story, ready to be written in any format."""

    title: str
    nodes: dict[str, GNode] = field(default_factory=dict)
    edges: list[GEdge] = field(default_factory=list)
    packs: tuple[str, ...] = ()  # the packs' folders, in layer order (pack n is packs[n-1])

    def years(self) -> list[int]:
        """The years that have events, in order."""
        return sorted({n.year for n in self.nodes.values() if n.kind == "node" and n.year})

    def layout(self) -> tuple[list[tuple[int, list[GNode]]], list[GNode], list[GNode]]:
        """How both formats group the map: events and scenarios by year, the endings
        together, and the scenarios whose year has no event on their own."""
        years = self.years()
        by_year = [(year, [n for n in self.nodes.values()
                           if n.kind in ("node", "scenario") and n.year == year])
                   for year in years]
        endings = [n for n in self.nodes.values() if n.kind == "ending"]
        loose = [n for n in self.nodes.values() if n.kind == "scenario" and n.year not in years]
        return by_year, endings, loose


def _rank(node: Node) -> tuple[int, int, int]:
    return (node.date, -node.priority, node.order)


def _hands_over(node: Node) -> bool:
    """Whether a node can leave the next step to the calendar."""
    if all(c.when is not None for c in node.choices):
        return True
    for choice in node.choices:
        if not choice.outcomes and choice.effect.goto is None:
            return True
        if any((o.effect.goto or choice.effect.goto) is None for o in choice.outcomes):
            return True
    return False


def _next_by_date(node: Node, ordered: list[Node]) -> list[Node]:
    """The events next in time after `node`: those of the first month that has any."""
    def when(m: Node) -> tuple[int, int, int]:
        return (max(m.date, node.date), -m.priority, m.order)

    later = sorted((m for m in ordered if m.id != node.id and m.until >= node.date
                    and when(m) > _rank(node)), key=when)
    if not later:
        return []
    month = when(later[0])[0]
    return [m for m in later if when(m)[0] == month]


def _layer_of(path: str, packs: list[Path]) -> int:
    """Which pack a file belongs to (1, 2, ...), or 0 for the base content."""
    here = Path(path).resolve()
    for index in range(len(packs), 0, -1):
        if here.is_relative_to(packs[index - 1]):
            return index
    return 0


def build_graph(story: Story, year_from: int | None = None, year_to: int | None = None
                ) -> Graph:
    """The map of a story, optionally only the events dated within [year_from, year_to]."""
    graph = Graph(story.title, packs=story.packs)
    pack_dirs = [Path(p).resolve() for p in story.packs]

    def inside(year: int) -> bool:
        return (year_from is None or year >= year_from) and (year_to is None or year <= year_to)

    ordered = sorted(story.nodes.values(), key=_rank)
    shown = [n for n in ordered if inside(year_of(n.date))]
    keep = {n.id for n in shown}
    for node in shown:
        graph.nodes[f"n_{node.id}"] = GNode(f"n_{node.id}", "node", node.id, node.title.source,
                                            year_of(node.date), iso_date(node.date),
                                            _layer_of(node.where.path, pack_dirs))
    ending_ids = {e.id for e in story.endings}
    edges: dict[tuple[str, str, str], list[str]] = {}

    def add(source: str, target: str, kind: str, label: str = "") -> None:
        labels = edges.setdefault((source, target, kind), [])
        if label and label not in labels:
            labels.append(label)

    for scenario in story.scenarios:
        if scenario.start in keep:
            key = f"s_{scenario.id}"
            graph.nodes[key] = GNode(key, "scenario", scenario.id, scenario.title,
                                     year_of(scenario.date), iso_date(scenario.date))
            add(key, f"n_{scenario.start}", "start")
    readers: dict[str, list[tuple[str, str]]] = {}  # flag -> (reader, what reads it)
    for node in ordered:
        if node.when is not None:
            for atom in atoms_of(node.when):
                if atom.kind == "flag":
                    readers.setdefault(atom.key, []).append((f"n_{node.id}", ""))
        for choice in node.choices:
            if choice.when is not None:
                for atom in atoms_of(choice.when):
                    if atom.kind == "flag":
                        readers.setdefault(atom.key, []).append((f"n_{node.id}", choice.id))
    for ending in story.endings:
        if ending.when is not None:
            for atom in atoms_of(ending.when):
                if atom.kind == "flag":
                    readers.setdefault(atom.key, []).append((f"e_{ending.id}", ""))
    for node in shown:
        source = f"n_{node.id}"
        if node.enter is not None:
            for flag in node.enter.set:
                for reader, choice_id in readers.get(flag, ()):
                    if reader != source and (not reader.startswith("n_") or reader[2:] in keep):
                        add(source, reader, "flag", _flag_label(flag, choice_id))
        for choice in node.choices:
            effects = [choice.effect, *(o.effect for o in choice.outcomes)]
            for effect in effects:
                goto = effect.goto
                if goto in keep:
                    add(source, f"n_{goto}", "goto", choice.id)
                elif goto in ending_ids:
                    add(source, f"e_{goto}", "goto", choice.id)
                for flag in effect.set:
                    for reader, choice_id in readers.get(flag, ()):
                        if reader == source:
                            continue
                        if reader.startswith("n_") and reader[2:] not in keep:
                            continue
                        add(source, reader, "flag", _flag_label(flag, choice_id))
        if _hands_over(node):
            for following in _next_by_date(node, shown):
                add(source, f"n_{following.id}", "time")
    wanted_endings = {t for (_, t, _) in edges if t.startswith("e_")}
    for ending in story.endings:
        key = f"e_{ending.id}"
        if (year_from is None and year_to is None) or key in wanted_endings:
            graph.nodes[key] = GNode(key, "ending", ending.id, ending.title.source, None)
    for (source, target, kind), labels in edges.items():
        if source in graph.nodes and target in graph.nodes:
            graph.edges.append(GEdge(source, target, kind, ", ".join(labels)))
    return graph


def _flag_label(flag: str, choice_id: str) -> str:
    """A flag edge's label: the flag, and the choice that reads it when not the event."""
    return f"{flag} (choice {choice_id})" if choice_id else flag


# ---- Graphviz --------------------------------------------------------------------------------
def _dot_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def to_dot(graph: Graph) -> str:
    """The map as a Graphviz digraph (render with `dot -Tsvg`)."""
    lines = [f"digraph {_dot_string(graph.title)} {{",
             "  rankdir=LR;",
             "  compound=true;",
             "  newrank=true;",
             f"  label={_dot_string(graph.title)}; labelloc=t; fontname=Helvetica;",
             '  node [shape=box, style="rounded,filled", fillcolor="#f5f0e6", '
             "fontname=Helvetica, fontsize=10];",
             "  edge [fontname=Helvetica, fontsize=8];"]
    by_year, endings, loose = graph.layout()
    for year, members in by_year:
        lines.append(f"  subgraph cluster_{year} {{")
        lines.append(f"    label={_dot_string(str(year))}; style=rounded; color=\"#999999\";")
        lines.extend("    " + _dot_node(node) for node in members)
        lines.append("  }")
    if endings:
        lines.append("  subgraph cluster_endings {")
        lines.append('    label="Endings"; style=dashed; color="#aa3333";')
        lines.extend("    " + _dot_node(node) for node in endings)
        lines.append("  }")
    lines.extend("  " + _dot_node(node) for node in loose)
    if graph.packs:
        lines.append("  subgraph cluster_packs {")
        lines.append('    label="Packs"; style=dotted; color="#999999";')
        for index, pack in enumerate(graph.packs, start=1):
            lines.append(f"    {_dot_string(f'pack_{index}')} [label={_dot_string(pack)}, "
                         f'shape=note, fillcolor="{pack_colour(index)}"];')
        lines.append("  }")
    for edge in graph.edges:
        attrs = _DOT_EDGE[edge.kind]
        if edge.label:  # flags in full: a cut-off flag name is no use for finding it
            label = edge.label.replace(", ", "\n") if edge.kind == "flag" else \
                _short(edge.label, 30)
            attrs += f", label={_dot_string(label)}"
        lines.append(f"  {_dot_string(edge.source)} -> {_dot_string(edge.target)} [{attrs}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


_DOT_EDGE = {
    "goto": "style=solid, penwidth=2",
    "time": 'style=solid, color="#888888", arrowsize=0.6',
    "flag": 'style=dashed, color="#3366aa", fontcolor="#3366aa"',
    "start": "style=solid, penwidth=2, color=\"#227722\"",
}


def _dot_node(node: GNode) -> str:
    if node.kind == "ending":
        label = f"{node.id}\n{_short(node.title)}"
        return (f"{_dot_string(node.key)} [label={_dot_string(label)}, shape=doubleoctagon, "
                'fillcolor="#f2d0d0"];')
    if node.kind == "scenario":
        label = f"▶ {_short(node.title)}\n{node.date}"
        return (f"{_dot_string(node.key)} [label={_dot_string(label)}, shape=cds, "
                'fillcolor="#d6ecd2"];')
    label = f"{node.id}\n{_short(node.title)}\n{node.date}"
    colour = f', fillcolor="{pack_colour(node.pack)}"' if node.pack else ""
    return f"{_dot_string(node.key)} [label={_dot_string(label)}{colour}];"


PACK_COLOURS = ("#cfe0f5", "#f6dcb4", "#dccdee", "#c9ebe4", "#f3cfe0", "#e3eab8")


def pack_colour(pack: int) -> str:
    """The fill of a pack's events (pack 1, 2, ...; the base content keeps the default)."""
    return PACK_COLOURS[(pack - 1) % len(PACK_COLOURS)]


# ---- Mermaid ---------------------------------------------------------------------------------
def _mermaid_text(text: str) -> str:
    """Text safe inside a Mermaid "quoted" label."""
    out = " ".join(text.split())
    for char, code in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"),
                       ("|", "#124;"), ("[", "#91;"), ("]", "#93;"), ("{", "#123;"),
                       ("}", "#125;")):
        out = out.replace(char, code)
    return out


def to_mermaid(graph: Graph) -> str:
    """The map as a Mermaid flowchart."""
    lines = ["flowchart LR"]
    by_year, endings, loose = graph.layout()
    for year, members in by_year:
        lines.append(f'  subgraph y{year}["{year}"]')
        lines.extend("    " + _mermaid_node(node) for node in members)
        lines.append("  end")
    if endings:
        lines.append('  subgraph endings["Endings"]')
        lines.extend("    " + _mermaid_node(node) for node in endings)
        lines.append("  end")
    lines.extend("  " + _mermaid_node(node) for node in loose)
    for edge in graph.edges:
        arrow = _MERMAID_EDGE[edge.kind]
        text = edge.label if edge.kind == "flag" else _short(edge.label, 30)
        label = f"|\"{_mermaid_text(text)}\"|" if edge.label else ""
        lines.append(f"  {edge.source} {arrow}{label} {edge.target}")
    lines.append("  classDef ending fill:#f2d0d0,stroke:#aa3333,stroke-width:2px")
    lines.append("  classDef scenario fill:#d6ecd2,stroke:#227722")
    for kind in ("ending", "scenario"):
        keys = [n.key for n in graph.nodes.values() if n.kind == kind]
        if keys:
            lines.append(f"  class {','.join(keys)} {kind}")
    for index in range(1, len(graph.packs) + 1):
        keys = [n.key for n in graph.nodes.values() if n.kind == "node" and n.pack == index]
        if keys:
            lines.append(f"  classDef pack{index} fill:{pack_colour(index)}")
            lines.append(f"  class {','.join(keys)} pack{index}")
    return "\n".join(lines) + "\n"


_MERMAID_EDGE = {"goto": "==>", "time": "-->", "flag": "-.->", "start": "==>"}


def _mermaid_node(node: GNode) -> str:
    if node.kind == "ending":
        return f'{node.key}(["{_mermaid_text(node.id + ": " + _short(node.title))}"])'
    if node.kind == "scenario":
        return f'{node.key}>"{_mermaid_text("▶ " + _short(node.title))} ({node.date})"]'
    text = f"{node.id}: {_short(node.title)} ({node.date})"
    return f'{node.key}["{_mermaid_text(text)}"]'


def render(story: Story, fmt: str = "dot", year_from: int | None = None,
           year_to: int | None = None) -> str:
    """The story's map as text in a format from FORMATS."""
    graph = build_graph(story, year_from, year_to)
    return to_dot(graph) if fmt == "dot" else to_mermaid(graph)


def edge_counts(graph: Graph) -> dict[str, int]:
    """How many edges of each kind (for summaries and tests)."""
    counts: dict[str, int] = {}
    for edge in graph.edges:
        counts[edge.kind] = counts.get(edge.kind, 0) + 1
    return counts

