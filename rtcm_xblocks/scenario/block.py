"""The scenario exercise XBlock `rtcm_scenario`: fields, views and handlers over the pure core.

Everything the learner does goes through `graph` (walking, scoring, validation) and every OLX
round trip through `olx`; this module only translates between those and the runtime: fields,
rendering, JSON handlers, grade/completion/tracking events, Studio validation and reports.
"""
import dataclasses
import functools
import hashlib
import importlib.resources
import json
import logging
import re

from web_fragments.fragment import Fragment
from xblock.completable import CompletableXBlockMixin, XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Boolean, Dict, Float, Integer, Scope, String
from xblock.utils.resources import ResourceLoader
from xblock.validation import ValidationMessage

from rtcm_xblocks.common.handlers import HandlerError, json_handler
from rtcm_xblocks.common.i18n import N_, add_js_catalogue, translator
from rtcm_xblocks.common.quoting import excerpt
from rtcm_xblocks.common.safe_xml import check_safe
from rtcm_xblocks.common.sanitize import clean_html, is_safe_link, learner_text, plain_text
from rtcm_xblocks.common.spreadsheet import safe_cell
from rtcm_xblocks.common.templates import render_template, static_text
from rtcm_xblocks.scenario import graph, olx
from rtcm_xblocks.scenario.draft import MAX_ATTEMPTS, MAX_WEIGHT
from rtcm_xblocks.scenario.studio import ScenarioStudioMixin

__all__ = ["ScenarioBlock"]

loader = ResourceLoader("rtcm_xblocks")
log = logging.getLogger(__name__)

MAX_REFLECTION = 5000
MAX_KEPT_ATTEMPTS = 20
PILLAR_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
SAMPLES = ("border_screening.xml", "sharing_data.xml")
OUTCOME_LABELS = {"good": N_("Good outcome"), "neutral": N_("Mixed outcome"), "bad": N_("Poor outcome")}
RESET_NOTICE = N_("This exercise has been changed since you last worked on it, so your attempt starts "
                  "again from the beginning. Your finished attempts still count.")


@XBlock.needs("i18n")
@XBlock.wants("user")
@XBlock.wants("replace_urls")
class ScenarioBlock(ScenarioStudioMixin, CompletableXBlockMixin, XBlock):
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
    scenario = Dict(
        help=N_("The case itself: introduction, steps, choices and endings (the core model as a dict)."),
        default={},
        scope=Scope.content,
    )
    user_state = Dict(
        help=N_("The learner's attempts: the path taken, the step reached, score and reflection of each."),
        default={},
        scope=Scope.user_state,
    )

    completion_mode = XBlockCompletionMode.COMPLETABLE
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
        scenario, attempts, notice = self._learner()
        state = self._state_json(scenario, attempts, notice, page=True)
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
        })
        fragment = Fragment(html)
        add_js_catalogue(self, fragment)
        fragment.add_css(static_text("static/scenario/learner.css"))
        fragment.add_javascript(static_text("static/scenario/learner.js"))
        # The state travels in an HTML-escaped attribute, not in the runtime's init-args <script>, which some
        # runtimes fill with unescaped JSON: a learner's reflection could otherwise close that script element.
        fragment.initialize_js("RtcmScenarioBlock")
        return fragment

    def student_view_data(self, context=None):  # pylint: disable=unused-argument
        """Settings and intro for mobile apps: no learner state and nothing a learner has to earn."""
        return {
            "display_name": self._title(translator(self)),
            "pillar": self.pillar,
            "intro": self._html(self._scenario().intro),
            "scoring": self.scoring,
            "grading": self.grading,
            "max_attempts": self.max_attempts,
            "weight": self.weight,
            "show_expert_path": self.show_expert_path,
            "handlers": ["get_state", "choose", "restart", "reflect"],
        }

    def validate(self):
        """Studio's validation: the core's problems with the case, translated."""
        result = super().validate()
        _ = translator(self).gettext
        for problem in graph.validate(self._scenario(), self._scoring):
            kind = ValidationMessage.ERROR if problem.severity == "error" else ValidationMessage.WARNING
            result.add(ValidationMessage(kind, problem.text(_)))
        return result

    # --------------------------------------------------------------- handlers

    @json_handler
    def get_state(self, data, suffix=""):  # pylint: disable=unused-argument
        """The learner's state: the current step or the debrief, only what they have earned."""
        self._body(data)
        return self._state_json(*self._learner())

    @json_handler
    def choose(self, data, suffix=""):  # pylint: disable=unused-argument
        """Take the choice `choice` at the learner's current step `step`; answer the new state."""
        step_id, choice_id = self._body(data, "step", "choice")
        scenario, attempts, _notice = self._ready_learner()
        before = attempts[-1]
        # Scored below, only when the choice ends the attempt: the scoring setting is not read before then.
        after = self._core(graph.choose, scenario, before, step_id, choice_id, scoring="none")
        if after.finished:
            after = dataclasses.replace(after, score=graph.score(scenario, after, self._scoring))
        attempts[-1] = after
        self._save(attempts)
        if not before.path:
            self._event("started", attempt=after.number)
        points = scenario.step(step_id).choice(choice_id).points
        self._event("choice_made", attempt=after.number, step=step_id, choice=choice_id, points=points)
        if after.finished:
            self._event("completed", attempt=after.number, ending=after.current, score=after.score)
            self._publish_grade(attempts)
            self.emit_completion(1.0)
        return self._state_json(scenario, attempts)

    @json_handler
    def restart(self, data, suffix=""):  # pylint: disable=unused-argument
        """Start a new attempt once the current one has finished and attempts remain."""
        self._body(data)
        _ = translator(self).gettext
        scenario, attempts, _notice = self._ready_learner()
        current = attempts[-1]
        if not current.finished:
            raise HandlerError("not_finished", _("Finish the current attempt before starting again."))
        if self._attempts_left(current.number) == 0:
            raise HandlerError("no_attempts_left", _("You have used all your attempts at this exercise."))
        attempts.append(graph.start_attempt(scenario, current.number + 1))
        self._save(attempts)
        self._event("restarted", attempt=current.number + 1)
        return self._state_json(scenario, attempts)

    @json_handler
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
        scenario, attempts, _notice = self._learner()
        if not attempts[-1].finished:
            raise HandlerError("not_finished", _("You can reflect once you have reached an ending."))
        attempts[-1] = dataclasses.replace(attempts[-1], reflection=text)
        self._save(attempts)
        self._event("reflected", attempt=attempts[-1].number, length=len(text))
        return self._state_json(scenario, attempts)

    # ----------------------------------------------------------- OLX, reports

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        """Build the block from `<rtcm_scenario>`: attributes become settings, children the case."""
        check_safe(node)
        block = runtime.construct_xblock_from_class(cls, keys)
        for name, raw in node.items():
            if name in _ATTRIBUTE_PARSERS:
                setattr(block, name, _ATTRIBUTE_PARSERS[name](name, raw))
            elif name in block.fields and name not in _NOT_ATTRIBUTES and block.fields[name].scope != Scope.user_state:
                setattr(block, name, block.fields[name].from_string(raw))
            elif name not in _RUNTIME_ATTRIBUTES:
                log.warning("<rtcm_scenario> attribute %r is not a setting of the block; ignored.", name)
        block.scenario = olx.parse_scenario(node).to_dict()
        return block

    def add_xml_to_node(self, node):
        """Export as readable OLX: settings as attributes, the case as child elements."""
        node.tag = self.xml_element_name()
        node.set("xblock-family", self.entry_point)
        for name, field in self.fields.items():
            if name in _NOT_ATTRIBUTES or field.scope not in (Scope.settings, Scope.content):
                continue
            if not (field.is_set_on(self) or field.force_export):
                continue
            if name in _ATTRIBUTE_WRITERS:
                node.set(name, _ATTRIBUTE_WRITERS[name](getattr(self, name)))
            else:
                self._add_field(node, name, field)
        olx.write_scenario(self._scenario(), node)

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
            score = graph.overall([a.score for a in attempts if a.finished and a.score is not None], self._grading)
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
        return graph.Scenario.from_dict(self.scenario) if self.scenario else graph.Scenario()

    def _learner(self):
        """(scenario, attempts, notice): the learner's attempts with the current one last.

        A learner who has never acted gets an unsaved first attempt; one whose unfinished attempt
        no longer fits the content (the author removed a step on their path) gets a fresh attempt
        with the same number and a notice. Nothing is written here: the next action saves it.
        """
        scenario = self._scenario()
        attempts = _decode_attempts(self.user_state)
        notice = None
        if not attempts:
            attempts = [graph.start_attempt(scenario, 1)]
        elif not attempts[-1].finished and not graph.is_consistent(scenario, attempts[-1]):
            if attempts[-1].path or attempts[-1].current != scenario.start_id:
                notice = translator(self).gettext(RESET_NOTICE)
            attempts[-1] = graph.start_attempt(scenario, attempts[-1].number)
        return scenario, attempts, notice

    def _ready_learner(self):
        """Like `_learner`, but refuses to act on a case that has no steps yet."""
        scenario, attempts, notice = self._learner()
        if scenario.start_id is None:
            _ = translator(self).gettext
            raise HandlerError("not_ready", _("This exercise has no steps yet."))
        return scenario, attempts, notice

    def _save(self, attempts):
        """Store the attempts, keeping the first, the best and the latest ones when there are many."""
        if len(attempts) > MAX_KEPT_ATTEMPTS:
            scored = [a for a in attempts[:-1] if a.finished and a.score is not None]
            best = max(scored, key=lambda a: a.score) if scored else None
            recent = attempts[-(MAX_KEPT_ATTEMPTS - 2):]
            attempts = [a for a in attempts if a is attempts[0] or a is best or any(a is r for r in recent)]
        self.user_state = {"attempts": [attempt.to_dict() for attempt in attempts]}

    def _core(self, func, *args, **kwargs):
        """Call the core, turning its domain errors into translated 400s."""
        try:
            return func(*args, **kwargs)
        except graph.ScenarioError as error:
            raise HandlerError(error.code, error.text(translator(self).gettext)) from error

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

    def _attempts_left(self, number):
        """Further attempts allowed after attempt `number`; None when unlimited."""
        limit = self.max_attempts or 0
        return None if limit <= 0 else max(limit - number, 0)

    def _attempts_note(self, attempts_left):
        """A sentence for the debrief on how many attempts remain."""
        i18n = translator(self)
        if attempts_left is None:
            return i18n.gettext("You can play this case again as many times as you like.")
        if attempts_left == 0:
            return i18n.gettext("You have used all your attempts.")
        return i18n.ngettext("You have {count} more attempt.", "You have {count} more attempts.",
                             attempts_left).format(count=attempts_left)

    def _state_json(self, scenario, attempts, notice=None, page=False):
        """The learner's state as PRODUCT.md documents it: what they have earned and nothing else.

        With `page`, the copy embedded in the page before the debrief leaves out `attempts_left`: only
        the debrief shows it, and a handler's answer brings it then, so the setting is not read for nothing.
        """
        attempt = attempts[-1]
        path = [self._path_entry(scenario, step_id, choice_id) for step_id, choice_id in attempt.path]
        step = None if attempt.finished else scenario.step(attempt.current) if attempt.current else None
        ending = scenario.ending(attempt.current) if attempt.finished else None
        expert = None
        if attempt.finished and self.show_expert_path:
            expert = [self._path_entry(scenario, step_id, choice_id, feedback=False)
                      for step_id, choice_id in _expert_path(scenario)]
        state = {
            "attempt": attempt.number,
            "attempts_left": None,
            "step": self._step_json(step) if step else None,
            "last_feedback": path[-1]["feedback"] if path else None,
            "finished": attempt.finished,
            "ending": self._ending_json(ending, attempt.current) if attempt.finished else None,
            "score": attempt.score if attempt.finished else None,  # the core leaves it None under scoring "none"
            "path": path,
            "expert_path": expert,
            "reflection": attempt.reflection,
            "notice": notice,
        }
        if page and not attempt.finished:
            del state["attempts_left"]
        else:
            state["attempts_left"] = self._attempts_left(attempt.number)
        return state

    def _step_json(self, step):
        """A reached step: its text and the ids and labels of its choices (never targets, points or feedback)."""
        image = None
        if step.image and _safe_src(step.image.src):
            image = {"src": self._url(step.image.src), "alt": _plain_text(step.image.alt)}
        return {
            "id": step.id,
            "title": _plain_text(step.title),
            "body": self._html(step.body),
            "image": image,
            "choices": [{"id": choice.id, "label": _plain_text(choice.label)} for choice in step.choices],
        }

    def _ending_json(self, ending, ending_id):
        """The ending reached (an author may since have removed it: then only its id remains)."""
        if ending is None:
            return {"id": ending_id, "title": "", "body": "", "outcome": "neutral"}
        return {"id": ending.id, "title": _plain_text(ending.title), "body": self._html(ending.body),
                "outcome": ending.outcome}

    def _path_entry(self, scenario, step_id, choice_id, feedback=True):
        """One decision on a path: the step, the choice, its label and (for the learner's own path) its feedback."""
        step = scenario.step(step_id)
        choice = step.choice(choice_id) if step else None
        entry = {"step": step_id, "choice": choice_id, "label": _plain_text(choice.label) if choice else ""}
        if feedback:
            entry["feedback"] = self._html(choice.feedback) if choice else ""
        return entry

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

    def _publish_grade(self, attempts):
        """Publish the grade over finished attempts; with 'best' grading this is never lower than before."""
        if not self.has_score:
            return
        value = graph.overall([a.score for a in attempts if a.finished and a.score is not None], self._grading)
        if value is not None:
            self.runtime.publish(self, "grade", {"value": value, "max_value": 1.0})


# Sanitizing is a pure function of the author's text, so learners' requests share its results (bounded caches).
_clean_html = functools.lru_cache(maxsize=2048)(clean_html)
_plain_text = functools.lru_cache(maxsize=4096)(plain_text)


@functools.lru_cache(maxsize=64)
def _expert_path(scenario):
    """The core's expert path through `scenario`, computed once per distinct case (a frozen, hashable value)."""
    return tuple(graph.expert_path(scenario))


def _decode_attempts(state):
    """The stored attempts of a learner; unreadable state counts as none (the learner starts afresh)."""
    try:
        return [graph.Attempt.from_dict(item) for item in state.get("attempts", [])]
    except (AttributeError, KeyError, TypeError, ValueError):
        return []


def _safe_src(src):
    """True for image URLs the browser may load: http(s) or relative to the site (common.sanitize.is_safe_link)."""
    return is_safe_link(src)


def _choice_of(values):
    def parse(name, raw):
        if raw not in values:
            raise olx.OlxError(f'<rtcm_scenario {name}="{excerpt(raw)}">: must be one of {", ".join(values)}.')
        return raw
    return parse


def _parse_text(name, raw):
    text = plain_text(raw)
    if len(text) > 255:
        raise olx.OlxError(f"<rtcm_scenario {name}>: at most 255 characters.")
    return text


def _parse_pillar(name, raw):
    if raw and not PILLAR_PATTERN.match(raw):
        raise olx.OlxError(f'<rtcm_scenario {name}="{excerpt(raw)}">: a short lower-case id such as "border".')
    return raw


def _parse_attempts(name, raw):
    value = int(raw) if re.fullmatch(r"\s*[0-9]{1,9}\s*", raw) else -1
    if not 0 <= value <= MAX_ATTEMPTS:
        raise olx.OlxError(f'<rtcm_scenario {name}="{excerpt(raw)}">: a whole number from 0 to {MAX_ATTEMPTS}, '
                           f"0 for unlimited.")
    return value


def _parse_weight(name, raw):
    try:
        value = float(raw) if len(raw) <= 64 else -1.0
    except ValueError:
        value = -1.0
    if not 0 <= value <= MAX_WEIGHT:  # also false for nan
        raise olx.OlxError(f'<rtcm_scenario {name}="{excerpt(raw)}">: a number of points from 0 to {MAX_WEIGHT}.')
    return value


def _parse_boolean(name, raw):
    if raw.lower() not in ("true", "false"):
        raise olx.OlxError(f'<rtcm_scenario {name}="{excerpt(raw)}">: "true" or "false".')
    return raw.lower() == "true"


_ATTRIBUTE_PARSERS = {
    "display_name": _parse_text,
    "pillar": _parse_pillar,
    "scoring": _choice_of(graph.SCORING_MODES),
    "grading": _choice_of(graph.GRADING_MODES),
    "max_attempts": _parse_attempts,
    "weight": _parse_weight,
    "show_expert_path": _parse_boolean,
}
_ATTRIBUTE_WRITERS = {
    "max_attempts": str,
    "weight": lambda value: f"{value:g}",
    "show_expert_path": lambda value: "true" if value else "false",
}
# Attributes the runtime (url_name, xblock-family) or the core (start) reads, not the block's settings.
_RUNTIME_ATTRIBUTES = {"url_name", "xblock-family", "start"}
# Fields that never become attributes: the case is written as child elements, the rest is runtime state.
_NOT_ATTRIBUTES = {"scenario", "user_state", "children", "parent", "content"}
