"""The scenario's instructor tools: rescoring, score overrides and "delete state", as the LMS calls them.

A mixin of ScenarioBlock (as `studio` is): the LMS's instructor tasks call `ScorableXBlockMixin`'s
interface (lms/djangoapps/instructor_task/tasks_helper/module_state.py) and the dashboard's "delete
state" calls `clear_student_state` (lms/djangoapps/instructor/enrollment.py). The learner's attempts
are read and written through the block's own storage (`_stored`, `_write`), so a rescore or an
override is stored with the attempts, as a move of the learner is.
"""
import dataclasses

from xblock.scorable import Score, ScorableXBlockMixin

from rtcm_xblocks.common.i18n import translator
from rtcm_xblocks.scenario import competencies, graph, storage
from rtcm_xblocks.scenario.analytics import stored_attempts

__all__ = ["ScenarioInstructorMixin"]


class ScenarioInstructorMixin(ScorableXBlockMixin):
    """Rescore, override, publish and delete a learner's scenario grade and state (see the module docstring)."""

    def has_submitted_answer(self):
        """True once the learner has finished an attempt (the LMS rescores only such learners)."""
        return any(attempt.finished for attempt in stored_attempts(self._stored()))

    def get_score(self):
        """The learner's recorded raw score: an instructor's override, else the grade over finished attempts."""
        stored = self._stored()
        return Score(raw_earned=self._recorded_value(stored) or 0.0, raw_possible=1.0)

    def set_score(self, score):
        """Record an instructor's score override (the LMS's "override score"); later grades publish it."""
        possible = float(score.raw_possible or 0)
        value = min(1.0, max(0.0, float(score.raw_earned) / possible)) if possible > 0 else 0.0

        def override(state):
            return dict(state, override=value)

        self._write(override)

    def calculate_score(self):
        """The grade the learner's finished attempts earn against the current case (nothing is stored)."""
        scenario = self._scenario()
        attempts = [self._rescored(scenario, attempt) for attempt in stored_attempts(self._stored())]
        value = self._overall(attempts)
        return Score(raw_earned=value or 0.0, raw_possible=1.0)

    def allows_rescore(self):
        """Rescoring makes sense only for a graded exercise."""
        return self.has_score

    def rescore(self, only_if_higher):
        """Rescore the finished attempts against the current case, record the result and publish it.

        As ScorableXBlockMixin.rescore (TypeError when not graded, ValueError before any finished
        attempt), but the attempts' new scores are stored with the grade, as a move of the learner
        is (see storage), so that the learner's debrief and later grades agree with the gradebook. The new
        scores replace an instructor's override, except when `only_if_higher` and they are lower:
        then nothing changes.
        """
        _ = translator(self).gettext
        if not self.allows_rescore():
            raise TypeError(_("This exercise is not graded, so it cannot be rescored."))
        if not self.has_submitted_answer():
            raise ValueError(_("This learner has not finished an attempt, so there is nothing to rescore."))
        scenario = self._scenario()
        result = {}

        def rescored(state):
            attempts = [self._rescored(scenario, attempt) for attempt in stored_attempts(state)]
            value = self._overall(attempts)
            result["value"] = value or 0.0
            recorded = self._recorded_value(state)
            if only_if_higher and recorded is not None and result["value"] <= recorded:
                return None
            rescored_state = self._encode(state, attempts)
            rescored_state.pop("override", None)
            return rescored_state

        self._write(rescored)
        self.runtime.publish(self, "grade", {"value": result["value"], "max_value": 1.0, "only_if_higher": only_if_higher})

    def publish_grade(self):
        """Publish the recorded score (the LMS calls it after an override)."""
        score = self.get_score()
        self.runtime.publish(self, "grade", {"value": score.raw_earned, "max_value": score.raw_possible})

    def clear_student_state(self, user_id, course_id, item_id, requesting_user_id):  # pylint: disable=unused-argument
        """The instructor's "delete state": remove the learner's row and competency results (named by anonymous id)."""
        key = self._storage_key()
        competencies.delete(key, anonymous=str(user_id))
        competencies.delete(key, learner=str(user_id))
        return storage.delete_anonymous(key, str(user_id)) + int(storage.delete(key, str(user_id)))

    def _recorded_value(self, state):
        """The instructor's override, else the grade over the stored finished attempts; None before any."""
        if isinstance(state, dict) and state.get("override") is not None:
            return float(state["override"])
        attempts = stored_attempts(state)
        return self._overall(attempts)

    def _rescored(self, scenario, attempt):
        """A finished attempt scored against the current case; one that no longer fits it keeps its score."""
        if not attempt.finished or not self.has_score or not graph.is_consistent(scenario, attempt):
            return attempt
        return dataclasses.replace(attempt, score=graph.score(scenario, attempt, self._scoring))
