"""`octobers check` warnings: what loads cleanly but cannot work as the author meant.

Each warning names a real place (path:line:col) and says why. The reasoning is static and
errs on the quiet side: a node is called unreachable, or a condition impossible, only when no
playthrough of any scenario can get there (given the dates, the gotos, the flags that can be
set before an event is due and the declared ranges of the variables); a dead end is reported
only with a concrete state that locks every choice. What it checks, in `WARNINGS` order:

    unreachable     a node no scenario can reach
    never-holds     a node's or a choice's `when` that cannot hold where it is asked
    dead-end        a node whose choices can all be locked or hidden at once
    flag-unset      a flag that conditions read but nothing sets
    flag-unread     a flag that is set but no condition reads
    flag-unused     a declared flag that nothing sets or reads
    var-unchanged   a variable (or text) that no choice or outcome changes
    goto-past       a goto to a node whose window closed before the node that jumps
    date-gap        a span of GAP_MONTHS or more in which no event can fire
    no-history      a node without its "In our timeline" note
    ending          an ending no state can reach
    ending-fallback a second fallback ending, which never ends a game
    no-hint         an ending without the `hint:` the gallery shows before it is found
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from game.authoring.analysis import Domain, atom_ref, atoms_of, can_hold, describe_state, witness
from game.errors import Problem, SourceRef
from game.model import Choice, Effect, Ending, Expr, Node, Scenario, Story, iso_date
from game.yamlsrc import YMap, YSeq, read_yaml

GAP_MONTHS = 48
WARNINGS = ("unreachable", "never-holds", "dead-end", "flag-unset", "flag-unread", "flag-unused",
            "var-unchanged", "goto-past", "date-gap", "no-history", "ending", "ending-fallback",
            "no-hint")
_MAX_ROUNDS = 60


def lint(story: Story) -> list[Problem]:
    """Every warning for a loaded story, sorted by place.

    The analysis of conditions has a budget per pack (analysis.PACK_LIMIT states); a pack that
    spends it gets one warning saying that some warnings may be missing.
    """
    import gc

    from game.authoring import analysis

    analysis.reset_budget()
    was_enabled = gc.isenabled()
    gc.disable()  # the analysis makes many short-lived objects and no cycles worth a collection
    try:
        problems = _Linter(story).run()
    finally:
        if was_enabled:
            gc.enable()
    if analysis.budget_left() <= 0:
        where = SourceRef(story.files[0] if story.files else "content")
        problems.append(Problem(where, f"the conditions took more than "
                                       f"{analysis.PACK_LIMIT:,} trial states to analyse; "
                                       "the analysis stopped there, so some warnings may be "
                                       "missing", "warning", "analysis-budget"))
    return sorted(problems, key=lambda p: (p.where.path, p.where.line, p.where.col, p.message))


# ---- facts about the content -------------------------------------------------------------
def _effects(choice: Choice) -> list[tuple[Effect, SourceRef]]:
    return [(choice.effect, choice.where), *((o.effect, o.where) for o in choice.outcomes)]


def _node_effects(node: Node) -> list[tuple[Effect, SourceRef]]:
    """Every effect a node can have: its arrival (`enter:`) and each choice's."""
    out = [] if node.enter is None else [(node.enter, node.where)]
    for choice in node.choices:
        out.extend(_effects(choice))
    return out


def _gotos(choice: Choice) -> list[str | None]:
    """Where a choice can lead: its outcomes' gotos (or its own), None for the calendar."""
    if not choice.outcomes:
        return [choice.effect.goto]
    return [o.effect.goto or choice.effect.goto for o in choice.outcomes]


def _choice_flags(choice: Choice) -> set[str]:
    return {flag for effect, _ in _effects(choice) for flag in effect.set}


def expressions(story: Story) -> Iterator[tuple[Expr, str]]:
    """Every compiled expression in the story, with the place it belongs to."""
    for node in story.nodes.values():
        what = f"node '{node.id}'"
        if node.when is not None:
            yield node.when, what
        if node.enter is not None:
            for _, amount in (*node.enter.deltas, *node.enter.assign):
                if isinstance(amount, Expr):
                    yield amount, f"{what}: enter"
        for paragraph in node.text:
            if paragraph.when is not None:
                yield paragraph.when, f"{what}: text"
        for choice in node.choices:
            cwhat = f"{what}, choice '{choice.id}'"
            if choice.when is not None:
                yield choice.when, cwhat
            if isinstance(choice.ai, Expr):
                yield choice.ai, cwhat
            for outcome in choice.outcomes:
                if isinstance(outcome.weight, Expr):
                    yield outcome.weight, cwhat
            for effect, _ in _effects(choice):
                for _, amount in (*effect.deltas, *effect.assign):
                    if isinstance(amount, Expr):
                        yield amount, cwhat
    for ending in story.endings:
        if ending.when is not None:
            yield ending.when, f"ending '{ending.id}'"
        for paragraph in ending.text:
            if paragraph.when is not None:
                yield paragraph.when, f"ending '{ending.id}': text"


@dataclass
class _Facts:
    setters: dict[str, list[SourceRef]] = field(default_factory=dict)
    clearers: set[str] = field(default_factory=set)
    readers: dict[str, list[SourceRef]] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)
    text_values: dict[str, set[str] | None] = field(default_factory=dict)
    goto_sources: dict[str, list[str]] = field(default_factory=dict)


def _facts(story: Story) -> _Facts:
    facts = _Facts()
    facts.text_values = {t.id: {t.start} for t in story.texts.values()}
    for scenario in story.scenarios:
        for flag in scenario.set:
            facts.setters.setdefault(flag, []).append(scenario.where)
        for name, value in scenario.texts:
            values = facts.text_values.get(name)
            if values is not None:
                values.add(value)
    for node in story.nodes.values():
        for effect, where in _node_effects(node):
            for flag in effect.set:
                facts.setters.setdefault(flag, []).append(effect.set_where or where)
            facts.clearers.update(effect.clear)
            facts.changed.update(name for name, _ in (*effect.deltas, *effect.assign))
            for name, template in effect.texts:
                facts.changed.add(name)
                values = facts.text_values.get(name)
                if values is None:
                    continue
                if template.is_plain:
                    values.add(template.source)
                else:
                    facts.text_values[name] = None
        for choice in node.choices:
            for goto in _gotos(choice):
                if goto is not None:
                    facts.goto_sources.setdefault(goto, []).append(node.id)
    texts = set(story.texts)
    for expr, _ in expressions(story):
        for atom in atoms_of(expr, texts=texts):
            if atom.kind == "flag":
                facts.readers.setdefault(atom.key, []).append(atom_ref(expr, atom))
    return facts


class _Truths(Mapping[str, frozenset[bool]]):
    """The truth values names may have: up if `up(name)`, down unless in `always`."""

    def __init__(self, names: Collection[str], up: Callable[[str], bool],
                 always: Collection[str] = ()):
        self.names, self.up, self.always = names, up, always

    def __getitem__(self, key: str) -> frozenset[bool]:
        if key not in self.names:
            raise KeyError(key)
        up, down = self.up(key), key not in self.always
        return _UP_DOWN[(up, down)]

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


_UP_DOWN = {(True, True): frozenset((True, False)), (True, False): frozenset((True,)),
            (False, True): frozenset((False,)), (False, False): frozenset()}


# ---- reachability, one scenario at a time --------------------------------------------------
@dataclass
class _Reach:
    scenario: Scenario
    low: dict[str, int] = field(default_factory=dict)
    high: dict[str, int] = field(default_factory=dict)
    by_goto: set[str] = field(default_factory=set)
    passes: set[str] = field(default_factory=set)
    open: set[tuple[str, str]] = field(default_factory=set)
    open_keys: dict[str, set[str]] = field(default_factory=dict)
    sets: dict[str, set[str]] = field(default_factory=dict)
    endings: set[str] = field(default_factory=set)
    first_flag: dict[str, int] = field(default_factory=dict)
    first_choice: dict[str, int] = field(default_factory=dict)

    def index(self) -> None:
        """Refresh the first month each flag can be up and each choice taken."""
        self.first_flag = {flag: -1 for flag in self.scenario.set}
        self.first_choice = {}
        for node_id, flags in self.sets.items():
            first = self.low.get(node_id)
            if first is None:
                continue
            for flag in flags:
                if self.first_flag.get(flag, first + 1) > first:
                    self.first_flag[flag] = first
        for node_id, keys in self.open_keys.items():
            first = self.low.get(node_id)
            if first is not None:
                for key in keys:
                    self.first_choice[key] = first


class _Linter:
    def __init__(self, story: Story):
        self.story = story
        self.facts = _facts(story)
        self.problems: list[Problem] = []
        self.nodes = story.nodes
        self.texts = set(story.texts)
        self.ranges = {v.id: (float(v.min), float(v.max)) for v in story.variables.values()}
        self.text_domain = {name: None if values is None else frozenset(values)
                            for name, values in self.facts.text_values.items()}
        self.choice_keys = {f"{n.id}.{c.id}" for n in story.nodes.values() for c in n.choices}
        # what each choice sets and where it leads, worked out once for every round
        self.moves = {n.id: [(c, _choice_flags(c), _gotos(c)) for c in n.choices]
                      for n in story.nodes.values()}
        self.reaches = [self.reach(scenario) for scenario in story.scenarios]
        self.reachable = {n for r in self.reaches for n in r.low}
        self.open = {pair for r in self.reaches for pair in r.open}

    def warn(self, where: SourceRef, message: str, code: str = "") -> None:
        self.problems.append(Problem(where, message, "warning", code))

    def run(self) -> list[Problem]:
        if not self.story.scenarios:
            return []
        self.check_nodes()
        self.check_choices()
        self.check_dead_ends()
        self.check_flags()
        self.check_variables()
        self.check_gotos()
        self.check_gaps()
        self.check_endings()
        self.check_hints()
        return self.problems

    # ---- domains ---------------------------------------------------------------------------
    def domain(self, reach: _Reach | list[_Reach] | None, low: int, high: int) -> Domain:
        """What names may be at a place whose date lies in [low, high] (None: any scenario)."""
        story, facts = self.story, self.facts
        reaches = self.reaches if reach is None else reach if isinstance(reach, list) \
            else [reach]
        scenarios = [r.scenario for r in reaches]
        fixed = {}
        for variable in story.variables.values():
            if variable.id not in facts.changed:
                fixed[variable.id] = frozenset(dict(s.vars).get(variable.id, variable.start)
                                               for s in scenarios)
        always = set(story.flags) - facts.clearers
        for r in reaches:
            always &= set(r.scenario.set)

        def flag_up(flag: str) -> bool:
            return any(r.first_flag.get(flag, high + 1) <= high for r in reaches)

        def visited_up(node_id: str) -> bool:
            return any(r.low.get(node_id, high + 1) <= high for r in reaches)

        def chosen_up(key: str) -> bool:
            return any(r.first_choice.get(key, high + 1) <= high for r in reaches)

        return Domain(
            ranges=self.ranges, fixed=fixed, texts=self.text_domain,
            flags=_Truths(story.flags, flag_up, always),
            visited=_Truths(self.nodes, visited_up), chosen=_Truths(self.choice_keys, chosen_up),
            dates=(low, high),
        )

    def reach(self, scenario: Scenario) -> _Reach:
        """Which nodes a scenario can reach, and in which span of months."""
        reach = _Reach(scenario)
        start = self.nodes.get(scenario.start)
        if start is None:
            return reach
        first = max(scenario.date, start.date)
        reach.low[start.id] = reach.high[start.id] = first
        reach.by_goto.add(start.id)
        for _ in range(_MAX_ROUNDS):
            before = (dict(reach.low), dict(reach.high), set(reach.open),
                      {k: set(v) for k, v in reach.sets.items()})
            reach.index()
            self.follow_choices(reach)
            reach.index()
            self.follow_calendar(reach)
            after = (reach.low, reach.high, reach.open, reach.sets)
            if before == after:
                break
        reach.index()
        return reach

    def follow_choices(self, reach: _Reach) -> None:
        for node_id in list(reach.low):
            node = self.nodes[node_id]
            low, high = reach.low[node_id], reach.high[node_id]
            domain: Domain | None = None  # made only for a node whose choices have conditions
            if node.enter is not None:
                reach.sets.setdefault(node_id, set()).update(node.enter.set)
            if all(c.when is not None for c in node.choices):
                reach.passes.add(node_id)  # all may be locked: "let events take their course"
            for choice, flags, gotos in self.moves[node_id]:
                if choice.when is not None:
                    if domain is None:
                        domain = self.domain(reach, low, high)
                    if not can_hold(choice.when, domain):
                        continue
                reach.open.add((node_id, choice.id))
                reach.open_keys.setdefault(node_id, set()).add(f"{node_id}.{choice.id}")
                reach.sets.setdefault(node_id, set()).update(flags)
                for goto in gotos:
                    if goto is None:
                        reach.passes.add(node_id)
                    elif goto in self.nodes:
                        target = self.nodes[goto]
                        t_low, t_high = max(low, target.date), max(high, target.date)
                        reach.by_goto.add(goto)
                        if goto not in reach.low:
                            reach.low[goto], reach.high[goto] = t_low, t_high
                        else:
                            reach.low[goto] = min(reach.low[goto], t_low)
                            reach.high[goto] = max(reach.high[goto], t_high)
                    else:
                        reach.endings.add(goto)

    def follow_calendar(self, reach: _Reach) -> None:
        handovers = sorted(reach.low[n] for n in reach.passes if n in reach.low)
        if not handovers:
            return
        earliest = handovers[0]
        for node in self.nodes.values():
            if node.until < earliest:
                continue
            low = max(node.date, earliest)
            if node.id in reach.low and reach.low[node.id] <= low and \
                    reach.high[node.id] >= node.until:
                continue
            if node.when is not None and not can_hold(
                    node.when, self.domain(reach, low, node.until)):
                continue
            reach.low[node.id] = min(reach.low.get(node.id, low), low)
            reach.high[node.id] = max(reach.high.get(node.id, node.until), node.until)

    def node_domain(self, node: Node) -> Domain:
        """What names may be when this node is asked, over every scenario that reaches it."""
        reaches = [r for r in self.reaches if node.id in r.low]
        if not reaches:
            return self.domain(None, node.date, node.until)
        return self.domain(reaches, min(r.low[node.id] for r in reaches),
                           max(r.high[node.id] for r in reaches))

    def hint(self, expr: Expr, domain: Domain) -> str:
        """Why a condition cannot hold, in a few words where the cause is plain."""
        reasons: list[str] = []
        for atom in atoms_of(expr, texts=self.texts):
            if atom.kind == "flag" and domain.flags.get(atom.key) == frozenset((False,)):
                reason = f"nothing raises flags.{atom.key} before then" \
                    if atom.key in self.facts.setters else f"nothing sets flags.{atom.key}"
                if reason not in reasons:
                    reasons.append(reason)
            elif atom.kind == "flag" and domain.flags.get(atom.key) == frozenset((True,)):
                reason = f"flags.{atom.key} is always up"
                if reason not in reasons:
                    reasons.append(reason)
            elif atom.kind == "number" and atom.key in domain.fixed:
                values = ", ".join(str(v) for v in sorted(domain.fixed[atom.key]))
                reason = f"{atom.key} never changes ({values})"
                if reason not in reasons:
                    reasons.append(reason)
            elif atom.kind == "number" and atom.key in self.story.variables:
                variable = self.story.variables[atom.key]
                reason = f"{atom.key} stays within {variable.min}..{variable.max}"
                if reason not in reasons:
                    reasons.append(reason)
            elif atom.kind == "date":
                low, high = domain.dates
                reason = f"the date is {iso_date(low)}" if low == high else \
                    f"the date is {iso_date(low)} to {iso_date(high)}"
                if reason not in reasons:
                    reasons.append(reason)
            elif atom.kind in ("visited", "chosen") and \
                    domain.truth(atom) == frozenset((False,)):
                reason = f"{atom.label} is never true by then"
                if reason not in reasons:
                    reasons.append(reason)
        return f" ({'; '.join(reasons)})" if reasons else ""

    # ---- the checks ------------------------------------------------------------------------
    def check_nodes(self) -> None:
        first_start = min(s.date for s in self.story.scenarios)
        for node in self.nodes.values():
            if not node.history.strip():
                self.warn(node.where, f"node '{node.id}' has no 'history' note (what happened "
                                      "in our timeline)", "no-history")
            if node.id in self.reachable:
                continue
            whole = self.domain(None, max(node.date, first_start), node.until)
            if node.when is not None and not can_hold(node.when, whole):
                self.warn(node.when.where, f"node '{node.id}': 'when' can never hold when the "
                                           f"node is due{self.hint(node.when, whole)}, so it "
                                           "never fires", "never-holds")
                continue
            sources = self.facts.goto_sources.get(node.id, [])
            if node.until < first_start and not sources:
                reason = f"its window closes ({iso_date(node.until)}) before any scenario " \
                         "begins and no goto leads to it"
            elif sources:
                names = ", ".join(f"'{s}'" for s in dict.fromkeys(sources))
                reason = f"the gotos to it (from {names}) can never be taken, and the " \
                         "calendar never brings it up"
            elif node.when is not None:
                reason = f"when it is due ({iso_date(node.date)} to {iso_date(node.until)}) " \
                         f"no playthrough can meet its 'when'{self.hint(node.when, whole)}"
            else:
                reason = "no playthrough hands over to the calendar before its window closes " \
                         f"({iso_date(node.until)})"
            self.warn(node.where, f"node '{node.id}' cannot be reached from any scenario: "
                                  f"{reason}", "unreachable")

    def check_choices(self) -> None:
        for node in self.nodes.values():
            reachable = node.id in self.reachable
            domain = self.node_domain(node)
            for choice in node.choices:
                if choice.when is None:
                    continue
                if reachable and (node.id, choice.id) in self.open:
                    continue
                if not reachable and can_hold(choice.when, domain):
                    continue
                fate = "locked" if choice.locked is not None else "hidden"
                self.warn(choice.when.where,
                          f"node '{node.id}', choice '{choice.id}': 'when' can never hold at "
                          f"this node{self.hint(choice.when, domain)}, so the choice is "
                          f"always {fate}", "never-holds")

    def check_dead_ends(self) -> None:
        for node in self.nodes.values():
            if node.id not in self.reachable or any(c.when is None for c in node.choices):
                continue
            for reach in self.reaches:
                if node.id not in reach.low:
                    continue
                goals: list[tuple[Expr, bool]] = [(c.when, False) for c in node.choices
                                                  if c.when is not None]
                if node.when is not None and node.id not in reach.by_goto:
                    goals.append((node.when, True))
                domain = self.domain(reach, reach.low[node.id], reach.high[node.id])
                state = witness(goals, domain)
                if state is not None:
                    self.warn(node.where, f"node '{node.id}' is a dead end: every choice can be "
                                          f"locked or hidden at once (for instance when "
                                          f"{describe_state(state)}); the player then only "
                                          "gets 'Let events take their course'", "dead-end")
                    break

    def check_flags(self) -> None:
        facts = self.facts
        for flag, places in sorted(facts.readers.items()):
            if flag in facts.setters:
                continue
            more = f" (and {len(places) - 1} more place{'s' if len(places) > 2 else ''})" \
                if len(places) > 1 else ""
            self.warn(places[0], f"flag '{flag}' is read here{more} but no scenario, choice or "
                                 "outcome sets it; only --flag can raise it", "flag-unset")
        for flag, places in sorted(facts.setters.items()):
            if flag in facts.readers:
                continue
            more = f" (and {len(places) - 1} more place{'s' if len(places) > 2 else ''})" \
                if len(places) > 1 else ""
            self.warn(places[0], f"flag '{flag}' is set here{more} but no condition reads it",
                      "flag-unread")
        used = set(facts.readers) | set(facts.setters) | facts.clearers
        for flag, where in self.declared_flags():
            if flag not in used:
                self.warn(where, f"flag '{flag}' is declared but nothing sets, clears or "
                                 "reads it", "flag-unused")

    def declared_flags(self) -> list[tuple[str, SourceRef]]:
        """Flags declared under `flags:` in game.yaml and pack manifests, where written."""
        out = []
        for display in self.story.files:
            if Path(display).name not in ("game.yaml", "pack.yaml"):
                continue
            data, _ = read_yaml(Path(display), display)
            if isinstance(data, YMap) and isinstance(data.get("flags"), YSeq):
                for item in data["flags"]:
                    out.append((str(item), getattr(item, "where", SourceRef(display))))
        return out

    def check_variables(self) -> None:
        changed = self.facts.changed
        for variable in self.story.variables.values():
            if variable.id not in changed:
                self.warn(variable.where, f"variable '{variable.id}' never changes: no choice "
                                          "or outcome names it under 'effects' or 'assign'",
                          "var-unchanged")
        for text in self.story.texts.values():
            if text.id not in changed:
                self.warn(text.where, f"text '{text.id}' never changes: no choice or outcome "
                                      "names it under 'texts'", "var-unchanged")

    def check_gotos(self) -> None:
        for node in self.nodes.values():
            for choice in node.choices:
                for number, (effect, where) in enumerate(_effects(choice)):
                    target = self.nodes.get(effect.goto or "")
                    if target is None or target.until >= node.date:
                        continue
                    window = iso_date(target.date) if target.date == target.until else \
                        f"{iso_date(target.date)} to {iso_date(target.until)}"
                    outcome = f", outcome {number}" if number else ""
                    self.warn(effect.goto_where or where,
                              f"node '{node.id}', choice '{choice.id}'{outcome}: goto "
                              f"'{target.id}' goes into the past: it is dated {window}, "
                              f"before this node ({iso_date(node.date)}); the calendar "
                              f"never moves back, so it plays out of its time", "goto-past")

    def check_gaps(self) -> None:
        windows = sorted(((self.nodes[n].date, self.nodes[n].until, self.nodes[n])
                          for n in self.reachable), key=lambda w: (w[0], w[1], w[2].order))
        if not windows:
            return
        covered_to = min(s.date for s in self.story.scenarios)
        previous: Node | None = None
        for date, until, node in windows:
            if date - covered_to - 1 >= GAP_MONTHS:
                after = f" after '{previous.id}'" if previous is not None else ""
                self.warn(node.where, f"no event can fire for {date - covered_to - 1} months, "
                                      f"from {iso_date(covered_to + 1)} to {iso_date(date - 1)}"
                                      f"{after}: the calendar jumps straight to '{node.id}'",
                          "date-gap")
            if until > covered_to:
                covered_to, previous = until, node
            elif previous is None:
                previous = node

    def check_hints(self) -> None:
        for ending in self.story.endings:
            if not ending.hint:
                self.warn(ending.where, f"ending '{ending.id}' has no 'hint' (the line the "
                                        "gallery of endings shows until it is found)",
                          "no-hint")

    def check_endings(self) -> None:
        """In the engine's order: immediate endings after every choice; when no event is
        left, every other ending with a `when` in load order (the base's, then each pack's),
        and only then the first fallback. A later fallback never ends a game."""
        story = self.story
        by_goto = {e for r in self.reaches for e in r.endings}
        reached = [n for r in self.reaches for n in r.low]
        if not reached:
            return
        low = min(r.low[n] for r in self.reaches for n in r.low)
        high = max(r.high[n] for r in self.reaches for n in r.high)
        domain = self.domain(None, low, high)
        fallbacks = [e for e in story.endings if not e.immediate and e.when is None]
        in_order = [*(e for e in story.endings if e.immediate),
                    *(e for e in story.endings if not e.immediate and e.when is not None),
                    *fallbacks[:1]]
        shadow: Ending | None = None
        for ending in in_order:
            if ending.id in by_goto:
                continue
            if ending.immediate:
                if ending.when is not None and not can_hold(ending.when, domain):
                    self.warn(ending.when.where, f"ending '{ending.id}' can never be reached: "
                                                 f"its 'when' can never hold"
                                                 f"{self.hint(ending.when, domain)} and no goto "
                                                 "leads to it", "ending")
                continue
            if shadow is not None:
                at = "" if shadow.where.path == ending.where.path else f" ({shadow.where})"
                self.warn(ending.where, f"ending '{ending.id}' can never be reached: ending "
                                        f"'{shadow.id}'{at} comes first and always holds, and "
                                        "no goto leads to it", "ending")
                continue
            if ending.when is None:
                continue
            if not can_hold(ending.when, domain):
                self.warn(ending.when.where, f"ending '{ending.id}' can never be reached: its "
                                             f"'when' can never hold"
                                             f"{self.hint(ending.when, domain)} and no goto "
                                             "leads to it", "ending")
            elif not can_hold(ending.when, domain, want=False):
                shadow = ending
        for extra in fallbacks[1:]:
            if extra.id not in by_goto:
                first = fallbacks[0]
                at = "" if first.where.path == extra.where.path else f" ({first.where})"
                self.warn(extra.where, f"ending '{extra.id}' can never be reached: ending "
                                       f"'{first.id}'{at} is already the fallback (no "
                                       "'when'), and only the first fallback ends a game; give "
                                       "this one a 'when', or lead a goto to it",
                          "ending-fallback")
