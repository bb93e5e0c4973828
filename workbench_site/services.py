"""An LMS-like `user` service for the workbench.

The LMS's user service sets `opt_attrs` that the workbench's does not; our blocks read them to
recognise staff. Here a learner whose workbench id starts with "staff" (``?student=staff``) is
staff, and every other id is a learner.
"""
import hashlib
import warnings
import zlib

from xblock.reference.user_service import UserService, XBlockUser


def anonymous_id(username):
    """The learner's anonymous id in the course: 32 hex digits, as edx-platform's anonymous_id_for_user gives."""
    return hashlib.md5(f"rtcm-workbench:{username}".encode(), usedforsecurity=False).hexdigest()


class LmsUserService(UserService):
    """The workbench's current user with the attributes edx-platform's user service provides."""

    runtime = None  # set by the workbench runtime after construction

    def get_current_user(self):
        with warnings.catch_warnings():
            # The workbench keeps the learner only in the deprecated Runtime.user_id.
            warnings.simplefilter("ignore")
            username = str(getattr(self.runtime, "user_id", None) or "student_1")
        is_staff = username.startswith("staff")
        user = XBlockUser(is_current_user=True, emails=[f"{username}@example.com"], full_name=username)
        user.opt_attrs.update({
            "edx-platform.user_id": zlib.crc32(username.encode()),
            "edx-platform.username": username,
            "edx-platform.user_is_staff": is_staff,
            "edx-platform.user_role": "staff" if is_staff else "student",
            "edx-platform.is_authenticated": True,
            "edx-platform.anonymous_user_id": anonymous_id(username),
        })
        return user
