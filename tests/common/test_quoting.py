"""Error messages quote at most a short prefix of what was sent, whichever handler refuses it."""
import json

import pytest

from rtcm_xblocks.common.quoting import EXCERPT_LENGTH, excerpt
from tests.needs.cases import SMALL_FRAMEWORK
from tests.scenario.cases import case
from tests.workbench import load_scenario

HUGE = "Z" * 1_000_000
LARGE = HUGE[:300_000]  # several in one body, which must stay under Django's upload limit (2.5 MB)


def test_a_short_value_is_quoted_whole_and_a_long_one_as_a_prefix():
    assert excerpt("zq_start") == "zq_start"
    assert excerpt("x" * EXCERPT_LENGTH) == "x" * EXCERPT_LENGTH
    assert excerpt("x" * (EXCERPT_LENGTH + 1)) == "x" * EXCERPT_LENGTH + "…"


def test_lone_surrogates_and_huge_integers_can_still_be_quoted():
    assert excerpt("a\ud800").encode("utf-8") == b"a\\ud800"
    assert len(excerpt(10 ** 5000)) == EXCERPT_LENGTH + 1


SCENARIO_BODIES = [
    ("choose", {"step": HUGE, "choice": "zq_good"}, "student_1"),
    ("choose", {"step": "zq_start", "choice": HUGE}, "student_1"),
    ("choose", {"step": "zq_start", "choice": "zq_good", HUGE: 1}, "student_1"),
    ("validate_draft", {"scenario": {"steps": [{"id": LARGE, LARGE: 1}]}, "settings": {LARGE: LARGE}}, "staff"),
    ("studio_submit", {"scenario": {LARGE: 1}, "settings": {"pillar": LARGE, "scoring": LARGE}}, "staff"),
    ("parse_olx", {"olx": f'<rtcm_scenario {HUGE[:500_000]}="1"/>'}, "staff"),
    ("parse_olx", {"olx": f'<rtcm_scenario><{HUGE[:500_000]}/></rtcm_scenario>'}, "staff"),
    ("parse_olx", {"olx": f'<rtcm_scenario><step id="{HUGE[:500_000]}"><x/></step></rtcm_scenario>'}, "staff"),
    ("parse_olx", {"olx": f'<rtcm_scenario max_attempts="{HUGE[:500_000]}"/>'}, "staff"),
    ("parse_olx", {"olx": f'<rtcm_scenario><a></{HUGE[:500_000]}></rtcm_scenario>'}, "staff"),
    ("preview", {"choices": [{"step": HUGE, "choice": HUGE}]}, "staff"),
]
NEEDS_BODIES = [
    ("submit", {"ratings": {HUGE: "na"}}, "student_1"),
    ("submit", {"ratings": {}, HUGE: 1}, "student_1"),
    ("submit", {"ratings": {"border.documents": "na", "border.referral": "na", "data.sharing": "na"},
                "profile": {"country": HUGE}}, "student_1"),
    ("submit", {"ratings": {"border.documents": "na", "border.referral": "na", "data.sharing": "na"},
                "profile": {HUGE: "x"}}, "student_1"),
    ("studio_submit", {"display_name": "A", "phase": "pre", "min_group_size": 1, "participation_credit": False,
                       "weight": 1, "framework": HUGE, "pillars": [], HUGE: 1}, "staff"),
    ("studio_submit", {"display_name": "A", "phase": "pre", "min_group_size": 1, "participation_credit": False,
                       "weight": 1, "framework": "rtcm-default", "pillars": [{"id": "border", "recommend": HUGE}]},
     "staff"),
]


@pytest.mark.parametrize("olx,handler,body,student",
                         [(case(), *item) for item in SCENARIO_BODIES] + [(SMALL_FRAMEWORK, *item) for item in NEEDS_BODIES],
                         ids=[f"scenario-{item[0]}-{index}" for index, item in enumerate(SCENARIO_BODIES)]
                         + [f"needs-{item[0]}-{index}" for index, item in enumerate(NEEDS_BODIES)])
def test_a_megabyte_of_input_comes_back_as_at_most_a_short_prefix(workbench, olx, handler, body, student):
    _name, usage_id = load_scenario(olx)
    status, answer = workbench.call(usage_id, handler, body, student=student)
    assert status == (200 if handler == "validate_draft" else 400), (status, str(answer)[:300])
    if handler == "validate_draft":  # live validation draws the draft as sent; only its messages are checked here
        answer = {"fields": answer["fields"], "problems": answer["problems"]}
    assert len(json.dumps(answer)) < 4000, json.dumps(answer)[:600]
    assert "Z" * 101 not in json.dumps(answer)  # a prefix of 40 characters; a node id of at most 100
