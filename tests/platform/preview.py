"""Studio's preview runtime: how the unit page renders a block and runs its handlers.

Mirrors `cms/djangoapps/contentstore/views/preview.py`:
- `PreviewModuleSystem` (the runtime class) sets ``is_author_mode = True``, the attribute blocks
  read to know they are previewed in Studio;
- `_preview_module_system` gives the `user` service as `DjangoXBlockUserService(request.user,
  user_role=…, anonymous_user_id="student")` (no `user_is_staff`), a `replace_urls` service, and,
  in current releases, Studio's `studio_user_permissions`;
- `_load_preview_block` binds the block to the author (``request.user.id``) and sends user-scoped
  fields to the session (`SessionKeyValueStore`), content and settings to the modulestore;
- `get_preview_fragment` renders `author_view` when `has_author_view(block)` (the block's
  `has_author_view` attribute, xmodule/studio_editable.py), else `student_view`;
- `preview_handler` calls ``instance.handle(handler, request, suffix)``.
Differences: content and settings come from the workbench's database instead of the draft
modulestore, and the session is a dict.
"""
import zlib

from workbench.runtime import WORKBENCH_KVS, WorkbenchRuntime
from xblock.field_data import SplitFieldData
from xblock.fields import Scope
from xblock.runtime import DictKeyValueStore, KvsFieldData

from tests.platform.user_service import DjangoUser, DjangoXBlockUserService
from tests.workbench import handle

AUTHOR_VIEW = "author_view"
STUDENT_VIEW = "student_view"


class StudioPermissions:
    """Studio's `studio_user_permissions` service: ``can_write(course_key)`` for the course team."""

    def __init__(self, can_write=True):
        self._can_write = can_write

    def can_write(self, course_key):  # pylint: disable=unused-argument
        return self._can_write

    def can_read(self, course_key):  # pylint: disable=unused-argument
        return True


class PreviewRuntime(WorkbenchRuntime):
    """The runtime of Studio's unit-page preview, bound to the author."""

    is_author_mode = True

    def __init__(self, username="author", role="staff", can_write=True, session=None):
        user_id = zlib.crc32(username.encode())
        super().__init__(user_id)
        self.session = {} if session is None else session
        base = KvsFieldData(WORKBENCH_KVS)
        student = KvsFieldData(DictKeyValueStore(self.session))
        self._services["field-data"] = SplitFieldData({
            Scope.content: base, Scope.settings: base, Scope.parent: base, Scope.children: base,
            Scope.user_state: student, Scope.preferences: student, Scope.user_info: student,
            Scope.user_state_summary: student,
        })
        self._services["user"] = DjangoXBlockUserService(
            DjangoUser(user_id, username), user_role=role, anonymous_user_id="student")
        self._services["studio_user_permissions"] = StudioPermissions(can_write)
        self.events = []

    def publish(self, block, event_type, event_data):
        self.events.append((event_type, event_data))


def has_author_view(block):
    """`xmodule.studio_editable.has_author_view`: the block's `has_author_view` attribute, and nothing else.

    Defining an `author_view` method is not enough: without ``has_author_view = True`` Studio
    renders `student_view`, with learner-state field data.
    """
    return getattr(block, "has_author_view", False)


def preview_fragment(runtime, usage_id):
    """`get_preview_fragment`: the block's author_view if it has one, else its student_view."""
    block = runtime.get_block(usage_id)
    view = AUTHOR_VIEW if has_author_view(block) else STUDENT_VIEW
    return view, block.render(view, {})


def preview_handler(runtime, usage_id, handler, body=None):
    """`preview_handler`: POST `body` as JSON to `handler`; (status, parsed JSON)."""
    return handle(runtime.get_block(usage_id), handler, body)
