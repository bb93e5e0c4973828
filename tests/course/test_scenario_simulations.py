"""The starter course's scenarios are simulations, not quizzes whose answers sit in fixed places.

Specifications (issue 10): every scenario shuffles its choices and its OLX does not put the expert
choice first; the choices practise competencies of the default self-assessment framework, each of
which some path earns; every scenario has a hint on a hard step costing at most one point; the
cases that call for it keep state (at least four), speak through declared characters with their
portraits (at least two) and run one timed step; shown meters are labelled and can be filled.
"""
import json
import re

import pytest
from lxml import etree

from tests.course.course_tree import COURSE_DIR, custom_blocks

SCENARIOS = custom_blocks("rtcm_scenario")
IDS = [element.get("url_name") for _path, element in SCENARIOS]
FRAMEWORK = COURSE_DIR.parent / "rtcm_xblocks" / "needs" / "frameworks" / "rtcm-default.xml"


def _framework_competencies():
    return {element.get("id") for element in etree.parse(str(FRAMEWORK)).getroot().iter("competency")}


def _best_competency_totals(element):
    """{competency id: the highest total any simple path from the start to an ending earns}."""
    steps = {step.get("id"): step for step in element.findall("step")}
    start = element.get("start") or element.find("step").get("id")
    best = {}

    def walk(step_id, seen, totals):
        step = steps.get(step_id)
        if step is None:  # an ending
            for competency, total in totals.items():
                best[competency] = max(best.get(competency, total), total)
            return
        for choice in step.findall("choice"):
            if choice.get("to") in seen:
                continue
            earned = dict(totals)
            for competency in choice.findall("competency"):
                earned[competency.get("id")] = earned.get(competency.get("id"), 0) + int(competency.get("points"))
            walk(choice.get("to"), seen | {choice.get("to")}, earned)

    walk(start, {start}, {competency.get("id"): 0 for competency in element.iter("competency")})
    return best


@pytest.mark.parametrize(("path", "element"), SCENARIOS, ids=IDS)
def test_choices_are_shuffled_and_the_olx_does_not_put_the_expert_choice_first(path, element):
    assert element.get("shuffle_choices") == "true", path.name
    steps = element.findall("step")
    expert_first = [step.get("id") for step in steps if step.find("choice").get("expert") == "true"]
    assert len(expert_first) <= len(steps) // 3, (path.name, expert_first)


@pytest.mark.parametrize(("path", "element"), SCENARIOS, ids=IDS)
def test_choices_practise_one_to_three_framework_competencies_each_of_which_some_path_earns(path, element):
    used = {competency.get("id") for competency in element.iter("competency")}
    assert 1 <= len(used) <= 3, (path.name, used)
    assert used <= _framework_competencies(), (path.name, used - _framework_competencies())
    assert all(competency.getparent().tag == "choice" for competency in element.iter("competency"))
    best = _best_competency_totals(element)
    assert {competency: total for competency, total in best.items() if total <= 0} == {}, path.name


@pytest.mark.parametrize(("path", "element"), SCENARIOS, ids=IDS)
def test_the_expert_choices_earn_the_best_total_of_every_competency(path, element):
    steps = {step.get("id"): step for step in element.findall("step")}
    best = _best_competency_totals(element)
    earned, step_id = dict.fromkeys(best, 0), element.get("start") or element.find("step").get("id")
    while step_id in steps:
        expert = steps[step_id].find("choice[@expert='true']")
        for competency in expert.findall("competency"):
            earned[competency.get("id")] += int(competency.get("points"))
        step_id = expert.get("to")
    assert earned == best, path.name


@pytest.mark.parametrize(("path", "element"), SCENARIOS, ids=IDS)
def test_a_hard_step_has_a_hint_costing_at_most_one_point(path, element):
    hints = element.findall("step/hint")
    assert hints, path.name
    for hint in hints:
        assert hint.get("cost", "0") in ("0", "1"), path.name
        assert "".join(hint.itertext()).strip()


def test_at_least_four_cases_keep_state_and_two_speak_through_characters():
    stateful = [element.get("url_name") for _path, element in SCENARIOS if element.findall("variable")]
    speaking = [element.get("url_name") for _path, element in SCENARIOS
                if element.findall("character") and element.findall("step/line")]
    assert len(stateful) >= 4, stateful
    assert len(speaking) >= 2, speaking
    assert "trafficking_scenario" in stateful and "trafficking_scenario" in speaking


def test_the_trafficking_interview_discloses_only_to_a_trusted_interviewer():
    element = next(element for _path, element in SCENARIOS if element.get("url_name") == "trafficking_scenario")
    trust = element.find("variable[@id='trust']")
    assert trust.get("shown") == "true" and trust.get("label")
    disclosure = element.find("step[@id='indicators']/line[@when]")
    assert re.fullmatch(r"trust >= \d", disclosure.get("when"))


@pytest.mark.parametrize(("path", "element"), SCENARIOS, ids=IDS)
def test_variables_effects_and_speakers_are_declared_and_shown_meters_are_labelled(path, element):
    variables = {variable.get("id"): variable for variable in element.findall("variable")}
    for variable in variables.values():
        if variable.get("shown") == "true":
            assert variable.get("label", "").strip(), (path.name, variable.get("id"))
        if variable.get("type") == "number":
            assert int(variable.get("min")) <= int(variable.get("initial")) <= int(variable.get("max"))
    for effect in element.xpath("step/choice/set | step/choice/add"):
        assert effect.get("var") in variables, (path.name, effect.get("var"))
        if effect.tag == "add":
            assert variables[effect.get("var")].get("type") == "number"
    characters = {character.get("id") for character in element.findall("character")}
    assert {line.get("by") for line in element.findall("step/line")} <= characters, path.name


def test_every_portrait_is_a_course_asset_drawn_as_a_plain_svg():
    assets = json.loads((COURSE_DIR / "policies" / "assets.json").read_text(encoding="utf-8"))
    portraits = [character.get("portrait") for _path, element in SCENARIOS for character in element.findall("character")]
    assert portraits
    for portrait in portraits:
        name = portrait.removeprefix("/static/")
        assert portrait.startswith("/static/") and name in assets, portrait
        assert assets[name]["contentType"] == "image/svg+xml"
        svg = etree.parse(str(COURSE_DIR / "static" / name)).getroot()
        assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.get("viewBox")
        tags = {etree.QName(node).localname for node in svg.iter() if isinstance(node.tag, str)}
        assert tags <= {"svg", "title", "circle", "ellipse", "rect", "path", "g"}, (name, tags)  # no script, no links
        assert not [key for node in svg.iter() for key in node.attrib if key.startswith("on") or "href" in key]


def test_one_case_runs_a_timed_step_with_one_timeout_choice():
    timed = [(element.get("url_name"), step) for _path, element in SCENARIOS for step in element.findall("step[@time_limit]")]
    assert timed
    for _name, step in timed:
        assert 5 <= int(step.get("time_limit")) <= 3600
        timeouts = step.findall("choice[@timeout='true']")
        assert len(timeouts) == 1 and timeouts[0].get("when") is None and timeouts[0].get("expert") != "true"


@pytest.mark.parametrize(("path", "element"), SCENARIOS, ids=IDS)
def test_a_shown_meter_runs_from_its_start_to_its_top_on_some_path(path, element):
    from rtcm_xblocks.scenario import olx, simulation  # pylint: disable=import-outside-toplevel

    scenario = olx.parse_scenario(element)
    states = [simulation.variable_values(scenario, values)
              for reached in simulation.explore(scenario).reached.values() for values in reached]
    for variable in scenario.variables:
        if variable.shown and variable.type == "number":
            seen = {state[variable.id] for state in states if state}  # an ending keeps no values
            assert variable.max in seen, (path.name, variable.id, variable.max, sorted(seen))
