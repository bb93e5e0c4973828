"""The scenario as a graph: best scores and the expert path, and walking an attempt through it and scoring it.

Pure Python: nothing here knows XBlock, Django or HTTP. Messages are English templates marked with
`N_()`; the block translates them with `ScenarioError.text(gettext)`. The content values are
`model`'s (re-exported here), validation is `validation`'s.

A scenario is a directed graph. Its nodes are the steps and the endings (one id space: a choice's
`to` names either); its edges are the choices, weighted by their points. Loops are allowed, but a
choice on a loop may not carry positive points, so the best attainable total is well defined.
"""
from collections import deque
from dataclasses import dataclass, replace

from rtcm_xblocks.common.i18n import N_
from rtcm_xblocks.common.quoting import excerpts
from rtcm_xblocks.scenario import simulation
from rtcm_xblocks.scenario.model import OUTCOMES, Choice, Ending, Image, Scenario, Step
from rtcm_xblocks.scenario.paths import NEG_INF
from rtcm_xblocks.scenario.paths import best_walks as _best_walks
from rtcm_xblocks.scenario.paths import components as _components

__all__ = [
    "GRADING_MODES", "MOVES_FLOOR", "OUTCOMES", "SCORING_MODES",
    "Attempt", "Choice", "Ending", "Image", "Scenario", "ScenarioError", "Step",
    "best_ending_points", "best_path_total", "choose", "clock_started", "competency_results", "expert_path",
    "go_back", "has_competencies", "hint_cost", "is_consistent", "overall", "reveal_hint", "start_clock",
    "time_left", "values",
    "max_moves", "score", "start_attempt",
]

SCORING_MODES = ("path", "ending", "none")
GRADING_MODES = ("best", "last", "first")

# Beyond this many positive choices on loops (an invalid scenario), the extra ones count as 0 points,
# which keeps best_path_total polynomial; see its docstring.
EXACT_LOOP_CHOICES = 12

# An attempt holds at most max(MOVES_FLOOR, 2 x the number of steps) choices: far more than any path
# through the case needs, but a learner (or a script) going round a zero-point loop stops there, so
# what is stored and answered for one attempt stays bounded. See `max_moves`.
MOVES_FLOOR = 200


def _identity(message):
    return message


class ScenarioError(Exception):
    """A move the scenario does not allow; `code` is stable, `message` an English template."""

    def __init__(self, code, message, params=None):
        self.code = code
        self.message = message
        self.params = dict(params or {})
        super().__init__(self.text())

    def text(self, gettext=_identity):
        """The message translated with `gettext` and filled with its parameters (text quoted as a short prefix)."""
        return gettext(self.message).format(**excerpts(self.params))


# --- the graph ---------------------------------------------------------------------------------


class _Graph:
    """The scenario as nodes and weighted edges; a `to` resolves to a step first, then an ending."""

    def __init__(self, scenario):
        self.steps = {}
        for step in scenario.steps:
            self.steps.setdefault(step.id, step)
        self.endings = {}
        for ending in scenario.endings:
            if ending.id not in self.steps:
                self.endings.setdefault(ending.id, ending)
        self.nodes = list(self.steps) + list(self.endings)
        # edges[u] = [(v, points, choice)] in document order, for the choices a learner can make:
        # those whose target exists and whose id is not shadowed by an earlier choice of the step
        self.edges = {node: [] for node in self.nodes}
        for step_id, step in self.steps.items():
            offered = set()  # a choice id repeated in a step: only its first choice can be made
            for choice in step.choices:
                if choice.id in offered:
                    continue
                offered.add(choice.id)
                if choice.to in self.edges:
                    self.edges[step_id].append((choice.to, choice.points, choice))
        start = scenario.start_id
        self.start = start if start in self.steps else None
        self.component = _components(self.nodes, {u: [v for v, _, _ in out] for u, out in self.edges.items()})

    def in_loop(self, source, target):
        """Whether the edge source -> target lies on a cycle."""
        return self.component[source] == self.component[target]

    def weight(self, source, target, points):
        """The points of an edge, with positive points on a loop counted as 0 (a finite best exists)."""
        return min(points, 0) if self.in_loop(source, target) else points

    def reachable_from(self, source):
        """The set of nodes reachable from `source` (itself included)."""
        seen = {source}
        queue = deque([source])
        while queue:
            node = queue.popleft()
            for target, _, _ in self.edges[node]:
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
        return seen

    def reaching_an_ending(self):
        """The set of nodes from which some ending can be reached."""
        reverse = {node: [] for node in self.nodes}
        for source, out in self.edges.items():
            for target, _, _ in out:
                reverse[target].append(source)
        seen = set(self.endings)
        queue = deque(self.endings)
        while queue:
            node = queue.popleft()
            for source in reverse[node]:
                if source not in seen:
                    seen.add(source)
                    queue.append(source)
        return seen

    def positive_loop_edges(self):
        """The (source, target, points, choice) of every choice with positive points on a loop."""
        return [(source, target, points, choice)
                for source, out in self.edges.items()
                for target, points, choice in out
                if points > 0 and self.in_loop(source, target)]


def best_path_total(scenario):
    """The largest sum of choice points over walks from the start to any ending (0 if none ends).

    Exact. On a valid scenario no loop carries positive points, so this is the best over all walks.
    On an invalid one (a positive choice on a loop) it is the best over walks that take each such
    choice at most once; if more than EXACT_LOOP_CHOICES such choices exist, those after the first
    EXACT_LOOP_CHOICES (in document order) count as 0 points. It always terminates: the first
    part is Tarjan + Dijkstra per component, the second a Held-Karp style DP over those choices.
    """
    if scenario.is_stateful:
        return simulation.explore(scenario).best_total
    return _best_path_total(_Graph(scenario))


def _best_path_total(graph):
    """best_path_total on the scenario's graph, already built."""
    if graph.start is None or not graph.endings:
        return 0
    looped = graph.positive_loop_edges()
    exact, zeroed = looped[:EXACT_LOOP_CHOICES], looped[EXACT_LOOP_CHOICES:]
    removed = {id(choice) for _, _, _, choice in exact}
    flattened = {id(choice) for _, _, _, choice in zeroed}
    adjacency = {
        source: [(target, 0 if id(choice) in flattened else points)
                 for target, points, choice in out if id(choice) not in removed]
        for source, out in graph.edges.items()
    }

    def to_ending(totals):
        return max(totals[ending] for ending in graph.endings)

    # with every edge kept (no exact looped choice removed), the components are the graph's own
    from_start = _best_walks(graph.nodes, adjacency, {graph.start: 0}, None if exact else graph.component)
    best = to_ending(from_start)
    if exact:
        after = [_best_walks(graph.nodes, adjacency, {target: 0}) for _, target, _, _ in exact]
        finish = [to_ending(totals) for totals in after]
        # totals[mask][i]: best walk that took exactly the looped choices in `mask`, `i` last
        totals = {}
        for i, (source, _, points, _) in enumerate(exact):
            if from_start[source] > NEG_INF:
                totals[(1 << i, i)] = from_start[source] + points
        for mask in range(1, 1 << len(exact)):
            for i in range(len(exact)):
                value = totals.get((mask, i))
                if value is None:
                    continue
                best = max(best, value + finish[i])
                for j, (source, _, points, _) in enumerate(exact):
                    if mask & (1 << j) or after[i][source] == NEG_INF:
                        continue
                    key = (mask | (1 << j), j)
                    totals[key] = max(totals.get(key, NEG_INF), value + after[i][source] + points)
    return best if best > NEG_INF else 0


def best_ending_points(scenario):
    """The highest points of an ending reachable from the start (0 if no ending is reachable)."""
    if scenario.is_stateful:
        return simulation.explore(scenario).best_ending
    return _best_ending_points(_Graph(scenario))


def _best_ending_points(graph):
    """best_ending_points on the scenario's graph, already built."""
    if graph.start is None:
        return 0
    reachable = graph.reachable_from(graph.start)
    points = [ending.points for ending_id, ending in graph.endings.items() if ending_id in reachable]
    return max(points) if points else 0


def expert_path(scenario):
    """The path an expert takes from the start to an ending: a list of (step id, choice id).

    At each step the first choice flagged `expert` is taken when it leads to an ending or to a step
    not yet on the path from which an ending can be reached; otherwise a choice on a best-scoring
    continuation, preferring the one with the fewest steps left. Both moves make progress, so the
    walk always ends; it is empty when no ending can be reached from the start. (On an invalid
    scenario, positive choices on loops count as 0 points when ranking continuations.)
    """
    if scenario.is_stateful:
        return simulation.expert_path(scenario)
    graph = _Graph(scenario)
    if graph.start is None:
        return []
    to_ending = _best_to_ending(graph)
    steps_left = _steps_left(graph, to_ending)
    path, visited, node = [], set(), graph.start
    limit = (len(graph.nodes) + 1) ** 2
    while node in graph.steps and to_ending[node] > NEG_INF and len(path) <= limit:
        visited.add(node)
        move = next((choice for target, _, choice in graph.edges[node]
                     if choice.expert and (target in graph.endings
                                           or (target not in visited and to_ending[target] > NEG_INF))),
                    None)
        if move is None:
            move = next(choice for target, points, choice in graph.edges[node]
                        if to_ending[target] > NEG_INF
                        and graph.weight(node, target, points) + to_ending[target] == to_ending[node]
                        and steps_left.get(target) == steps_left[node] - 1)
        path.append((node, move.id))
        node = move.to
    return path


def _best_to_ending(graph):
    """Node -> best total from it to any ending, with positive loop choices counted as 0."""
    reverse = {node: [] for node in graph.nodes}
    for source, out in graph.edges.items():
        for target, points, _ in out:
            reverse[target].append((source, graph.weight(source, target, points)))
    return _best_walks(graph.nodes, reverse, {ending: 0 for ending in graph.endings})


def _steps_left(graph, to_ending):
    """Node -> fewest choices to an ending along best-scoring continuations."""
    reverse = {node: [] for node in graph.nodes}
    for source, out in graph.edges.items():
        for target, points, _ in out:
            weight = graph.weight(source, target, points)
            if to_ending[target] > NEG_INF and weight + to_ending[target] == to_ending[source]:
                reverse[target].append(source)
    left = {ending: 0 for ending in graph.endings}
    queue = deque(graph.endings)
    while queue:
        node = queue.popleft()
        for source in reverse[node]:
            if source not in left:
                left[source] = left[node] + 1
                queue.append(source)
    return left


# --- attempts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    """One play-through: the (step, choice) pairs taken, where the learner is, and its outcome.

    `current` is the current step id, or the ending id once `finished`. `hints` are the steps whose
    hint the learner revealed (each costs once); `clock` is (step id, moves made, server time) when the
    learner started the clock of the current timed step; `timed_out` the positions in `path` of moves
    the time limit decided; `practice` marks an attempt in which the learner went back (not graded).
    """

    number: int
    path: tuple = ()
    current: str | None = None
    finished: bool = False
    score: float | None = None
    reflection: str = ""
    hints: tuple = ()
    clock: tuple | None = None
    timed_out: tuple = ()
    practice: bool = False

    def to_dict(self):
        """This attempt as a JSON-safe dict (for the block's user_state field); simulation keys only when used."""
        data = {"number": self.number, "path": [list(pair) for pair in self.path], "current": self.current,
                "finished": self.finished, "score": self.score, "reflection": self.reflection}
        if self.hints:
            data["hints"] = list(self.hints)
        if self.clock is not None:
            data["clock"] = list(self.clock)
        if self.timed_out:
            data["timed_out"] = list(self.timed_out)
        if self.practice:
            data["practice"] = True
        return data

    @classmethod
    def from_dict(cls, data):
        """The attempt described by `to_dict()`'s output."""
        score_value = data.get("score")
        clock = data.get("clock")
        return cls(number=int(data["number"]),
                   path=tuple((str(step), str(choice)) for step, choice in data.get("path", ())),
                   current=data.get("current"), finished=bool(data.get("finished", False)),
                   score=None if score_value is None else float(score_value),
                   reflection=str(data.get("reflection", "")),
                   hints=tuple(str(step) for step in data.get("hints") or ()),
                   clock=(str(clock[0]), int(clock[1]), float(clock[2])) if clock else None,
                   timed_out=tuple(int(position) for position in data.get("timed_out") or ()),
                   practice=bool(data.get("practice", False)))


def start_attempt(scenario, number):
    """A fresh attempt numbered `number` at the start step (current is None if there is none)."""
    start = scenario.start_id
    return Attempt(number=number, current=start if scenario.step(start) is not None else None)


def values(scenario, attempt):
    """The values of the case's variables at this point of the attempt (replayed from its path)."""
    return simulation.values_along(scenario, attempt.path)


def _current_step(scenario, attempt, step_id):
    """The attempt's current step named `step_id`, or a ScenarioError (finished, or not the current step)."""
    if attempt.finished:
        raise ScenarioError("attempt_finished", N_("This attempt has already finished."))
    step = scenario.step(step_id) if isinstance(step_id, str) else None
    if step is None or step_id != attempt.current:
        raise ScenarioError("not_current_step", N_('"{step}" is not the current step of this attempt.'),
                            {"step": step_id})
    return step


def choose(scenario, attempt, step_id, choice_id, scoring="path", timed_out=False):
    """The attempt after taking choice `choice_id` at step `step_id`; scored when it reaches an ending.

    With `timed_out` (the step's time ran out: the caller decides that from the clock) the step's
    timeout choice is taken whatever `choice_id` is. Otherwise the choice must be offered: its
    condition holds with the attempt's values, and it is not the timeout choice.

    Raises ScenarioError: `attempt_finished`, `not_current_step`, `unknown_choice`, `too_many_moves`
    when the attempt already holds `max_moves(scenario)` choices, or `unknown_target` when the
    choice leads nowhere (an invalid scenario).
    """
    if attempt.finished:
        raise ScenarioError("attempt_finished", N_("This attempt has already finished."))
    limit = max_moves(scenario)
    if len(attempt.path) >= limit:
        raise ScenarioError("too_many_moves",
                            N_("This attempt has reached the limit of {limit} choices, so it cannot go on. "
                               "The course team can reset your attempt."), {"limit": limit})
    step = _current_step(scenario, attempt, step_id)
    if timed_out and step.timeout_choice is not None:
        choice = step.timeout_choice
    else:
        choice = step.choice(choice_id) if isinstance(choice_id, str) else None
        if choice is not None and (choice.timeout or not simulation.holds(scenario, choice.when, values(scenario, attempt))):
            choice = None  # not offered: said exactly as for a choice that does not exist
    if choice is None:
        raise ScenarioError("unknown_choice", N_('Step "{step}" has no choice "{choice}".'),
                            {"step": step_id, "choice": choice_id})
    path = attempt.path + ((step_id, choice.id),)
    moved = replace(attempt, path=path, clock=None,
                    timed_out=attempt.timed_out + ((len(attempt.path),) if choice.timeout else ()))
    if scenario.step(choice.to) is not None:
        return replace(moved, current=choice.to)
    if scenario.ending(choice.to) is not None:
        finished = replace(moved, current=choice.to, finished=True)
        return replace(finished, score=score(scenario, finished, scoring))
    raise ScenarioError("unknown_target",
                        N_('Choice "{choice}" of step "{step}" leads nowhere; the scenario needs fixing.'),
                        {"step": step_id, "choice": choice.id})


def reveal_hint(scenario, attempt, step_id):
    """The attempt with the hint of its current step `step_id` revealed (once: asking again changes nothing).

    Raises ScenarioError: `attempt_finished`, `not_current_step`, `no_hint`.
    """
    step = _current_step(scenario, attempt, step_id)
    if step.hint is None:
        raise ScenarioError("no_hint", N_('Step "{step}" has no hint.'), {"step": step_id})
    if step_id in attempt.hints:
        return attempt
    return replace(attempt, hints=attempt.hints + (step_id,))


def start_clock(scenario, attempt, step_id, now):
    """The attempt with the clock of its current timed step started at server time `now` (once).

    Raises ScenarioError: `attempt_finished`, `not_current_step`, `not_timed`.
    """
    step = _current_step(scenario, attempt, step_id)
    if not step.time_limit:
        raise ScenarioError("not_timed", N_('Step "{step}" has no time limit.'), {"step": step_id})
    if clock_started(attempt):
        return attempt
    return replace(attempt, clock=(step_id, len(attempt.path), float(now)))


def clock_started(attempt):
    """When the clock of the attempt's current step was started (server time), or None."""
    clock = attempt.clock
    if clock is None or attempt.finished or clock[0] != attempt.current or clock[1] != len(attempt.path):
        return None
    return clock[2]


def time_left(scenario, attempt, now, factor=1.0):
    """Seconds left at server time `now` on the current step's clock, its limit times `factor`.

    None when the step has no limit, `factor` is None (the learner works without time limits) or the
    clock has not started; never below 0.
    """
    step = scenario.step(attempt.current) if not attempt.finished else None
    started = clock_started(attempt)
    if step is None or not step.time_limit or factor is None or started is None:
        return None
    return max(0.0, started + step.time_limit * factor - now)


def go_back(scenario, attempt, step_id):
    """The attempt one move back (practice from then on): its last move undone.

    Raises ScenarioError: `attempt_finished`, `not_current_step`, `cannot_go_back` at the start.
    """
    _current_step(scenario, attempt, step_id)
    if not attempt.path:
        raise ScenarioError("cannot_go_back", N_("There is no step to go back to."))
    previous, _choice = attempt.path[-1]
    position = len(attempt.path) - 1
    return replace(attempt, path=attempt.path[:-1], current=previous, clock=None, practice=True,
                   timed_out=tuple(p for p in attempt.timed_out if p != position))


def max_moves(scenario):
    """The most choices one attempt at `scenario` may hold: max(MOVES_FLOOR, 2 x its number of steps)."""
    return max(MOVES_FLOOR, 2 * len(scenario.steps))


def is_consistent(scenario, attempt):
    """Whether the attempt still fits the scenario: its current node, and every choice taken offered when taken."""
    if attempt.current is None:
        return not attempt.finished and not attempt.path and scenario.step(scenario.start_id) is None
    if attempt.finished:
        if scenario.ending(attempt.current) is None or scenario.step(attempt.current) is not None:
            return False
    elif scenario.step(attempt.current) is None:
        return False
    current = simulation.initial_values(scenario)
    timed_out = set(attempt.timed_out)
    for position, (step_id, choice_id) in enumerate(attempt.path):
        step = scenario.step(step_id)
        choice = step.choice(choice_id) if step is not None else None
        if choice is None:
            return False
        if choice.timeout != (position in timed_out):
            return False
        if scenario.is_stateful and not choice.timeout and not simulation.holds(scenario, choice.when, current):
            return False
        current = simulation.apply(scenario, current, choice)
    return True


def hint_cost(scenario, attempt):
    """The points the attempt's revealed hints cost (each step's hint once)."""
    total = 0
    for step_id in set(attempt.hints):
        step = scenario.step(step_id)
        if step is not None and step.hint is not None:
            total += step.hint.cost
    return total


def score(scenario, attempt, scoring):
    """The attempt's score as a fraction 0-1 under `scoring`; None when unfinished or not scored.

    `path`: points of the choices taken, less the revealed hints' cost, / best_path_total; `ending`:
    the ending's points less the hints' cost / best_ending_points. Clamped to 0..1; 0.0 when the
    denominator is not positive.
    """
    if scoring not in SCORING_MODES:
        raise ValueError(f"unknown scoring mode {scoring!r}")
    if scoring == "none" or not attempt.finished:
        return None
    if scoring == "path":
        taken = 0
        for step_id, choice_id in attempt.path:
            step = scenario.step(step_id)
            choice = step.choice(choice_id) if step else None
            taken += choice.points if choice else 0
        best = best_path_total(scenario)
    else:
        ending = scenario.ending(attempt.current)
        taken = ending.points if ending else 0
        best = best_ending_points(scenario)
    taken -= hint_cost(scenario, attempt)
    if best <= 0:
        return 0.0
    return min(1.0, max(0.0, taken / best))


def has_competencies(scenario):
    """Whether any choice of the case carries competency points."""
    return any(choice.competencies for step in scenario.steps for choice in step.choices)


def competency_results(scenario, attempt):
    """{competency id: (points earned on the attempt's path, best attainable)} for every competency of the case.

    Best attainable is exact over the case's states (simulation.explore); a competency no path earns
    (best <= 0) is left out, as is everything when the case is too large to explore.
    """
    if not has_competencies(scenario):
        return {}
    exploration = simulation.explore(scenario)
    if not exploration.complete:
        return {}
    earned = dict.fromkeys(exploration.competency_best, 0)
    for step_id, choice_id in attempt.path:
        step = scenario.step(step_id)
        choice = step.choice(choice_id) if step else None
        for item in choice.competencies if choice else ():
            if item.id in earned:
                earned[item.id] += item.points
    return {competency: (earned[competency], best) for competency, best in exploration.competency_best.items()
            if best > 0}


def overall(scores, grading):
    """The grade over attempts' scores (in attempt order, None ignored): best, last or first."""
    if grading not in GRADING_MODES:
        raise ValueError(f"unknown grading mode {grading!r}")
    known = [value for value in scores if value is not None]
    if not known:
        return None
    if grading == "best":
        return max(known)
    return known[-1] if grading == "last" else known[0]
