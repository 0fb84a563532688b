"""`octobers graph`: dot and Mermaid output, parsed back and (where installed) rendered."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from helpers import BASE, FAULTS

from game.authoring.graph import build_graph, to_dot, to_mermaid
from game.loader import load_story

from conftest import MINI, REPO

DOT_NODE = re.compile(r'^\s*"([^"]+)" \[(.*)\];$')
DOT_EDGE = re.compile(r'^\s*"([^"]+)" -> "([^"]+)" \[(.*)\];$')


def parse_dot(text: str) -> tuple[dict[str, str], list[tuple[str, str, str]], list[str]]:
    """Nodes (key -> attributes), edges and cluster names of our dot output; fails on junk."""
    lines = text.splitlines()
    assert lines[0].startswith("digraph ") and lines[0].endswith("{") and lines[-1] == "}"
    depth, nodes, edges, clusters = 0, {}, [], []
    for line in lines:
        depth += line.count("{") - line.count("}")
        assert depth >= 0
        stripped = line.strip()
        if match := re.match(r"subgraph (cluster_\w+) \{$", stripped):
            clusters.append(match.group(1))
        elif match := DOT_EDGE.match(line):
            edges.append((match.group(1), match.group(2), match.group(3)))
        elif match := DOT_NODE.match(line):
            nodes[match.group(1)] = match.group(2)
        else:
            assert re.match(r"^(digraph .*\{|\}|[a-z]+=.*;|(node|edge) \[.*\];|"
                            r"label=.*;|)$", stripped), stripped
    assert depth == 0
    for source, target, _ in edges:
        assert source in nodes and target in nodes, (source, target)
    return nodes, edges, clusters


MERMAID_NODE = re.compile(r'^(\w+)(\["[^"]*"\]|\(\["[^"]*"\]\)|>"[^"]*"\])$')
MERMAID_EDGE = re.compile(r'^(\w+) (==>|-->|-\.->)(\|"[^"|]*"\|)? (\w+)$')


def parse_mermaid(text: str) -> tuple[set[str], list[tuple[str, str, str]]]:
    """Nodes and edges of our Mermaid flowchart; fails on anything else."""
    lines = [line.strip() for line in text.splitlines()]
    assert lines[0] == "flowchart LR"
    nodes: set[str] = set()
    edges = []
    depth = 0
    for line in lines[1:]:
        if re.match(r'^subgraph \w+\["[^"]*"\]$', line):
            depth += 1
        elif line == "end":
            depth -= 1
            assert depth >= 0
        elif match := MERMAID_NODE.match(line):
            assert match.group(1) not in ("end", "graph", "subgraph")
            nodes.add(match.group(1))
        elif match := MERMAID_EDGE.match(line):
            edges.append((match.group(1), match.group(2), match.group(4)))
        else:
            assert re.match(r"^(classDef \w+ [\w:#,.-]+|class [\w,]+ \w+)$", line), line
    assert depth == 0
    for source, _, target in edges:
        assert source in nodes and target in nodes
    return nodes, edges


def test_dot_groups_by_year_and_draws_every_kind_of_edge():
    nodes, edges, clusters = parse_dot(to_dot(build_graph(load_story([MINI]))))
    assert clusters == ["cluster_1917", "cluster_1918", "cluster_endings"]
    assert "doubleoctagon" in nodes["e_democratic"]
    kinds = {(s, t): attrs for s, t, attrs in edges}
    assert "penwidth=2" in kinds[("n_august", "e_democratic")]  # goto to an ending
    assert 'label="on"' in kinds[("n_august", "n_assembly")]  # goto to a node
    flagged = [a for s, t, a in edges if (s, t) == ("n_petrograd", "n_july") and "dashed" in a]
    assert flagged and 'label="soviet_power"' in flagged[0]  # the flag that gates july
    assert ("n_july", "n_august") in kinds  # time order
    assert ("s_february", "n_petrograd") in kinds  # a scenario's start


def test_mermaid_output_parses_with_the_same_edges():
    graph = build_graph(load_story([MINI]))
    nodes, edges = parse_mermaid(to_mermaid(graph))
    assert nodes == set(graph.nodes)
    assert ("n_petrograd", "-.->", "n_july") in edges
    assert ("n_august", "==>", "e_democratic") in edges
    assert len(edges) == len(graph.edges)


def test_year_range_keeps_only_those_years():
    story = load_story([BASE, FAULTS / "date_gap"])
    graph = build_graph(story, 1918, 1918)
    assert {n.id for n in graph.nodes.values() if n.kind == "node"} == {"peace"}
    nodes, edges, clusters = parse_dot(to_dot(graph))
    assert clusters == ["cluster_1918"]


def test_labels_with_quotes_and_brackets_are_escaped(make_content):
    folder = make_content(events="""\
        - id: first
          date: 1917-03
          title: 'The "Red" [Guard] | {leader}'
          text: Start.
          history: Real.
          choices:
            - {id: go, label: Go}
        """)
    graph = build_graph(load_story([folder]))
    parse_dot(to_dot(graph))
    parse_mermaid(to_mermaid(graph))


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_graphviz_renders_the_dot_output(tmp_path):
    out = tmp_path / "mini.dot"
    result = subprocess.run([sys.executable, "-m", "game", "graph", "--content", str(MINI),
                             "-o", str(out)], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    svg = subprocess.run(["dot", "-Tsvg", str(out)], capture_output=True, text=True)
    assert svg.returncode == 0 and svg.stderr == "" and "<svg" in svg.stdout


def test_graph_command_infers_mermaid_and_rejects_a_bad_range(tmp_path):
    out = tmp_path / "mini.mmd"
    ok = subprocess.run([sys.executable, "-m", "game", "graph", "--content", str(MINI), "-o",
                         str(out)], capture_output=True, text=True, cwd=REPO)
    assert ok.returncode == 0
    parse_mermaid(out.read_text())
    bad = subprocess.run([sys.executable, "-m", "game", "graph", "--content", str(MINI),
                          "--from", "1920", "--to", "1918"], capture_output=True, text=True,
                         cwd=REPO)
    assert bad.returncode == 2 and "usage:" in bad.stderr and "Traceback" not in bad.stderr
