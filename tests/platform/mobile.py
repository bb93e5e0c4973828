"""The course blocks API's publish-time call of `student_view_data()` (what the mobile apps receive).

Mirrors `lms/djangoapps/course_api/blocks/transformers/student_view.py`
(`StudentViewTransformer.collect`): when a course is published, the block-structure collect phase
walks the course's blocks as the modulestore gives them — bound to no user, with no request — and
stores ``block.has_support(student_view, 'multi_device')`` and ``block.student_view_data()`` (no
context) for every block that has the method. The stored value is served to every learner, in
every language, until the next publish. The modulestore's runtime offers the `i18n` service (in
whatever language the publishing process runs) but no `user` and no `replace_urls`: URLs stay as
the author wrote them (``/static/…``, ``/jump_to_id/…``).
Differences: the blocks come from the workbench's database instead of the published branch.
"""
import json

from workbench.runtime import WorkbenchRuntime

STUDENT_VIEW_DATA = "student_view_data"
STUDENT_VIEW_MULTI_DEVICE = "student_view_multi_device"


class PublishRuntime(WorkbenchRuntime):
    """The modulestore's runtime during the collect phase: no user, no `user` or `replace_urls` service."""

    def __init__(self):
        super().__init__(None)
        self._services.pop("user", None)
        self._services.pop("replace_urls", None)


def collect(usage_id):
    """What the transformer stores for the block: {"student_view_multi_device", "student_view_data"}."""
    block = PublishRuntime().get_block(usage_id)
    student_view = getattr(block.__class__, "student_view", None)
    collected = {STUDENT_VIEW_MULTI_DEVICE: block.has_support(student_view, "multi_device")}
    if getattr(block, STUDENT_VIEW_DATA, None):
        # The block structure is pickled and cached: the value must be plain JSON-able data.
        collected[STUDENT_VIEW_DATA] = json.loads(json.dumps(block.student_view_data()))
    return collected
