"""Django models of the needs assessment: one row per learner's submission, exact cohort sums, and the released figures.

The cohort report shows a *release* (see `rtcm_xblocks.needs.disclosure`): a snapshot of the
sums (`ReleasedAggregate`, described by its `Release`) that only moves on in batches of changes,
which `PendingChange` records learner by learner; `ReleasedState` keeps, learner by learner, what
each earlier release counted them as, so that a new release can be audited against every one.
"""
from django.db import models

__all__ = ["Submission", "Aggregate", "PendingChange", "Release", "ReleasedAggregate", "ReleasedState", "BlockDescription"]


class Submission(models.Model):
    """A learner's latest submission to one assessment block: the ratings and profile answers as given."""

    block_key = models.CharField(max_length=255, help_text="Course-wide key of the assessment block.")
    learner_key = models.CharField(max_length=255, help_text="The runtime's id of the learner.")
    anonymous_key = models.CharField(max_length=255, blank=True, default="",
                                     help_text="The learner's anonymous id in the course (the instructor's delete state uses it).")
    ratings = models.JSONField(default=dict, help_text="Competency id -> {importance, proficiency} or 'na'.")
    profile = models.JSONField(default=dict, help_text="The optional profile answers (country, agency, …).")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "rtcm_needs"
        constraints = [
            models.UniqueConstraint(fields=["block_key", "learner_key"], name="rtcm_needs_one_submission"),
        ]
        indexes = [models.Index(fields=["block_key", "anonymous_key"], name="rtcm_needs_anonymous")]

    def __str__(self):
        return f"{self.learner_key} @ {self.block_key}"


class _Sums(models.Model):
    """The fields an aggregate row and its released copy share: a group's integer sums for one competency."""

    block_key = models.CharField(max_length=255, help_text="Course-wide key of the assessment block.")
    value = models.CharField(max_length=64, blank=True, help_text="The group's value ('' for all).")
    competency = models.CharField(max_length=100, blank=True, help_text="Competency id; '' counts respondents.")
    n = models.BigIntegerField(default=0)
    sum_importance = models.BigIntegerField(default=0)
    sum_proficiency = models.BigIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.block_key} {self.by}={self.value} {self.competency}: n={self.n}"


class Aggregate(_Sums):
    """Integer sufficient statistics of one competency (or, with competency "", respondents) in one group.

    `by` is "all" (value ""), "country", "agency" or "cell" (value "<country>|<agency>", respondents
    only: the disclosure audit's atoms, never shown); `n` counts the respondents who rated both
    importance and proficiency, and the sums are of their ratings, so every mean is exact.
    """

    by = models.CharField(max_length=16, help_text='"all", "country" or "agency".')

    class Meta:
        app_label = "rtcm_needs"
        constraints = [
            models.UniqueConstraint(fields=["block_key", "by", "value", "competency"], name="rtcm_needs_one_aggregate"),
        ]


class PendingChange(models.Model):
    """A learner whose submission changed since the block's last release: their cell then and now.

    A cell is "<country>|<agency>" (either part empty when unanswered); null means no submission
    (before: not in the last release; after: withdrawn).
    """

    block_key = models.CharField(max_length=255, help_text="Course-wide key of the assessment block.")
    learner_key = models.CharField(max_length=255, help_text="The runtime's id of the learner.")
    before = models.CharField(max_length=64, null=True, help_text="The learner's cell at the last release; null: absent.")
    after = models.CharField(max_length=64, null=True, help_text="The learner's cell now; null: withdrawn.")

    class Meta:
        app_label = "rtcm_needs"
        constraints = [
            models.UniqueConstraint(fields=["block_key", "learner_key"], name="rtcm_needs_one_pending_change"),
        ]

    def __str__(self):
        return f"{self.learner_key} @ {self.block_key}: {self.before} -> {self.after}"


class Release(models.Model):
    """The block's last release of cohort figures: when, and which groups it showed."""

    block_key = models.CharField(max_length=255, unique=True, help_text="Course-wide key of the assessment block.")
    released_at = models.DateTimeField(help_text="When the figures were released.")
    shown = models.JSONField(default=list, help_text='The groups shown, as ["country" | "agency", value] pairs.')
    min_group_size = models.PositiveIntegerField(default=0, help_text="The minimum group size the release was audited for.")
    number = models.PositiveIntegerField(default=1, help_text="How many releases the block has had, this one included.")

    class Meta:
        app_label = "rtcm_needs"

    def __str__(self):
        return f"{self.block_key} as of {self.released_at}"


class ReleasedAggregate(_Sums):
    """One `Aggregate` row as it stood at the block's last release."""

    by = models.CharField(max_length=16, help_text='"all", "country", "agency" or "cell".')

    class Meta:
        app_label = "rtcm_needs"
        constraints = [
            models.UniqueConstraint(fields=["block_key", "by", "value", "competency"], name="rtcm_needs_one_released_aggregate"),
        ]

    def __str__(self):
        return super().__str__() + " (released)"


class BlockDescription(models.Model):
    """What the cross-course roadmap needs to know of a block besides its figures, as of its last cohort report.

    Written when course staff read the block's cohort report (which is also when its figures are
    released): its course, title, phase and pre-course block, framework and smallest group shown.
    Author settings only, never learner data.
    """

    block_key = models.CharField(max_length=255, unique=True, help_text="Course-wide key of the assessment block.")
    course_key = models.CharField(max_length=255, db_index=True, help_text="The block's course run (or workbench scenario).")
    title = models.CharField(max_length=255, blank=True, help_text="The block's display name.")
    phase = models.CharField(max_length=8, default="pre", help_text='"pre" or "post".')
    pre_key = models.CharField(max_length=255, blank=True, help_text="With phase post: the pre-course block's key.")
    framework_id = models.CharField(max_length=100, help_text='The shipped framework\'s name, or "custom:<fingerprint>".')
    framework = models.JSONField(default=dict, help_text="The framework's pillars and competencies (Framework.to_dict).")
    min_group_size = models.PositiveIntegerField(default=5, help_text="The block's smallest group shown.")
    cohort_start = models.DateTimeField(null=True, help_text="When the block's first stored submission was made.")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "rtcm_needs"

    def __str__(self):
        return f"{self.block_key} ({self.framework_id}, {self.phase})"


class ReleasedState(models.Model):
    """What releases `first_release` to `last_release` of a block counted a learner as: a submission in `cell`, or absent.

    One row per run of releases over which the learner's submission stayed the same (a new
    submission, a withdrawal or a comeback starts a new row); `last_release` is null while the run
    goes on, at the block's last release. Written only when a release is made, never by a
    submission.
    """

    block_key = models.CharField(max_length=255, help_text="Course-wide key of the assessment block.")
    learner_key = models.CharField(max_length=255, help_text="The runtime's id of the learner (a token once retired).")
    cell = models.CharField(max_length=64, null=True, help_text="The learner's cell in these releases; null: absent.")
    first_release = models.PositiveIntegerField(help_text="The number of the first release of the run.")
    last_release = models.PositiveIntegerField(null=True, help_text="The number of its last release; null: still running.")

    class Meta:
        app_label = "rtcm_needs"
        indexes = [
            models.Index(fields=["block_key", "learner_key", "last_release"], name="rtcm_needs_state_learner"),
            models.Index(fields=["block_key", "last_release"], name="rtcm_needs_state_run"),
        ]

    def __str__(self):
        return f"{self.learner_key} @ {self.block_key}: {self.cell} in releases {self.first_release}-{self.last_release}"
