"""User retirement as the LMS runs it, mirrored from edx-platform for the tests.

* `platform_modules` puts in ``sys.modules`` what our retirement code imports from the platform:
  ``openedx/core/djangoapps/user_api/accounts/signals.py`` (its three retirement signals, plain
  ``Signal()``s) and ``lms/djangoapps/courseware/models.py``'s ``StudentModule``, here a thin view
  of the workbench's field-state rows with the attributes and query the platform model offers
  (``student_id``, ``module_type``, ``state`` as JSON text, ``save()``, ``objects.filter``).
* `retire_misc` is the pipeline's LMS step, ``LMSAccountRetirementView.post`` in
  ``openedx/core/djangoapps/user_api/accounts/views.py``: it sends
  ``USER_RETIRE_LMS_MISC.send(sender=LMSAccountRetirementView, user=retirement.user)``.
* `RetiredUser` stands for the ``User`` the signal carries: the pipeline has already replaced the
  username and e-mail, and the id is kept.

The plugin app's ``ready()`` connects our receiver only when the signal module imports: the tests
call `rtcm_xblocks.common.retirement.connect()` after installing the modules, as ``ready()`` would.
"""
import sys
import types
from dataclasses import dataclass

from django.dispatch import Signal
from workbench.models import XBlockState

__all__ = ["platform_modules", "retire_misc", "RetiredUser", "StudentModule"]

SIGNALS = "openedx.core.djangoapps.user_api.accounts.signals"
COURSEWARE_MODELS = "lms.djangoapps.courseware.models"


@dataclass
class RetiredUser:
    """The retired ``User``: its id (in the workbench, the student id) and the retired username."""

    id: str
    username: str = "retired__user_0123456789abcdef"


class StudentModule:
    """A learner's field state of one block, as the platform's model shows it (backed by the workbench's rows)."""

    def __init__(self, row):
        self._row = row
        self.student_id = row.user_id
        self.module_type = row.tag
        self.module_state_key = row.scope_id
        self.state = row.state

    def save(self):
        self._row.state = self.state
        self._row.save()

    class objects:  # pylint: disable=invalid-name,too-few-public-methods
        """The manager's query our code uses: ``filter(student_id=…, module_type__in=[…])``."""

        @staticmethod
        def filter(student_id, module_type__in):
            rows = XBlockState.objects.filter(scope="usage", user_id=str(student_id), tag__in=list(module_type__in))
            return [StudentModule(row) for row in rows.order_by("id")]


def platform_modules(monkeypatch):
    """Install the platform modules our retirement code imports; return the signals module."""
    signals = types.ModuleType(SIGNALS)
    signals.USER_RETIRE_MAILINGS = Signal()
    signals.USER_RETIRE_LMS_CRITICAL = Signal()
    signals.USER_RETIRE_LMS_MISC = Signal()
    courseware = types.ModuleType(COURSEWARE_MODELS)
    courseware.StudentModule = StudentModule
    for name in ("openedx", "openedx.core", "openedx.core.djangoapps", "openedx.core.djangoapps.user_api",
                 "openedx.core.djangoapps.user_api.accounts", "lms", "lms.djangoapps", "lms.djangoapps.courseware"):
        monkeypatch.setitem(sys.modules, name, sys.modules.get(name) or types.ModuleType(name))
    monkeypatch.setitem(sys.modules, SIGNALS, signals)
    monkeypatch.setitem(sys.modules, COURSEWARE_MODELS, courseware)
    return signals


class LMSAccountRetirementView:  # pylint: disable=too-few-public-methods
    """The sender of the signal, as in the platform."""


def retire_misc(signals, user):
    """The pipeline's ``retire_misc`` step for `user`: the signal every LMS app retires its data on."""
    signals.USER_RETIRE_LMS_MISC.send(sender=LMSAccountRetirementView, user=user)
