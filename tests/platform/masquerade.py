"""LMS masquerade as a specific learner: what a staff member's request looks like to a block.

Mirrors `lms/djangoapps/courseware/masquerade.py` and `lms/djangoapps/courseware/block_render.py`:
- `setup_masquerade` swaps the request's user for the learner's Django user and sets on it
  `masquerade_settings` and ``real_user = request.user`` (the staff member);
- `get_block_for_descriptor` wraps the learner's field data in `MasqueradingKeyValueStore`: reads
  come from the learner's real state, writes go to the staff member's session;
- `get_module_system_for_user` builds the `user` service as `DjangoXBlockUserService(user,
  user_is_staff=has_access(user, 'staff', …), user_role=get_user_role(user, …))` for that learner
  (so: not staff, role "student"), and adds the `filter_displayed_blocks` wrapper, which replaces
  the fragment of a block without ``show_in_read_only_mode`` by a notice;
- `xmodule/services.py` `EventPublishingService.publish` skips the grade and completion handlers
  while `is_masquerading_as_specific_student` (the events are only tracked).
Differences: the learner's real state is the workbench's database; the session is a dict.
"""
import zlib

from web_fragments.fragment import Fragment
from workbench.runtime import WORKBENCH_KVS, WorkbenchRuntime
from xblock.runtime import KeyValueStore, KvsFieldData

from tests.platform.user_service import DjangoUser, DjangoXBlockUserService
from tests.workbench import handle

_DELETED = object()
NOT_SHOWN = "This type of component cannot be shown while viewing the course as a specific student."


class MasqueradingKeyValueStore(KeyValueStore):
    """Reads from the learner's store, writes to the session."""

    def __init__(self, kvs, session):
        self.kvs = kvs
        self.session_data = session.setdefault("masquerade_data", {})

    def get(self, key):
        try:
            value = self.session_data[repr(tuple(key))]
        except KeyError:
            return self.kvs.get(key)
        if value is _DELETED:
            raise KeyError(repr(tuple(key)))
        return value

    def set(self, key, value):
        self.session_data[repr(tuple(key))] = value

    def delete(self, key):
        self.set(key, _DELETED)

    def has(self, key):
        try:
            return self.session_data[repr(tuple(key))] is not _DELETED
        except KeyError:
            return self.kvs.has(key)


class MasqueradeRuntime(WorkbenchRuntime):
    """The LMS runtime of `staff` viewing the course as the learner `learner` (a workbench student id)."""

    def __init__(self, learner, staff="staff_masquerading", session=None):
        super().__init__(learner)
        self.session = {} if session is None else session
        learner_user = DjangoUser(zlib.crc32(learner.encode()), learner)
        learner_user.real_user = DjangoUser(zlib.crc32(staff.encode()), staff)
        learner_user.masquerade_settings = {"course": {"role": "student", "user_name": learner}}
        self._services["field-data"] = KvsFieldData(MasqueradingKeyValueStore(WORKBENCH_KVS, self.session))
        self._services["user"] = DjangoXBlockUserService(learner_user, user_is_staff=False, user_role="student")
        self.tracked = []  # every published event: the platform tracks them

    def publish(self, block, event_type, event_data):
        self.tracked.append((event_type, event_data))


def student_view(runtime, usage_id):
    """The block's student_view as the masquerading staff member gets it (after `filter_displayed_blocks`)."""
    block = runtime.get_block(usage_id)
    fragment = block.render("student_view", {})
    if getattr(block, "show_in_read_only_mode", False):
        return fragment
    return Fragment(NOT_SHOWN)


def handler(runtime, usage_id, name, body=None):
    """`handle_xblock_callback` while masquerading: POST `body` as JSON; (status, parsed JSON)."""
    return handle(runtime.get_block(usage_id), name, body)
