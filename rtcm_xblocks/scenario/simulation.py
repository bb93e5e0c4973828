"""A case with state: what its variables hold along a path, what a step shows and offers, the case's states.

Pure Python: nothing here knows XBlock, Django or HTTP. The values of a case's variables are a
tuple in the order the variables are declared (`initial_values`); a path's values are found by
replaying it (`values_along`), so nothing but the path is stored and an author's edit applies at
once. Conditions (`scenario.conditions`) are read once and cached; one that cannot be read never
holds (validation names it), and a variable the case does not declare reads as 0 or false.

`explore` walks the graph of the case's *states*, the pairs (node, values) reachable from the
start, within MAX_STATES. On it the best attainable total and every competency's best are exact
(`paths.best_walks`: the plain graph's rule that a choice on a loop gives no positive points
holds on the states too, since a loop of states is a loop of steps), and validation finds what
only state shows: choices whose condition never holds where they are offered, steps that
conditions make unreachable, states with no choice to offer, states from which no ending can be
reached.
"""
import functools
import hashlib
import random
from collections import deque
from dataclasses import dataclass, field

from rtcm_xblocks.scenario import conditions
from rtcm_xblocks.scenario.paths import NEG_INF, best_walks, components

__all__ = ["MAX_STATES", "Exploration", "apply", "describe", "explore", "holds", "initial_values", "offered",
           "expert_path", "ordered", "shown_body", "shown_lines", "values_along", "variable_values"]

# Beyond this many states (or ten times as many moves between them) a case is not explored: its best
# score cannot be computed, and validation says so.
MAX_STATES = 100_000


@functools.lru_cache(maxsize=4096)
def _condition(text):
    """The parsed condition, or None when it cannot be read."""
    try:
        return conditions.parse(text)
    except conditions.ConditionError:
        return None


def holds(scenario, when, values):
    """Whether the condition `when` holds for `values`: always for no condition, never for an unreadable one."""
    if not when:
        return True
    condition = _condition(when)
    return condition is not None and condition.evaluate(variable_values(scenario, values))


def initial_values(scenario):
    """The values of the case's variables when an attempt starts, in declaration order."""
    return tuple(variable.start for variable in scenario.variables)


def variable_values(scenario, values):
    """`values` as a dict by variable id (the first declaration of an id wins)."""
    named = {}
    for variable, value in zip(scenario.variables, values):
        named.setdefault(variable.id, value)
    return named


def apply(scenario, values, choice):
    """The values after taking `choice`: its effects in order, each clamped to its variable's bounds.

    An effect on an undeclared variable, or an `add` to a flag, changes nothing (validation names both).
    """
    if not choice.effects:
        return values
    positions = scenario.variable_positions
    changed = list(values)
    for effect in choice.effects:
        position = positions.get(effect.var)
        if position is None:
            continue
        variable = scenario.variables[position]
        if effect.op == "set":
            changed[position] = variable.clamp(effect.value)
        elif effect.op == "add" and not variable.is_flag and not isinstance(effect.value, bool):
            changed[position] = variable.clamp(changed[position] + effect.value)
    return tuple(changed)


def values_along(scenario, path):
    """The values after the (step id, choice id) pairs of `path`, from the initial values."""
    values = initial_values(scenario)
    if not scenario.variables:
        return values
    for step_id, choice_id in path:
        step = scenario.step(step_id)
        choice = step.choice(choice_id) if step is not None else None
        if choice is not None:
            values = apply(scenario, values, choice)
    return values


def offered(scenario, step, values):
    """The choices a learner may make at `step` with `values`: not a timeout choice, condition holding.

    In document order, one per id (a repeated id's later choices cannot be made).
    """
    seen, result = set(), []
    for choice in step.choices:
        if choice.id in seen:
            continue
        seen.add(choice.id)
        if not choice.timeout and holds(scenario, choice.when, values):
            result.append(choice)
    return result


def ordered(choices, seed, shuffle):
    """`choices` in the order a learner sees them: shuffled by `seed` (a string) when `shuffle`, else as given.

    The same seed gives the same order, so a learner's order is stable across reloads; the block
    draws a new seed for each attempt.
    """
    if not shuffle or len(choices) < 2:
        return list(choices)
    generator = random.Random(int.from_bytes(hashlib.sha256(seed.encode("utf-8", "surrogatepass")).digest()[:8], "big"))
    shuffled = list(choices)
    generator.shuffle(shuffled)
    return shuffled


def shown_body(scenario, step, values):
    """The step's body for `values`: the first variant whose condition holds, else the body."""
    for variant in step.variants:
        if holds(scenario, variant.when, values):
            return variant.body
    return step.body


def shown_lines(scenario, step, values):
    """The step's dialogue lines whose condition holds for `values`, in order."""
    return [line for line in step.lines if holds(scenario, line.when, values)]


def describe(scenario, values):
    """`values` as text for an author: "trust = 0, asked_papers = false"."""
    parts = []
    for variable, value in zip(scenario.variables, values):
        shown = ("true" if value else "false") if variable.is_flag else str(value)
        parts.append(f"{variable.id} = {shown}")
    return ", ".join(parts)


# --- the case's states --------------------------------------------------------------------------


@dataclass
class Exploration:
    """The states of a case reachable from its start, and what is exact on them.

    `complete` is False when there were more than MAX_STATES states: then nothing else is filled in.
    `reached[node]` lists the values with which a step or ending is reached; `best_total` is the best
    sum of choice points from the start to an ending (0 when no ending is reached), `best_ending` the
    best points of a reached ending, `competency_best[id]` the best sum of a competency's points.
    """

    complete: bool = True
    reached: dict = field(default_factory=dict)
    best_total: int = 0
    best_ending: int = 0
    competency_best: dict = field(default_factory=dict)
    # findings for validation: step id -> the first values found, per kind
    stuck: dict = field(default_factory=dict)
    trapped: dict = field(default_factory=dict)
    never_offered: list = field(default_factory=list)  # (step id, choice id)
    never_shown: list = field(default_factory=list)  # (step id, "variant"|"line", position)
    # the states themselves: nodes[i] = (node id, values), edges[i] = [(target state, choice)]
    nodes: list = field(default_factory=list)
    edges: list = field(default_factory=list)


@functools.lru_cache(maxsize=64)
def explore(scenario):
    """The Exploration of `scenario` (cached per distinct case: it is a frozen, hashable value)."""
    start = scenario.step(scenario.start_id)
    if start is None:
        return Exploration()
    states, nodes, edges = {}, [], []
    first = (start.id, initial_values(scenario))
    states[first] = 0
    nodes.append(first)
    edges.append([])
    queue = deque([0])
    moves = 0
    while queue:
        index = queue.popleft()
        node_id, values = nodes[index]
        step = scenario.step(node_id)
        if step is None:
            continue  # an ending
        seen = set()
        for choice in step.choices:
            if choice.id in seen:
                continue
            seen.add(choice.id)
            if (not step.time_limit) if choice.timeout else not holds(scenario, choice.when, values):
                continue
            target_id = choice.to if scenario.step(choice.to) is not None or scenario.ending(choice.to) is not None \
                else None
            if target_id is None:
                continue
            target = (target_id, apply(scenario, values, choice) if scenario.step(target_id) is not None
                      else ())
            position = states.get(target)
            if position is None:
                if len(nodes) >= MAX_STATES:
                    return Exploration(complete=False)
                position = states[target] = len(nodes)
                nodes.append(target)
                edges.append([])
                queue.append(position)
            edges[index].append((position, choice))
            moves += 1
            if moves > 10 * MAX_STATES:
                return Exploration(complete=False)
    return _findings(scenario, nodes, edges)


def _findings(scenario, nodes, edges):
    exploration = Exploration(nodes=nodes, edges=edges)
    indices = range(len(nodes))
    for node_id, values in nodes:
        exploration.reached.setdefault(node_id, []).append(values)
    ending_states = [i for i in indices if scenario.step(nodes[i][0]) is None]
    reverse = [[] for _ in indices]
    for source in indices:
        for target, _choice in edges[source]:
            reverse[target].append(source)
    reaching = set(ending_states)
    queue = deque(ending_states)
    while queue:
        for source in reverse[queue.popleft()]:
            if source not in reaching:
                reaching.add(source)
                queue.append(source)
    for index in indices:
        node_id, values = nodes[index]
        step = scenario.step(node_id)
        if step is None:
            continue
        if not offered(scenario, step, values):
            exploration.stuck.setdefault(node_id, values)
        elif index not in reaching:
            exploration.trapped.setdefault(node_id, values)
    for step in scenario.steps:
        reached = exploration.reached.get(step.id)
        if not reached or scenario.step(step.id) is not step:
            continue
        for choice in step.choices:
            if choice.when and not choice.timeout and not any(holds(scenario, choice.when, v) for v in reached):
                exploration.never_offered.append((step.id, choice.id))
        for kind, parts in (("variant", step.variants), ("line", step.lines)):
            for position, part in enumerate(parts):
                if part.when and not any(holds(scenario, part.when, v) for v in reached):
                    exploration.never_shown.append((step.id, kind, position))
    component = _components_of(nodes, edges)
    exploration.best_total = _best(nodes, edges, component, ending_states, lambda choice: choice.points)
    ending_points = [scenario.ending(nodes[i][0]).points for i in ending_states]
    exploration.best_ending = max(ending_points) if ending_points else 0
    competencies = sorted({item.id for step in scenario.steps for choice in step.choices
                           for item in choice.competencies})
    for competency in competencies:
        exploration.competency_best[competency] = _best(
            nodes, edges, component, ending_states,
            lambda choice, competency=competency: sum(item.points for item in choice.competencies
                                                      if item.id == competency))
    return exploration


def _components_of(nodes, edges):
    return components(range(len(nodes)), {i: [target for target, _ in out] for i, out in enumerate(edges)})


def _best(nodes, edges, component, ending_states, weight):
    """The best total of `weight` over walks from the start state to an ending (0 when none ends).

    A positive weight on a loop of states counts as 0 (validation refuses such a case).
    """
    if not ending_states:
        return 0
    adjacency = {i: [(target, _loop_safe(component, i, target, weight(choice))) for target, choice in out]
                 for i, out in enumerate(edges)}
    totals = best_walks(range(len(nodes)), adjacency, {0: 0}, component)
    best = max(totals[i] for i in ending_states)
    return best if best > NEG_INF else 0


def _loop_safe(component, source, target, points):
    return min(points, 0) if component[source] == component[target] else points


def expert_path(scenario):
    """The expert's path through a case with state: a list of (step id, choice id), as graph.expert_path does.

    At each state the first `expert` choice offered is taken when it leads to an ending or to a state
    not yet visited from which an ending can be reached; otherwise a choice on a best-scoring
    continuation with the fewest choices left. Timeout choices are never the expert's. Empty when no
    ending can be reached, or the case was too large to explore.
    """
    exploration = explore(scenario)
    nodes, edges = exploration.nodes, exploration.edges
    if not exploration.complete or not nodes:
        return []
    component = _components_of(nodes, edges)
    moves = [[(target, choice) for target, choice in out if not choice.timeout] for out in edges]
    ending_states = [i for i, (node_id, _values) in enumerate(nodes) if scenario.step(node_id) is None]
    reverse = {i: [] for i in range(len(nodes))}
    for source, out in enumerate(moves):
        for target, choice in out:
            reverse[target].append((source, _loop_safe(component, source, target, choice.points)))
    to_end = best_walks(range(len(nodes)), reverse, {i: 0 for i in ending_states})
    left = {i: 0 for i in ending_states}
    queue = deque(ending_states)
    while queue:
        target = queue.popleft()
        for source, weight in reverse[target]:
            if source not in left and to_end[source] > NEG_INF and weight + to_end[target] == to_end[source]:
                left[source] = left[target] + 1
                queue.append(source)
    path, visited, state = [], set(), 0
    while scenario.step(nodes[state][0]) is not None and to_end[state] > NEG_INF and len(path) <= len(nodes):
        visited.add(state)
        move = next(((target, choice) for target, choice in moves[state]
                     if choice.expert and (target in left and (target not in visited or left[target] == 0))), None)
        if move is None:
            move = next(((target, choice) for target, choice in moves[state]
                         if left.get(target) == left.get(state, 0) - 1
                         and _loop_safe(component, state, target, choice.points) + to_end[target] == to_end[state]),
                        None)
        if move is None:
            break
        path.append((nodes[state][0], move[1].id))
        state = move[0]
    return path
