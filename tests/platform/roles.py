"""The LMS's course access roles, as the roadmap's `LmsAccess` reads them.

Mirrors edx-platform ``common/djangoapps/student/roles.py``: ``CourseStaffRole.ROLE`` is "staff",
``CourseInstructorRole.ROLE`` "instructor"; ``UserBasedRole(user, role).courses_with_role()``
returns the user's ``CourseAccessRole`` records for that role (``common/djangoapps/student/models``:
``user``, ``org``, ``course_id`` a CourseKey, ``role``). Global staff are ``user.is_staff``
(``GlobalStaff.has_user``), which `LmsAccess` reads on the user itself. Here the records live in
memory: `grant` adds one. `install()` registers the module path ``common.djangoapps.student.roles``
unless a real edx-platform is importable; `uninstall()` takes it away again.

Known differences: the platform's ``RoleCache.get_roles`` also counts roles derived from the given
one, and newer releases merge openedx-authz assignments; org-wide roles are not mirrored (the
roadmap does not read them).
"""
import sys
import types
from dataclasses import dataclass

from opaque_keys.edx.keys import CourseKey

_RECORDS = []
_CREATED = []
_MODULES = ("common", "common.djangoapps", "common.djangoapps.student", "common.djangoapps.student.roles")


@dataclass(frozen=True)
class CourseAccessRole:
    """One row of ``student_courseaccessrole``."""

    user: object
    org: str
    course_id: object
    role: str


class CourseStaffRole:  # roles.py: class CourseStaffRole(CourseRole): ROLE = "staff"
    ROLE = "staff"


class CourseInstructorRole:  # roles.py: class CourseInstructorRole(CourseRole): ROLE = "instructor"
    ROLE = "instructor"


class UserBasedRole:
    """``UserBasedRole(user, role)``: the courses where `user` holds `role`."""

    def __init__(self, user, role):
        self.user = user
        self.role = role

    def courses_with_role(self):
        return [record for record in _RECORDS if record.user.pk == self.user.pk and record.role == self.role]


def grant(user, role, course_id):
    """Give `user` the `role` ("staff", "instructor", …) on course run `course_id` (a string)."""
    key = CourseKey.from_string(course_id)
    _RECORDS.append(CourseAccessRole(user=user, org=key.org, course_id=key, role=role))


def install():
    """Register the mirrored module (and its parents), unless a real edx-platform is importable."""
    if getattr(sys.modules.get(_MODULES[-1]), "__file__", None):
        return  # the real module
    for name in _MODULES:
        if name not in sys.modules:
            sys.modules[name] = types.ModuleType(name)
            _CREATED.append(name)
        module = sys.modules[name]
        if name != _MODULES[-1]:
            module.__path__ = getattr(module, "__path__", [])  # a package, so that its children import
    roles = sys.modules["common.djangoapps.student.roles"]
    roles.CourseStaffRole, roles.CourseInstructorRole, roles.UserBasedRole = CourseStaffRole, CourseInstructorRole, UserBasedRole


def uninstall():
    """Forget every granted role and the modules `install` created."""
    _RECORDS.clear()
    while _CREATED:
        sys.modules.pop(_CREATED.pop(), None)
