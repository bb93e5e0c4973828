"""The instructor's tools around a block and the gradebook they feed, mirrored from edx-platform.

* `rescore_problem_module_state` and `override_score_module_state` follow
  ``lms/djangoapps/instructor_task/tasks_helper/module_state.py``: the block is loaded bound to the
  learner; rescoring skips learners without `has_submitted_answer()` and calls
  ``rescore(only_if_higher=…)``; an override checks ``0 <= score <= max_score()``, calls
  ``set_score(Score(score / weight, max_score() / weight))`` then ``publish_grade()``; both save.
* `reset_student_attempts` follows ``lms/djangoapps/instructor/enrollment.py``: with
  ``delete_module`` the block (the course's copy, not bound to the learner) is told through
  ``clear_student_state(user_id=<anonymous id>, course_id, item_id, requesting_user_id)`` and the
  learner's StudentModule is deleted, the score then set to 0 (``_fire_score_changed_for_block``);
  without it, ``_reset_module_attempts`` sets ``state["attempts"] = 0`` in the StudentModule JSON.
* `Gradebook` keeps the last published score per learner and block as
  ``lms/djangoapps/grades/signals/handlers.py`` ``score_published_handler`` does: a grade published
  with ``only_if_higher`` replaces the previous one only when it is not lower.

The workbench's StudentModule is its ``XBlockState`` row of the learner's ``user_state`` scope
(scope "usage"), whose ``state`` is the same JSON of field values. The anonymous id is the one the
workbench's user service gives (workbench_site.services.anonymous_id), as the LMS's user service
gives ``anonymous_id_for_user``.
"""
import json

from workbench.models import XBlockState
from workbench.runtime import WorkbenchRuntime
from xblock.scorable import Score

from tests.workbench import get_block
from workbench_site.services import anonymous_id

__all__ = ["Gradebook", "rescore_problem_module_state", "override_score_module_state", "reset_student_attempts",
           "student_module", "SUCCEEDED", "SKIPPED"]

SUCCEEDED = "succeeded"
SKIPPED = "skipped"


class UpdateProblemModuleStateError(Exception):
    """The platform's error for a block that does not support the update asked for."""


def student_module(usage_id, student):
    """The learner's StudentModule for the block: the workbench's row of their user_state scope."""
    return XBlockState.objects.get(scope="usage", scope_id=str(usage_id), user_id=student)


def rescore_problem_module_state(usage_id, student, only_if_higher):
    """The instructor's "rescore" of one learner's problem (module_state.rescore_problem_module_state)."""
    instance = get_block(usage_id, student)
    if not hasattr(instance, "rescore"):
        raise UpdateProblemModuleStateError("Specified problem does not support rescoring.")
    if not instance.has_submitted_answer():
        return SKIPPED
    instance.rescore(only_if_higher=only_if_higher)
    instance.save()
    return SUCCEEDED


def override_score_module_state(usage_id, student, score):
    """The instructor's "override score" of one learner (module_state.override_score_module_state)."""
    instance = get_block(usage_id, student)
    if not hasattr(instance, "set_score"):
        raise UpdateProblemModuleStateError("Scores cannot be overridden for this problem type.")
    weighted_override_score = float(score)
    if not 0 <= weighted_override_score <= instance.max_score():
        raise UpdateProblemModuleStateError("Score must be between 0 and the maximum points available for the problem.")
    problem_weight = instance.weight if instance.weight is not None else 1
    if problem_weight == 0:
        raise UpdateProblemModuleStateError("Scores cannot be overridden for a problem that has a weight of zero.")
    instance.set_score(Score(raw_earned=weighted_override_score / problem_weight,
                             raw_possible=instance.max_score() / problem_weight))
    instance.publish_grade()
    instance.save()
    return SUCCEEDED


def reset_student_attempts(usage_id, student, requesting_user, delete_module=False, gradebook=None):
    """The instructor dashboard's "reset attempts" or, with `delete_module`, "delete state" (enrollment.py)."""
    user_id = anonymous_id(student)
    requesting_user_id = anonymous_id(requesting_user)
    if delete_module:
        block = get_block(usage_id, requesting_user)  # modulestore().get_item: the course's block, no learner
        clear_student_state = getattr(block, "clear_student_state", None)
        if callable(clear_student_state):
            clear_student_state(user_id=user_id, course_id="course-v1:rtcm+workbench+run",
                                item_id=str(usage_id), requesting_user_id=requesting_user_id)
    module_to_reset = student_module(usage_id, student)
    if delete_module:
        module_to_reset.delete()
        if gradebook is not None:
            gradebook.score_changed_to_zero(student, usage_id)
    else:
        problem_state = json.loads(module_to_reset.state)
        problem_state["attempts"] = 0
        module_to_reset.state = json.dumps(problem_state)
        module_to_reset.save()


class Gradebook:
    """The persistent score of each (learner, block) as the LMS's grades app keeps it from "grade" events."""

    def __init__(self):
        self.scores = {}
        self.events = []

    def install(self, monkeypatch):
        """Receive every event the workbench runtime publishes (keeping them in `events`)."""
        def publish(runtime, block, kind, data):  # pylint: disable=unused-argument
            self.events.append((kind, data))
            if kind == "grade":
                self.score_published(block.scope_ids.user_id, str(block.scope_ids.usage_id), data["value"],
                                     data["max_value"], data.get("only_if_higher"))
        monkeypatch.setattr(WorkbenchRuntime, "publish", publish)
        return self

    def score_published(self, student, usage, raw_earned, raw_possible, only_if_higher):
        """score_published_handler: with only_if_higher, a lower score leaves the previous one."""
        previous = self.scores.get((student, usage))
        if only_if_higher and previous is not None and not _higher_or_equal(previous, (raw_earned, raw_possible)):
            return False
        self.scores[(student, usage)] = (raw_earned, raw_possible)
        return True

    def score_changed_to_zero(self, student, usage_id):
        """_fire_score_changed_for_block after a deleted state: 0 points of the block's possible ones."""
        _earned, possible = self.scores.get((student, str(usage_id)), (0.0, 1.0))
        self.scores[(student, str(usage_id))] = (0.0, possible)

    def fraction(self, student, usage_id):
        """The learner's score for the block as a fraction, or None before any."""
        earned, possible = self.scores.get((student, str(usage_id)), (None, None))
        return None if earned is None else (earned / possible if possible else 0.0)


def _higher_or_equal(previous, new):
    """lms/djangoapps/grades/scores.py is_score_higher_or_equal: compares the fractions earned."""
    (prev_earned, prev_possible), (earned, possible) = previous, new
    prev_fraction = prev_earned / prev_possible if prev_possible else 0
    fraction = earned / possible if possible else 0
    return fraction >= prev_fraction
