"""Django model of the scenario exercise: each learner's attempts at one block, the single source of truth."""
from django.db import models

__all__ = ["LearnerState"]


class LearnerState(models.Model):
    """A learner's attempts at one scenario block, written one move at a time (see scenario.storage).

    `state` is ``{"attempts": [attempt dicts], "uncounted": n, "override": fraction or null}``:
    the attempts as `graph.Attempt.to_dict` writes them, how many attempts the instructor's
    "reset attempts" no longer counts against the limit, and an instructor's score override.
    """

    block_key = models.CharField(max_length=255, help_text="Course-wide key of the scenario block.")
    learner_key = models.CharField(max_length=255, help_text="The runtime's id of the learner.")
    anonymous_key = models.CharField(max_length=255, blank=True, default="",
                                     help_text="The learner's anonymous id in the course (the instructor's delete state uses it).")
    state = models.JSONField(default=dict, help_text="The attempts, the uncounted attempts and any score override.")
    version = models.PositiveIntegerField(default=0, help_text="Incremented by every write.")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "rtcm_scenario"
        constraints = [
            models.UniqueConstraint(fields=["block_key", "learner_key"], name="rtcm_scenario_one_state"),
        ]
        indexes = [models.Index(fields=["block_key", "anonymous_key"], name="rtcm_scenario_anonymous")]

    def __str__(self):
        return f"{self.learner_key} @ {self.block_key} v{self.version}"
