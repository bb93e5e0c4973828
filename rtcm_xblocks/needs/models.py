"""Django models of the needs assessment: one row per learner's submission, and exact cohort sums."""
from django.db import models

__all__ = ["Submission", "Aggregate"]


class Submission(models.Model):
    """A learner's latest submission to one assessment block: the ratings and profile answers as given."""

    block_key = models.CharField(max_length=255, help_text="Course-wide key of the assessment block.")
    learner_key = models.CharField(max_length=255, help_text="The runtime's id of the learner.")
    ratings = models.JSONField(default=dict, help_text="Competency id -> {importance, proficiency} or 'na'.")
    profile = models.JSONField(default=dict, help_text="The optional profile answers (country, agency, …).")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "rtcm_needs"
        constraints = [
            models.UniqueConstraint(fields=["block_key", "learner_key"], name="rtcm_needs_one_submission"),
        ]

    def __str__(self):
        return f"{self.learner_key} @ {self.block_key}"


class Aggregate(models.Model):
    """Integer sufficient statistics of one competency (or, with competency "", respondents) in one group.

    `by` is "all" (value ""), "country" or "agency"; `n` counts the respondents who rated both
    importance and proficiency, and the sums are of their ratings, so every mean is exact.
    """

    block_key = models.CharField(max_length=255, help_text="Course-wide key of the assessment block.")
    by = models.CharField(max_length=16, help_text='"all", "country" or "agency".')
    value = models.CharField(max_length=64, blank=True, help_text="The group's value ('' for all).")
    competency = models.CharField(max_length=100, blank=True, help_text="Competency id; '' counts respondents.")
    n = models.BigIntegerField(default=0)
    sum_importance = models.BigIntegerField(default=0)
    sum_proficiency = models.BigIntegerField(default=0)

    class Meta:
        app_label = "rtcm_needs"
        constraints = [
            models.UniqueConstraint(fields=["block_key", "by", "value", "competency"], name="rtcm_needs_one_aggregate"),
        ]

    def __str__(self):
        return f"{self.block_key} {self.by}={self.value} {self.competency}: n={self.n}"
