"""Course scopes: the blocks of one course (or one workbench scenario) share one, whatever their branch."""
from opaque_keys.edx.keys import CourseKey, UsageKey

from rtcm_xblocks.common.storage import block_key, course_scope


def test_in_a_course_the_scope_is_the_course_key_without_branch():
    draft = UsageKey.from_string("block-v1:RTCM+MM101+2026+branch@draft-branch+type@rtcm_scenario+block@border")
    published = UsageKey.from_string("block-v1:RTCM+MM101+2026+type@rtcm_needs_assessment+block@tna")
    assert course_scope(draft) == course_scope(published) == "course-v1:RTCM+MM101+2026"


def test_an_old_style_course_key_is_its_own_string():
    usage = CourseKey.from_string("RTCM/MM101/2026").make_usage_key("rtcm_scenario", "border")
    assert course_scope(usage) == "RTCM/MM101/2026"


def test_in_the_workbench_the_scope_is_the_scenario_name_as_in_block_keys():
    scenario = "needs-and-scenarios.rtcm_scenario.d1.u0"
    needs = "needs-and-scenarios.rtcm_needs_assessment.d2.u0"
    assert course_scope(scenario) == course_scope(needs) == "needs-and-scenarios"
    assert block_key(scenario, "rtcm_scenario", "border").startswith(course_scope(scenario) + "/")


def test_different_courses_and_scenarios_have_different_scopes():
    other = UsageKey.from_string("block-v1:RTCM+MM102+2026+type@rtcm_scenario+block@border")
    assert course_scope(other) != "course-v1:RTCM+MM101+2026"
    assert course_scope("one.rtcm_scenario.d0.u0") != course_scope("two.rtcm_scenario.d0.u0")
