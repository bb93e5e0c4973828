"""What the LMS gives event-routing-backends around our events: the tracking envelope and three platform APIs.

event-routing-backends (installed from PyPI for the tests) turns the LMS's tracking events into
xAPI statements; two things around it exist only in edx-platform, and this module mirrors them.

1. The envelope. A block's `runtime.publish(block, name, data)` reaches
   `EventPublishingService.publish` (edx-platform `xmodule/services.py`): anything other than
   grade/completion goes to the track function, inside a tracker context holding
   `contexts.course_context_from_course_id(course_id)` (`common/djangoapps/track/contexts.py`:
   `course_id`, `org_id`, `enterprise_uuid`) plus `user_id`; the handler's request context adds
   `module` {`usage_key`, `display_name`} (`lms/djangoapps/courseware/block_render.py`),
   `session`, `event_source: "server"` and `page: "x_module"` (`common/djangoapps/track/views/__init__.py`,
   `server_track`). `tracking_event` builds that dict, in the shape of event-routing-backends'
   own fixture `processors/tests/fixtures/current/problem_check(server).json`.
2. The platform APIs `event_routing_backends.helpers` imports at its own import time (the same
   three its test suite replaces in `test_utils._mock_third_party_modules`):
   `openedx.core.djangoapps.external_user_ids.models` (`ExternalId.add_new_user_id(user, type)`
   -> (external id, created), a stable UUID per user and type), `...content.course_overviews.api`
   (`get_course_overviews([course_key])` -> overviews with `display_name`) and
   `common.djangoapps.student.models.get_potentially_retired_user_by_username`. `install()` puts
   these into `sys.modules`; it must run before event-routing-backends is imported (the test
   settings call it before Django loads the app).

Known differences: the real envelope also carries `ip`, `agent`, `referer`, `host`, `path`,
`username` and `course_user_tags`; the statements we check never read them.
"""
import sys
import types
import uuid
from datetime import datetime, timezone

COURSE_ID = "course-v1:IOM-RTCM+MMP101+2026"
COURSE_NAME = "Migration management in practice"
_EXTERNAL_IDS = {}


def install():
    """Register the mirrored platform modules, unless a real edx-platform is importable."""
    if "openedx" in sys.modules:
        return

    class ExternalIdType:  # openedx/core/djangoapps/external_user_ids/models.py
        LTI = "lti"
        XAPI = "xapi"
        CALIPER = "caliper"

    class ExternalId:
        def __init__(self, user, external_id_type):
            self.user = user
            self.external_id_type = external_id_type
            self.external_user_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{external_id_type}:{user.pk}")

        @classmethod
        def add_new_user_id(cls, user, type_name):
            key = (user.pk, type_name)
            created = key not in _EXTERNAL_IDS
            if created:
                _EXTERNAL_IDS[key] = cls(user, type_name)
            return _EXTERNAL_IDS[key], created

    def get_course_overviews(course_ids):  # openedx/core/djangoapps/content/course_overviews/api.py
        return [{"id": str(key), "display_name": COURSE_NAME} for key in course_ids]

    def get_potentially_retired_user_by_username(username):  # common/djangoapps/student/models/user.py
        from django.contrib.auth import get_user_model  # pylint: disable=import-outside-toplevel
        return get_user_model().objects.get(username=username)

    modules = {
        "openedx.core.djangoapps.external_user_ids.models": {"ExternalId": ExternalId, "ExternalIdType": ExternalIdType},
        "openedx.core.djangoapps.content.course_overviews.api": {"get_course_overviews": get_course_overviews},
        "common.djangoapps.student.models": {
            "get_potentially_retired_user_by_username": get_potentially_retired_user_by_username},
    }
    for name, attributes in modules.items():
        parts = name.split(".")
        for depth in range(1, len(parts) + 1):
            sys.modules.setdefault(".".join(parts[:depth]), types.ModuleType(".".join(parts[:depth])))
        vars(sys.modules[name]).update(attributes)


def tracking_event(block, name, data, user_id, course_id=COURSE_ID, session="3b5c1bd0f7a4e6d2", timestamp=None):
    """The event dict event-routing-backends receives for `runtime.publish(block, name, data)` in the LMS."""
    block_id = "".join(char if char.isalnum() else "_" for char in str(block.scope_ids.usage_id))
    usage_key = f"block-v1:{course_id.split(':', 1)[1]}+type@{block.scope_ids.block_type}+block@{block_id}"
    return {
        "name": name,
        "timestamp": timestamp or datetime.now(timezone.utc).isoformat(),
        "data": data,
        "context": {
            "course_id": course_id,
            "org_id": course_id.split(":", 1)[1].split("+")[0],
            "enterprise_uuid": "",
            "user_id": user_id,
            "asides": {},
            "module": {"usage_key": usage_key, "display_name": block.display_name},
            "session": session,
            "event_source": "server",
            "page": "x_module",
            "course_user_tags": {},
        },
    }
