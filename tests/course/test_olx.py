"""The starter course is a valid, importable OLX course with the agreed layout and policies."""
import json
import struct

import olxcleaner
import pytest

from tests.course.course_tree import (
    COURSE_DIR, CUSTOM_BLOCKS, LANGUAGES, PILLARS, chapter_pointers, children, course_dir, jump_links, parse, prefix,
    url_names,
)

RUN = "2026"


def _policy():
    return json.loads((COURSE_DIR / "policies" / RUN / "policy.json").read_text(encoding="utf-8"))[f"course/{RUN}"]


def _grading_policy():
    return json.loads((COURSE_DIR / "policies" / RUN / "grading_policy.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_olxcleaner_reports_no_error_level_problems(language):
    folder = course_dir(language)
    _course, errorstore, _names = olxcleaner.validate(str(folder / "course.xml"), allowed_xblocks=list(CUSTOM_BLOCKS))
    errors = [f"{error.filename}: {error.description}" for error in errorstore.errors if error.level == "ERROR"]
    assert errors == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_is_a_run_of_its_own_with_its_language_set_and_graders_named_alike(language):
    folder = course_dir(language)
    run = RUN if language == "en" else f"{RUN}-{language}"
    assert (parse(folder / "course.xml").get("url_name"), parse(folder / "course.xml").get("course")) == (run, "MMP101")
    assert parse(folder / "course" / f"{run}.xml").get("language") == language
    policy = json.loads((folder / "policies" / run / "policy.json").read_text(encoding="utf-8"))
    assert list(policy) == [f"course/{run}"]
    assert policy[f"course/{run}"].get("language", "en") == language
    assert {key: value for key, value in policy[f"course/{run}"].items() if key != "language"} == _policy()
    graders = {grader["type"] for grader in
               json.loads((folder / "policies" / run / "grading_policy.json").read_text(encoding="utf-8"))["GRADER"]}
    formats = {parse(path).get("format") for path in (folder / "sequential").glob("*.xml")} - {None}
    assert formats == graders


def test_course_xml_names_the_org_course_and_run():
    root = parse(COURSE_DIR / "course.xml")
    assert (root.tag, root.get("url_name"), root.get("org"), root.get("course")) == ("course", RUN, "IOM-RTCM", "MMP101")


def test_sections_are_welcome_then_the_ten_pillars_then_closing():
    assert chapter_pointers() == ["welcome", *(f"pillar_{prefix(p)}" for p in PILLARS), "closing"]


def test_every_url_name_is_unique_across_block_types():
    duplicates = {name: types for name, types in url_names().items() if len(types) > 1}
    assert duplicates == {}


@pytest.mark.parametrize("pillar", PILLARS)
def test_each_pillar_section_has_learn_and_check_subsections_with_intro_scenario_and_problems(pillar):
    p = prefix(pillar)
    if not (COURSE_DIR / "chapter" / f"pillar_{p}.xml").exists():
        pytest.fail(f"chapter/pillar_{p}.xml is missing")
    assert children("chapter", f"pillar_{p}") == [("sequential", f"{p}_learn"), ("sequential", f"{p}_check")]
    assert children("sequential", f"{p}_learn")[:2] == [("vertical", f"{p}_intro"), ("vertical", f"{p}_scenario_unit")]
    assert ("html", f"{p}_intro_text") in children("vertical", f"{p}_intro")
    scenarios = [el for el in parse(COURSE_DIR / "vertical" / f"{p}_scenario_unit.xml").iter("rtcm_scenario")]
    assert [el.get("url_name") for el in scenarios] == [f"{p}_scenario"]
    problems = [name for tag, name in children("vertical", f"{p}_check_unit") if tag == "problem"]
    assert len(problems) >= 2
    assert problems[:2] == [f"{p}_check_1", f"{p}_check_2"]


def test_policy_offers_both_blocks_and_sets_start_and_end():
    policy = _policy()
    assert set(policy["advanced_modules"]) >= {"rtcm_scenario", "rtcm_needs_assessment"}
    assert policy["start"].startswith("2026-")
    assert policy["start"] < policy["end"]


def test_course_image_is_a_real_png_of_card_size():
    data = (COURSE_DIR / "static" / _policy()["course_image"]).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 378 and height >= 225
    assets = json.loads((COURSE_DIR / "policies" / "assets.json").read_text(encoding="utf-8"))
    assert _policy()["course_image"] in assets


def test_about_pages_describe_the_course():
    overview = (COURSE_DIR / "about" / "overview.html").read_text(encoding="utf-8")
    short = (COURSE_DIR / "about" / "short_description.html").read_text(encoding="utf-8")
    assert "Migration management in practice" in overview and len(overview.split()) >= 150
    assert len(short.split()) >= 15


def test_grading_policy_counts_every_scenario_and_knowledge_check():
    graders = {entry["type"]: entry for entry in _grading_policy()["GRADER"]}
    assert set(graders) == {"Scenario exercise", "Knowledge check"}
    assert sum(entry["weight"] for entry in graders.values()) == pytest.approx(1.0)
    assert graders["Scenario exercise"]["min_count"] == len(PILLARS)
    assert graders["Knowledge check"]["min_count"] == len(PILLARS)
    for pillar in PILLARS:
        p = prefix(pillar)
        for sequential, grader in ((f"{p}_learn", "Scenario exercise"), (f"{p}_check", "Knowledge check")):
            path = COURSE_DIR / "sequential" / f"{sequential}.xml"
            if not path.exists():
                pytest.fail(f"{path.name} is missing")
            root = parse(path)
            assert (root.get("format"), root.get("graded")) == (grader, "true"), sequential


def test_graded_scenarios_and_problems_carry_weight():
    for path in sorted((COURSE_DIR / "vertical").glob("*_scenario_unit.xml")):
        for scenario in parse(path).iter("rtcm_scenario"):
            assert scenario.get("scoring") in ("path", "ending") and float(scenario.get("weight", "1")) > 0, path.name


def test_every_jump_to_id_link_resolves_to_a_block_of_the_course():
    names = url_names()
    links = jump_links()
    assert links, "the course links its units from the self-assessments"
    unresolved = [(where, target) for where, target in links if target not in names]
    assert unresolved == []


def test_no_file_declares_a_doctype_or_entities():
    for path in COURSE_DIR.rglob("*.xml"):
        parse(path)  # raises UnsafeXMLError on a DOCTYPE or entity
