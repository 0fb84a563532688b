"""`octobers graph`: dot and Mermaid output, parsed back and (where installed) rendered."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap

import pytest
from helpers import BASE, FAULTS

from game.authoring.graph import build_graph, pack_colour, to_dot, to_mermaid
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
    assert clusters == ["cluster_1918", "cluster_packs"]  # the packs' colours: a legend


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


def pack_with_a_long_flag(tmp_path):
    folder = tmp_path / "long_pack"
    (folder / "events").mkdir(parents=True)
    (folder / "events" / "p.yaml").write_text(textwrap.dedent("""\
        - extends: start
          choices:
            - {id: plot, label: Plot, set: [the_conspiracy_of_the_ninth_of_thermidor]}
        - id: pack_event
          date: 1917-04
          title: Pack event
          text: A pack's event.
          history: Real.
          choices:
            - {id: strike, label: Strike, when: "flags.the_conspiracy_of_the_ninth_of_thermidor"}
            - {id: wait, label: Wait}
        """), encoding="utf-8")
    return folder


def test_flag_labels_are_whole_and_a_choices_condition_draws_its_edge(tmp_path):
    story = load_story([BASE, pack_with_a_long_flag(tmp_path)])
    graph = build_graph(story)
    flag_edges = {(e.source, e.target): e.label for e in graph.edges if e.kind == "flag"}
    # the event has no `when` of its own: only its choice reads the flag
    assert flag_edges[("n_start", "n_pack_event")] == \
        "the_conspiracy_of_the_ninth_of_thermidor (choice strike)"
    nodes, edges, _ = parse_dot(to_dot(graph))
    dashed = [a for s, t, a in edges if (s, t) == ("n_start", "n_pack_event")]
    assert 'label="the_conspiracy_of_the_ninth_of_thermidor (choice strike)"' in dashed[0]
    assert "the_conspiracy_of_the_ninth_of_thermidor (choice strike)" in to_mermaid(graph)


def test_a_packs_events_have_their_own_colour(tmp_path):
    pack = pack_with_a_long_flag(tmp_path)
    graph = build_graph(load_story([BASE, pack]))
    assert graph.nodes["n_pack_event"].pack == 1 and graph.nodes["n_start"].pack == 0
    nodes, _, clusters = parse_dot(to_dot(graph))
    assert f'fillcolor="{pack_colour(1)}"' in nodes["n_pack_event"]
    assert "fillcolor" not in nodes["n_start"]
    assert "cluster_packs" in clusters and str(pack) in nodes["pack_1"]
    mermaid = to_mermaid(graph)
    assert f"classDef pack1 fill:{pack_colour(1)}" in mermaid
    assert "class n_pack_event pack1" in mermaid
    parse_mermaid(mermaid)


def graph_to(tmp_path, target, *extra, env=None):
    return subprocess.run([sys.executable, "-m", "game", "graph", "--content", str(MINI),
                           "-o", str(target), *extra], capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=300)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_an_svg_or_png_output_is_drawn_by_graphviz(tmp_path):
    svg = graph_to(tmp_path, tmp_path / "mini.svg")
    assert svg.returncode == 0, svg.stderr
    assert "<svg" in (tmp_path / "mini.svg").read_text(encoding="utf-8")
    png = graph_to(tmp_path, tmp_path / "mini.png")
    assert png.returncode == 0, png.stderr
    assert (tmp_path / "mini.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_without_graphviz_an_image_is_refused_with_how_to_install(tmp_path):
    empty = tmp_path / "no_programs"
    empty.mkdir()
    result = graph_to(tmp_path, tmp_path / "map.png", env={**os.environ, "PATH": str(empty)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "needs Graphviz's `dot` program, which is not installed" in result.stderr
    assert "apt install graphviz" in result.stderr and "brew install graphviz" in result.stderr
    assert not (tmp_path / "map.png").exists()


def test_dot_text_is_never_written_into_an_image_file(tmp_path):
    result = graph_to(tmp_path, tmp_path / "map.png", "--format", "dot")
    assert result.returncode == 2 and "writes text, not a .png image" in result.stderr
    assert not (tmp_path / "map.png").exists()
