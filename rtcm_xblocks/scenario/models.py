"""Django models of the scenario exercise: each learner's attempts at one block (the single source of truth) and the block's analytics counts."""
from django.db import models

__all__ = ["AnalyticsCount", "CompetencyResult", "LearnerState"]


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
    counted = models.TextField(default="{}", help_text=(
        "The change this row's last write made to the block's analytics counts, which a database trigger adds "
        "to them in the same statement (scenario.storage)."))

    class Meta:
        app_label = "rtcm_scenario"
        constraints = [
            models.UniqueConstraint(fields=["block_key", "learner_key"], name="rtcm_scenario_one_state"),
        ]
        indexes = [models.Index(fields=["block_key", "anonymous_key"], name="rtcm_scenario_anonymous")]

    def __str__(self):
        return f"{self.learner_key} @ {self.block_key} v{self.version}"


class AnalyticsCount(models.Model):
    """One exact count of the block's scenario analytics (see scenario.analytics for the kinds).

    Kept up to date in the transaction of every learner's move (scenario.storage), never recomputed
    from the learners' rows when a report is read. `digest` is the SHA-1 of `parts` (a JSON list of
    step, choice and ending ids), so that ids of any length fit the unique key.
    """

    block_key = models.CharField(max_length=255, help_text="Course-wide key of the scenario block.")
    kind = models.CharField(max_length=16, help_text="What is counted: learners, reached, took, path ...")
    digest = models.CharField(max_length=40, help_text="SHA-1 of parts.")
    parts = models.TextField(help_text="The counted step, choice and ending ids as a JSON list.")
    value = models.BigIntegerField(default=0)

    class Meta:
        app_label = "rtcm_scenario"
        constraints = [
            models.UniqueConstraint(fields=["block_key", "kind", "digest"], name="rtcm_scenario_one_count"),
        ]
        indexes = [models.Index(fields=["block_key", "kind", "value"], name="rtcm_scenario_count_rank")]

    def __str__(self):
        return f"{self.block_key} {self.kind} {self.parts}: {self.value}"


class CompetencyResult(models.Model):
    """What a learner's latest graded attempt at one scenario block earned in one competency (see scenario.competencies).

    The row with an empty `competency` stands for the block's result as a whole: every learner with
    results has one, and `competencies.record` locks it, so that two records of the same learner
    and block never mix their rows.
    """

    course = models.CharField(max_length=255, help_text="The block's course scope (common.storage.course_scope).")
    block_key = models.CharField(max_length=255, help_text="Course-wide key of the scenario block.")
    learner_key = models.CharField(max_length=255, help_text="The runtime's id of the learner.")
    anonymous_key = models.CharField(max_length=255, blank=True, default="",
                                     help_text="The learner's anonymous id in the course (the instructor's delete state uses it).")
    competency = models.CharField(max_length=200, blank=True,
                                  help_text="A competency id of the self-assessment framework; empty for the block's own row.")
    earned = models.IntegerField(default=0, help_text="Points the attempt earned in the competency.")
    best = models.IntegerField(default=0, help_text="The most points an attempt could earn in the competency.")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "rtcm_scenario"
        constraints = [
            models.UniqueConstraint(fields=["block_key", "learner_key", "competency"], name="rtcm_scenario_one_result"),
        ]
        indexes = [
            models.Index(fields=["course", "learner_key"], name="rtcm_scenario_result_course"),
            models.Index(fields=["learner_key"], name="rtcm_scenario_result_learner"),
            models.Index(fields=["block_key", "anonymous_key"], name="rtcm_scenario_result_anon"),
        ]

    def __str__(self):
        return f"{self.learner_key} @ {self.block_key} {self.competency}: {self.earned}/{self.best}"
