"""The roadmap's staff page over HTTP: who may see which course runs, the HTML, the downloads and bad requests."""
import pytest
from django.contrib.auth.models import User
from django.test import RequestFactory

from rtcm_xblocks.roadmap.access import LmsAccess, WorkbenchAccess
from rtcm_xblocks.roadmap.views import XLSX_TYPE
from tests.platform import roles
from tests.roadmap.seeding import COURSE_1, COURSE_2, seed

URL = "/rtcm/roadmap/"


@pytest.fixture
def seeded(db):  # pylint: disable=unused-argument,invalid-name
    seed()


@pytest.fixture
def lms_roles():
    roles.install()
    yield roles
    roles.uninstall()


def test_global_staff_see_every_course_run_with_a_chart_and_table_for_each_figure(client, seeded):
    response = client.get(URL, {"student": "staff"})
    assert response.status_code == 200
    html = response.content.decode()
    assert COURSE_1 in html and COURSE_2 in html
    assert "13 respondents in 2 assessments of 2 course runs." in html
    assert html.count("<svg") >= 2 and html.count('aria-hidden="true"') == html.count("<svg")
    assert html.count("<caption>") > html.count("<svg")
    assert "my secret role" not in html and "<b>GE</b>" not in html
    assert 'lang="en-us" dir="ltr"' in html


def test_course_staff_see_only_their_runs_whatever_they_ask_for(client, seeded):
    html = client.get(URL, {"student": f"coursestaff:{COURSE_1}"}).content.decode()
    assert COURSE_1 in html and COURSE_2 not in html
    assert "6 respondents in 1 assessments of 1 course runs." in html
    html = client.get(URL, {"student": f"coursestaff:{COURSE_1}", "course": COURSE_2}).content.decode()
    assert COURSE_2 not in html and "No released self-assessment figures yet." in html


def test_global_staff_can_narrow_the_roadmap_to_chosen_runs(client, seeded):
    html = client.get(URL, {"student": "staff", "course": COURSE_2}).content.decode()
    assert "7 respondents in 1 assessments of 1 course runs." in html
    assert f'value="{COURSE_2}" checked' in html and f'value="{COURSE_1}">' in html


def test_learners_get_403_and_bad_requests_a_clear_error(client, seeded):
    for student in ("student_1", "coursestaff:", ""):
        response = client.get(URL, {"student": student})
        assert response.status_code == 403
        assert response.json()["error"] == "forbidden"
    assert client.post(URL + "?student=staff").status_code == 405
    response = client.get(URL, {"student": "staff", "format": "pdf"})
    assert response.status_code == 400 and response.json()["error"] == "bad_format"
    response = client.get(URL, {"student": "staff", "course": ["x"] * 201})
    assert response.status_code == 400 and response.json()["error"] == "too_many_courses"


def test_the_downloads_are_attachments_of_the_same_figures(client, seeded):
    response = client.get(URL, {"student": "staff", "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="rtcm-roadmap.csv"'
    body = response.content.decode("utf-8-sig")
    assert body.startswith("table,framework,") and ",Georgia,6," in body and "secret" not in body
    response = client.get(URL, {"student": f"coursestaff:{COURSE_1}", "format": "xlsx"})
    assert response["Content-Type"] == XLSX_TYPE and response.content.startswith(b"PK")
    assert b"Kazakhstan" not in response.content


def test_the_workbench_access_reads_the_student_id():
    factory = RequestFactory()
    assert WorkbenchAccess().courses(factory.get(URL, {"student": "staff_member"})) is None
    assert WorkbenchAccess().courses(factory.get(URL, {"student": "coursestaff:a,b"})) == frozenset({"a", "b"})
    assert WorkbenchAccess().courses(factory.get(URL, {"student": "learner"})) == frozenset()


def test_lms_access_global_staff_everything_course_staff_and_instructors_their_runs(db, lms_roles):  # pylint: disable=unused-argument
    factory = RequestFactory()
    staff = User.objects.create_user("global", is_staff=True)
    teacher = User.objects.create_user("teacher")
    learner = User.objects.create_user("learner")
    lms_roles.grant(teacher, "staff", COURSE_1)
    lms_roles.grant(teacher, "instructor", COURSE_2)
    lms_roles.grant(learner, "beta_testers", COURSE_1)

    def courses(user):
        request = factory.get(URL)
        request.user = user
        return LmsAccess().courses(request)

    assert courses(staff) is None
    assert courses(teacher) == frozenset({COURSE_1, COURSE_2})
    assert courses(learner) == frozenset()
    from django.contrib.auth.models import AnonymousUser  # pylint: disable=import-outside-toplevel
    assert courses(AnonymousUser()) == frozenset()
    teacher.is_active = False
    assert courses(teacher) == frozenset()


def test_in_the_lms_a_course_staff_member_sees_only_their_run(client, seeded, lms_roles, settings):  # pylint: disable=unused-argument
    settings.RTCM_ROADMAP_ACCESS = "rtcm_xblocks.roadmap.access.LmsAccess"
    teacher = User.objects.create_user("teacher2")
    lms_roles.grant(teacher, "staff", COURSE_2)
    assert client.get(URL).status_code == 403
    client.force_login(teacher)
    html = client.get(URL).content.decode()
    assert COURSE_2 in html and COURSE_1 not in html
