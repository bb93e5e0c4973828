"""The xAPI transformers of the `rtcm.*` events, registered in event-routing-backends' `XApiTransformersRegistry`.

Imported only by `rtcm_xblocks.xapi.register()`, where event-routing-backends is an installed app.
Each statement is built from a fixed list of fields (`rtcm_xblocks.xapi.EVENTS`): anything else an
event may carry is never copied, and no field holds free text. The actor is the platform's
anonymous xAPI id, as for every Open edX statement; the block is `<LMS>/xblock/<usage key>`.
"""
import re

from tincan import Activity, ActivityDefinition, Extensions, LanguageMap, Result, Verb

from event_routing_backends.processors.xapi import constants
from event_routing_backends.processors.xapi.registry import XApiTransformersRegistry
from event_routing_backends.processors.xapi.transformer import XApiTransformer
from rtcm_xblocks.needs.framework import NOT_APPLICABLE, PROFILE_QUESTIONS, SCALE_VALUES
from rtcm_xblocks.xapi import EVENTS_VERSION

# Our own extensions; the IRIs are part of the published event contract (docs/EVENTS.md).
EXTENSION = "https://w3id.org/xapi/rtcm/extensions/{}".format
ACTIVITY_SCENARIO = "http://adlnet.gov/expapi/activities/simulation"
ACTIVITY_SURVEY = "http://id.tincanapi.com/activitytype/survey"
VERB_SUBMITTED = ("http://activitystrea.ms/schema/1.0/submit", "submitted")
VERB_COMMENTED = ("http://adlnet.gov/expapi/verbs/commented", "commented")
# The accommodations of docs/SCENARIO_API.md (`set_timing`); any other value is dropped, never copied.
TIMINGS = ("standard", "extended", "untimed")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")
_PROFILE_CHOICES = {question["id"]: {option["value"] for option in question["options"]}
                    for question in PROFILE_QUESTIONS if question["type"] == "choice"}


def _identifier(value):
    """An author's id (step, choice, ending, competency) or None: never free text."""
    return value if isinstance(value, str) and _ID.match(value) else None


def _number(value):
    """A plain number of a sane size, or None (a statement must serialise, and a 5,000-digit int would not)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value if abs(value) < 1e15 else None


def _flag(value):
    """A boolean, or None for anything else (a later event's field is never guessed from "yes" or 1)."""
    return value if isinstance(value, bool) else None


def _extensions(values):
    """Result or context extensions of ours from {name: value}, leaving out what was dropped (None); None if empty."""
    kept = {EXTENSION(name): value for name, value in values.items() if value is not None}
    return Extensions(kept) if kept else None


class RtcmTransformer(XApiTransformer):
    """What every statement of ours shares: the verb, the block as the object, the event version in the context."""

    VERB = None  # (IRI, English display)
    activity_type = None
    additional_fields = ("result",)

    def get_verb(self):
        return Verb(id=self.VERB[0], display=LanguageMap({constants.EN: self.VERB[1]}))

    def block_iri(self):
        return self.get_object_iri("xblock", self.get_data("context.module.usage_key", True))

    def get_object(self):
        name = self.get_data("context.module.display_name")
        return Activity(id=self.block_iri(), definition=ActivityDefinition(
            type=self.activity_type, name=LanguageMap({constants.EN_US: name}) if name else None))

    def get_context_extensions(self):
        extensions = super().get_context_extensions()
        extensions[EXTENSION("event-version")] = EVENTS_VERSION
        attempt = _number(self.get_data("data.attempt"))
        if attempt is not None:
            extensions[constants.XAPI_ACTIVITY_ATTEMPT] = attempt
        return extensions

    def get_result(self):
        return None


@XApiTransformersRegistry.register("rtcm.scenario.started")
class ScenarioAttemptedTransformer(RtcmTransformer):
    """A learner made the first choice of an attempt at a scenario exercise."""

    VERB = (constants.XAPI_VERB_ATTEMPTED, constants.ATTEMPTED)
    activity_type = ACTIVITY_SCENARIO


@XApiTransformersRegistry.register("rtcm.scenario.restarted")
class ScenarioRestartedTransformer(RtcmTransformer):
    """A learner asked for another attempt after an ending; `attempt` is the new attempt's number."""

    VERB = (constants.XAPI_VERB_INITIALIZED, constants.INITIALIZED)
    activity_type = ACTIVITY_SCENARIO


class ScenarioStepTransformer(RtcmTransformer):
    """A statement about one step of a scenario: the object is the step (a choice interaction) within the block."""

    activity_type = constants.XAPI_ACTIVITY_INTERACTION

    def step_iri(self):
        return f"{self.block_iri()}/step/{_identifier(self.get_data('data.step'))}"

    def get_object(self):
        return Activity(id=self.step_iri(), definition=ActivityDefinition(
            type=self.activity_type, interaction_type="choice"))

    def get_context_activities(self):
        activities = super().get_context_activities()
        scenario = Activity(id=self.block_iri(), definition=ActivityDefinition(type=ACTIVITY_SCENARIO))
        if activities is None:
            return None
        activities.grouping = activities.parent
        activities.parent = [scenario]
        return activities


@XApiTransformersRegistry.register("rtcm.scenario.choice_made")
class ScenarioAnsweredTransformer(ScenarioStepTransformer):
    """A learner answered one step: the response is the choice's id (the timeout choice when time ran out)."""

    VERB = (constants.XAPI_VERB_ANSWERED, constants.ANSWERED)

    def get_result(self):
        return Result(response=_identifier(self.get_data("data.choice")) or "", extensions=_extensions({
            "points": _number(self.get_data("data.points")),
            "timed-out": _flag(self.get_data("data.timed_out")),
        }))


@XApiTransformersRegistry.register("rtcm.scenario.completed")
class ScenarioCompletedTransformer(RtcmTransformer):
    """A learner reached an ending: completed, with the attempt's score (a fraction 0-1) and the ending's id."""

    VERB = (constants.XAPI_VERB_COMPLETED, constants.COMPLETED)
    activity_type = ACTIVITY_SCENARIO

    def get_result(self):
        score = _number(self.get_data("data.score"))
        if score is not None and not 0 <= score <= 1:
            score = None
        return Result(completion=True, score={"raw": score, "min": 0, "max": 1, "scaled": score} if score is not None else None,
                      extensions=_extensions({
                          "ending": _identifier(self.get_data("data.ending")),
                          "practice": _flag(self.get_data("data.practice")),
                          "competencies": self._competencies(),
                      }))

    def _competencies(self):
        """{competency id: points earned} of a graded attempt ({} for practice); None when the event has none."""
        earned = self.get_data("data.competencies")
        if not isinstance(earned, dict):
            return None
        return {competency: points for competency, points in earned.items()
                if _identifier(competency) and _number(points) is not None}


@XApiTransformersRegistry.register("rtcm.scenario.reflected")
class ScenarioReflectedTransformer(RtcmTransformer):
    """A learner saved a reflection on an attempt: its length only, never its text."""

    VERB = VERB_COMMENTED
    activity_type = ACTIVITY_SCENARIO

    def get_result(self):
        length = _number(self.get_data("data.length"))
        return Result(extensions=Extensions({EXTENSION("reflection-length"): length})) if length is not None else None


@XApiTransformersRegistry.register("rtcm.scenario.hint_shown")
class ScenarioHintAskedTransformer(ScenarioStepTransformer):
    """A learner revealed a step's hint: asked, as the platform says of a problem's hint; the object is the hint."""

    VERB = (constants.XAPI_VERB_ASKED, constants.ASKED)
    activity_type = constants.XAPI_ACTIVITY_SUPPLEMENTAL_INFO

    def get_object(self):
        return Activity(id=f"{self.step_iri()}/hint", definition=ActivityDefinition(type=self.activity_type))

    def get_result(self):
        return Result(extensions=_extensions({"hint-cost": _number(self.get_data("data.cost"))}))


@XApiTransformersRegistry.register("rtcm.scenario.timer_started")
class ScenarioTimerInitializedTransformer(ScenarioStepTransformer):
    """A learner started a timed step's clock: initialized, as the platform says of a timed exam's attempt."""

    VERB = (constants.XAPI_VERB_INITIALIZED, constants.INITIALIZED)

    def get_context_extensions(self):
        extensions = super().get_context_extensions()
        limit = _number(self.get_data("data.limit"))
        if limit is not None:
            extensions[EXTENSION("time-limit")] = limit
        return extensions


@XApiTransformersRegistry.register("rtcm.scenario.went_back")
class ScenarioNavigatedBackTransformer(ScenarioStepTransformer):
    """A learner undid their last choice: navigated (the platform's verb for going to another unit) to the step they are back at."""

    VERB = (constants.XAPI_VERB_NAVIGATED, constants.NAVIGATED)


@XApiTransformersRegistry.register("rtcm.scenario.timing_changed")
class ScenarioTimingInteractedTransformer(RtcmTransformer):
    """A learner chose their time-limit accommodation: interacted, as the platform says of a video's speed or captions."""

    VERB = (constants.XAPI_VERB_INTERACTED, constants.INTERACTED)
    activity_type = ACTIVITY_SCENARIO

    def get_result(self):
        timing = self.get_data("data.timing")
        return Result(extensions=_extensions({"timing": timing if timing in TIMINGS else None}))


@XApiTransformersRegistry.register("rtcm.needs_assessment.submitted")
class NeedsSubmittedTransformer(RtcmTransformer):
    """A learner submitted a training-needs self-assessment: the ratings and the profile's fixed-choice answers."""

    VERB = VERB_SUBMITTED
    activity_type = ACTIVITY_SURVEY

    def get_context_extensions(self):
        extensions = super().get_context_extensions()
        extensions[EXTENSION("phase")] = _identifier(self.get_data("data.phase"))
        return extensions

    def get_result(self):
        ratings = {}
        for competency, rating in (self.get_data("data.ratings") or {}).items():
            if not _identifier(competency):
                continue
            if rating == NOT_APPLICABLE:
                ratings[competency] = NOT_APPLICABLE
            elif isinstance(rating, dict):
                ratings[competency] = {dimension: rating.get(dimension) for dimension in ("importance", "proficiency")
                                       if rating.get(dimension) in SCALE_VALUES}
        profile = {key: value for key, value in (self.get_data("data.profile") or {}).items()
                   if value in _PROFILE_CHOICES.get(key, ())}
        return Result(completion=True, extensions=Extensions({
            EXTENSION("ratings"): ratings,
            EXTENSION("profile"): profile,
            EXTENSION("resubmission"): self.get_data("data.resubmission") is True,
        }))


@XApiTransformersRegistry.register("rtcm.needs_assessment.viewed_results")
class NeedsViewedResultsTransformer(RtcmTransformer):
    """A learner opened the results of their self-assessment."""

    VERB = (constants.XAPI_VERB_VIEWED, constants.VIEWED)
    activity_type = ACTIVITY_SURVEY

    def get_object(self):
        activity = super().get_object()
        activity.id = f"{activity.id}/results"
        return activity

    def get_context_extensions(self):
        extensions = super().get_context_extensions()
        extensions[EXTENSION("phase")] = _identifier(self.get_data("data.phase"))
        return extensions
