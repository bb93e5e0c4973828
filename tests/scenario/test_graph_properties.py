"""Properties of the scenario core on random small graphs, checked against brute force and a reference.

The reference functions here are deliberately naive (plain reachability, enumeration of walks) and
share no code with rtcm_xblocks.scenario.graph.
"""
import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rtcm_xblocks.scenario.graph import (
    Choice, Ending, Image, Scenario, Step, best_path_total, choose, expert_path, is_consistent,
    start_attempt,
)
from rtcm_xblocks.scenario.validation import validate

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def loopy_graphs(draw, max_steps=6):
    """Well-formed scenarios dense in loops: every step has choices, most of them lead to steps."""
    step_ids = [f"s{i}" for i in range(draw(st.integers(2, max_steps)))]
    ending_ids = [f"e{i}" for i in range(draw(st.integers(1, 2)))]
    target = st.one_of(st.sampled_from(step_ids), st.sampled_from(step_ids), st.sampled_from(ending_ids))
    steps = tuple(
        Step(step_id, step_id, choices=tuple(
            Choice(f"c{i}", f"Choice {i}", draw(target), draw(st.integers(-2, 3)), draw(st.booleans()))
            for i in range(draw(st.integers(1, 3)))))
        for step_id in step_ids
    )
    return Scenario(steps=steps, endings=tuple(Ending(ending_id, ending_id, points=1) for ending_id in ending_ids))


def graphs(max_steps=5):
    """Random scenarios: arbitrary ones (broken references included) and loopy well-formed ones."""
    return st.one_of(scenarios(max_steps=max_steps), loopy_graphs(max_steps=max_steps + 1))


@st.composite
def scenarios(draw, max_steps=5, max_endings=3):
    """Random scenarios of up to max_steps + max_endings nodes, sometimes with broken references."""
    step_ids = [f"s{i}" for i in range(draw(st.integers(1, max_steps)))]
    ending_ids = [f"e{i}" for i in range(draw(st.integers(0, max_endings)))]
    if draw(st.integers(0, 9)) == 0:  # now and then an id used twice
        nodes = step_ids + ending_ids
        if len(nodes) > 1:
            copy, into = draw(st.permutations(range(len(nodes))))[:2]
            if into < len(step_ids):
                step_ids[into] = nodes[copy]
            else:
                ending_ids[into - len(step_ids)] = nodes[copy]
    targets = step_ids + ending_ids
    target = st.one_of(st.sampled_from(targets), st.just("ghost")) if draw(st.integers(0, 5)) == 0 \
        else st.sampled_from(targets)
    html = st.sampled_from(["", "", "", "<p>Text</p>", '<p><img src="/a.png"></p>', '<img src="/b.png" alt="">'])
    steps = []
    for step_id in step_ids:
        choices = tuple(
            Choice(draw(st.sampled_from(["c0", "c1", "c2", "c3"])) if draw(st.integers(0, 9)) == 0 else f"c{i}",
                   f"Choice {i}", draw(target), draw(st.integers(-2, 3)), draw(st.booleans()), draw(html))
            for i in range(draw(st.integers(0, 3)))
        )
        image = draw(st.one_of(st.none(), st.builds(Image, st.just("/static/x.jpg"),
                                                     st.sampled_from(["", "  ", "A map"]))))
        steps.append(Step(step_id, f"Step {step_id}", draw(html), image, choices))
    endings = tuple(Ending(ending_id, f"Ending {ending_id}", draw(html), draw(st.sampled_from(["good", "neutral", "bad"])),
                           draw(st.integers(-1, 3)))
                    for ending_id in ending_ids)
    start = draw(st.one_of(st.none(), st.sampled_from(targets + ["ghost"])))
    return Scenario(intro=draw(html), steps=tuple(steps), endings=endings, start=start)


# --- a naive reference model -----------------------------------------------------------------------


class Reference:
    """The rules of the contract, written the simple way."""

    def __init__(self, scenario):
        self.scenario = scenario
        self.steps, self.endings = {}, {}
        for step in scenario.steps:
            self.steps.setdefault(step.id, step)
        for ending in scenario.endings:
            if ending.id not in self.steps:
                self.endings.setdefault(ending.id, ending)
        self.nodes = set(self.steps) | set(self.endings)
        self.edges = [(step_id, choice.to, choice.points, index)
                      for step_id, step in self.steps.items()
                      for index, choice in enumerate(step.choices)
                      if choice.to in self.nodes and choice.id not in [other.id for other in step.choices[:index]]]
        start = scenario.start or (scenario.steps[0].id if scenario.steps else None)
        self.start = start if start in self.steps else None

    def reachable(self, source):
        seen, frontier = {source}, [source]
        while frontier:
            node = frontier.pop()
            for edge_source, edge_target, _, _ in self.edges:
                if edge_source == node and edge_target not in seen:
                    seen.add(edge_target)
                    frontier.append(edge_target)
        return seen

    def on_loop(self, edge):
        return edge[0] in self.reachable(edge[1])

    def best_total(self):
        """Best points over walks from the start to an ending taking each positive looped edge at most once.

        Enumerates walks that never repeat a (node, looped edges used) state: any part between two
        repeats is a closed walk of non-positive edges, so dropping it never lowers the total.
        """
        if self.start is None:
            return 0
        looped = [edge for edge in self.edges if edge[2] > 0 and self.on_loop(edge)]
        best = None

        def walk(node, used, total, seen):
            nonlocal best
            if node in self.endings:
                best = total if best is None else max(best, total)
                return
            for edge in self.edges:
                if edge[0] != node:
                    continue
                if edge in looped:
                    if edge in used:
                        continue
                    state = (edge[1], used | {edge})
                else:
                    state = (edge[1], used)
                if state not in seen:
                    walk(edge[1], state[1], total + edge[2], seen | {state})

        walk(self.start, frozenset(), 0, {(self.start, frozenset())})
        return 0 if best is None else best

    def problems(self, scoring):
        scenario, found = self.scenario, []
        if not scenario.steps:
            found.append(("no_steps", None))
        if not scenario.endings:
            found.append(("no_ending", None))
        ids = [node.id for node in scenario.steps + scenario.endings]
        found += [("duplicate_id", node_id) for node_id in set(ids) if ids.count(node_id) > 1]
        for step in scenario.steps:
            choice_ids = [choice.id for choice in step.choices]
            found += [("duplicate_id", step.id) for choice_id in set(choice_ids) if choice_ids.count(choice_id) > 1]
        if scenario.start and scenario.start not in self.steps:
            found.append(("unknown_start", None))
        for step_id, step in self.steps.items():
            found += [("unknown_target", step_id) for choice in step.choices if choice.to not in self.nodes]
            if not step.choices:
                found.append(("no_choices", step_id))
            elif not self.reachable(step_id) & set(self.endings):
                found.append(("dead_end", step_id))
        if self.start is not None:
            found += [("unreachable", node) for node in self.nodes - self.reachable(self.start)]
        found += [("positive_points_in_loop", edge[0]) for edge in self.edges if edge[2] > 0 and self.on_loop(edge)]
        no_alt = re.compile(r"<img(?![^>]*\balt=)")
        if no_alt.search(scenario.intro):
            found.append(("missing_alt", None))
        for step in scenario.steps:
            if step.image and not step.image.alt.strip():
                found.append(("missing_alt", step.id))
            if no_alt.search(step.body):
                found.append(("missing_alt", step.id))
            found += [("missing_alt", step.id) for choice in step.choices if no_alt.search(choice.feedback)]
        found += [("missing_alt", ending.id) for ending in scenario.endings if no_alt.search(ending.body)]
        if self.start is not None and self.reachable(self.start) & set(self.endings):
            reachable_endings = [self.endings[node].points for node in self.reachable(self.start) & set(self.endings)]
            if scoring == "path" and self.best_total() <= 0:
                found.append(("unattainable_score", None))
            if scoring == "ending" and max(reachable_endings) <= 0:
                found.append(("unattainable_score", None))
        return sorted(found, key=repr)


def without_positive_loops(scenario):
    """The scenario with the points of every positive choice on a loop set to 0."""
    reference = Reference(scenario)
    looped = {(edge[0], edge[3]) for edge in reference.edges if edge[2] > 0 and reference.on_loop(edge)}
    steps = tuple(
        Step(step.id, step.title, step.body, step.image, tuple(
            Choice(choice.id, choice.label, choice.to, 0 if (step.id, index) in looped and reference.steps[step.id] is step
                   else choice.points, choice.expert, choice.feedback)
            for index, choice in enumerate(step.choices)))
        for step in scenario.steps
    )
    return Scenario(scenario.intro, steps, scenario.endings, scenario.start)


def bounded_walks_best(scenario):
    """Brute force over every walk of at most len(steps) choices from the start to an ending."""
    reference = Reference(scenario)
    if reference.start is None:
        return 0
    best = None
    frontier = [(reference.start, 0)]
    for _ in range(len(scenario.steps)):
        following = []
        for node, total in frontier:
            for source, target, points, _ in reference.edges:
                if source != node:
                    continue
                if target in reference.endings:
                    best = total + points if best is None else max(best, total + points)
                else:
                    following.append((target, total + points))
        frontier = following
    return 0 if best is None else best


# --- properties ---------------------------------------------------------------------------------


@SETTINGS
@given(graphs())
def test_best_path_total_equals_brute_force_over_bounded_walks_when_loops_carry_no_points(scenario):
    valid = without_positive_loops(scenario)
    assert best_path_total(valid) == bounded_walks_best(valid)


@SETTINGS
@given(graphs(max_steps=4))
def test_best_path_total_counts_each_positive_loop_choice_at_most_once_on_invalid_graphs(scenario):
    assert best_path_total(scenario) == Reference(scenario).best_total()


@SETTINGS
@given(graphs(), st.sampled_from(["path", "ending", "none"]))
def test_validate_reports_exactly_the_problems_the_rules_define(scenario, scoring):
    found = sorted(((problem.code, problem.node) for problem in validate(scenario, scoring)), key=repr)
    assert found == Reference(scenario).problems(scoring)


@SETTINGS
@given(scenarios(), st.sampled_from(["path", "ending", "none"]))
def test_validate_accepts_exactly_the_graphs_the_rules_allow(scenario, scoring):
    assert (validate(scenario, scoring) == []) == (Reference(scenario).problems(scoring) == [])


@SETTINGS
@given(scenarios())
def test_every_problem_message_names_its_ids_and_fills_every_placeholder(scenario):
    for problem in validate(scenario):
        text = problem.text()
        assert "{" not in text
        for key in ("step", "ending", "choice", "target", "start", "id"):
            if key in problem.params:
                assert f'"{problem.params[key]}"' in text


@SETTINGS
@given(graphs())
def test_the_expert_path_is_playable_and_ends_whenever_an_ending_is_reachable(scenario):
    reference = Reference(scenario)
    path = expert_path(scenario)
    can_end = reference.start is not None and reference.reachable(reference.start) & set(reference.endings)
    if not can_end:
        assert path == []
        return
    attempt = start_attempt(scenario, 1)
    for step_id, choice_id in path:
        attempt = choose(scenario, attempt, step_id, choice_id)
    assert attempt.finished


@SETTINGS
@given(graphs())
def test_without_expert_flags_the_expert_path_earns_the_best_total_on_valid_graphs(scenario):
    valid = without_positive_loops(scenario)
    plain = Scenario(valid.intro, tuple(
        Step(step.id, step.title, step.body, step.image,
             tuple(Choice(choice.id, choice.label, choice.to, choice.points) for choice in step.choices))
        for step in valid.steps), valid.endings, valid.start)
    path = expert_path(plain)
    if path:
        earned = sum(plain.step(step_id).choice(choice_id).points for step_id, choice_id in path)
        assert earned == best_path_total(plain)


@SETTINGS
@given(graphs(), st.lists(st.integers(0, 5), max_size=12))
def test_random_play_stays_consistent_and_never_beats_the_best_total_on_valid_graphs(scenario, picks):
    valid = without_positive_loops(scenario)
    attempt = start_attempt(valid, 1)
    taken = 0
    for pick in picks:
        if attempt.finished or attempt.current is None:
            break
        step = valid.step(attempt.current)
        if not step.choices:
            break
        choice = step.choice(step.choices[pick % len(step.choices)].id)
        if valid.step(choice.to) is None and valid.ending(choice.to) is None:
            break
        attempt = choose(valid, attempt, step.id, choice.id)
        taken += choice.points
        assert is_consistent(valid, attempt)
    if attempt.finished:
        assert taken <= best_path_total(valid)
        assert 0.0 <= attempt.score <= 1.0


@SETTINGS
@given(scenarios())
def test_a_scenario_survives_its_json_form(scenario):
    assert Scenario.from_dict(json.loads(json.dumps(scenario.to_dict()))) == scenario
