"""JSON handlers with one error shape: HTTP 400/403/405/409 with ``{"error": code, "message": text}``.

Every handler of our blocks goes through `json_handler`: the body is parsed and checked to be a
JSON object before the block sees it, domain errors become 400s, and no exception of ours reaches
the runtime as a 500.

Handlers that write learner data are declared ``json_handler(writes=True)``: they answer 403 and
write nothing where the platform shows a learner page to someone who is not that learner —
Studio's preview (`runtime.is_author_mode`) and LMS staff masquerading as a specific learner
(see `read_only_reason`).
"""
import functools
import json

from webob import Response
from xblock.core import XBlock
from xblock.exceptions import NoSuchServiceError

from rtcm_xblocks.common.i18n import translator

__all__ = [
    "HandlerError", "json_handler", "json_response", "user_is_staff", "require_staff", "current_user",
    "STUDIO_PERMISSIONS", "user_is_author", "read_only_reason", "PREVIEW", "MASQUERADE",
]

# Studio's service telling whether a user may write to a course; blocks declare it as wanted.
STUDIO_PERMISSIONS = "studio_user_permissions"

# Why a learner page is read-only (see read_only_reason).
PREVIEW = "preview"
MASQUERADE = "masquerade"


class HandlerError(Exception):
    """A request the block refuses; `message` is already translated for the learner."""

    def __init__(self, code, message, status=400, errors=None, extra=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.errors = errors  # optional [{"field", "message"}] for editors that mark fields
        self.extra = extra  # optional further keys of the answer, e.g. {"state": …} with a 409 conflict


def json_response(payload, status=200):
    """A JSON response in UTF-8."""
    return Response(
        body=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        status=status,
        content_type="application/json",
        charset="utf-8",
    )


def _error_response(error):
    payload = {"error": error.code, "message": error.message}
    if error.errors is not None:
        payload["errors"] = error.errors
    payload.update(error.extra or {})
    return json_response(payload, status=error.status)


def json_handler(func=None, *, staff_only=False, writes=False):
    """Declare an XBlock handler that takes a JSON object and returns JSON.

    The wrapped method is called as ``func(self, data, suffix)`` with `data` a dict; it returns a
    JSON-serialisable value or raises HandlerError. An empty body counts as ``{}``. With `writes`
    (the handler writes learner data) the handler is refused with a 403 in Studio's preview and
    while staff masquerade as a learner, before it reads the body.
    """
    if func is None:
        return functools.partial(json_handler, staff_only=staff_only, writes=writes)

    @functools.wraps(func)
    def wrapper(self, request, suffix=""):
        _ = translator(self).gettext
        try:
            if request.method != "POST":
                raise HandlerError("method_not_allowed", _("This handler only accepts POST requests."), 405)
            if staff_only:
                require_staff(self)
            if writes:
                _refuse_read_only(self, _)
            data = _parse_body(request.body, _)
            return json_response(func(self, data, suffix))
        except HandlerError as error:
            return _error_response(error)

    return XBlock.handler(wrapper)


def _parse_body(body, _):
    if not body or not body.strip():
        return {}
    try:
        data = json.loads(body.decode("utf-8") if isinstance(body, bytes) else body)
        json.dumps(data, ensure_ascii=False).encode("utf-8")  # "\ud800" parses, but is no text: refuse it here
    except (ValueError, UnicodeDecodeError) as error:
        raise HandlerError("invalid_json", _("The request body is not valid JSON.")) from error
    if not isinstance(data, dict):
        raise HandlerError("invalid_body", _("The request body must be a JSON object."))
    return data


def current_user(block):
    """The runtime's current XBlockUser, or None where the runtime has no user service."""
    service = block.runtime.service(block, "user") if block.runtime else None
    return service.get_current_user() if service else None


def user_is_staff(block):
    """True when the LMS user service says the current user is course staff or an instructor."""
    user = current_user(block)
    if user is None:
        return False
    attrs = user.opt_attrs or {}
    return bool(attrs.get("edx-platform.user_is_staff")) or attrs.get("edx-platform.user_role") in ("staff", "instructor")


def require_staff(block):
    """Raise a 403 HandlerError unless the current user is staff."""
    if not user_is_staff(block):
        _ = translator(block).gettext
        raise HandlerError("forbidden", _("Only course staff can see this."), status=403)


def user_is_author(block):
    """True for the course team: LMS staff or instructors, or users Studio lets write to the course.

    Studio runs an editor's handlers with a `user` service that carries no course role, so there the
    team is recognised through Studio's `studio_user_permissions` service.
    """
    if user_is_staff(block):
        return True
    try:
        permissions = block.runtime.service(block, STUDIO_PERMISSIONS) if block.runtime else None
    except NoSuchServiceError:
        permissions = None
    usage_id = block.scope_ids.usage_id
    course_key = getattr(usage_id, "context_key", None) or getattr(usage_id, "course_key", None)
    return bool(permissions is not None and course_key is not None and permissions.can_write(course_key))


def read_only_reason(block):
    """PREVIEW, MASQUERADE or None: why the learner-data handlers of `block` must not write.

    - PREVIEW: Studio renders and runs the block in its preview runtime, whose class sets
      ``is_author_mode = True`` (cms/djangoapps/contentstore/views/preview.py); learner data written
      there would be the author's test clicks.
    - MASQUERADE: LMS staff view the course "as a specific learner"
      (lms/djangoapps/courseware/masquerade.py `setup_masquerade`). The block is then bound to the
      learner and the `user` service (`DjangoXBlockUserService`) wraps that learner's Django user,
      on which the platform sets `real_user`, the staff member (the platform's only mark of it that
      reaches a block: the service's opt_attrs describe the learner). Field data goes to the session
      and grades are skipped, but our own tables would be written as the learner.
    """
    runtime = getattr(block, "runtime", None)
    if runtime is None:
        return None
    if getattr(runtime, "is_author_mode", False) is True:
        return PREVIEW
    try:
        service = runtime.service(block, "user")
    except NoSuchServiceError:
        service = None
    wrapped = getattr(service, "_django_user", None)  # pylint: disable=protected-access
    real_user = getattr(wrapped, "real_user", None) if wrapped is not None else None
    if real_user is not None and real_user is not wrapped and getattr(real_user, "id", None) != getattr(wrapped, "id", None):
        return MASQUERADE
    return None


def _refuse_read_only(block, _):
    reason = read_only_reason(block)
    if reason == PREVIEW:
        raise HandlerError("preview_read_only", _(
            "This is a preview in Studio: nothing is recorded. Learners' answers are recorded in the course."),
            status=403)
    if reason == MASQUERADE:
        raise HandlerError("masquerade_read_only", _(
            "You are viewing this as a specific learner: you can see their work but not change it."),
            status=403)
