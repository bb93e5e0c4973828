"""Who may read the roadmap, and of which course runs: global staff everything, course staff their courses.

`CourseAccess` is the small interface the staff page asks; the setting ``RTCM_ROADMAP_ACCESS``
names the class to use (default `LmsAccess`).

* `LmsAccess` mirrors how the LMS answers "staff" on a course (edx-platform
  ``lms/djangoapps/courseware/access.py``, ``common/djangoapps/student/roles.py``): global staff are
  ``user.is_staff`` (``GlobalStaff``); course staff hold the course's ``CourseStaffRole`` ("staff") or
  ``CourseInstructorRole`` ("instructor"), listed by ``UserBasedRole(user, role).courses_with_role()``.
  Organisation-wide roles (OrgStaffRole, OrgInstructorRole) are not read: such staff see the
  roadmap only for courses where they also hold a course role.
* `WorkbenchAccess` backs it in the XBlock SDK workbench, whose users are the ``?student=`` ids:
  ids starting with "staff" are global staff (as for the blocks there), ``coursestaff:<course run>``
  (several separated by ","), course staff of those runs; everyone else nobody.
"""
from django.conf import settings
from django.utils.module_loading import import_string

__all__ = ["CourseAccess", "LmsAccess", "WorkbenchAccess", "current_access"]

DEFAULT_ACCESS = "rtcm_xblocks.roadmap.access.LmsAccess"


class CourseAccess:
    """The interface: `courses(request)` is None for every course, else the frozenset of course run keys the user staffs."""

    def courses(self, request):  # pragma: no cover - interface
        """None (every course), or the course runs (strings) the requesting user may read; empty: none."""
        raise NotImplementedError


class LmsAccess(CourseAccess):
    """Global staff and course staff/instructors as the LMS knows them."""

    def courses(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return frozenset()
        if user.is_staff:
            return None
        # pylint: disable=import-outside-toplevel,import-error
        from common.djangoapps.student.roles import CourseInstructorRole, CourseStaffRole, UserBasedRole
        return frozenset(
            str(role.course_id)
            for name in (CourseStaffRole.ROLE, CourseInstructorRole.ROLE)
            for role in UserBasedRole(user, name).courses_with_role()
            if role.course_id
        )


class WorkbenchAccess(CourseAccess):
    """The workbench's ``?student=`` ids: "staff…" global staff, ``coursestaff:<run>[,<run>…]`` course staff."""

    def courses(self, request):
        student = request.GET.get("student", "")
        if student.startswith("staff"):
            return None
        if student.startswith("coursestaff:"):
            return frozenset(part for part in student[len("coursestaff:"):].split(",") if part)
        return frozenset()


def current_access():
    """The `CourseAccess` the setting ``RTCM_ROADMAP_ACCESS`` names."""
    return import_string(getattr(settings, "RTCM_ROADMAP_ACCESS", DEFAULT_ACCESS))()
