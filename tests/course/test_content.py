"""The starter course's teaching content: substantial, sourced introductions and explained knowledge checks."""
import re

import pytest

from tests.course.course_tree import COURSE_DIR, PILLARS, children, parse, prefix, words

FRAMEWORKS = re.compile(r"\bGCM\b|Global Compact|MiGOF|Palermo Protocol|MICIC|IRIS|Refugee Convention|"
                        r"Reintegration Handbook|ICAO|Data Protection Principles|International Health Regulations")
INTROS = [p for p in PILLARS if (COURSE_DIR / "html" / f"{prefix(p)}_intro_text.html").exists()]


def _problems(pillar):
    return [name for tag, name in children("vertical", f"{prefix(pillar)}_check_unit") if tag == "problem"]


def test_every_pillar_has_an_introduction():
    assert INTROS == list(PILLARS)


@pytest.mark.parametrize("pillar", INTROS)
def test_introduction_has_at_least_400_words_and_cites_frameworks(pillar):
    text = (COURSE_DIR / "html" / f"{prefix(pillar)}_intro_text.html").read_text(encoding="utf-8")
    assert len(words(text)) >= 400
    assert len(set(FRAMEWORKS.findall(text))) >= 2


@pytest.mark.parametrize("name", ["welcome_about_text", "closing_reflection_text"])
def test_welcome_and_closing_pages_are_written(name):
    text = (COURSE_DIR / "html" / f"{name}.html").read_text(encoding="utf-8")
    assert len(words(text)) >= 250


def test_welcome_explains_the_grading_policy_in_force():
    import json  # pylint: disable=import-outside-toplevel

    text = " ".join(words((COURSE_DIR / "html" / "welcome_about_text.html").read_text(encoding="utf-8")))
    policy = json.loads((COURSE_DIR / "policies" / "2026" / "grading_policy.json").read_text(encoding="utf-8"))
    for grader in policy["GRADER"]:
        assert f"{round(grader['weight'] * 100)}%" in text, grader["type"]
    assert f"{round(policy['GRADE_CUTOFFS']['Pass'] * 100)}%" in text


@pytest.mark.parametrize("pillar", [p for p in PILLARS if (COURSE_DIR / "vertical" / f"{prefix(p)}_check_unit.xml").exists()])
def test_knowledge_check_problems_are_single_answer_multiple_choice_with_an_explanation(pillar):
    problems = _problems(pillar)
    assert len(problems) >= 2
    for name in problems:
        root = parse(COURSE_DIR / "problem" / f"{name}.xml")
        assert root.tag == "problem" and root.get("display_name"), name
        group = root.find("multiplechoiceresponse/choicegroup")
        assert group is not None and group.get("type") == "MultipleChoice", name
        choices = group.findall("choice")
        assert len(choices) >= 3, name
        assert [c.get("correct") for c in choices].count("true") == 1, name
        assert "".join(root.find("multiplechoiceresponse/label").itertext()).strip(), name
        solution = root.find(".//solution")
        assert solution is not None and len(" ".join(solution.itertext()).split()) >= 25, name


def test_attempts_match_what_the_welcome_page_promises():
    from tests.course.course_tree import custom_blocks  # pylint: disable=import-outside-toplevel

    for _path, scenario in custom_blocks("rtcm_scenario"):
        assert (scenario.get("max_attempts"), scenario.get("grading")) == ("2", "best"), scenario.get("url_name")
    for path in sorted((COURSE_DIR / "problem").glob("*.xml")):
        assert parse(path).get("max_attempts") == "2", path.name
