"""The scenario core: the model, the best attainable scores, the expert path, validation and attempts."""
import json
import time

import pytest

from rtcm_xblocks.scenario.graph import (
    EXACT_LOOP_CHOICES, GRADING_MODES, MOVES_FLOOR, OUTCOMES, SCORING_MODES, Attempt, Choice, Ending, Image,
    Scenario, ScenarioError, Step, best_ending_points, best_path_total, choose, expert_path, is_consistent,
    max_moves, overall, score, start_attempt,
)
from rtcm_xblocks.scenario.validation import Problem, review, validate


def border_screening():
    """A realistic scenario with a loop (asking again) that carries no positive points."""
    return Scenario(
        intro="<p>You are on the night shift at a land border crossing.</p>",
        steps=(
            Step("arrival", "Two travellers at the counter", "<p>A young woman and an older man.</p>",
                 Image("/static/border.jpg", "A border checkpoint at night"), (
                     Choice("separate", "Interview her separately", "interview", 3, True, "<p>Good.</p>"),
                     Choice("together", "Ask them both together", "companion_answers", 0, False,
                            "<p>He answers for her.</p>"),
                 )),
            Step("companion_answers", "He answers every question", "<p>She looks down.</p>", None, (
                Choice("again", "Ask her again", "companion_answers", -1, False, "<p>Nothing changes.</p>"),
                Choice("now_separate", "Now take her aside", "interview", 1, False, "<p>Late, but right.</p>"),
                Choice("stamp", "Stamp both passports", "admitted", 0),
            )),
            Step("interview", "A private interview", "<p>With an interpreter she explains the job offer.</p>",
                 None, (
                     Choice("indicators", "Check act, means and purpose", "refer", 2, True),
                     Choice("refuse", "Refuse her entry", "removed", -2),
                 )),
            Step("refer", "What next?", "", None, (
                Choice("specialists", "Refer to the protection specialists", "referred", 2, True),
                Choice("police", "Hand her to the police as an irregular migrant", "removed", -3),
                Choice("ask", "Ask your supervisor first", "supervisor", 0),
            )),
            Step("supervisor", "The supervisor is busy", "<p>He tells you to decide yourself.</p>", None, (
                Choice("decide", "Decide yourself", "refer", 0),
                Choice("insist", "Insist on an answer", "supervisor", -1),
            )),
        ),
        endings=(
            Ending("referred", "Referred to protection", "<p>She is safe.</p>", "good", 3),
            Ending("admitted", "Both admitted", "<p>The job was not real.</p>", "bad", 0),
            Ending("removed", "Removed", "<p>She was punished for being trafficked.</p>", "bad", -1),
        ),
    )


def chain(*points, ending_points=1):
    """A linear scenario s0 -> s1 -> ... -> end whose choices carry `points`."""
    steps = tuple(
        Step(f"s{i}", f"Step {i}", choices=(Choice(f"c{i}", "Go on", f"s{i + 1}" if i + 1 < len(points) else "end",
                                                   value),))
        for i, value in enumerate(points)
    )
    return Scenario(steps=steps, endings=(Ending("end", "The end", outcome="good", points=ending_points),))


def codes(problems):
    return [(problem.code, problem.node) for problem in problems]


# --- the model -----------------------------------------------------------------------------------


def test_constants_name_the_modes_of_the_contract():
    assert SCORING_MODES == ("path", "ending", "none")
    assert GRADING_MODES == ("best", "last", "first")
    assert OUTCOMES == ("good", "neutral", "bad")


def test_the_start_is_the_first_step_unless_named():
    scenario = border_screening()
    assert scenario.start_id == "arrival"
    assert Scenario(steps=scenario.steps, start="interview").start_id == "interview"
    assert Scenario().start_id is None


def test_steps_and_endings_are_found_by_id_or_none():
    scenario = border_screening()
    assert scenario.step("interview").title == "A private interview"
    assert scenario.ending("referred").outcome == "good"
    assert scenario.step("referred") is None and scenario.ending("arrival") is None
    assert scenario.step("arrival").choice("separate").points == 3
    assert scenario.step("arrival").choice("nope") is None


def test_scenario_dict_is_json_safe_and_round_trips():
    scenario = Scenario(intro="<p>Hi</p>", steps=border_screening().steps, endings=border_screening().endings,
                        start="interview")
    data = json.loads(json.dumps(scenario.to_dict()))
    assert Scenario.from_dict(data) == scenario
    assert data["steps"][0]["image"] == {"src": "/static/border.jpg", "alt": "A border checkpoint at night"}
    assert data["steps"][0]["choices"][0] == {"id": "separate", "label": "Interview her separately",
                                              "to": "interview", "points": 3, "expert": True,
                                              "feedback": "<p>Good.</p>"}


def test_an_empty_dict_is_an_empty_scenario():
    assert Scenario.from_dict({}) == Scenario()
    assert Scenario.from_dict(None) == Scenario()


# --- best attainable scores -----------------------------------------------------------------------


def test_best_path_total_of_a_chain_is_the_sum_of_its_points():
    assert best_path_total(chain(1, 2, 3)) == 6


def test_best_path_total_takes_the_best_branch_and_ignores_loops_without_points():
    # arrival -separate(3)-> interview -indicators(2)-> refer -specialists(2)-> referred = 7
    assert best_path_total(border_screening()) == 7


def test_best_path_total_can_go_around_a_zero_loop_to_reach_a_better_branch():
    scenario = Scenario(steps=(
        Step("a", "A", choices=(Choice("to_b", "B", "b", 0), Choice("quit", "Quit", "end", 1))),
        Step("b", "B", choices=(Choice("to_a", "back", "a", 0), Choice("win", "Win", "end", 5))),
    ), endings=(Ending("end", "End"),))
    assert best_path_total(scenario) == 5


def test_best_path_total_pays_a_negative_loop_when_it_is_the_only_way_to_the_points():
    scenario = Scenario(steps=(
        Step("a", "A", choices=(Choice("to_b", "B", "b", 4), Choice("quit", "Quit", "end", 0))),
        Step("b", "B", choices=(Choice("to_c", "C", "c", -1),)),
        Step("c", "C", choices=(Choice("back", "Back to b", "b", -1), Choice("win", "Win", "end", 2))),
    ), endings=(Ending("end", "End"),))
    assert best_path_total(scenario) == 5


def test_best_path_total_is_zero_when_no_ending_can_be_reached():
    scenario = Scenario(steps=(Step("a", "A", choices=(Choice("loop", "Loop", "a", 0),)),),
                        endings=(Ending("end", "End"),))
    assert best_path_total(scenario) == 0
    assert best_path_total(Scenario()) == 0


def test_best_path_total_may_be_negative_when_every_path_loses_points():
    assert best_path_total(chain(-1, -2)) == -3


def test_best_path_total_counts_a_positive_loop_choice_once_on_an_invalid_scenario():
    scenario = Scenario(steps=(
        Step("a", "A", choices=(Choice("to_b", "B", "b", 2), Choice("quit", "Quit", "end", 1))),
        Step("b", "B", choices=(Choice("back", "Back", "a", 3),)),
    ), endings=(Ending("end", "End"),))
    # a -2-> b -3-> a -1-> end, each looped choice once
    assert best_path_total(scenario) == 6


def test_best_path_total_stays_fast_with_many_positive_loop_choices():
    size = EXACT_LOOP_CHOICES + 8
    steps = tuple(
        Step(f"s{i}", f"S{i}", choices=(Choice("next", "Next", f"s{(i + 1) % size}", 1),
                                        Choice("out", "Out", "end", 0)))
        for i in range(size)
    )
    scenario = Scenario(steps=steps, endings=(Ending("end", "End"),))
    began = time.perf_counter()
    total = best_path_total(scenario)
    assert time.perf_counter() - began < 5
    # the first EXACT_LOOP_CHOICES looped choices count once each; the rest count 0
    assert total == EXACT_LOOP_CHOICES


def test_best_ending_points_is_the_highest_reachable_ending():
    scenario = border_screening()
    assert best_ending_points(scenario) == 3
    unreachable_jackpot = Scenario(steps=scenario.steps,
                                   endings=scenario.endings + (Ending("jackpot", "Never", points=10),))
    assert best_ending_points(unreachable_jackpot) == 3
    assert best_ending_points(Scenario()) == 0


def test_a_large_scenario_is_scored_quickly():
    # 40 rooms of 10 steps: loops inside a room carry no points, leaving a room earns some
    size, room = 400, 10

    def choices(i):
        first_of_next = i - i % room + room
        leave = f"s{first_of_next}" if first_of_next < size else "end"
        inside = (Choice("next", "Next", f"s{i + 1}", 0),) if (i + 1) % room else ()
        back = (Choice("back", "Back", f"s{i - 1}", -1),) if i % room else ()
        return inside + back + (Choice("leave", "Leave", leave, i % 3),)

    steps = tuple(Step(f"s{i}", f"S{i}", choices=choices(i)) for i in range(size))
    scenario = Scenario(steps=steps, endings=(Ending("end", "End", points=1),))
    began = time.perf_counter()
    assert validate(scenario) == []
    assert best_path_total(scenario) == 2 * size // room
    assert walk(scenario, expert_path(scenario)).score == 1.0
    assert time.perf_counter() - began < 2


# --- the expert path ------------------------------------------------------------------------------


def walk(scenario, path):
    """Play `path` from the start and return the finished attempt (fails if a move is not allowed)."""
    attempt = start_attempt(scenario, 1)
    for step_id, choice_id in path:
        attempt = choose(scenario, attempt, step_id, choice_id)
    return attempt


def test_expert_path_follows_the_choices_flagged_expert():
    scenario = border_screening()
    path = expert_path(scenario)
    assert path == [("arrival", "separate"), ("interview", "indicators"), ("refer", "specialists")]
    assert walk(scenario, path).current == "referred"


def test_expert_path_takes_a_best_scoring_choice_where_none_is_flagged():
    scenario = Scenario(steps=(
        Step("a", "A", choices=(Choice("low", "Low", "b", 1), Choice("high", "High", "c", 0))),
        Step("b", "B", choices=(Choice("end", "End", "end", 0),)),
        Step("c", "C", choices=(Choice("end", "End", "end", 5),)),
    ), endings=(Ending("end", "End"),))
    assert expert_path(scenario) == [("a", "high"), ("c", "end")]


def test_expert_path_never_loops_on_expert_flags_that_form_a_cycle():
    scenario = Scenario(steps=(
        Step("a", "A", choices=(Choice("to_b", "B", "b", 0, expert=True), Choice("quit", "Quit", "end", 0))),
        Step("b", "B", choices=(Choice("to_a", "A", "a", 0, expert=True),)),
    ), endings=(Ending("end", "End"),))
    path = expert_path(scenario)
    assert walk(scenario, path).finished
    assert path == [("a", "to_b"), ("b", "to_a"), ("a", "quit")]


def test_expert_path_ends_on_zero_loops_without_expert_flags():
    scenario = Scenario(steps=(
        Step("a", "A", choices=(Choice("to_b", "B", "b", 0), Choice("quit", "Quit", "end", 0))),
        Step("b", "B", choices=(Choice("to_a", "A", "a", 0), Choice("quit", "Quit", "end", 0))),
    ), endings=(Ending("end", "End"),))
    assert expert_path(scenario) == [("a", "quit")]


def test_expert_path_ignores_an_expert_flag_into_a_dead_end():
    scenario = Scenario(steps=(
        Step("a", "A", choices=(Choice("trap", "Trap", "pit", 9, expert=True), Choice("ok", "Ok", "end", 1))),
        Step("pit", "Pit", choices=(Choice("stay", "Stay", "pit", 0),)),
    ), endings=(Ending("end", "End"),))
    assert expert_path(scenario) == [("a", "ok")]


def test_expert_path_is_empty_without_a_reachable_ending():
    assert expert_path(Scenario()) == []
    stuck = Scenario(steps=(Step("a", "A", choices=(Choice("loop", "Loop", "a", 0),)),),
                     endings=(Ending("end", "End"),))
    assert expert_path(stuck) == []


# --- validation -----------------------------------------------------------------------------------


def test_a_sound_scenario_has_no_problems():
    assert validate(border_screening()) == []
    assert validate(border_screening(), "ending") == []
    assert validate(border_screening(), "none") == []


def test_an_empty_scenario_has_no_steps_and_no_ending():
    problems = validate(Scenario())
    assert codes(problems) == [("no_steps", None), ("no_ending", None)]
    assert problems[0].text() == "The scenario has no steps."
    assert problems[1].severity == "error"


def test_duplicate_ids_of_steps_endings_and_choices_are_named():
    scenario = border_screening()
    steps = scenario.steps + (Step("interview", "Again", choices=(Choice("x", "X", "referred", 0),)),)
    endings = scenario.endings + (Ending("arrival", "Clash"),)
    arrival = scenario.steps[0]
    twice = Step(arrival.id, arrival.title, arrival.body, arrival.image,
                 arrival.choices + (Choice("separate", "Again", "refer", 0),))
    problems = validate(Scenario(steps=(twice,) + steps[1:], endings=endings))
    duplicates = [problem for problem in problems if problem.code == "duplicate_id"]
    assert [problem.text() for problem in duplicates] == [
        'The id "interview" is given to more than one step or ending.',
        'The id "arrival" is given to more than one step or ending.',
        'Step "arrival" has more than one choice with the id "separate".',
    ]


def test_an_unknown_start_is_named():
    problems = validate(Scenario(steps=border_screening().steps, endings=border_screening().endings,
                                 start="ghost"))
    assert codes(problems) == [("unknown_start", None)]
    assert problems[0].text() == 'The start step "ghost" is not a step of this scenario.'


def test_an_ending_id_is_not_a_valid_start():
    problems = validate(Scenario(steps=border_screening().steps, endings=border_screening().endings,
                                 start="referred"))
    assert ("unknown_start", None) in codes(problems)


def test_an_unknown_target_names_the_step_the_choice_and_the_target():
    scenario = Scenario(steps=(Step("a", "A", choices=(Choice("go", "Go", "nowhere", 1),
                                                       Choice("end", "End", "end", 1))),),
                        endings=(Ending("end", "End"),))
    problems = validate(scenario)
    assert codes(problems) == [("unknown_target", "a")]
    assert problems[0].params == {"step": "a", "choice": "go", "target": "nowhere"}
    assert problems[0].text() == 'Choice "go" of step "a" leads to "nowhere", which is neither a step nor an ending.'


def test_a_step_without_choices_is_reported_once():
    scenario = Scenario(steps=(Step("a", "A", choices=(Choice("b", "B", "b", 1), Choice("e", "E", "end", 1))),
                               Step("b", "B")),
                        endings=(Ending("end", "End"),))
    assert codes(validate(scenario)) == [("no_choices", "b")]


def test_unreachable_steps_and_endings_are_named():
    scenario = Scenario(steps=(Step("a", "A", choices=(Choice("e", "E", "end", 1),)),
                               Step("island", "Island", choices=(Choice("e", "E", "lost", 1),))),
                        endings=(Ending("end", "End"), Ending("lost", "Lost")))
    problems = validate(scenario)
    assert codes(problems) == [("unreachable", "island"), ("unreachable", "lost")]
    assert problems[0].text() == 'Step "island" cannot be reached from the start step "a".'
    assert problems[1].text() == 'Ending "lost" cannot be reached from the start step "a".'


def test_a_step_that_cannot_reach_an_ending_is_a_dead_end():
    scenario = Scenario(steps=(
        Step("a", "A", choices=(Choice("trap", "Trap", "b", 0), Choice("e", "E", "end", 1))),
        Step("b", "B", choices=(Choice("c", "C", "c", 0),)),
        Step("c", "C", choices=(Choice("b", "B", "b", 0),)),
    ), endings=(Ending("end", "End"),))
    problems = validate(scenario)
    assert codes(problems) == [("dead_end", "b"), ("dead_end", "c")]
    assert problems[0].text() == 'No ending can be reached from step "b".'


def test_positive_points_on_a_loop_name_the_choice():
    scenario = Scenario(steps=(
        Step("a", "A", choices=(Choice("to_b", "B", "b", 0), Choice("e", "E", "end", 1))),
        Step("b", "B", choices=(Choice("back", "Back", "a", 2), Choice("self", "Stay", "b", 1))),
    ), endings=(Ending("end", "End"),))
    problems = validate(scenario)
    assert codes(problems) == [("positive_points_in_loop", "b"), ("positive_points_in_loop", "b")]
    assert problems[0].params == {"step": "b", "choice": "back", "points": 2, "target": "a"}
    assert problems[0].text().startswith('Choice "back" of step "b" gives 2 points but lies on a loop')
    assert problems[1].params["choice"] == "self"


def test_negative_and_zero_points_on_a_loop_are_allowed():
    assert "positive_points_in_loop" not in [problem.code for problem in validate(border_screening())]


def test_images_without_alt_text_are_reported():
    scenario = border_screening()
    arrival = scenario.steps[0]
    blank = Step(arrival.id, arrival.title, '<p><img src="/a.png"></p>', Image("/static/b.jpg", "  "),
                 (Choice("separate", "S", "interview", 3, feedback='<img src="/c.png"/>'),) + arrival.choices[1:])
    decorative = Ending("referred", "R", '<img src="/d.png" alt="">', "good", 3)
    problems = validate(Scenario(intro='<img src="/e.png">', steps=(blank,) + scenario.steps[1:],
                                 endings=(decorative,) + scenario.endings[1:]))
    assert [problem.text() for problem in problems] == [
        "An image in the introduction has no alt text.",
        'The image of step "arrival" has no alt text.',
        'An image in the body of step "arrival" has no alt text.',
        'An image in the feedback of choice "separate" of step "arrival" has no alt text.',
    ]
    assert {problem.code for problem in problems} == {"missing_alt"}


def test_path_scoring_needs_a_path_that_earns_points():
    scenario = chain(0, 0, ending_points=2)
    problems = validate(scenario, "path")
    assert codes(problems) == [("unattainable_score", None)]
    assert '"path"' in problems[0].text()
    assert validate(scenario, "ending") == []
    assert validate(scenario, "none") == []


def test_ending_scoring_needs_a_reachable_ending_with_points():
    scenario = chain(1, 2, ending_points=0)
    assert codes(validate(scenario, "ending")) == [("unattainable_score", None)]
    assert validate(scenario, "path") == []


def test_unattainable_score_is_not_reported_when_no_ending_is_reachable_anyway():
    stuck = Scenario(steps=(Step("a", "A", choices=(Choice("loop", "Loop", "a", 0),)),),
                     endings=(Ending("end", "End"),))
    assert codes(validate(stuck)) == [("dead_end", "a"), ("unreachable", "end")]


def test_validate_refuses_an_unknown_scoring_mode():
    with pytest.raises(ValueError):
        validate(border_screening(), "points")


def test_problem_messages_are_translated_before_they_are_filled():
    problem = Problem("dead_end", "No ending can be reached from step \"{step}\".", {"step": "b"}, "b")
    translations = {"No ending can be reached from step \"{step}\".": "Из шага «{step}» нельзя дойти до финала."}
    assert problem.text(lambda message: translations.get(message, message)) == "Из шага «b» нельзя дойти до финала."


def test_ids_with_braces_are_safe_in_messages():
    problems = validate(Scenario(steps=(Step("{a}", "A", choices=(Choice("x", "X", "{oops}", 1),)),),
                                 endings=(Ending("end", "End"),)))
    assert 'Choice "x" of step "{a}" leads to "{oops}"' in problems[0].text()


# --- attempts -------------------------------------------------------------------------------------


def test_an_attempt_starts_at_the_start_step():
    assert start_attempt(border_screening(), 1) == Attempt(number=1, current="arrival")
    assert start_attempt(Scenario(), 2) == Attempt(number=2, current=None)
    ghost = Scenario(steps=border_screening().steps, start="ghost")
    assert start_attempt(ghost, 1).current is None


def test_a_choice_moves_to_its_target_step():
    scenario = border_screening()
    attempt = choose(scenario, start_attempt(scenario, 1), "arrival", "together")
    assert attempt == Attempt(number=1, path=(("arrival", "together"),), current="companion_answers")


def test_reaching_an_ending_finishes_and_scores_the_attempt():
    scenario = border_screening()
    attempt = walk(scenario, [("arrival", "together"), ("companion_answers", "again"),
                              ("companion_answers", "now_separate"), ("interview", "indicators"),
                              ("refer", "specialists")])
    assert attempt.finished and attempt.current == "referred"
    assert attempt.score == pytest.approx(4 / 7)
    assert attempt.path[1] == ("companion_answers", "again")


def test_the_score_at_an_ending_follows_the_scoring_mode():
    scenario = border_screening()
    attempt = start_attempt(scenario, 1)
    attempt = choose(scenario, attempt, "arrival", "separate", "ending")
    attempt = choose(scenario, attempt, "interview", "indicators", "ending")
    assert choose(scenario, attempt, "refer", "specialists", "ending").score == 1.0
    assert choose(scenario, attempt, "refer", "police", "ending").score == 0.0
    assert choose(scenario, attempt, "refer", "specialists", "none").score is None


def test_a_finished_attempt_refuses_more_choices():
    scenario = border_screening()
    attempt = walk(scenario, [("arrival", "together"), ("companion_answers", "stamp")])
    with pytest.raises(ScenarioError) as error:
        choose(scenario, attempt, "arrival", "separate")
    assert error.value.code == "attempt_finished"
    assert error.value.text() == "This attempt has already finished."


def test_a_choice_at_another_step_than_the_current_one_is_refused():
    scenario = border_screening()
    attempt = start_attempt(scenario, 1)
    for step_id in ("interview", "ghost", None, 3):
        with pytest.raises(ScenarioError) as error:
            choose(scenario, attempt, step_id, "indicators")
        assert error.value.code == "not_current_step"
    assert error.value.params == {"step": 3}


def test_an_unknown_choice_is_refused_with_its_id():
    scenario = border_screening()
    with pytest.raises(ScenarioError) as error:
        choose(scenario, start_attempt(scenario, 1), "arrival", "indicators")
    assert error.value.code == "unknown_choice"
    assert error.value.text() == 'Step "arrival" has no choice "indicators".'
    with pytest.raises(ScenarioError):
        choose(scenario, start_attempt(scenario, 1), "arrival", ["separate"])


def test_a_choice_that_leads_nowhere_is_refused_without_naming_the_target():
    scenario = Scenario(steps=(Step("a", "A", choices=(Choice("go", "Go", "secret_target", 1),)),))
    with pytest.raises(ScenarioError) as error:
        choose(scenario, start_attempt(scenario, 1), "a", "go")
    assert error.value.code == "unknown_target"
    assert "secret_target" not in error.value.text()


def test_choose_never_changes_the_attempt_it_is_given():
    scenario = border_screening()
    attempt = start_attempt(scenario, 1)
    choose(scenario, attempt, "arrival", "separate")
    assert attempt == Attempt(number=1, current="arrival")


def test_the_reflection_is_kept_while_walking():
    scenario = border_screening()
    attempt = Attempt(number=1, current="refer", reflection="notes")
    assert choose(scenario, attempt, "refer", "specialists").reflection == "notes"


def test_attempt_dict_is_json_safe_and_round_trips():
    scenario = border_screening()
    attempt = walk(scenario, expert_path(scenario))
    attempt = Attempt(attempt.number, attempt.path, attempt.current, attempt.finished, attempt.score, "Тест")
    assert Attempt.from_dict(json.loads(json.dumps(attempt.to_dict()))) == attempt
    assert Attempt.from_dict(start_attempt(scenario, 3).to_dict()) == start_attempt(scenario, 3)


def test_an_attempt_is_consistent_while_its_nodes_and_choices_exist():
    scenario = border_screening()
    playing = walk(scenario, [("arrival", "together")])
    finished = walk(scenario, expert_path(scenario))
    assert is_consistent(scenario, start_attempt(scenario, 1))
    assert is_consistent(scenario, playing) and is_consistent(scenario, finished)
    without_current = Scenario(steps=tuple(step for step in scenario.steps if step.id != "companion_answers"),
                               endings=scenario.endings)
    assert not is_consistent(without_current, playing)
    without_ending = Scenario(steps=scenario.steps, endings=scenario.endings[1:])
    assert not is_consistent(without_ending, finished)
    arrival = scenario.steps[0]
    fewer_choices = Step(arrival.id, arrival.title, choices=arrival.choices[1:])
    assert not is_consistent(Scenario(steps=(fewer_choices,) + scenario.steps[1:], endings=scenario.endings),
                             finished)


def test_an_attempt_with_no_current_step_is_consistent_only_while_there_is_nothing_to_play():
    assert is_consistent(Scenario(), start_attempt(Scenario(), 1))
    assert not is_consistent(border_screening(), start_attempt(Scenario(), 1))
    assert not is_consistent(border_screening(), Attempt(number=1, current="arrival", finished=True))


def test_path_score_is_points_taken_over_the_best_total_clamped():
    scenario = border_screening()
    best = Attempt(1, (("arrival", "separate"), ("interview", "indicators"), ("refer", "specialists")),
                   "referred", True)
    assert score(scenario, best, "path") == 1.0
    losing = Attempt(1, (("arrival", "separate"), ("interview", "refuse")), "removed", True)
    assert score(scenario, losing, "path") == pytest.approx(1 / 7)
    worst = Attempt(1, (("arrival", "together"), ("companion_answers", "again")), "removed", True)
    assert score(scenario, worst, "path") == 0.0


def test_ending_score_is_the_ending_points_over_the_best_reachable():
    scenario = Scenario(steps=border_screening().steps,
                        endings=(Ending("referred", "R", points=4), Ending("admitted", "A", points=1),
                                 Ending("removed", "X", points=-2)))
    assert score(scenario, Attempt(1, (), "admitted", True), "ending") == 0.25
    assert score(scenario, Attempt(1, (), "removed", True), "ending") == 0.0


def test_score_is_none_unscored_or_unfinished_and_zero_without_attainable_points():
    scenario = border_screening()
    assert score(scenario, Attempt(1, (), "referred", True), "none") is None
    assert score(scenario, Attempt(1, (), "arrival"), "path") is None
    assert score(chain(0, 0), Attempt(1, (("s0", "c0"), ("s1", "c1")), "end", True), "path") == 0.0
    with pytest.raises(ValueError):
        score(scenario, Attempt(1, (), "referred", True), "best")


def test_overall_grade_takes_the_best_the_last_or_the_first_score():
    scores = [0.5, None, 0.9, 0.2]
    assert overall(scores, "best") == 0.9
    assert overall(scores, "last") == 0.2
    assert overall(scores, "first") == 0.5
    assert overall([], "best") is None
    assert overall([None], "last") is None
    with pytest.raises(ValueError):
        overall(scores, "average")


# --- at scale: counted, never timed ---------------------------------------------------------------


class _Walked(tuple):
    """A tuple that counts how many times it is walked through (each `for` over it is one walk)."""

    def __iter__(self):
        self.walks = getattr(self, "walks", 0) + 1
        return super().__iter__()


def test_validating_walks_a_step_s_choices_a_bounded_number_of_times_however_many_it_has():
    choices = _Walked(Choice(f"c{i}", f"Option {i}", "end", 1) for i in range(2000))
    scenario = Scenario(steps=(Step("s", "Many options", choices=choices),), endings=(Ending("end", "End"),))
    assert validate(scenario) == []
    assert choices.walks <= 8  # not once per choice (finding each choice's first occurrence by its id)


def test_replaying_a_long_path_looks_each_step_up_without_walking_all_the_steps():
    scenario = chain(*[1] * 300)
    steps = _Walked(scenario.steps)
    scenario = Scenario(steps=steps, endings=scenario.endings)
    attempt = start_attempt(scenario, 1)
    for number in range(300):
        attempt = choose(scenario, attempt, f"s{number}", f"c{number}")
    assert attempt.finished and attempt.score == 1.0
    assert is_consistent(scenario, attempt)
    assert score(scenario, attempt, "path") == 1.0
    assert steps.walks <= 8  # not once per move


def test_review_gives_the_problems_of_validate_and_the_best_score_of_the_scoring_mode():
    for scenario in (border_screening(), chain(2, 3), Scenario(steps=(Step("a", "A"),))):
        assert review(scenario, "path") == (validate(scenario, "path"), best_path_total(scenario))
        assert review(scenario, "ending") == (validate(scenario, "ending"), best_ending_points(scenario))
        assert review(scenario, "none") == (validate(scenario, "none"), None)
    with pytest.raises(ValueError):
        review(border_screening(), "most")


def test_a_step_looked_up_by_an_id_that_is_not_a_string_is_not_found():
    assert border_screening().step(["arrival"]) is None
    assert border_screening().ending({"id": "referred"}) is None


# --- the moves of one attempt are bounded -----------------------------------------------------------


def test_an_attempt_holds_at_most_max_moves_choices_even_on_a_zero_point_loop():
    scenario = border_screening()
    attempt = choose(scenario, start_attempt(scenario, 1), "arrival", "together")
    while len(attempt.path) < max_moves(scenario):
        attempt = choose(scenario, attempt, "companion_answers", "again")
    assert len(attempt.path) == max_moves(scenario) == MOVES_FLOOR
    with pytest.raises(ScenarioError) as refused:
        choose(scenario, attempt, "companion_answers", "now_separate")
    assert refused.value.code == "too_many_moves"
    assert str(MOVES_FLOOR) in refused.value.text()


def test_the_bound_grows_with_the_scenario_so_every_simple_path_fits():
    long_chain = chain(*[1] * (MOVES_FLOOR + 50))
    assert max_moves(long_chain) == 2 * (MOVES_FLOOR + 50)
    attempt = start_attempt(long_chain, 1)
    for index in range(MOVES_FLOOR + 50):
        attempt = choose(long_chain, attempt, f"s{index}", f"c{index}")
    assert attempt.finished and attempt.score == 1.0
