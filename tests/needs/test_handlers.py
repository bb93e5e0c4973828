"""The needs-assessment handlers over real HTTP in the SDK workbench: the JSON API of PRODUCT.md."""
import csv
import io

import pytest
from workbench.runtime import WorkbenchRuntime
from workbench.scenarios import SCENARIOS

from rtcm_xblocks.needs import storage
from rtcm_xblocks.needs.models import Aggregate, Submission
from tests.needs.cases import SMALL_FRAMEWORK
from tests.workbench import get_block, load_scenario

CUSTOM = SMALL_FRAMEWORK
IDS = ("border.documents", "border.referral", "data.sharing")

PRE_POST = """
<vertical_demo>
  <rtcm_needs_assessment url_name="tna_pre" phase="pre" min_group_size="1">
    <pillar id="p" title="P"><competency id="a">A</competency><competency id="b">B</competency></pillar>
  </rtcm_needs_assessment>
  <rtcm_needs_assessment url_name="tna_post" phase="post" pre="tna_pre" min_group_size="1">
    <pillar id="p" title="P"><competency id="a">A</competency><competency id="b">B</competency></pillar>
  </rtcm_needs_assessment>
</vertical_demo>
"""


def ratings(importance=5, proficiency=2, **overrides):
    """A complete rating of the small framework, with some competencies overridden."""
    given = {cid: {"importance": importance, "proficiency": proficiency} for cid in IDS}
    given.update({cid.replace("_", "."): value for cid, value in overrides.items()})
    return given


@pytest.fixture
def small(workbench):
    """The small custom framework loaded as a scenario: (workbench, usage id)."""
    _name, usage_id = load_scenario(CUSTOM)
    return workbench, usage_id


@pytest.fixture
def events(monkeypatch):
    """Every event the workbench runtime publishes, as (event type, data)."""
    seen = []
    monkeypatch.setattr(WorkbenchRuntime, "publish", lambda self, block, kind, data: seen.append((kind, data)))
    return seen


def test_get_state_before_submitting_offers_the_framework_scale_and_profile_questions(small):
    client, usage_id = small
    status, state = client.call(usage_id, "get_state")
    assert status == 200
    assert state["submitted"] is False
    assert [p["id"] for p in state["framework"]["pillars"]] == ["border", "data"]
    assert [c["id"] for c in state["framework"]["pillars"][0]["competencies"]] == ["border.documents", "border.referral"]
    assert [level["value"] for level in state["scale"]["importance"]] == [1, 2, 3, 4, 5]
    assert all(level["label"] and level["description"] for level in state["scale"]["proficiency"])
    assert [q["id"] for q in state["profile_questions"]] == ["country", "agency", "role", "experience"]
    assert "ratings" not in state and "results" not in state


def test_submit_answers_with_ranked_results_and_get_state_returns_them_for_revision(small):
    client, usage_id = small
    given = ratings(border_documents={"importance": 5, "proficiency": 1}, data_sharing="na")
    status, answer = client.call(usage_id, "submit", {"ratings": given, "profile": {"country": "AZ", "role": "Officer"}})
    assert status == 200
    assert answer["submitted"] is True
    ranked = answer["results"]["competencies"]
    assert [c["id"] for c in ranked] == ["border.documents", "border.referral", "data.sharing"]
    assert ranked[0] == {"id": "border.documents", "pillar": "border", "importance": 5, "proficiency": 1,
                         "discrepancy": 4, "weighted_need": 20, "rank": 1, "demonstrated": None,
                         "self_rated_higher": False}
    assert ranked[2]["rank"] is None
    assert answer["results"]["priorities"][0]["recommend"] == "/jump_to_id/border_intro"
    status, state = client.call(usage_id, "get_state")
    assert state["submitted"] is True
    assert state["ratings"] == given
    assert state["profile"] == {"country": "AZ", "role": "Officer"}
    assert state["results"] == answer["results"]


def test_a_resubmission_replaces_the_earlier_contribution_exactly(small):
    client, usage_id = small
    client.call(usage_id, "submit", {"ratings": ratings(5, 1), "profile": {"country": "AZ"}})
    client.call(usage_id, "submit", {"ratings": ratings(3, 3), "profile": {"country": "GE"}})
    client.call(usage_id, "submit", {"ratings": ratings(3, 3), "profile": {"country": "GE"}}, student="other")
    status, report = client.call(usage_id, "cohort_report", student="staff")
    assert status == 200
    assert report["respondents"] == 2
    assert {c["mean_importance"] for c in report["competencies"]} == {3.0}
    assert {c["mwds"] for c in report["competencies"]} == {0.0}
    assert [(g["by"], g["value"]) for g in report["groups"]] == [("country", "GE")]
    assert Submission.objects.count() == 2


def _nothing_stored():
    return Submission.objects.count() == 0 and Aggregate.objects.count() == 0


BAD_BODIES = {
    "no ratings": {"profile": {}},
    "ratings not an object": {"ratings": [1, 2, 3]},
    "ratings null": {"ratings": None},
    "a competency missing": {"ratings": {"border.documents": {"importance": 5, "proficiency": 2}}},
    "an unknown competency": {"ratings": dict(ratings(), **{"border.ghost": {"importance": 1, "proficiency": 1}})},
    "importance 0": {"ratings": ratings(border_documents={"importance": 0, "proficiency": 2})},
    "proficiency 6": {"ratings": ratings(border_documents={"importance": 3, "proficiency": 6})},
    "a numeric string": {"ratings": ratings(border_documents={"importance": "5", "proficiency": 2})},
    "a float": {"ratings": ratings(border_documents={"importance": 4.5, "proficiency": 2})},
    "a boolean": {"ratings": ratings(border_documents={"importance": True, "proficiency": 2})},
    "a false proficiency": {"ratings": ratings(border_documents={"importance": 3, "proficiency": False})},
    "a 30-digit importance": {"ratings": ratings(border_documents={"importance": 10 ** 29 + 5, "proficiency": 2})},
    "an importance of 5.0": {"ratings": ratings(border_documents={"importance": 5.0, "proficiency": 2})},
    "an importance of 1e308": {"ratings": ratings(border_documents={"importance": 1e308, "proficiency": 2})},
    "a null rating value": {"ratings": ratings(border_documents={"importance": None, "proficiency": 2})},
    "proficiency missing": {"ratings": ratings(border_documents={"importance": 3})},
    "an extra rating key": {"ratings": ratings(border_documents={"importance": 3, "proficiency": 2, "weight": 1})},
    "NA in capitals": {"ratings": ratings(border_documents="NA")},
    "a rating that is a list": {"ratings": ratings(border_documents=[3, 2])},
    "a rating that is a number": {"ratings": ratings(border_documents=3)},
    "an unknown profile key": {"ratings": ratings(), "profile": {"email": "x@example.com"}},
    "an unknown country": {"ratings": ratings(), "profile": {"country": "FR"}},
    "a lower-case country": {"ratings": ratings(), "profile": {"country": "az"}},
    "an unknown agency": {"ratings": ratings(), "profile": {"agency": "army"}},
    "an unknown experience band": {"ratings": ratings(), "profile": {"experience": "20+"}},
    "a role over 200 characters": {"ratings": ratings(), "profile": {"role": "x" * 201}},
    "a role that is a number": {"ratings": ratings(), "profile": {"role": 7}},
    "a country that is a list": {"ratings": ratings(), "profile": {"country": ["AZ"]}},
    "a profile that is a list": {"ratings": ratings(), "profile": ["AZ"]},
    "an unknown top-level field": {"ratings": ratings(), "score": 1},
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_submit_refuses_a_malformed_body_with_400_and_stores_nothing(small, body):
    client, usage_id = small
    status, answer = client.call(usage_id, "submit", body)
    assert status == 400
    assert set(answer) == {"error", "message"} and answer["error"] and answer["message"]
    assert _nothing_stored()
    assert client.call(usage_id, "get_state")[1]["submitted"] is False


@pytest.mark.parametrize("raw", [
    b"{not json", b"[1, 2]", b'"ratings"', b"\xff\xfe", b'{"ratings": {"border.documents": {"importance": ' + b"5" * 5000 + b"}}}",
    b'{"ratings": {"border.documents": {"importance": 1e999, "proficiency": NaN}}}', b'{"ratings": ' + b"[" * 1000,
], ids=["broken", "array", "string", "not utf-8", "5,000 digits", "1e999 and NaN", "1,000 deep"])
def test_submit_refuses_a_body_that_is_not_a_json_object(small, raw):
    client, usage_id = small
    status, answer = client.call(usage_id, "submit", raw=raw)
    assert status == 400 and answer["error"] in ("invalid_json", "invalid_body", "invalid_number", "too_deep")
    assert _nothing_stored()


def test_the_400_message_names_the_competency_at_fault(small):
    client, usage_id = small
    status, answer = client.call(usage_id, "submit", {"ratings": dict(ratings(), **{"border.ghost": "na"})})
    assert status == 400 and "border.ghost" in answer["message"]
    status, answer = client.call(usage_id, "submit", {"ratings": {k: v for k, v in ratings().items() if k != "data.sharing"}})
    assert status == 400 and "Share data safely" in answer["message"]


def test_a_bad_resubmission_leaves_the_earlier_submission_and_aggregates_untouched(small):
    client, usage_id = small
    client.call(usage_id, "submit", {"ratings": ratings(4, 2), "profile": {"agency": "police"}})
    before_rows = sorted(Aggregate.objects.values_list("by", "value", "competency", "n", "sum_importance", "sum_proficiency"))
    before_state = client.call(usage_id, "get_state")[1]
    status, _answer = client.call(usage_id, "submit", {"ratings": ratings(border_documents={"importance": 9, "proficiency": 1})})
    assert status == 400
    assert sorted(Aggregate.objects.values_list("by", "value", "competency", "n", "sum_importance", "sum_proficiency")) == before_rows
    assert Submission.objects.get().ratings == ratings(4, 2)
    assert client.call(usage_id, "get_state")[1] == before_state


def test_a_learner_calling_the_staff_handlers_gets_403(small):
    client, usage_id = small
    status, answer = client.call(usage_id, "cohort_report", {})
    assert status == 403 and answer["error"] == "forbidden"
    status, answer = client.call(usage_id, "cohort_csv", method="get")
    assert status == 403 and answer["error"] == "forbidden"


def test_cohort_csv_is_a_get_and_other_methods_get_405(small):
    client, usage_id = small
    status, answer = client.call(usage_id, "cohort_csv", {}, student="staff")
    assert status == 405 and answer["error"] == "method_not_allowed"


def test_get_only_handlers_refuse_get(small):
    client, usage_id = small
    status, answer = client.call(usage_id, "submit", method="get")
    assert status == 405 and answer["error"] == "method_not_allowed"


def test_cohort_report_shows_no_group_that_could_single_someone_out_and_names_none(small):
    client, usage_id = small
    for number in range(3):
        client.call(usage_id, "submit", {"ratings": ratings(5, 2), "profile": {"country": "AZ"}}, student=f"az_{number}")
    client.call(usage_id, "submit", {"ratings": ratings(4, 4), "profile": {"country": "GE", "agency": "ngo"}}, student="ge_0")
    status, report = client.call(usage_id, "cohort_report", student="staff")
    assert status == 200 and report["respondents"] == 4
    # GE (1) and ngo (1) are below the minimum; AZ (3) is hidden too, or the cohort minus AZ would give GE away.
    assert report["groups"] == [] and report["withheld"] == {"country": 2, "agency": 1}
    assert "GE" not in repr(report) and "ngo" not in repr(report)
    top = report["competencies"][0]
    assert top["n"] == 4 and top["mean_importance"] == 4.75 and top["mean_proficiency"] == 2.5
    assert top["mwds"] == 10.6875 and top["rank"] == 1
    assert report["release"]["as_of"] and report["release"]["pending"] == 0

    for number in range(2):
        client.call(usage_id, "submit", {"ratings": ratings(3, 3)}, student=f"no_country_{number}")
    status, report = client.call(usage_id, "cohort_report", student="staff")
    # Enough respondents now lie outside AZ, but AZ set against the last report's whole cohort
    # would still give GE away: AZ first appears in the next batch.
    assert report["respondents"] == 6 and report["groups"] == []
    for number in range(2):
        client.call(usage_id, "submit", {"ratings": ratings(3, 3)}, student=f"later_{number}")
    status, report = client.call(usage_id, "cohort_report", student="staff")
    groups = {(g["by"], g["value"]): g for g in report["groups"]}
    assert groups[("country", "AZ")]["respondents"] == 3 and not groups[("country", "AZ")]["suppressed"]
    assert {c["mean_importance"] for c in groups[("country", "AZ")]["competencies"]} == {5.0}
    assert ("country", "GE") not in groups


def test_the_attack_of_issue_9_through_the_handlers(small):
    """Cohort − one shown country − one shown agency isolated a hidden respondent; no combination does now."""
    client, usage_id = small
    for number in range(3):
        client.call(usage_id, "submit", {"ratings": ratings(5, 2), "profile": {"country": "AZ", "agency": "border"}}, student=f"az{number}")
        client.call(usage_id, "submit", {"ratings": ratings(4, 3), "profile": {"country": "GE", "agency": "police"}}, student=f"ge{number}")
    client.call(usage_id, "submit", {"ratings": ratings(1, 5), "profile": {"country": "MD", "agency": "police"}}, student="md")
    report = client.call(usage_id, "cohort_report", student="staff")[1]
    shown = {(g["by"], g["value"]) for g in report["groups"]}
    assert ("country", "MD") not in shown and "MD" not in repr(report)
    # Try every ± combination of the published Σ importance of border.documents.
    def total(entry_list, n):
        entry = next(e for e in entry_list if e["id"] == "border.documents")
        return round(entry["mean_importance"] * n)
    cells = [(report["respondents"], total(report["competencies"], report["respondents"]))]
    cells += [(g["respondents"], total(g["competencies"], g["respondents"])) for g in report["groups"]]
    members = {"all": 7, ("country", "AZ"): 3, ("country", "GE"): 3, ("agency", "border"): 3, ("agency", "police"): 4}
    atoms = {"az": (("country", "AZ"), ("agency", "border")), "ge": (("country", "GE"), ("agency", "police")), "md": (("agency", "police"),)}
    names = ["all"] + [(g["by"], g["value"]) for g in report["groups"]]
    assert [n for n, _ in cells] == [members[name] for name in names]
    import itertools  # pylint: disable=import-outside-toplevel
    for signs in itertools.product((-1, 0, 1), repeat=len(names)):
        weights = {atom: sum(sign for sign, name in zip(signs, names) if name == "all" or name in groups)
                   for atom, groups in atoms.items()}
        involved = {"az": 3, "ge": 3, "md": 1}
        isolated = sum(size for atom, size in involved.items() if weights[atom])
        assert isolated == 0 or isolated >= 2, (signs, names)


def test_a_report_before_and_after_one_new_submission_gives_nothing_away(small):
    client, usage_id = small
    for number in range(4):
        client.call(usage_id, "submit", {"ratings": ratings(4, 2), "profile": {"country": "AZ"}}, student=f"l{number}")
    before = client.call(usage_id, "cohort_report", student="staff")[1]
    client.call(usage_id, "submit", {"ratings": ratings(1, 5), "profile": {"country": "AZ"}}, student="newcomer")
    after = client.call(usage_id, "cohort_report", student="staff")[1]
    assert dict(after, release=None) == dict(before, release=None)
    assert after["release"] == dict(before["release"], pending=1, waiting="batch")
    client.call(usage_id, "submit", {"ratings": ratings(5, 5), "profile": {"country": "AZ"}}, student="l0")  # a resubmission
    batch = client.call(usage_id, "cohort_report", student="staff")[1]
    assert batch["respondents"] == 5 and batch["release"]["pending"] == 0


def test_cohort_csv_is_text_csv_and_every_text_cell_is_formula_safe(workbench):
    _name, usage_id = load_scenario("""
      <rtcm_needs_assessment url_name="evil">
        <pillar id="p" title="=HYPERLINK(&quot;http://x&quot;)"><competency id="c">@SUM(A1:A9) the statement</competency></pillar>
      </rtcm_needs_assessment>""")
    workbench.call(usage_id, "submit", {"ratings": {"c": {"importance": 4, "proficiency": 2}}, "profile": {"role": "=cmd|' /C calc'!A0"}})
    response = workbench.client.get(f"/handler/{usage_id}/cohort_csv/?student=staff")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["level", "by", "group"]
    cells = [cell for row in rows for cell in row]
    assert "'@SUM(A1:A9) the statement" in cells and "'=HYPERLINK(\"http://x\")" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r") or (cell[:1] == "-" and not _number(cell))]


def _number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_the_post_block_shows_the_learner_and_cohort_change_since_the_pre_block(workbench):
    _name, root = load_scenario(PRE_POST)
    pre_id, post_id = get_block(root).children
    status, state = workbench.call(post_id, "get_state")
    assert state["phase"] == "post" and state["pre_submitted"] is False and state["change"] is None
    workbench.call(pre_id, "submit", {"ratings": {"a": {"importance": 5, "proficiency": 1}, "b": {"importance": 4, "proficiency": 2}}})
    status, answer = workbench.call(post_id, "submit", {"ratings": {"a": {"importance": 5, "proficiency": 4}, "b": "na"}})
    assert status == 200 and answer["pre_submitted"] is True
    change = {row["id"]: row for row in answer["change"]["competencies"]}
    assert (change["a"]["pre_proficiency"], change["a"]["post_proficiency"], change["a"]["proficiency_change"]) == (1, 4, 3)
    assert change["b"]["post_proficiency"] is None
    assert workbench.call(post_id, "get_state")[1]["change"] == answer["change"]
    status, report = workbench.call(post_id, "cohort_report", student="staff")
    assert report["change"]["respondents"] == {"pre": 1, "post": 1}
    pillar = report["change"]["pillars"][0]
    assert pillar["pre_mean_proficiency"] == 1.5 and pillar["post_mean_proficiency"] == 4.0
    assert "change" not in workbench.call(pre_id, "cohort_report", student="staff")[1]


def test_submitting_publishes_completion_and_an_event_carrying_the_ratings(small, events):
    client, usage_id = small
    client.call(usage_id, "submit", {"ratings": ratings(4, 3), "profile": {"country": "MD", "role": "Inspector"}})
    kinds = [kind for kind, _ in events]
    assert ("completion", {"completion": 1.0}) in events
    assert "grade" not in kinds
    submitted = [data for kind, data in events if kind == "rtcm.needs_assessment.submitted"]
    assert submitted == [{"phase": "pre", "resubmission": False, "ratings": ratings(4, 3), "profile": {"country": "MD"}}]
    events.clear()
    client.call(usage_id, "get_state")
    assert [kind for kind, _ in events] == ["rtcm.needs_assessment.viewed_results"]


def test_participation_credit_publishes_full_credit_when_switched_on(workbench, events):
    _name, usage_id = load_scenario(CUSTOM.replace('min_group_size="2"', 'has_score="true" weight="2"'))
    workbench.call(usage_id, "submit", {"ratings": ratings()})
    assert ("grade", {"value": 1.0, "max_value": 1.0}) in events


def test_invalid_submissions_publish_no_event(small, events):
    client, usage_id = small
    client.call(usage_id, "submit", {"ratings": {}})
    assert events == []


def test_the_page_escapes_profile_text_and_shows_the_staff_area_only_to_staff(small):
    client, usage_id = small
    name = next(key for key, scenario in SCENARIOS.items() if scenario.usage_id == usage_id)
    evil = '</script><img src=x onerror=alert(1)>"'
    assert client.call(usage_id, "submit", {"ratings": ratings(), "profile": {"role": evil}})[0] == 200
    page = client.page(name)
    assert "<img src=x" not in page and "</script><img" not in page
    assert "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'class="rtcm-needs__staff"' not in page and "window.RtcmNeedsStaff = function" not in page
    staff_page = client.page(name, student="staff")
    assert 'class="rtcm-needs__staff"' in staff_page and "window.RtcmNeedsStaff = function" in staff_page


def test_the_learners_view_is_the_stored_submission_and_the_field_only_mirrors_it(small):
    workbench, usage_id = small
    status, answer = workbench.call(usage_id, "submit", {"ratings": ratings(4, 1), "profile": {"country": "AZ"}})
    assert status == 200 and answer["submitted_at"] and answer["ratings"] == ratings(4, 1)
    block = get_block(usage_id)
    assert block.user_state["ratings"] == ratings(4, 1) and block.user_state["submitted_at"] == answer["submitted_at"]
    block.user_state = {"ratings": ratings(1, 5), "profile": {}, "submitted_at": "2020-01-01T00:00:00+00:00"}
    block.save()  # a stale mirror, as a parallel resubmission's late field write could leave
    state = workbench.call(usage_id, "get_state")[1]
    assert (state["ratings"], state["profile"], state["submitted_at"]) == (ratings(4, 1), {"country": "AZ"},
                                                                          answer["submitted_at"])
    stored = Submission.objects.get()
    assert stored.ratings == state["ratings"]


# --- demonstrated in the scenarios: both blocks in one workbench scenario (one course scope) -----------------

WITH_SCENARIO = """
<vertical_demo>
  {scenario}
  <rtcm_scenario url_name="shelter" display_name="Second case">
    <step id="s" title="S"><body><p>S</p></body><choice id="c" to="e"><label>C</label></choice></step>
    <ending id="e" title="E" outcome="good"><body><p>E</p></body></ending>
  </rtcm_scenario>
  {needs}
</vertical_demo>
"""


@pytest.fixture
def course(workbench):
    """A needs assessment (k = 2) and two scenario blocks in one workbench scenario: (client, needs id, record)."""
    from rtcm_xblocks.common.storage import block_key, course_scope  # pylint: disable=import-outside-toplevel
    from rtcm_xblocks.scenario import competencies  # pylint: disable=import-outside-toplevel
    from tests.scenario.cases import case  # pylint: disable=import-outside-toplevel
    scenario_xml = case().replace("<rtcm_scenario ", '<rtcm_scenario url_name="border_case" ', 1)
    _name, root = load_scenario(WITH_SCENARIO.format(scenario=scenario_xml, needs=CUSTOM), name="needs-and-scenarios")
    border, shelter, needs = get_block(root).children
    keys = {"border": block_key(border, "rtcm_scenario", "border_case"), "shelter": block_key(shelter, "rtcm_scenario", "shelter")}

    def record(learner, block, results):
        # What the scenario block records at the end of a graded attempt, in its own course scope.
        competencies.record(course_scope(border), learner, keys[block], results)
    return workbench, needs, record


def test_the_learners_results_show_what_they_demonstrated_in_the_courses_scenarios(course):
    client, needs, record = course
    record("student_1", "border", {"border.documents": (1, 4), "data.sharing": (3, 3)})
    record("student_1", "shelter", {"border.documents": (1, 2)})
    record("student_2", "border", {"border.referral": (2, 2)})
    status, answer = client.call(needs, "submit", {"ratings": ratings(5, 5)})
    assert status == 200
    by_id = {entry["id"]: entry for entry in answer["results"]["competencies"]}
    assert by_id["border.documents"]["demonstrated"] == {"score": 0.3333, "earned": 2, "best": 6, "exercises": 2}
    assert by_id["border.documents"]["self_rated_higher"] is True
    assert by_id["data.sharing"]["demonstrated"] == {"score": 1.0, "earned": 3, "best": 3, "exercises": 1}
    assert by_id["data.sharing"]["self_rated_higher"] is False
    assert by_id["border.referral"]["demonstrated"] is None, "another learner's results are not mine"
    assert client.call(needs, "get_state")[1]["results"] == answer["results"]


def test_results_recorded_after_the_submission_show_on_the_next_visit_and_a_newer_attempt_replaces_them(course):
    client, needs, record = course
    client.call(needs, "submit", {"ratings": ratings(4, 2)})
    record("student_1", "border", {"border.documents": (0, 4)})
    record("student_1", "border", {"border.documents": (4, 4)})
    found = {e["id"]: e for e in client.call(needs, "get_state")[1]["results"]["competencies"]}
    assert found["border.documents"]["demonstrated"] == {"score": 1.0, "earned": 4, "best": 4, "exercises": 1}


def test_another_course_scopes_results_do_not_show(course, workbench):
    from rtcm_xblocks.scenario import competencies  # pylint: disable=import-outside-toplevel
    client, needs, _record = course
    competencies.record("another-scenario", "student_1", "another-scenario/border_case", {"border.documents": (4, 4)})
    client.call(needs, "submit", {"ratings": ratings(4, 2)})
    assert all(e["demonstrated"] is None for e in client.call(needs, "get_state")[1]["results"]["competencies"])


def test_the_cohort_report_shows_the_demonstrated_mean_over_k_learners_and_where_it_disagrees_with_self_ratings(course):
    client, needs, record = course
    for learner in ("ana", "ben"):
        assert client.call(needs, "submit", {"ratings": ratings(5, 5)}, student=learner)[0] == 200
        record(learner, "border", {"border.documents": (0, 4), "border.referral": (4, 4)})
    record("cem", "border", {"data.sharing": (1, 1)})  # one learner: fewer than k = 2
    status, report = client.call(needs, "cohort_report", student="staff")
    assert status == 200
    by_id = {entry["id"]: entry for entry in report["competencies"]}
    assert by_id["border.documents"]["demonstrated"] == {"mean": 0.0, "learners": 2}
    assert by_id["data.sharing"]["demonstrated"] is None
    assert report["disagreements"] == [{"competency": "border.documents", "self_rated": 1.0, "demonstrated": 0.0, "gap": 1.0}]
    status, text = client.call(needs, "cohort_csv", student="staff", method="get")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    documents = [row for row in rows if row[header.index("id")] == "border.documents" and row[1] == "all"][0]
    assert [documents[header.index(name)] for name in ("demonstrated_mean", "demonstrated_learners", "self_rated_vs_demonstrated")] == ["0.0", "2", "1.0"]


def test_learners_get_no_cohort_figures_of_the_scenarios(course):
    client, needs, record = course
    record("ana", "border", {"border.documents": (0, 4)})
    assert client.call(needs, "cohort_report", student="ana")[0] == 403


def test_a_report_whose_release_stays_locked_answers_503_busy_never_500(small, monkeypatch):
    """Reading a report may write a release; when the database stays locked through every retry, say so."""
    client, usage_id = small
    client.call(usage_id, "submit", {"ratings": ratings()})

    def locked(*args, **kwargs):
        raise storage.StorageBusy("locked")
    monkeypatch.setattr(storage, "release_figures", locked)
    status, answer = client.call(usage_id, "cohort_report", {}, student="staff")
    assert (status, answer["error"]) == (503, "busy") and answer["message"]
    status, answer = client.call(usage_id, "cohort_csv", method="get", student="staff")
    assert (status, answer["error"]) == (503, "busy")
