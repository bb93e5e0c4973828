"""The scenario exercise XBlock `rtcm_scenario`: fields, views and handlers over the pure core.

Everything the learner does goes through `graph` (walking, scoring, validation) and every OLX
round trip through `olx`; this module only translates between those and the runtime: fields,
rendering, JSON handlers, grade/completion/tracking events, Studio validation and reports. Its
mixins, one concern each: the Studio editor (studio.py), the instructor's tools (instructor.py), the
simulation handlers (simulation_handlers.py), the learner's state JSON (learner_state.py) and the
block's OLX (block_olx.py).

The learner's state lives in our own table (`storage`, one row per block and learner), the single
source of truth: every view and handler reads the row, and every move (`choose`, `restart`,
`reflect`) is applied to what the row holds and written only if no parallel move got in first
(storage's compare-and-set), so a learner's moves are serialised; a move that no longer fits the
stored state gets a 409 with that state. The ``user_state`` field mirrors the
row (written in the same request) for the LMS's problem-responses report, and the ``attempts``
field carries the count of attempts that the instructor's "reset attempts" sets to 0.

Course staff also get the scenario's results: a Results panel on their page (static/scenario/results.js)
fed by the staff-only `analytics_report` and `analytics_csv` handlers, which read the block's exact
analytics counts (scenario.analytics, kept by storage with every move), never the learners' rows.
"""
import dataclasses
import functools
import hashlib
import importlib.resources
import json
import logging
import marshal
import re

from web_fragments.fragment import Fragment
from xblock.completable import CompletableXBlockMixin, XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Boolean, Dict, Float, Integer, Scope, String
from xblock.utils.resources import ResourceLoader
from xblock.validation import ValidationMessage

from rtcm_xblocks.common.handlers import (HandlerError, anonymous_id, json_handler, read_only_reason, staff_csv,
                                          user_is_staff)
from rtcm_xblocks.common.i18n import N_, add_js_catalogue, translator
from rtcm_xblocks.common.platform_settings import platform_attributes_field
from rtcm_xblocks.common.sanitize import clean_html, learner_text, plain_text
from rtcm_xblocks.common.spreadsheet import safe_cell
from rtcm_xblocks.common.storage import block_key
from rtcm_xblocks.common.templates import render_template, static_text
from rtcm_xblocks.scenario import analytics, graph, layout, storage, validation
from rtcm_xblocks.scenario.block_olx import ScenarioOlxMixin
from rtcm_xblocks.scenario.instructor import ScenarioInstructorMixin
from rtcm_xblocks.scenario.learner_state import ScenarioLearnerStateMixin
from rtcm_xblocks.scenario.simulation_handlers import GRACE_SECONDS, ScenarioSimulationMixin, timing_of
from rtcm_xblocks.scenario.studio import ScenarioStudioMixin

__all__ = ["ScenarioBlock"]

loader = ResourceLoader("rtcm_xblocks")
log = logging.getLogger(__name__)

MAX_REFLECTION = 5000
MAX_KEPT_ATTEMPTS = 20
SAMPLES = ("border_screening.xml", "sharing_data.xml")
# The learner page's scripts, one concern each, in load order: learner.js uses the three before it.
LEARNER_SCRIPTS = ("static/scenario/meters.js", "static/scenario/dialogue.js", "static/scenario/timer.js",
                   "static/scenario/learner.js")
OUTCOME_LABELS = {"good": N_("Good outcome"), "neutral": N_("Mixed outcome"), "bad": N_("Poor outcome")}
CONFLICT_MESSAGE = N_("Your exercise has moved on in another window or tab; here is where you are now.")
RESET_NOTICE = N_("This exercise has been changed since you last worked on it, so your attempt starts "
                  "again from the beginning. Your finished attempts still count.")


class _ReplacedDict(Dict):
    """A Dict field whose value is only ever replaced (`block.scenario = ...`), never changed in place.

    XBlock treats a Dict as mutable: the first read of the field on every request deep-copies the
    value, to compare it at save time. The scenario is read by every view and can hold thousands of
    steps, and the block only ever assigns it, so reading it takes no copy; assigning still marks it
    to be saved.
    """

    MUTABLE = False


@XBlock.needs("i18n")
@XBlock.wants("user")
@XBlock.wants("replace_urls")
class ScenarioBlock(ScenarioStudioMixin, ScenarioInstructorMixin, ScenarioSimulationMixin, ScenarioLearnerStateMixin,
                    ScenarioOlxMixin, CompletableXBlockMixin, XBlock):
    """A branching case exercise: the learner takes decisions step by step and gets a debrief."""

    display_name = String(
        display_name=N_("Display name"),
        help=N_("The title learners see above the exercise and in the course navigation."),
        default=N_("Scenario exercise"),
        scope=Scope.settings,
    )
    pillar = String(
        display_name=N_("Pillar"),
        help=N_("The migration-management pillar this case practises, as a short id such as "
                "'border', 'trafficking' or 'data'; used to group results."),
        default="",
        scope=Scope.settings,
    )
    scoring = String(
        display_name=N_("Scoring"),
        help=N_("'path': points of the choices taken against the best attainable total; 'ending': "
                "points of the ending reached against the best reachable ending; 'none': not graded."),
        default="path",
        values=graph.SCORING_MODES,
        scope=Scope.settings,
    )
    grading = String(
        display_name=N_("Grading across attempts"),
        help=N_("Which attempt counts in the gradebook: the 'best', the 'last' or the 'first'."),
        default="best",
        values=graph.GRADING_MODES,
        scope=Scope.settings,
    )
    max_attempts = Integer(
        display_name=N_("Maximum attempts"),
        help=N_("How many times a learner may play the case; 0 means without limit."),
        default=0,
        values={"min": 0},
        scope=Scope.settings,
    )
    weight = Float(
        display_name=N_("Problem weight"),
        help=N_("How many points the exercise is worth in the gradebook."),
        default=1.0,
        values={"min": 0},
        scope=Scope.settings,
    )
    show_expert_path = Boolean(
        display_name=N_("Show the expert path"),
        help=N_("After finishing, show the learner the path an experienced practitioner would take."),
        default=True,
        scope=Scope.settings,
    )
    scenario = _ReplacedDict(
        help=N_("The case itself: introduction, steps, choices and endings (the core model as a dict)."),
        default={},
        scope=Scope.content,
    )
    user_state = Dict(
        help=N_("A mirror of the learner's stored state (their attempts) for the LMS's reports."),
        default={},
        scope=Scope.user_state,
    )
    attempts = Integer(
        help=N_("How many of the learner's attempts count against the maximum; the LMS's 'reset attempts' sets it to 0."),
        default=0,
        scope=Scope.user_state,
    )
    platform_attributes = platform_attributes_field()

    completion_mode = XBlockCompletionMode.COMPLETABLE
    # Staff masquerading as a learner see the learner's page (read-only: see common.handlers.read_only_reason).
    show_in_read_only_mode = True
    i18n_js_namespace = "RtcmScenarioI18N"
    icon_class = "problem"

    @property
    def has_score(self):
        """Graded unless the author chose scoring 'none'."""
        return self.scoring != "none"

    def max_score(self):
        """The raw maximum of a published grade; the LMS scales it by `weight`."""
        return 1.0 if self.has_score else None

    # ------------------------------------------------------------------ views

    @XBlock.supports("multi_device")
    def student_view(self, context=None):  # pylint: disable=unused-argument
        """The intro and the learner's current step (or debrief), rendered here so they can act at once."""
        i18n = translator(self)
        stored = self._stored()
        scenario, attempts, notice = self._learner(stored)
        state = self._state_json(scenario, attempts, notice, page=True, stored=stored)
        is_staff = user_is_staff(self)
        finished = state["finished"]
        outcome = state["ending"]["outcome"] if finished else None
        uid = "rtcm-sc-" + hashlib.sha1(str(self.scope_ids.usage_id).encode()).hexdigest()[:10]
        html = render_template("templates/scenario/student_view.html", i18n, {
            "uid": uid,
            "display_name": self._title(i18n),
            "intro": self._html(scenario.intro),
            "ready": scenario.start_id is not None,
            "state": state,
            "state_json": json.dumps(state),
            "step_number": len(state["path"]) + 1,
            "score_percent": None if state["score"] is None else round(state["score"] * 100),
            "outcome_label": i18n.gettext(OUTCOME_LABELS.get(outcome, OUTCOME_LABELS["neutral"])) if finished else "",
            "attempts_note": self._attempts_note(state["attempts_left"]) if finished else "",
            "max_reflection": MAX_REFLECTION,
            "read_only": read_only_reason(self),
            "is_staff": is_staff,
        })
        fragment = Fragment(html)
        add_js_catalogue(self, fragment)
        fragment.add_css(static_text("static/scenario/learner.css"))
        if is_staff:
            fragment.add_css(static_text("static/scenario/results.css"))
            fragment.add_javascript(static_text("static/scenario/results.js"))
        for path in LEARNER_SCRIPTS:
            fragment.add_javascript(static_text(path))
        # The state travels in an HTML-escaped attribute, not in the runtime's init-args <script>, which some
        # runtimes fill with unescaped JSON: a learner's reflection could otherwise close that script element.
        fragment.initialize_js("RtcmScenarioBlock")
        return fragment

    def student_view_data(self, context=None):  # pylint: disable=unused-argument
        """Settings and intro for mobile apps: no learner state and nothing a learner has to earn.

        The course blocks API calls this once at publish time, bound to no user and in whatever
        language the publishing process runs, and serves the result to everyone: so the default
        title comes in English as shipped, and asset URLs as the author wrote them (``/static/…``,
        which the LMS rewrites) unless a `replace_urls` service is there (docs/SCENARIO_API.md).
        """
        scenario = self._scenario()
        return {
            "display_name": self.display_name,
            "pillar": self.pillar,
            "intro": self._html(scenario.intro),
            "scoring": self.scoring,
            "grading": self.grading,
            "max_attempts": self.max_attempts,
            "weight": self.weight,
            "show_expert_path": self.show_expert_path,
            # what an app needs to know to offer the controls: whether the case lets learners go back or
            # has time limits (then the learner's timing setting matters), never which steps or how long
            "allow_back": scenario.allow_back,
            "time_limits": any(step.time_limit for step in scenario.steps),
            "handlers": ["get_state", "choose", "restart", "reflect", "hint", "start_timer", "time_up", "back",
                         "set_timing"],
        }

    def validate(self):
        """Studio's validation: the core's problems with the case, translated."""
        result = super().validate()
        _ = translator(self).gettext
        for problem in validation.validate(self._scenario(), self._scoring):
            kind = ValidationMessage.ERROR if problem.severity == "error" else ValidationMessage.WARNING
            result.add(ValidationMessage(kind, problem.text(_)))
        return result

    # --------------------------------------------------------------- handlers

    @json_handler
    def get_state(self, data, suffix=""):  # pylint: disable=unused-argument
        """The learner's state: the current step or the debrief, only what they have earned."""
        self._body(data)
        stored = self._stored()
        scenario, attempts, notice = self._learner(stored)
        return self._state_json(scenario, attempts, notice, stored=stored)

    @json_handler(writes=True)
    def choose(self, data, suffix=""):  # pylint: disable=unused-argument
        """Take the choice `choice` at the learner's current step `step`; answer the new state."""
        step_id, choice_id = self._body(data, "step", "choice")
        scenario = self._ready_scenario()
        moved = {}

        def move(state):
            _scenario, attempts, _notice = self._learner(state, scenario)
            before = attempts[-1]
            timed_out = self._deadline_passed(scenario, state, before, step_id, GRACE_SECONDS)
            after = self._move(scenario, state, attempts, step_id, lambda attempt: graph.choose(
                scenario, attempt, step_id, choice_id, scoring="none", timed_out=timed_out))
            moved.update(before=before, after=after)
            return self._encode(state, attempts)

        state = self._write(move)
        return self._moved(scenario, state, moved["before"], moved["after"])

    def _move(self, scenario, state, attempts, step_id, act):
        """Apply `act(attempt)` (a core move at step `step_id`) to the current attempt of `attempts`, in place.

        Returns the new attempt. A move on an attempt the learner has already left (another tab
        finished it, or moved past `step_id`) is a 409 conflict carrying the stored state; any other
        refusal of the core a 400.
        """
        before = attempts[-1]
        taken = {step for attempt in attempts for step, _choice in attempt.path}
        try:
            after = act(before)
        except graph.ScenarioError as error:
            if error.code == "attempt_finished" or (error.code == "not_current_step" and step_id in taken):
                raise self._conflict(scenario, state, attempts) from error
            raise HandlerError(error.code, error.text(translator(self).gettext)) from error
        if after.finished and after is not before:
            # Scored here, only when a move ends the attempt: the scoring setting is not read before then.
            after = dataclasses.replace(after, score=graph.score(scenario, after, self._scoring))
        attempts[-1] = after
        return after

    def _moved(self, scenario, state, before, after):
        """Events, grade and completion for a choice that was stored; the answer. Only the move that won gets here."""
        if not before.path and not before.practice:  # back at the start of a practice attempt: not a new start
            self._event("started", attempt=after.number)
        step_id, choice_id = after.path[-1]
        timed_out = len(after.path) - 1 in after.timed_out
        points = scenario.step(step_id).choice(choice_id).points
        self._event("choice_made", attempt=after.number, step=step_id, choice=choice_id, points=points,
                    timed_out=timed_out)
        if after.finished:
            results = {} if after.practice else graph.competency_results(scenario, after)
            self._event("completed", attempt=after.number, ending=after.current, score=after.score,
                        practice=after.practice,
                        competencies={competency: earned for competency, (earned, _best) in results.items()})
            if not after.practice:
                self._record_competencies(results)
            self._publish_attempts_grade(state)
            self.emit_completion(1.0)
        return self._answer(scenario, state)

    @json_handler(writes=True)
    def restart(self, data, suffix=""):  # pylint: disable=unused-argument
        """Start a new attempt once the current one has finished and attempts remain."""
        self._body(data)
        _ = translator(self).gettext
        scenario = self._ready_scenario()
        started = {}

        def new_attempt(state):
            _scenario, attempts, _notice = self._learner(state, scenario)
            current = attempts[-1]
            if not current.finished:
                if _left_behind(attempts):
                    raise self._conflict(scenario, state, attempts)
                raise HandlerError("not_finished", _("Finish the current attempt before starting again."))
            if self._attempts_left_after(state, attempts) == 0:
                raise HandlerError("no_attempts_left", _("You have used all your attempts at this exercise."))
            attempts.append(graph.start_attempt(scenario, current.number + 1))
            started["number"] = current.number + 1
            return self._encode(state, attempts)

        state = self._write(new_attempt)
        self._event("restarted", attempt=started["number"])
        return self._answer(scenario, state)

    @json_handler(writes=True)
    def reflect(self, data, suffix=""):  # pylint: disable=unused-argument
        """Store the learner's reflection (plain text) on their finished attempt."""
        (text,) = self._body(data, "text")
        _ = translator(self).gettext
        text = learner_text(text)
        if not text:
            raise HandlerError("empty_reflection", _("Write something before saving your reflection."))
        if len(text) > MAX_REFLECTION:
            raise HandlerError("reflection_too_long", _("A reflection can be at most {limit} characters long.").format(
                limit=MAX_REFLECTION))
        scenario = self._scenario()

        def store(state):
            _scenario, attempts, _notice = self._learner(state, scenario)
            if not attempts[-1].finished:
                if _left_behind(attempts):
                    raise self._conflict(scenario, state, attempts)
                raise HandlerError("not_finished", _("You can reflect once you have reached an ending."))
            attempts[-1] = dataclasses.replace(attempts[-1], reflection=text)
            return self._encode(state, attempts)

        state = self._write(store)
        self._event("reflected", attempt=_decode_attempts(state)[-1].number, length=len(text))
        return self._answer(scenario, state)

    # ------------------------------------------------------------ analytics

    @json_handler(staff_only=True)
    def analytics_report(self, data, suffix=""):  # pylint: disable=unused-argument
        """The scenario's analytics for course staff: counts per step, choice and ending, and the map to draw them on."""
        self._body(data)
        scenario = self._scenario()
        figures = self.analytics_figures(scenario)
        figures["map"] = layout.layout(scenario).to_dict()
        return figures

    @XBlock.handler
    def analytics_csv(self, request, suffix=""):  # pylint: disable=unused-argument
        """The analytics' counts as CSV (staff only, a GET); every text cell is safe from formula injection."""
        name = str(getattr(self.scope_ids.usage_id, "block_id", None) or "results")
        return staff_csv(self, request, f"scenario-{name}",
                         lambda: analytics.csv_rows(self.analytics_figures(), translator(self).gettext, safe_cell))

    def analytics_figures(self, scenario=None):
        """The analytics report over the current case (scenario.analytics.report), read from the counts only."""
        counts, paths = storage.analytics_counts(self._storage_key())
        return analytics.report(scenario or self._scenario(), counts, paths, text=_plain_text)

    # ----------------------------------------------------------- reports (OLX: scenario/block_olx.py)

    def generate_report_data(self, user_state_iterator, limit_responses=None):
        """One row per learner for the LMS problem responses report: path, ending, score, attempts, reflection.

        Staff open the report in a spreadsheet: every text cell is made safe from formula injection.
        """
        count = 0
        for user_state in user_state_iterator:
            if limit_responses is not None and count >= limit_responses:
                return
            attempts = _decode_attempts((user_state.state or {}).get("user_state") or {})
            if not attempts:
                continue
            latest = attempts[-1]
            score = self._overall(attempts)
            reflections = [a.reflection for a in attempts if a.reflection]
            yield user_state.username, {
                "path": safe_cell(" > ".join(f"{step}:{choice}" for step, choice in latest.path)),
                "ending": safe_cell(latest.current if latest.finished else ""),
                "score": "" if score is None else round(score, 4),
                "attempts": len(attempts),
                "reflection": safe_cell(reflections[-1] if reflections else ""),
            }
            count += 1

    @staticmethod
    def workbench_scenarios():
        """Two realistic cases for the SDK workbench, kept as OLX files in scenario/samples."""
        folder = importlib.resources.files("rtcm_xblocks.scenario").joinpath("samples")
        scenarios = []
        for name in SAMPLES:
            xml = folder.joinpath(name).read_text(encoding="utf-8")
            title = re.search(r'display_name="([^"]+)"', xml).group(1)
            scenarios.append((f"Scenario: {title}", xml))
        return scenarios

    # ---------------------------------------------------------------- helpers

    def _title(self, i18n):
        """The display name, translated while it is the default one (compared by value: no extra field query)."""
        title = self.display_name
        return i18n.gettext(title) if title == self.fields["display_name"].default else title

    @property
    def _scoring(self):
        """The scoring mode, falling back to 'path' should a setting ever hold something else."""
        return self.scoring if self.scoring in graph.SCORING_MODES else "path"

    @property
    def _grading(self):
        """The grading mode, falling back to 'best' should a setting ever hold something else."""
        return self.grading if self.grading in graph.GRADING_MODES else "best"

    def _scenario(self):
        """The case as a core Scenario (an empty one before the author has written anything)."""
        content = self.scenario  # one read of the field: each read is a look-up in the runtime's field data
        return _case(content) if content else graph.Scenario()

    def _storage_key(self):
        """This block's course-wide key in our table (see rtcm_xblocks.common.storage)."""
        return block_key(self.scope_ids.usage_id, self.scope_ids.block_type)

    def _learner_key(self):
        """The runtime's id of the learner, or None when there is none (anonymous users)."""
        user_id = self.scope_ids.user_id
        return None if user_id is None else str(user_id)

    def _stored(self):
        """The learner's stored state: their row, or (not yet carried over, or no user) the ``user_state`` field."""
        learner = self._learner_key()
        row = storage.load(self._storage_key(), learner) if learner is not None else None
        return row if row is not None else (self.user_state or {})

    def _write(self, change):
        """Apply `change(state) -> state or None` to the learner's row (storage.update); mirror and return the result."""
        learner = self._learner_key()
        if learner is None:
            _ = translator(self).gettext
            raise HandlerError("no_user", _("Please sign in to take this exercise."), status=403)
        anonymous = anonymous_id(self)
        try:
            state = storage.update(self._storage_key(), learner, change, legacy=lambda: self.user_state or {},
                                   anonymous=anonymous)
        except storage.StorageBusy as error:
            _ = translator(self).gettext
            raise HandlerError("busy", _("Many people are working right now. Please try again."), status=503) from error
        self.user_state = state
        if (self.max_attempts or 0) > 0:  # the count only matters, and is only written, under a maximum
            attempts = _decode_attempts(state)
            counted = attempts[-1].number - _whole(state.get("uncounted")) if attempts else 0
            if counted != self.attempts:
                self.attempts = counted
        return state

    def _uncounted(self, state):
        """How many of the attempts stored in `state` no longer count against the maximum.

        The instructor's "reset attempts" sets the ``attempts`` field to 0 in the LMS's copy of the
        learner's field state (StudentModule); the block itself writes there the count of attempts
        that count, never 0 while one does. A 0 there gives back every stored attempt, the current
        one included. Read only when the exercise has a maximum, since only then does the count matter.
        """
        stored = state.get("attempts") if isinstance(state, dict) else None
        if not stored or not isinstance(stored, list):
            return 0  # nothing stored, nothing to give back
        uncounted = _whole(state.get("uncounted"))
        if (self.max_attempts or 0) > 0 and self.attempts == 0 and self.fields["attempts"].is_set_on(self):
            latest = stored[-1].get("number") if isinstance(stored[-1], dict) else None
            uncounted = max(uncounted, _whole(latest))
        return uncounted

    def _encode(self, state, attempts):
        """The state to store: `attempts` (the first, the best and the latest when many) and what else `state` keeps."""
        if len(attempts) > MAX_KEPT_ATTEMPTS:
            scored = [a for a in attempts[:-1] if a.finished and a.score is not None and not a.practice]
            best = max(scored, key=lambda a: a.score) if scored else None
            recent = attempts[-(MAX_KEPT_ATTEMPTS - 2):]
            attempts = [a for a in attempts if a is attempts[0] or a is best or any(a is r for r in recent)]
        encoded = {"attempts": [attempt.to_dict() for attempt in attempts]}
        uncounted = self._uncounted(state)
        if uncounted:
            encoded["uncounted"] = uncounted
        if isinstance(state, dict) and state.get("override") is not None:
            encoded["override"] = state["override"]
        if timing_of(state) != "standard":
            encoded["timing"] = timing_of(state)
        return encoded

    def _answer(self, scenario, state):
        """A handler's answer: the state JSON of what the transaction stored."""
        _scenario, attempts, notice = self._learner(state, scenario)
        return self._state_json(scenario, attempts, notice, stored=state)

    def _conflict(self, scenario, state, attempts):
        """The 409 for a move that no longer fits the stored state, carrying that state."""
        current = self._state_json(scenario, attempts, stored=state)
        return HandlerError("conflict", translator(self).gettext(CONFLICT_MESSAGE), status=409,
                            extra={"state": current})

    def _learner(self, state, scenario=None):
        """(scenario, attempts, notice): the learner's attempts in `state` with the current one last.

        A learner who has never acted gets an unsaved first attempt; one whose unfinished attempt
        no longer fits the content (the author removed a step on their path) gets a fresh attempt
        with the same number and a notice. Nothing is written here: the next action saves it.
        """
        scenario = scenario if scenario is not None else self._scenario()
        attempts = _decode_attempts(state)
        notice = None
        if not attempts:
            attempts = [graph.start_attempt(scenario, 1)]
        elif not attempts[-1].finished and not graph.is_consistent(scenario, attempts[-1]):
            if attempts[-1].path or attempts[-1].current != scenario.start_id:
                notice = translator(self).gettext(RESET_NOTICE)
            attempts[-1] = graph.start_attempt(scenario, attempts[-1].number)
        return scenario, attempts, notice

    def _ready_scenario(self):
        """The case, refusing to act on one that has no steps yet."""
        scenario = self._scenario()
        if scenario.start_id is None:
            _ = translator(self).gettext
            raise HandlerError("not_ready", _("This exercise has no steps yet."))
        return scenario

    def _body(self, data, *keys):
        """The values of exactly `keys` in the request body, each a string; a 400 for anything else."""
        _ = translator(self).gettext
        if set(data) != set(keys):
            if keys:
                message = _("The request must contain exactly these keys: {keys}.").format(keys=", ".join(keys))
            else:
                message = _("The request must be an empty JSON object.")
            raise HandlerError("invalid_body", message)
        for key in keys:
            if not isinstance(data[key], str):
                raise HandlerError("invalid_body", _("'{key}' must be a string.").format(key=key))
        return tuple(data[key] for key in keys)

    def _attempts_left_after(self, state, attempts):
        """Further attempts allowed after the current one of `attempts` (stored in `state`); None when unlimited.

        The count of attempts the instructor gave back is only read when there is a maximum.
        """
        limit = self.max_attempts or 0
        if limit <= 0:
            return None
        uncounted = self._uncounted(state) if state is not None else 0
        return max(limit - (attempts[-1].number - uncounted), 0)

    def _attempts_note(self, attempts_left):
        """A sentence for the debrief on how many attempts remain."""
        i18n = translator(self)
        if attempts_left is None:
            return i18n.gettext("You can play this case again as many times as you like.")
        if attempts_left == 0:
            return i18n.gettext("You have used all your attempts.")
        return i18n.ngettext("You have {count} more attempt.", "You have {count} more attempts.",
                             attempts_left).format(count=attempts_left)

    def _plain(self, text):
        """Author text as plain text for the browser (common.sanitize.plain_text, shared cache)."""
        return _plain_text(text)

    def _html(self, html):
        """Author HTML as sent to the browser: sanitized again, with course asset URLs resolved by the LMS."""
        cleaned = _clean_html(html)
        service = self.runtime.service(self, "replace_urls") if cleaned else None
        return service.replace_urls(cleaned) if service else cleaned

    def _url(self, src):
        """A course asset URL (``/static/…``) as the LMS serves it; the LMS rewrites quoted URLs only."""
        service = self.runtime.service(self, "replace_urls")
        return service.replace_urls(f'"{src}"').strip('"') if service else src

    def _event(self, name, **data):
        """Publish a `rtcm.scenario.<name>` tracking event."""
        self.runtime.publish(self, f"rtcm.scenario.{name}", data)

    def _overall(self, attempts):
        """The grade over the finished, scored `attempts` (practice ones left out) according to `grading`; None before any."""
        return graph.overall([a.score for a in attempts if a.finished and a.score is not None and not a.practice],
                             self._grading)

    def _publish_attempts_grade(self, state):
        """Publish the recorded grade: an instructor's override, else the grade over finished attempts.

        With 'best' grading the latter is never lower than before.
        """
        if not self.has_score:
            return
        value = self._recorded_value(state)
        if value is not None:
            self.runtime.publish(self, "grade", {"value": value, "max_value": 1.0})


# Sanitizing is a pure function of the author's text, so learners' requests share its results (bounded caches).
_clean_html = functools.lru_cache(maxsize=2048)(clean_html)
_plain_text = functools.lru_cache(maxsize=4096)(plain_text)
# Cases up to this size (serialised) are kept between requests, read once per process (see `_case`).
MAX_KEPT_CASE = 1_000_000


def _case(content):
    """The Scenario of the content field `content`: one kept value per distinct case, shared by learners' requests.

    Keyed by the content serialised with `marshal` format 2 (no object references, so equal content
    gives equal bytes, and only equal content does), so an author's edit is a new key; the value,
    frozen, carries its indexes and explored states (simulation.explore) from one request to the
    next. Larger cases are read anew each time, so memory stays bounded.
    """
    try:
        key = marshal.dumps(content, 2)
    except ValueError:  # not plain JSON data
        return graph.Scenario.from_dict(content)
    return _kept_case(key) if len(key) <= MAX_KEPT_CASE else graph.Scenario.from_dict(content)


@functools.lru_cache(maxsize=32)
def _kept_case(key):
    return graph.Scenario.from_dict(marshal.loads(key))


def _whole(value):
    """A stored count as a non-negative int (0 for anything unreadable)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _left_behind(attempts):
    """True when the current attempt followed a finished one: a client still acting on that one is stale."""
    return len(attempts) > 1 and attempts[-2].finished


_decode_attempts = analytics.stored_attempts


