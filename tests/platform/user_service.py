"""The platform's `user` service and the Django user it wraps, as edx-platform builds them.

Mirrors `common/djangoapps/xblock_django/user_service.py` (`DjangoXBlockUserService`): the service
keeps the Django user in `_django_user` and turns it into an `XBlockUser` whose `opt_attrs` carry
the `edx-platform.*` keys (user id, username, is_staff, role, anonymous ids, …). The LMS gives it
`user_is_staff` and `user_role`; Studio's preview only `user_role` (so `user_is_staff` stays False
even for the course team).
"""
from dataclasses import dataclass

from xblock.reference.user_service import UserService, XBlockUser


@dataclass(eq=False)
class DjangoUser:
    """The few attributes of django.contrib.auth's User that the service and masquerade touch."""

    id: int  # pylint: disable=invalid-name
    username: str
    email: str = ""
    is_authenticated: bool = True


class DjangoXBlockUserService(UserService):
    """`DjangoXBlockUserService(django_user, user_is_staff=…, user_role=…, anonymous_user_id=…)`."""

    def __init__(self, django_user, **kwargs):
        super().__init__()
        self._django_user = django_user
        self._user_is_staff = kwargs.get("user_is_staff", False)
        self._user_role = kwargs.get("user_role", "student")
        self._anonymous_user_id = kwargs.get("anonymous_user_id", None)

    def get_current_user(self):
        user = XBlockUser(is_current_user=True)
        django_user = self._django_user
        if django_user is not None and django_user.is_authenticated:
            user.emails = [django_user.email or f"{django_user.username}@example.com"]
            user.opt_attrs.update({
                "edx-platform.anonymous_user_id": self._anonymous_user_id,
                "edx-platform.is_authenticated": True,
                "edx-platform.user_id": django_user.id,
                "edx-platform.username": django_user.username,
                "edx-platform.user_is_staff": self._user_is_staff,
                "edx-platform.user_role": self._user_role,
            })
        else:
            user.opt_attrs["edx-platform.is_authenticated"] = False
        return user
