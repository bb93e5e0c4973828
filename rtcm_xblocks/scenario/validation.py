"""Validation of a scenario: every problem that keeps it from being played and scored, and its best score.

Pure Python. `review` works the plain graph out once (graph's `_Graph`), adds what only a
simulation's states show (simulation_checks) and computes the best attainable score the same
pass needs; `validate` is its list of problems. Messages are English templates (`problems.Problem`).
"""
from html.parser import HTMLParser

from rtcm_xblocks.common.i18n import N_
from rtcm_xblocks.scenario import simulation, simulation_checks
from rtcm_xblocks.scenario.graph import (SCORING_MODES, _best_ending_points, _best_path_total, _Graph,
                                         has_competencies)
from rtcm_xblocks.scenario.problems import Problem

__all__ = ["Problem", "review", "validate"]


class _ImagesWithoutAlt(HTMLParser):
    """Counts <img> tags that have no alt attribute (alt="" marks a decorative image and is fine)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.missing = 0

    def handle_starttag(self, tag, attrs):
        if tag == "img" and "alt" not in dict(attrs):
            self.missing += 1

    handle_startendtag = handle_starttag


def _html_lacks_alt(html):
    """Whether author HTML contains an <img> without an alt attribute."""
    if not html or "<img" not in html.lower():
        return False
    parser = _ImagesWithoutAlt()
    parser.feed(html)
    parser.close()
    return parser.missing > 0


def validate(scenario, scoring="path"):
    """Every problem that keeps `scenario` from being played and scored, in a stable order."""
    return review(scenario, scoring)[0]


def review(scenario, scoring="path"):
    """(validate's problems, the best attainable score) of `scenario`, working out the graph once.

    The best is best_path_total for "path" scoring, best_ending_points for "ending", None for
    "none". Linear in the size of the scenario, but for best_path_total's Dijkstra (E log V) and
    its bounded extra work on positive choices on loops.
    """
    if scoring not in SCORING_MODES:
        raise ValueError(f"unknown scoring mode {scoring!r}")
    problems = []
    add = problems.append
    if not scenario.steps:
        add(Problem("no_steps", N_("The scenario has no steps.")))
    if not scenario.endings:
        add(Problem("no_ending", N_("The scenario has no ending.")))
    problems.extend(_duplicate_problems(scenario))
    graph = _Graph(scenario)
    if scenario.start and scenario.start not in graph.steps:
        add(Problem("unknown_start", N_('The start step "{start}" is not a step of this scenario.'),
                    {"start": scenario.start}))
    reaching = graph.reaching_an_ending()
    for step in scenario.steps:
        if graph.steps[step.id] is not step:
            continue
        for choice in step.choices:
            if choice.to not in graph.edges:
                add(Problem("unknown_target",
                            N_('Choice "{choice}" of step "{step}" leads to "{target}", '
                               'which is neither a step nor an ending.'),
                            {"step": step.id, "choice": choice.id, "target": choice.to}, node=step.id))
        if not step.choices:
            add(Problem("no_choices", N_('Step "{step}" has no choices, so learners cannot leave it.'),
                        {"step": step.id}, node=step.id))
        elif step.id not in reaching:
            add(Problem("dead_end", N_('No ending can be reached from step "{step}".'),
                        {"step": step.id}, node=step.id))
    if graph.start is not None:
        reachable = graph.reachable_from(graph.start)
        for node in graph.nodes:
            if node in reachable:
                continue
            if node in graph.steps:
                add(Problem("unreachable", N_('Step "{step}" cannot be reached from the start step "{start}".'),
                            {"step": node, "start": graph.start}, node=node))
            else:
                add(Problem("unreachable",
                            N_('Ending "{ending}" cannot be reached from the start step "{start}".'),
                            {"ending": node, "start": graph.start}, node=node))
    for source, target, points, choice in graph.positive_loop_edges():
        add(Problem("positive_points_in_loop",
                    N_('Choice "{choice}" of step "{step}" gives {points} points but lies on a loop '
                       '(from "{target}" the story can come back to "{step}"); a choice on a loop '
                       'may not give positive points.'),
                    {"step": source, "choice": choice.id, "points": points, "target": target}, node=source))
    problems.extend(_alt_problems(scenario))
    problems.extend(simulation_checks.simulation_problems(scenario, graph))
    best = None
    explored = graph.start is not None and (scenario.is_stateful or has_competencies(scenario))
    exploration = simulation.explore(scenario) if explored else None
    if exploration is not None:
        problems.extend(simulation_checks.state_problems(scenario, graph, exploration))
        if not exploration.complete:
            return problems, None
    stateful = exploration if scenario.is_stateful else None
    if scoring == "path":
        best = stateful.best_total if stateful else _best_path_total(graph)
    elif scoring == "ending":
        best = stateful.best_ending if stateful else _best_ending_points(graph)
    if scoring != "none" and graph.start is not None and graph.start in reaching:
        if scoring == "path" and best <= 0:
            add(Problem("unattainable_score",
                        N_('No path from the start to an ending earns points, so the "path" score '
                           'cannot be attained: give points to the choices of the best path.')))
        if scoring == "ending" and best <= 0:
            add(Problem("unattainable_score",
                        N_('No reachable ending gives points, so the "ending" score cannot be '
                           'attained: give points to the best ending.')))
    return problems, best


def _duplicate_problems(scenario):
    """duplicate_id problems: ids shared by steps and endings, and choice ids repeated in a step."""
    problems, seen, reported = [], set(), set()
    for node in list(scenario.steps) + list(scenario.endings):
        if node.id in seen and node.id not in reported:
            reported.add(node.id)
            problems.append(Problem("duplicate_id",
                                    N_('The id "{id}" is given to more than one step or ending.'),
                                    {"id": node.id}, node=node.id))
        seen.add(node.id)
    for step in scenario.steps:
        choice_ids, repeated = set(), set()
        for choice in step.choices:
            if choice.id in choice_ids and choice.id not in repeated:
                repeated.add(choice.id)
                problems.append(Problem("duplicate_id",
                                        N_('Step "{step}" has more than one choice with the id "{choice}".'),
                                        {"step": step.id, "choice": choice.id}, node=step.id))
            choice_ids.add(choice.id)
    return problems


def _alt_problems(scenario):
    """missing_alt problems: a step image with blank alt text, an <img> in author HTML with no alt."""
    problems = []
    if _html_lacks_alt(scenario.intro):
        problems.append(Problem("missing_alt", N_("An image in the introduction has no alt text.")))
    for step in scenario.steps:
        if step.image is not None and not step.image.alt.strip():
            problems.append(Problem("missing_alt", N_('The image of step "{step}" has no alt text.'),
                                    {"step": step.id}, node=step.id))
        if _html_lacks_alt(step.body):
            problems.append(Problem("missing_alt", N_('An image in the body of step "{step}" has no alt text.'),
                                    {"step": step.id}, node=step.id))
        for choice in step.choices:
            if _html_lacks_alt(choice.feedback):
                problems.append(Problem("missing_alt",
                                        N_('An image in the feedback of choice "{choice}" of step "{step}" '
                                           'has no alt text.'),
                                        {"step": step.id, "choice": choice.id}, node=step.id))
    for ending in scenario.endings:
        if _html_lacks_alt(ending.body):
            problems.append(Problem("missing_alt",
                                    N_('An image in the body of ending "{ending}" has no alt text.'),
                                    {"ending": ending.id}, node=ending.id))
    return problems
