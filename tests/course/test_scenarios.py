"""Every scenario exercise of the starter course is valid, substantial and written to the agreed rules."""
from collections import deque

import pytest

from tests.course.course_tree import LANGUAGES, PILLARS, course_dir, custom_blocks, prefix, words

SCENARIOS = custom_blocks("rtcm_scenario")
IDS = [element.get("url_name") for _path, element in SCENARIOS]


def _structure(element):
    """(start id, {step id: [choice elements]}, {ending id: element}) read straight from the OLX."""
    steps = {step.get("id"): step.findall("choice") for step in element.findall("step")}
    endings = {ending.get("id"): ending for ending in element.findall("ending")}
    start = element.get("start") or element.find("step").get("id")
    return start, steps, endings


def _reachable(start, steps):
    seen, queue = {start}, deque([start])
    while queue:
        for choice in steps.get(queue.popleft(), []):
            if choice.get("to") not in seen:
                seen.add(choice.get("to"))
                queue.append(choice.get("to"))
    return seen


def test_the_course_has_a_scenario_for_each_pillar():
    assert sorted(IDS) == sorted(f"{prefix(p)}_scenario" for p in PILLARS)


@pytest.mark.parametrize("url_name", IDS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_scenario_parses_and_validates_without_any_problem(language, url_name):
    from rtcm_xblocks.scenario import graph, olx, validation  # pylint: disable=import-outside-toplevel

    path, element = next((path, element) for path, element in custom_blocks("rtcm_scenario", course_dir(language))
                         if element.get("url_name") == url_name)
    scenario = olx.parse_scenario(element)
    problems = validation.validate(scenario, element.get("scoring", "path"))
    assert [p.text() for p in problems] == [], path.name  # no error, and no warning either
    assert graph.best_path_total(scenario) > 0


@pytest.mark.parametrize(("path", "element"), SCENARIOS, ids=IDS)
def test_scenario_has_six_steps_three_endings_and_every_ending_is_reachable(path, element):
    start, steps, endings = _structure(element)
    assert len(steps) >= 6, path.name
    assert len(endings) >= 3, path.name
    reachable = _reachable(start, steps)
    assert set(steps) | set(endings) <= reachable, path.name
    assert {ending.get("outcome") for ending in endings.values()} >= {"good", "bad"}, path.name


@pytest.mark.parametrize(("path", "element"), SCENARIOS, ids=IDS)
def test_scenario_attributes_follow_the_course_conventions(path, element):
    pillar = element.get("pillar")
    assert pillar in PILLARS, path.name
    assert element.get("url_name") == f"{prefix(pillar)}_scenario"
    assert element.get("scoring") in ("path", "ending")
    assert element.get("grading") in ("best", "last", "first")
    assert element.get("display_name", "").strip()
    assert int(element.get("max_attempts", "0")) >= 0


@pytest.mark.parametrize(("path", "element"), SCENARIOS, ids=IDS)
def test_every_step_offers_two_to_four_choices_with_one_expert_choice_and_explained_feedback(path, element):
    _start, steps, endings = _structure(element)
    for step_id, choices in steps.items():
        assert 2 <= len(choices) <= 4, (path.name, step_id)
        assert [c.get("expert") for c in choices].count("true") == 1, (path.name, step_id)
        for choice in choices:
            assert 0 <= int(choice.get("points", "0")) <= 3, (path.name, step_id, choice.get("id"))
            assert choice.get("to") in steps or choice.get("to") in endings
            assert "".join(choice.find("label").itertext()).strip()
            from lxml import etree  # pylint: disable=import-outside-toplevel
            feedback = etree.tostring(choice.find("feedback"), encoding="unicode")
            assert len(words(feedback)) >= 20, (path.name, step_id, choice.get("id"))
        expert = next(c for c in choices if c.get("expert") == "true")
        assert int(expert.get("points", "0")) == max(int(c.get("points", "0")) for c in choices), (path.name, step_id)


@pytest.mark.parametrize(("path", "element"), SCENARIOS, ids=IDS)
def test_every_ending_has_a_debrief(path, element):
    from lxml import etree  # pylint: disable=import-outside-toplevel

    for ending in element.findall("ending"):
        assert ending.get("outcome") in ("good", "neutral", "bad")
        assert len(words(etree.tostring(ending.find("body"), encoding="unicode"))) >= 30, (path.name, ending.get("id"))
