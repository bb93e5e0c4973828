"""The core of simulations (scenario.simulation and graph): state along a path, what a step offers and shows,
the case's states explored for exact best scores and validation, hints, clocks, going back, competencies."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rtcm_xblocks.scenario import graph, olx, simulation, validation
from rtcm_xblocks.scenario.model import (Choice, CompetencyPoints, Effect, Ending, Line, Media, Scenario, Step,
                                         Variable)
from tests.scenario.simulations import interview

CASE = olx.parse_scenario_string(interview())[1]


def play(scenario, *moves):
    attempt = graph.start_attempt(scenario, 1)
    for step, choice in moves:
        attempt = graph.choose(scenario, attempt, step, choice)
    return attempt


def codes(scenario, scoring="path"):
    return [problem.code for problem in validation.validate(scenario, scoring)]


# --- values along a path ---------------------------------------------------------------------------------


def test_values_start_from_the_initial_values_and_follow_the_effects_in_order():
    assert simulation.initial_values(CASE) == (0, False)
    assert graph.values(CASE, play(CASE, ("meet", "alone"))) == (2, False)
    assert graph.values(CASE, play(CASE, ("meet", "papers"))) == (0, True)


def test_numbers_are_clamped_into_their_bounds_and_flags_cannot_be_added_to():
    variables = (Variable("n", min=0, max=3, initial=1), Variable("f", type="flag"))
    scenario = Scenario(variables=variables)
    up = Choice("c", "", "x", effects=(Effect("add", "n", 10), Effect("add", "f", 1)))
    down = Choice("d", "", "x", effects=(Effect("add", "n", -10), Effect("set", "f", True), Effect("set", "zz", 1)))
    assert simulation.apply(scenario, (1, False), up) == (3, False)
    assert simulation.apply(scenario, (1, False), down) == (0, True)


def test_a_choice_whose_condition_does_not_hold_is_not_offered_and_cannot_be_chosen():
    after_papers = play(CASE, ("meet", "papers"))
    step = CASE.step("talk")
    assert [c.id for c in simulation.offered(CASE, step, graph.values(CASE, after_papers))] == ["release"]
    with pytest.raises(graph.ScenarioError) as refused:
        graph.choose(CASE, after_papers, "talk", "refer")
    assert refused.value.code == "unknown_choice"


def test_the_timeout_choice_is_never_offered_and_only_the_time_limit_takes_it():
    after = play(CASE, ("meet", "alone"))
    assert "hesitate" not in [c.id for c in simulation.offered(CASE, CASE.step("talk"), graph.values(CASE, after))]
    with pytest.raises(graph.ScenarioError):
        graph.choose(CASE, after, "talk", "hesitate")
    timed = graph.choose(CASE, after, "talk", "refer", timed_out=True)
    assert timed.path[-1] == ("talk", "hesitate") and timed.timed_out == (1,) and timed.current == "waved"


def test_body_variants_and_lines_follow_the_values():
    step = CASE.step("talk")
    assert "She is silent" in simulation.shown_body(CASE, step, (0, False))
    assert "starts to talk" in simulation.shown_body(CASE, step, (2, False))
    assert simulation.shown_lines(CASE, step, (0, False)) == []
    assert [line.by for line in simulation.shown_lines(CASE, step, (3, False))] == ["dana"]


def test_an_unreadable_condition_never_holds():
    scenario = Scenario(variables=(Variable("n"),))
    assert not simulation.holds(scenario, "n >=", (0,))
    assert simulation.holds(scenario, "", (0,))


def test_the_order_of_choices_is_stable_for_a_seed_and_differs_between_seeds():
    choices = [Choice(str(i), "", "x") for i in range(6)]
    first = simulation.ordered(choices, "block|learner|1|step", True)
    assert first == simulation.ordered(choices, "block|learner|1|step", True)
    orders = {tuple(c.id for c in simulation.ordered(choices, f"block|learner|{n}|step", True)) for n in range(20)}
    assert len(orders) > 5
    assert simulation.ordered(choices, "any", False) == choices


# --- the case's states -------------------------------------------------------------------------------------


def test_the_best_score_is_exact_with_state():
    # the 3 points of "refer" need the trust that only "alone" gives: 2 + 3, not 0 + 3
    assert graph.best_path_total(CASE) == 5
    assert graph.score(CASE, play(CASE, ("meet", "alone"), ("talk", "refer")), "path") == 1.0
    assert graph.expert_path(CASE) == [("meet", "alone"), ("talk", "refer")]


def test_competency_results_are_earned_against_the_best_attainable_per_competency():
    attempt = play(CASE, ("meet", "papers"), ("talk", "release"))
    assert graph.competency_results(CASE, attempt) == {"trafficking.indicators": (-1, 2), "trafficking.referral": (0, 3)}
    best = play(CASE, ("meet", "alone"), ("talk", "refer"))
    assert graph.competency_results(CASE, best) == {"trafficking.indicators": (2, 2), "trafficking.referral": (3, 3)}


def chain(choices_at_b, variables=(), **step_b):
    """start -> b -> end, with the given choices at b."""
    return Scenario(steps=(Step("a", "A", choices=(Choice("go", "Go", "b", points=1, effects=step_b.pop("effects", ())),)),
                           Step("b", "B", choices=tuple(choices_at_b), **step_b)),
                    endings=(Ending("end", "End", points=1),), variables=tuple(variables))


def test_validation_names_a_condition_that_never_holds_where_its_choice_is():
    scenario = chain([Choice("x", "X", "end", points=1, when="n > 5"), Choice("y", "Y", "end")],
                     [Variable("n", min=0, max=9)])
    assert "never_holds" in codes(scenario)


def test_validation_names_steps_that_conditions_make_unreachable_and_states_without_a_choice():
    scenario = Scenario(
        steps=(Step("a", "A", choices=(Choice("go", "Go", "b"), Choice("hidden", "H", "c", when="n > 0"))),
               Step("b", "B", choices=(Choice("only", "O", "end", when="n > 0"),)),
               Step("c", "C", choices=(Choice("e", "E", "end", points=1),))),
        endings=(Ending("end", "End"),), variables=(Variable("n"),))
    found = codes(scenario)
    assert "unreachable" in found and "no_choice_offered" in found
    message = next(p for p in validation.validate(scenario) if p.code == "no_choice_offered").text()
    assert 'step "b"' in message and "n = 0" in message


def test_validation_names_a_state_from_which_no_ending_can_be_reached():
    scenario = Scenario(
        steps=(Step("a", "A", choices=(Choice("go", "Go", "b", effects=(Effect("set", "f", True),)),
                                       Choice("other", "O", "b"))),
               Step("b", "B", choices=(Choice("end", "E", "end", points=1, when="not f"),
                                       Choice("loop", "L", "b", when="f")))),
        endings=(Ending("end", "End"),), variables=(Variable("f", type="flag"),))
    assert "dead_end" in codes(scenario)


def test_validation_refuses_adding_on_a_loop_unknown_variables_and_wrong_types():
    scenario = Scenario(
        steps=(Step("a", "A", choices=(Choice("stay", "S", "a", effects=(Effect("add", "n", 1),)),
                                       Choice("go", "G", "end", points=1,
                                              effects=(Effect("set", "ghost", 1), Effect("add", "f", 1),
                                                       Effect("set", "n", True)),
                                              when="n > zz"))),),
        endings=(Ending("end", "End"),), variables=(Variable("n"), Variable("f", type="flag")))
    found = codes(scenario)
    assert found.count("bad_effect") == 3 and "loop_changes_variable" in found and "bad_condition" in found
    bad = next(p for p in validation.validate(scenario) if p.code == "bad_condition")
    assert "zz" in bad.text() and "{detail}" not in bad.text()


def test_validation_of_time_limits_media_and_dialogue():
    scenario = Scenario(
        steps=(Step("a", "A", time_limit=30, media=Media("video", "/v.mp4"),
                    lines=(Line("nobody", "<p>Hi</p>"),),
                    choices=(Choice("go", "Go", "end", points=1), Choice("t", "T", "end", timeout=True, when="true"))),
               Step("b", "B", media=Media("audio", "/a.mp3", captions="/a.vtt"),
                    choices=(Choice("t", "T", "end", timeout=True),))),
        endings=(Ending("end", "End"),))
    found = codes(scenario)
    assert found.count("missing_transcript") == 2 and "unknown_character" in found
    assert found.count("timeout_choice") == 2  # a condition on a timeout choice; a timeout without a limit


def test_a_case_with_too_many_states_is_refused_with_a_reason(monkeypatch):
    monkeypatch.setattr(simulation, "MAX_STATES", 5)
    simulation.explore.cache_clear()
    scenario = Scenario(steps=(Step("a", "A", choices=(Choice("up", "Up", "a", effects=(Effect("set", "n", 1),)),
                                                       Choice("end", "E", "end", points=1))),
                               Step("b", "B", choices=(Choice("c", "C", "end"),))),
                        endings=(Ending("end", "End"),), variables=(Variable("n"),))
    big = Scenario(steps=tuple(Step(f"s{i}", "S", choices=(Choice("n", "N", f"s{i + 1}" if i < 9 else "end", points=1,
                                                                  effects=(Effect("set", "n", i),)),))
                               for i in range(10)), endings=(Ending("end", "End"),), variables=(Variable("n"),))
    problems, best = validation.review(big)
    assert [p.code for p in problems] == ["state_space_too_large"] and best is None
    assert "state_space_too_large" not in codes(scenario)
    simulation.explore.cache_clear()


def test_a_competency_no_path_earns_is_named():
    scenario = chain([Choice("x", "X", "end", competencies=(CompetencyPoints("data.sources", -1),))])
    assert "competency_unattainable" in codes(scenario)


def test_positive_competency_points_on_a_loop_are_refused():
    scenario = Scenario(steps=(Step("a", "A", choices=(Choice("again", "Again", "a",
                                                              competencies=(CompetencyPoints("data.sources", 1),)),
                                                       Choice("end", "E", "end", points=1))),),
                        endings=(Ending("end", "End"),))
    assert "positive_points_in_loop" in codes(scenario)


# --- hints, clocks, going back -------------------------------------------------------------------------------


def test_a_revealed_hint_costs_its_points_once():
    attempt = graph.reveal_hint(CASE, graph.start_attempt(CASE, 1), "meet")
    assert graph.reveal_hint(CASE, attempt, "meet") is attempt
    finished = graph.choose(CASE, graph.choose(CASE, attempt, "meet", "alone"), "talk", "refer")
    assert finished.score == pytest.approx(4 / 5)
    with pytest.raises(graph.ScenarioError) as refused:
        graph.reveal_hint(CASE, finished, "talk")
    assert refused.value.code == "attempt_finished"


def test_the_clock_runs_from_its_start_for_the_limit_times_the_learners_factor():
    attempt = play(CASE, ("meet", "alone"))
    assert graph.time_left(CASE, attempt, 10.0) is None
    started = graph.start_clock(CASE, attempt, "talk", 100.0)
    assert graph.start_clock(CASE, started, "talk", 130.0) is started
    assert graph.time_left(CASE, started, 130.0) == 30.0
    assert graph.time_left(CASE, started, 130.0, factor=10) == 570.0
    assert graph.time_left(CASE, started, 999.0) == 0.0 and graph.time_left(CASE, started, 130.0, None) is None
    with pytest.raises(graph.ScenarioError) as refused:
        graph.start_clock(CASE, graph.start_attempt(CASE, 1), "meet", 1.0)
    assert refused.value.code == "not_timed"
    moved_on = graph.choose(CASE, started, "talk", "release")
    assert graph.clock_started(moved_on) is None


def test_going_back_undoes_the_last_move_and_makes_the_attempt_practice():
    attempt = play(CASE, ("meet", "papers"))
    back = graph.go_back(CASE, attempt, "talk")
    assert (back.path, back.current, back.practice) == ((), "meet", True)
    assert graph.values(CASE, back) == (0, False)
    with pytest.raises(graph.ScenarioError) as refused:
        graph.go_back(CASE, back, "meet")
    assert refused.value.code == "cannot_go_back"


def test_an_attempt_that_no_longer_fits_the_conditions_is_inconsistent():
    attempt = play(CASE, ("meet", "alone"), ("talk", "refer"))
    assert graph.is_consistent(CASE, attempt)
    edited = olx.parse_scenario_string(interview().replace('<add var="trust" value="2"/>', ""))[1]
    assert not graph.is_consistent(edited, attempt)


def test_attempts_keep_their_simulation_state_through_storage():
    attempt = graph.start_clock(CASE, play(CASE, ("meet", "alone")), "talk", 5.5)
    timed = graph.choose(CASE, graph.reveal_hint(CASE, graph.start_attempt(CASE, 2), "meet"), "meet", "alone")
    for kept in (attempt, graph.go_back(CASE, timed, "talk"), graph.choose(CASE, attempt, "talk", "x", timed_out=True)):
        assert graph.Attempt.from_dict(kept.to_dict()) == kept
    plain = graph.start_attempt(CASE, 1)
    assert set(plain.to_dict()) == {"number", "path", "current", "finished", "score", "reflection"}


# --- exactness, against every walk ------------------------------------------------------------------------------


@st.composite
def acyclic_cases(draw):
    """Small acyclic cases with one number and one flag, conditions and effects drawn at random."""
    size = draw(st.integers(2, 5))
    conditions = st.sampled_from(["", "n >= 1", "n < 2", "f", "not f", "n + 1 > 2 and not f", "n == 0 or f"])
    effects = st.lists(st.one_of(st.builds(Effect, st.just("add"), st.just("n"), st.integers(-2, 2)),
                                 st.builds(Effect, st.just("set"), st.just("f"), st.booleans())), max_size=2)
    steps = []
    for index in range(size):
        targets = [f"s{j}" for j in range(index + 1, size)] + ["e0", "e1"]
        choices = tuple(Choice(f"c{k}", "", draw(st.sampled_from(targets)), points=draw(st.integers(-2, 4)),
                               when=draw(conditions), effects=tuple(draw(effects)),
                               competencies=(CompetencyPoints("x.y", draw(st.integers(-1, 3))),))
                        for k in range(draw(st.integers(1, 3))))
        steps.append(Step(f"s{index}", "", choices=choices))
    return Scenario(steps=tuple(steps), endings=(Ending("e0", ""), Ending("e1", "")),
                    variables=(Variable("n", min=0, max=3), Variable("f", type="flag")))


def every_walk(scenario):
    """Every (points, competency points) of a walk from the start to an ending, by brute force."""
    totals = []

    def walk(step_id, values, points, earned):
        step = scenario.step(step_id)
        if step is None:
            totals.append((points, earned))
            return
        for choice in simulation.offered(scenario, step, values):
            walk(choice.to, simulation.apply(scenario, values, choice), points + choice.points,
                 earned + sum(item.points for item in choice.competencies))

    walk(scenario.start_id, simulation.initial_values(scenario), 0, 0)
    return totals


@settings(max_examples=150, deadline=None)
@given(acyclic_cases())
def test_the_best_totals_over_the_states_are_those_of_the_best_walk(scenario):
    walks = every_walk(scenario)
    exploration = simulation.explore(scenario)
    assert exploration.best_total == (max(points for points, _ in walks) if walks else 0)
    best_competency = max((earned for _, earned in walks), default=0)
    assert exploration.competency_best.get("x.y", 0) == (best_competency if walks else 0)
    path = graph.expert_path(scenario)
    assert bool(path) == bool(walks)
    if path:
        assert play(scenario, *path).finished
