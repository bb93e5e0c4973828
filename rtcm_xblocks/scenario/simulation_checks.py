"""Validation of what makes a case a simulation: variables, conditions, effects, dialogue, media, time limits,
competency points, and what only the case's states show (simulation.explore).

Pure Python. `validation.review` calls `simulation_problems` for every scenario and `state_problems` for
one with state or competency points; `graph` is graph's own view of the steps and choices (its
`_Graph`: the steps and endings by id, which choices lie on a loop, what the start reaches).
"""
from rtcm_xblocks.common.i18n import N_
from rtcm_xblocks.scenario import conditions, simulation
from rtcm_xblocks.scenario.problems import Problem

__all__ = ["simulation_problems", "state_problems"]


def simulation_problems(scenario, graph):
    """Problems of what makes a case a simulation, found without playing it: variables, conditions, effects,
    characters, media, time limits, competency points."""
    problems = []
    add = problems.append
    types, seen = {}, set()
    for variable in scenario.variables:
        if variable.id in seen:
            add(Problem("duplicate_id", N_('The variable "{variable}" is declared more than once.'),
                        {"variable": variable.id}))
        seen.add(variable.id)
        types.setdefault(variable.id, variable.type)
    seen = set()
    for character in scenario.characters:
        if character.id in seen:
            add(Problem("duplicate_id", N_('The character "{character}" is declared more than once.'),
                        {"character": character.id}))
        seen.add(character.id)

    def condition(when, message, params, node):
        if when:
            for error in conditions.compile_condition(when, types)[1][:1]:
                add(Problem("bad_condition", message, dict(params, condition=when), node=node, detail=error))

    for step in scenario.steps:
        where = {"step": step.id}
        for variant in step.variants:
            condition(variant.when, N_('The condition "{condition}" of a body variant of step "{step}" '
                                       'cannot be used: {detail}'), where, step.id)
        for line in step.lines:
            condition(line.when, N_('The condition "{condition}" of a dialogue line of step "{step}" '
                                    'cannot be used: {detail}'), where, step.id)
            if scenario.character(line.by) is None:
                add(Problem("unknown_character",
                            N_('A dialogue line of step "{step}" is spoken by "{character}", who is not a character '
                               'of this scenario.'), dict(where, character=line.by), node=step.id))
        if step.media is not None and not step.media.transcript.strip():
            if step.media.type == "audio":
                add(Problem("missing_transcript", N_('The audio clip of step "{step}" has no transcript.'), where,
                            node=step.id))
            elif not step.media.captions:
                add(Problem("missing_transcript",
                            N_('The video of step "{step}" has neither captions nor a transcript.'), where, node=step.id))
        timeouts = [choice for choice in step.choices if choice.timeout]
        if step.time_limit and not timeouts:
            add(Problem("timeout_choice", N_('Step "{step}" has a time limit but no choice that is taken when the '
                                             'time runs out.'), where, node=step.id))
        if len(timeouts) > 1:
            add(Problem("timeout_choice", N_('Step "{step}" has more than one choice that is taken when the time '
                                             'runs out.'), where, node=step.id))
        for choice in step.choices:
            params = dict(where, choice=choice.id)
            condition(choice.when, N_('The condition "{condition}" of choice "{choice}" of step "{step}" cannot be '
                                      'used: {detail}'), params, step.id)
            if choice.timeout and not step.time_limit:
                add(Problem("timeout_choice", N_('Choice "{choice}" of step "{step}" is taken when the time runs '
                                                 'out, but the step has no time limit.'), params, node=step.id))
            if choice.timeout and choice.when:
                add(Problem("timeout_choice", N_('Choice "{choice}" of step "{step}" is taken when the time runs '
                                                 'out, so it cannot have a condition.'), params, node=step.id))
            problems.extend(_effect_problems(scenario, graph, step, choice, types))
            problems.extend(_competency_problems(graph, step, choice))
    return problems


def _effect_problems(scenario, graph, step, choice, types):
    problems = []
    for effect in choice.effects:
        params = {"step": step.id, "choice": choice.id, "variable": effect.var}
        kind = types.get(effect.var)
        if kind is None:
            message = N_('Choice "{choice}" of step "{step}" changes "{variable}", which is not a declared variable.')
        elif effect.op == "add" and kind == "flag":
            message = N_('Choice "{choice}" of step "{step}" adds to the flag "{variable}"; a flag can only be set '
                         'to true or false.')
        elif effect.op == "set" and isinstance(effect.value, bool) != (kind == "flag"):
            message = (N_('Choice "{choice}" of step "{step}" sets the flag "{variable}" to a number; set it to true '
                          'or false.') if kind == "flag" else
                       N_('Choice "{choice}" of step "{step}" sets the number "{variable}" to true or false; set it '
                          'to a whole number.'))
        elif (effect.op == "add" and effect.value and step.id in graph.steps and choice.to in graph.edges
              and graph.in_loop(step.id, choice.to)):
            problems.append(Problem("loop_changes_variable",
                                    N_('Choice "{choice}" of step "{step}" adds to "{variable}" but lies on a loop '
                                       '(from "{target}" the story can come back to "{step}"), so going round the '
                                       'loop would pump it: use "set" on a loop.'),
                                    dict(params, target=choice.to), node=step.id))
            continue
        else:
            continue
        problems.append(Problem("bad_effect", message, params, node=step.id))
    return problems


def _competency_problems(graph, step, choice):
    problems = []
    in_loop = step.id in graph.steps and choice.to in graph.edges and graph.in_loop(step.id, choice.to)
    for item in choice.competencies:
        if item.points > 0 and in_loop:
            problems.append(Problem("positive_points_in_loop",
                                    N_('Choice "{choice}" of step "{step}" gives {points} points for the competency '
                                       '"{competency}" but lies on a loop (from "{target}" the story can come back '
                                       'to "{step}"); a choice on a loop may not give positive points.'),
                                    {"step": step.id, "choice": choice.id, "points": item.points,
                                     "competency": item.id, "target": choice.to}, node=step.id))
    return problems


def state_problems(scenario, graph, exploration):
    """Problems only the case's states show (see simulation.explore): `exploration` is its result."""
    if not exploration.complete:
        return [Problem("state_space_too_large",
                        N_("The variables can combine into more than {limit} states, too many to check this scenario "
                           "and compute its best score: narrow their ranges (min and max) or use fewer variables."),
                        {"limit": simulation.MAX_STATES})]
    problems = []
    add = problems.append
    plain = graph.reachable_from(graph.start)
    for node in graph.nodes:
        if node in plain and node not in exploration.reached:
            if node in graph.steps:
                add(Problem("unreachable", N_('Step "{step}" can never be reached: the conditions of the choices '
                                              'leading to it never hold on the way.'), {"step": node}, node=node))
            else:
                add(Problem("unreachable", N_('Ending "{ending}" can never be reached: the conditions of the '
                                              'choices leading to it never hold on the way.'),
                            {"ending": node}, node=node))
    for step_id, choice_id in exploration.never_offered:
        choice = scenario.step(step_id).choice(choice_id)
        add(Problem("never_holds", N_('The condition "{condition}" of choice "{choice}" of step "{step}" never holds '
                                      'when a learner is at that step, so the choice is never offered.'),
                    {"condition": choice.when, "choice": choice_id, "step": step_id}, node=step_id))
    for step_id, kind, position in exploration.never_shown:
        step = scenario.step(step_id)
        if kind == "variant":
            message = N_('The condition "{condition}" of a body variant of step "{step}" never holds there, so the '
                         'variant is never shown.')
            when = step.variants[position].when
        else:
            message = N_('The condition "{condition}" of a dialogue line of step "{step}" never holds there, so the '
                         'line is never shown.')
            when = step.lines[position].when
        add(Problem("never_holds", message, {"condition": when, "step": step_id}, node=step_id, severity="warning"))
    for step_id, values in exploration.stuck.items():
        add(Problem("no_choice_offered", N_('At step "{step}", with {values}, no choice is offered, so learners '
                                            'cannot go on.'),
                    {"step": step_id, "values": simulation.describe(scenario, values)}, node=step_id))
    for step_id, values in exploration.trapped.items():
        add(Problem("dead_end", N_('At step "{step}", with {values}, no ending can be reached any more.'),
                    {"step": step_id, "values": simulation.describe(scenario, values)}, node=step_id))
    for competency, best in exploration.competency_best.items():
        if best <= 0:
            add(Problem("competency_unattainable",
                        N_('No path earns points for the competency "{competency}", so learners\' results for it '
                           'cannot be computed.'), {"competency": competency}, severity="warning"))
    return problems
