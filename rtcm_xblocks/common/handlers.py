"""JSON handlers with one error shape: HTTP 400/403/405/409/413 with ``{"error": code, "message": text}``.

Every handler of our blocks goes through `json_handler`: the body is parsed and checked to be a
JSON object before the block sees it, domain errors become 400s, and no exception of ours reaches
the runtime as a 500.

Handlers that write learner data are declared ``json_handler(writes=True)``: they answer 403 and
write nothing where the platform shows a learner page to someone who is not that learner —
Studio's preview (`runtime.is_author_mode`) and LMS staff masquerading as a specific learner
(see `read_only_reason`).

Limits, checked before any block code runs (docs/SCENARIO_API.md, "Limits"): a body of at most
MAX_BODY_BYTES with at most MAX_CONTAINERS arrays and objects (else 413 `body_too_large`), nested
at most MAX_DEPTH deep (checked on the raw text before parsing, so the parser never recurses
deeply; else 400 `too_deep`), and
numbers that are finite with at most MAX_NUMBER_DIGITS digits (`NaN`, `Infinity`, `1e999` or a
5,000-digit integer are a 400 `invalid_number`).
"""
import csv
import functools
import io
import json
import math
import re

from django.core.exceptions import RequestDataTooBig
from webob import Response
from xblock.core import XBlock
from xblock.exceptions import NoSuchServiceError

from rtcm_xblocks.common.i18n import translator

__all__ = [
    "HandlerError", "json_handler", "json_response", "user_is_staff", "require_staff", "current_user", "anonymous_id",
    "staff_csv", "STUDIO_PERMISSIONS", "user_is_author", "read_only_reason", "PREVIEW", "MASQUERADE",
    "MAX_BODY_BYTES", "MAX_CONTAINERS", "MAX_DEPTH", "MAX_NUMBER_DIGITS", "nesting_depth",
]

# Studio's service telling whether a user may write to a course; blocks declare it as wanted.
STUDIO_PERMISSIONS = "studio_user_permissions"

# Why a learner page is read-only (see read_only_reason).
PREVIEW = "preview"
MASQUERADE = "masquerade"

MAX_BODY_BYTES = 8 * 1024 * 1024  # the OLX tab's 2,000,000 characters, JSON-escaped, fit with room to spare
MAX_DEPTH = 32  # our payloads nest 6 levels at most
MAX_CONTAINERS = 100_000  # a 2,000-step scenario draft has about 12,000
MAX_NUMBER_DIGITS = 30  # far beyond any count, rating or weight; Python's int() itself stops at 4,300

# A JSON string literal once escaped backslashes and quotes are gone; brackets inside strings do not nest.
_JSON_STRING = re.compile(rb'"[^"]*"')
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")


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
            data = _parse_body(_read_body(request, _), _)
            return json_response(func(self, data, suffix))
        except HandlerError as error:
            return _error_response(error)

    return XBlock.handler(wrapper)


def _read_body(request, _):
    """The request's bytes; Django's own upload limit (DATA_UPLOAD_MAX_MEMORY_SIZE) is a 413 like ours."""
    try:
        return request.body
    except RequestDataTooBig as error:
        raise _too_large(_) from error


def _too_large(_):
    return HandlerError("body_too_large", _("The request body is too large."), status=413)


class _NumberError(ValueError):
    """A JSON number we refuse to turn into a Python value."""


def _parse_int(text):
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise _NumberError(text)
    return int(text)


def _parse_float(text):
    value = float(text) if len(text) <= 2 * MAX_NUMBER_DIGITS else math.inf
    if not math.isfinite(value):
        raise _NumberError(text)
    return value


def _parse_constant(text):
    raise _NumberError(text)  # NaN, Infinity, -Infinity: not JSON, though Python's parser takes them


def _structure(body):
    """The brackets of the JSON text `body` outside its strings, "{" and "}" written as "[" and "]".

    Escaped backslashes, then escaped quotes, are removed first (left to right, as JSON reads
    them), so that every remaining quote opens or closes a string. All C-speed bytes operations.
    """
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")
    body = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    return brackets.replace(b"{", b"[").replace(b"}", b"]")


def nesting_depth(body, limit):
    """How deeply the arrays and objects of the JSON text `body` nest, counted up to `limit` + 1."""
    return _depth(_structure(body), limit)


def _depth(brackets, limit):
    """Each pass removes the innermost pairs, so the text is (limit + 1) deep exactly when a pair remains
    after `limit` passes. Brackets left unclosed (invalid JSON, which the parser would refuse only after
    recursing) count as nesting too."""
    depth = 0
    while b"[]" in brackets and depth <= limit:
        brackets = brackets.replace(b"[]", b"")
        depth += 1
    return min(depth + brackets.count(b"["), limit + 1)


def _parse_body(body, _):
    if not body or not body.strip():
        return {}
    if len(body) > MAX_BODY_BYTES:
        raise _too_large(_)
    brackets = _structure(body)
    if len(brackets) > 2 * MAX_CONTAINERS:
        raise _too_large(_)
    if _depth(brackets, MAX_DEPTH) > MAX_DEPTH:
        raise HandlerError("too_deep", _("The request body nests more than {limit} levels deep.").format(
            limit=MAX_DEPTH))
    try:
        data = json.loads(body.decode("utf-8") if isinstance(body, bytes) else body, parse_int=_parse_int,
                          parse_float=_parse_float, parse_constant=_parse_constant)
        json.dumps(data, ensure_ascii=False).encode("utf-8")  # "\ud800" parses, but is no text: refuse it here
    except _NumberError as error:
        raise HandlerError("invalid_number", _(
            "The request body holds a number that is not finite or has more than {limit} digits.").format(
                limit=MAX_NUMBER_DIGITS)) from error
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise HandlerError("invalid_json", _("The request body is not valid JSON.")) from error
    if not isinstance(data, dict):
        raise HandlerError("invalid_body", _("The request body must be a JSON object."))
    return data


def current_user(block):
    """The runtime's current XBlockUser, or None where the runtime has no user service."""
    service = block.runtime.service(block, "user") if block.runtime else None
    return service.get_current_user() if service else None


def anonymous_id(block):
    """The current learner's anonymous id in the course, as the LMS user service gives it ("" where there is none).

    The instructor dashboard's "delete state" names learners by this id (the block's
    `clear_student_state`), so the blocks record it beside the rows they keep.
    """
    user = current_user(block)
    return str((user.opt_attrs or {}).get("edx-platform.anonymous_user_id") or "") if user is not None else ""


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


def staff_csv(block, request, name, rows):
    """A staff-only CSV download (a GET): `rows()` as UTF-8 CSV with a byte-order mark, saved as `name`.csv.

    A 405 for any other method and a 403 for learners, as JSON errors, before `rows` is called.
    """
    _ = translator(block).gettext
    try:
        if request.method not in ("GET", "HEAD"):
            raise HandlerError("method_not_allowed", _("This handler only accepts GET requests."), 405)
        require_staff(block)
    except HandlerError as error:
        return json_response({"error": error.code, "message": error.message}, status=error.status)
    buffer = io.StringIO()
    try:
        csv.writer(buffer, lineterminator="\r\n").writerows(rows())
    except HandlerError as error:  # e.g. 503 busy from a report that had to write a release
        return json_response({"error": error.code, "message": error.message}, status=error.status)
    safe_name = "".join(char if char.isalnum() or char in "-_" else "-" for char in name)
    return Response(body=("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv", charset="utf-8",
                    content_disposition=f'attachment; filename="{safe_name}.csv"')


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
