"""Studio's preview (tests/platform/preview.py): author views for both blocks, and no learner data written."""
import re

import pytest

from rtcm_xblocks.needs import storage
from tests.needs.cases import SMALL_FRAMEWORK
from tests.platform.preview import PreviewRuntime, preview_fragment, preview_handler
from tests.scenario.cases import CASE
from tests.workbench import get_block, load_scenario

RATINGS = {"border.documents": {"importance": 5, "proficiency": 2},
           "border.referral": "na", "data.sharing": {"importance": 3, "proficiency": 3}}


@pytest.fixture
def scenario(db):  # pylint: disable=unused-argument
    return load_scenario(CASE.format(expert="true"))[1]


@pytest.fixture
def needs(db):  # pylint: disable=unused-argument
    return load_scenario(SMALL_FRAMEWORK)[1]


def test_studio_previews_the_scenario_with_its_author_view(scenario):
    view, fragment = preview_fragment(PreviewRuntime(), scenario)
    assert view == "author_view"
    assert "rtcm-author" in fragment.content


def test_studio_previews_the_self_assessment_with_an_author_view_that_summarises_and_has_no_form(needs):
    view, fragment = preview_fragment(PreviewRuntime(), needs)
    assert view == "author_view"
    html = fragment.content
    assert "Borders" in html and "Check a travel document" in html and "Share data safely" in html
    assert "<form" not in html and "submit" not in html.lower().replace("submitted", "")
    assert getattr(fragment, "js_init_fn", None) != "RtcmNeedsAssessment"


def test_the_self_assessment_author_view_states_its_settings(needs):
    html = preview_fragment(PreviewRuntime(), needs)[1].content
    facts = dict(re.findall(r'<dd data-role="([a-z-]+)">([^<]*)</dd>', html))
    assert facts == {"phase": "Before the course", "framework": "Custom framework", "competencies": "3",
                     "min-group-size": "2", "credit": "Off"}


@pytest.mark.parametrize("handler, body", [
    ("choose", {"step": "zq_start", "choice": "zq_good"}),
    ("restart", {}),
    ("reflect", {"text": "A test click"}),
])
def test_scenario_writes_are_refused_in_studio_preview_and_nothing_is_recorded(scenario, handler, body):
    runtime = PreviewRuntime()
    status, answer = preview_handler(runtime, scenario, handler, body)
    assert status == 403
    assert answer["error"] == "preview_read_only" and answer["message"]
    assert runtime.session == {} and runtime.events == []
    assert get_block(scenario, student=str(runtime.user_id)).user_state == {}


def test_the_self_assessment_refuses_a_submission_in_studio_preview_and_the_cohort_stays_empty(needs):
    runtime = PreviewRuntime()
    status, answer = preview_handler(runtime, needs, "submit", {"ratings": RATINGS})
    assert status == 403 and answer["error"] == "preview_read_only"
    block = runtime.get_block(needs)
    assert storage.cohort_stats(block.storage_key()).sums == {}
    assert list(storage.iter_submissions(block.storage_key())) == []
    assert runtime.session == {} and runtime.events == []


def test_reading_still_works_in_studio_preview(scenario, needs):
    assert preview_handler(PreviewRuntime(), scenario, "get_state")[0] == 200
    assert preview_handler(PreviewRuntime(), needs, "get_state")[0] == 200


def test_the_scenario_author_view_plays_a_preview_that_records_nothing(scenario):
    runtime = PreviewRuntime()
    status, state = preview_handler(runtime, scenario, "preview", {"choices": [{"step": "zq_start", "choice": "zq_good"}]})
    assert status == 200 and state["step"]["id"] == "zq_mid"
    assert runtime.session == {} and runtime.events == []
