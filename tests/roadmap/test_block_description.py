"""The block describes itself for the roadmap when course staff read its cohort report, in the real workbench runtime."""
from rtcm_xblocks.needs.models import BlockDescription
from rtcm_xblocks.roadmap.figures import roadmap_for
from tests.workbench import get_block, load_scenario

PILLARS = '<pillar id="p" title="P"><competency id="a">A</competency><competency id="b">B</competency></pillar>'
PRE_POST = f"""
<vertical_demo>
  <rtcm_needs_assessment url_name="road_pre" phase="pre" display_name="Before" min_group_size="2">{PILLARS}</rtcm_needs_assessment>
  <rtcm_needs_assessment url_name="road_post" phase="post" pre="road_pre" display_name="After" min_group_size="2">{PILLARS}</rtcm_needs_assessment>
  <rtcm_needs_assessment url_name="road_default" min_group_size="2"/>
</vertical_demo>
"""


def test_reading_the_cohort_reports_describes_the_blocks_and_feeds_the_roadmap(workbench, settings):
    settings.RTCM_ROADMAP_MIN_GROUP_SIZE = 2
    name, root = load_scenario(PRE_POST, name="roadmap_pre_post")
    pre, post, default = get_block(root).children
    for number in range(3):
        for usage, proficiency in ((pre, 1), (post, 4)):
            ratings = {cid: {"importance": 5, "proficiency": proficiency} for cid in ("a", "b")}
            body = {"ratings": ratings, "profile": {"country": "GE", "role": "private words"}}
            assert workbench.call(usage, "submit", body, student=f"learner{number}")[0] == 200
    assert not BlockDescription.objects.exists()
    for usage in (pre, post, default):
        assert workbench.call(usage, "cohort_report", student="staff")[0] == 200
    rows = {row.block_key: row for row in BlockDescription.objects.all()}
    assert set(rows) == {f"{name}/road_pre", f"{name}/road_post", f"{name}/road_default"}
    first, second = rows[f"{name}/road_pre"], rows[f"{name}/road_post"]
    assert (first.phase, first.pre_key, first.title, first.course_key) == ("pre", "", "Before", name)
    assert (second.phase, second.pre_key) == ("post", f"{name}/road_pre")
    assert first.framework_id == second.framework_id and first.framework_id.startswith("custom:")
    assert rows[f"{name}/road_default"].framework_id == "rtcm-default"
    assert first.cohort_start is not None and "private words" not in repr(first.framework)

    roadmap = roadmap_for([name])
    [section] = roadmap["frameworks"]
    assert section["report"]["respondents"] == 3
    [change] = roadmap["changes"]
    assert change["respondents"] == {"pre": 3, "post": 3} and change["pillars"][0]["proficiency_change"] == 3.0
