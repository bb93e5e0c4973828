"""The workbench runtime made to build blocks as the LMS does: with the platform mixins and inheriting field data.

The test settings name `as_in_the_lms` in `RTCM_WORKBENCH_RUNTIME_HOOK`; workbench_site's app calls
it once at start-up, so every behaviour test (handlers, pages, browser) runs on block classes
mixed as `XBLOCK_MIXINS` mixes them, with `InheritingFieldData` over the workbench's store.
`make run` (workbench_site.settings) names no hook and keeps the SDK's plain runtime.

The SDK's `_patch_xblock` sets `due`, `graceperiod` and a fake `location` on every block it renders
for the LTI block's sake; with the mixins those are real settings fields, and setting them would
save a due date into every block. The LMS does nothing of the kind, so the hook turns it off.
"""
from workbench import runtime as workbench_runtime
from xblock.runtime import Mixologist

from tests.platform.mixins import XBLOCK_MIXINS, inheriting_field_data

__all__ = ["as_in_the_lms"]


def as_in_the_lms():
    """Make every WorkbenchRuntime mix in the platform mixins and inherit settings from parents."""
    runtime_class = workbench_runtime.WorkbenchRuntime
    if getattr(runtime_class, "platform_mixins", None):
        return
    build = runtime_class.__init__

    def __init__(self, *args, **kwargs):
        build(self, *args, **kwargs)
        self.mixologist = Mixologist(XBLOCK_MIXINS)
        # pylint: disable-next=protected-access
        self._services["field-data"] = inheriting_field_data(workbench_runtime.WORKBENCH_KVS)

    runtime_class.__init__ = __init__
    runtime_class._patch_xblock = lambda self, block: None  # pylint: disable=protected-access
    runtime_class.platform_mixins = XBLOCK_MIXINS
