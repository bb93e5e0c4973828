"""Studio authoring for the scenario block: the map editor (studio_view), the summary and preview (author_view).

Who is an author. Open edX gives an XBlock two different pictures of the user in Studio:
- the editor's handlers (`studio_view`, `studio_submit` …) run in the CMS component handler, whose
  `user` service is built without any role (`DjangoXBlockUserService(user)`: not staff, role
  "student", even for the course team) but which offers the `studio_user_permissions` service;
  its `can_write(course_key)` is the course team's write access, the very check Studio made
  before showing the editor;
- the unit page preview (`author_view` and its `preview` handler) has both that service and a
  `user` service carrying the course role ("staff" or "instructor").
The LMS offers no `studio_user_permissions` service, only the `user` service with the LMS staff
flags. So an author is a user with Studio write access where that service exists, or a user the
user service calls staff or instructor (LMS, workbench). Learners calling an authoring handler
through the LMS get 403; they never reach the scenario's targets, points or feedback that way.
"""
import html
import json
import re

from web_fragments.fragment import Fragment
from xblock.fields import Scope

from rtcm_xblocks.common.handlers import STUDIO_PERMISSIONS, HandlerError, json_handler, user_is_author
from rtcm_xblocks.common.i18n import N_, add_js_catalogue, translator
from rtcm_xblocks.common.platform_settings import read_attribute
from rtcm_xblocks.common.quoting import excerpt
from rtcm_xblocks.common.safe_xml import XMLSyntaxError
from rtcm_xblocks.common.templates import render_template, script_json, static_text
from rtcm_xblocks.scenario import graph, olx, storage, validation
from rtcm_xblocks.needs.framework import DEFAULT_FRAMEWORK, load_framework
from rtcm_xblocks.scenario.draft import (OPTIONAL_FLAGS, editor_scenario, SETTINGS, attributes_to_settings, is_unicode, read_draft,
                                         settings_to_attributes)
from rtcm_xblocks.scenario.layout import layout

__all__ = ["ScenarioStudioMixin"]


MAX_OLX = 2_000_000
MAX_PLATFORM_ATTRIBUTE = 100_000
# The editor payload's platform attributes (see _platform_fields); the rest is read by draft.read_draft.
PLATFORM = "platform"
# Settings the block does not let the OLX tab touch: its own (in the draft's settings), and runtime bookkeeping.
_NOT_PLATFORM = set(SETTINGS) | {"scenario", "user_state", "children", "parent", "content", "url_name",
                                 "xblock-family", "platform_attributes"}
MAX_PREVIEW_MOVES = 5000
NO_TARGET = N_('Choice "{choice}" of step "{step}" does not lead anywhere yet: choose where it leads.')
_LINE = re.compile(r"\bline (\d+)")


class ScenarioStudioMixin:
    """The Studio side of ScenarioBlock: the map editor, the author summary and preview, and their handlers."""

    # Studio's preview renders author_view only where this is set (xmodule/studio_editable.py has_author_view).
    has_author_view = True

    @classmethod
    def service_declaration(cls, service_name):
        """Declare Studio's permission service as wanted (see the module docstring), besides the block's own."""
        if service_name == STUDIO_PERMISSIONS:
            return "want"
        return super().service_declaration(service_name)

    # --- views ---------------------------------------------------------------------------------

    def studio_view(self, context=None):  # pylint: disable=unused-argument
        """The map editor, with the saved scenario, settings and its validation already worked out."""
        _ = translator(self).gettext
        if not user_is_author(self):
            refusal = _("Only the course team can edit this scenario.")
            return Fragment(f'<p class="rtcm-studio-refused">{html.escape(refusal)}</p>')
        scenario = self._saved_scenario()
        settings = self._current_settings()
        # The editor's data is authored text: it travels in a <script type="application/json"> that no text can
        # close (common.templates.script_json), never in the runtime's init arguments, which the SDK workbench
        # writes into a <script> unescaped (a title of "</script><script>…" would run in another author's editor).
        editor_data = script_json({
            "scenario": editor_scenario(scenario),
            "settings": settings,
            "report": self._report(scenario, settings["scoring"], []),
            "options": self._options(),
            "course_max_attempts": self._course_max_attempts(),
            "competencies": _framework_competencies(),
            "i18n_namespace": getattr(self, "i18n_js_namespace", None),
        })
        fragment = Fragment(render_template("templates/scenario/studio.html", translator(self),
                                            {"block_id": self._dom_id(), "editor_data": editor_data}))
        add_js_catalogue(self, fragment)
        fragment.add_css(static_text("static/scenario/studio.css"))
        fragment.add_javascript(static_text("static/scenario/fields.js"))
        fragment.add_javascript(static_text("static/scenario/richtext.js"))
        fragment.add_javascript(static_text("static/scenario/map.js"))
        fragment.add_javascript(static_text("static/scenario/state_editor.js"))
        fragment.add_javascript(static_text("static/scenario/simulation_fields.js"))
        fragment.add_javascript(static_text("static/scenario/forms.js"))
        fragment.add_javascript(static_text("static/scenario/studio.js"))
        fragment.initialize_js("RtcmScenarioStudio")
        return fragment

    def author_view(self, context=None):  # pylint: disable=unused-argument
        """The unit-page summary: steps, endings, best score, learners, validation state, and a preview that records nothing.

        Of the analytics it shows the learners who started and finished only (one query, no map: see
        the LMS's Results panel for the rest).
        """
        _ = translator(self).gettext
        scenario = self._saved_scenario()
        report = self._report(scenario, self.scoring, [], drawn=False)
        summary = report["summary"]
        started, finished = storage.learner_totals(self._storage_key())
        fragment = Fragment(render_template("templates/scenario/studio_author.html", translator(self), {
            "learners": {"started": started, "finished": finished},
            "block_id": self._dom_id(),
            "display_name": self.display_name,
            "summary": summary,
            "problems": report["problems"],
            "best_label": _best_label(_, self.scoring, summary["best"]),
            "attempts_label": self._attempts_label(_),
            "author_data": script_json({"i18n_namespace": getattr(self, "i18n_js_namespace", None),
                                        "intro": self._html(scenario.intro)}),
        }))
        add_js_catalogue(self, fragment)
        fragment.add_css(static_text("static/scenario/studio.css"))
        fragment.add_javascript(static_text("static/scenario/studio_author.js"))
        fragment.initialize_js("RtcmScenarioAuthor")  # authored data is in the page, as for studio_view
        return fragment

    # --- handlers ------------------------------------------------------------------------------

    @json_handler
    def validate_draft(self, data, suffix=""):  # pylint: disable=unused-argument
        """Live validation of an unsaved draft: field errors, graph problems, the map layout and a summary."""
        self._require_author()
        data, _platform = self._split_payload(data)
        draft = read_draft(data, self._pillars())
        return self._report(draft.scenario, draft.settings["scoring"], draft.errors, read=True)

    @json_handler
    def studio_submit(self, data, suffix=""):  # pylint: disable=unused-argument
        """Save a draft: refused field by field when any field is wrong; graph problems are allowed (shown)."""
        self._require_author()
        data, platform = self._split_payload(data)
        draft = self._checked_draft(data)
        self.scenario = draft.scenario.to_dict()
        for name in SETTINGS:
            if name == "max_attempts" and draft.settings[name] is None:
                del self.max_attempts  # back to the course's "Maximum Attempts"
            elif name in OPTIONAL_FLAGS:
                continue  # kept in the case (model.Scenario), saved with it above
            else:
                setattr(self, name, draft.settings[name])
        if platform is not None:
            self._save_platform(platform)
        return dict(self._report(draft.scenario, draft.settings["scoring"], []),
                    saved=True, scenario=editor_scenario(draft.scenario), settings=self._current_settings(),
                    platform=self._platform_attributes())

    @json_handler
    def draft_olx(self, data, suffix=""):  # pylint: disable=unused-argument
        """The OLX of a draft, as the block would export it (for the editor's OLX tab)."""
        self._require_author()
        data, platform = self._split_payload(data)
        draft = self._checked_draft(data)
        attributes = dict(self._platform_attributes() if platform is None else platform)
        attributes.update(settings_to_attributes(draft.settings))
        return {"olx": olx.scenario_to_string(attributes, draft.scenario)}

    @json_handler
    def parse_olx(self, data, suffix=""):  # pylint: disable=unused-argument
        """Read OLX typed in the editor into a draft; a parse error answers 400 with the line it is on."""
        self._require_author()
        _ = translator(self).gettext
        text = data.get("olx")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_OLX or not is_unicode(text):
            raise HandlerError("invalid_olx", _("Send the OLX as non-empty text of at most 2 MB."))
        attributes, scenario = self._parse_olx_text(text, _)
        platform = {name: value for name, value in attributes.items() if name in self._platform_fields()}
        # Attributes kept verbatim for a runtime without their field (platform_settings) stay as they are.
        kept = self.platform_attributes or {}
        attributes = {name: value for name, value in attributes.items() if name not in platform and name not in kept}
        settings, errors = attributes_to_settings(attributes, self._current_settings(), self._pillars())
        errors = [_field_json(error, _) for error in errors] + self._platform_errors(platform, _)
        if errors:
            raise HandlerError("invalid_fields", _("Some attributes are not valid."), errors=errors)
        return {"scenario": editor_scenario(scenario), "settings": settings, "platform": platform,
                "report": self._report(scenario, settings["scoring"], [])}

    @json_handler
    def preview(self, data, suffix=""):  # pylint: disable=unused-argument
        """Play the saved scenario for an author: replays `choices` from the start and stores nothing.

        A move is `{"step", "choice"}` (a choice offered there), `{"step", "timed_out": true}` (the
        step's time runs out: its timeout choice is taken) or `{"step", "hint": true}` (its hint is
        revealed, and costs its points). Clocks do not run in a preview: a timed step offers its
        choices at once.
        """
        self._require_author()
        _ = translator(self).gettext
        moves = data.get("choices", [])
        if not isinstance(moves, list) or len(moves) > MAX_PREVIEW_MOVES or not all(map(_is_preview_move, moves)):
            raise HandlerError("invalid_body", _('"choices" must be a list of {"step": id, "choice": id}.'))
        scenario = self._saved_scenario()
        attempt = graph.start_attempt(scenario, 1)
        if attempt.current is None:
            raise HandlerError("no_steps", _("This scenario has no start step yet."))
        try:
            for move in moves:
                if move.get("hint") is True:
                    attempt = graph.reveal_hint(scenario, attempt, move["step"])
                else:
                    attempt = graph.choose(scenario, attempt, move["step"], move.get("choice"), scoring=self.scoring,
                                           timed_out=move.get("timed_out") is True)
        except graph.ScenarioError as error:
            raise HandlerError(error.code, error.text(_)) from error
        return self._preview_state(scenario, attempt)

    # --- helpers -------------------------------------------------------------------------------

    def _require_author(self):
        if not user_is_author(self):
            _ = translator(self).gettext
            raise HandlerError("forbidden", _("Only the course team can edit this scenario."), status=403)

    def _checked_draft(self, data):
        _ = translator(self).gettext
        draft = read_draft(data, self._pillars())
        if draft.errors:
            errors = [_field_json(error, _) for error in draft.errors]
            message = _("Nothing was saved: {count} fields need fixing.").format(count=len(errors))
            raise HandlerError("invalid_fields", message + " " + " ".join(
                f"{error['field']}: {error['message']}" for error in errors[:20]), errors=errors)
        return draft

    def _parse_olx_text(self, text, _):
        try:
            return olx.parse_scenario_string(text)
        except olx.OlxError as error:
            cause = error.__cause__
            if isinstance(cause, XMLSyntaxError):
                line = cause.position[0] if cause.position else None
                message = excerpt(cause.msg, 200)
                raise HandlerError("olx_syntax", _("The OLX is not well-formed XML: {error}").format(error=message),
                                   errors=[{"field": "olx", "message": message, "line": line}]) from error
            match = _LINE.search(str(error))
            raise HandlerError("olx_invalid", str(error), errors=[
                {"field": "olx", "message": str(error), "line": int(match.group(1)) if match else None}]) from error

    # --- platform attributes in the OLX tab ----------------------------------------------------------
    # Studio exports a block with the settings of the platform's mixins that are set on it
    # (visible_to_staff_only, group_access, due, …: InheritanceMixin in xmodule/modulestore/inheritance.py)
    # as attributes written by xmodule/xml_block.py `serialize_field`: strings as they are, anything
    # else as JSON (group_access='{"50": [1]}', visible_to_staff_only="true"). The OLX tab shows them,
    # accepts them back, and the editor sends them with a save as {"platform": {name: attribute}}; a
    # save without that key leaves them as they are.

    def _platform_fields(self):
        """The settings fields that the runtime's mixins add to the block, by name."""
        return {name: field for name, field in self.fields.items()
                if field.scope == Scope.settings and name not in _NOT_PLATFORM}

    def _platform_attributes(self):
        """The platform settings set on the block, as Studio's export writes them."""
        attributes = {}
        for name, field in self._platform_fields().items():
            if field.is_set_on(self):
                value = field.to_json(field.read_from(self))
                attributes[name] = value if isinstance(value, str) else json.dumps(value)
        return attributes

    def _split_payload(self, data):
        """(the draft part of an editor payload, its platform attributes or None when it sends none)."""
        if PLATFORM not in data:
            return data, None
        rest = {key: value for key, value in data.items() if key != PLATFORM}
        platform = data[PLATFORM]
        _ = translator(self).gettext
        if platform is None:
            return rest, None
        errors = self._platform_errors(platform, _) if isinstance(platform, dict) else [
            {"field": PLATFORM, "message": _("This must be an object."), "node": None}]
        if errors:
            raise HandlerError("invalid_fields", _("Some attributes are not valid."), errors=errors)
        return rest, platform

    def _platform_errors(self, platform, _):
        """Field errors for platform attributes that the block does not have or cannot read."""
        fields = self._platform_fields()
        errors = []
        for name, raw in platform.items():
            field = fields.get(name)
            if field is None:
                message = _("'{name}' is not a setting of this block.").format(name=excerpt(name))
            elif not isinstance(raw, str) or len(raw) > MAX_PLATFORM_ATTRIBUTE or not is_unicode(raw):
                message = _("This must be text.")
            else:
                try:
                    read_attribute(field, raw)
                    continue
                except (TypeError, ValueError, OverflowError, RecursionError):
                    message = _("'{value}' is not a valid value for '{name}'.").format(value=excerpt(raw), name=excerpt(name))
            errors.append({"field": f"settings.{name}", "message": message, "node": None})
        return errors

    def _save_platform(self, platform):
        """Set the platform attributes given (already checked); clear the ones the OLX no longer has."""
        for name, field in self._platform_fields().items():
            if name in platform:
                setattr(self, name, read_attribute(field, platform[name]))
            elif field.is_set_on(self):
                delattr(self, name)

    def _saved_scenario(self):
        return graph.Scenario.from_dict(self.scenario)

    def _current_settings(self):
        weight = self.weight
        case = self._saved_scenario()
        return {
            "display_name": self.display_name or "",
            "pillar": self.pillar or "",
            "scoring": self.scoring,
            "grading": self.grading,
            "max_attempts": int(self.max_attempts or 0) if self.fields["max_attempts"].is_set_on(self) else None,
            "weight": 1.0 if weight is None else float(weight),
            "show_expert_path": bool(self.show_expert_path),
            # edited with the settings, kept in the case
            **{name: bool(getattr(case, name)) for name in OPTIONAL_FLAGS},
        }

    def _course_max_attempts(self):
        """What `max_attempts` is when the block does not set it: the course's "Maximum Attempts" (None: unlimited).

        Read as Studio reads a field's provenance (edx-platform x_module.py get_field_provenance):
        the field data's default, which on the platform is the nearest ancestor's value.
        """
        try:
            value = self._field_data.default(self, "max_attempts")  # pylint: disable=protected-access
        except KeyError:
            return None
        return value or None

    def _attempts_label(self, _):
        """How many attempts learners get and why: set on this exercise, the course's setting, or unlimited."""
        if self.fields["max_attempts"].is_set_on(self):
            if not self.max_attempts:
                return _("Unlimited (set on this exercise)")
            return _("{count} (set on this exercise)").format(count=self.max_attempts)
        inherited = self._course_max_attempts()
        if inherited:
            return _("{count} (the course's Maximum Attempts)").format(count=inherited)
        return _("Unlimited (the course sets no Maximum Attempts)")

    def _pillars(self):
        """The allowed pillar ids when the block's `pillar` field declares values; None for free text."""
        values = getattr(self.fields["pillar"], "values", None)
        if not values:
            return None
        return tuple(value["value"] if isinstance(value, dict) else value for value in values)

    def _options(self):
        _ = translator(self).gettext
        pillar_values = getattr(self.fields["pillar"], "values", None) or ()
        return {
            "scoring": [["path", _("Points of the choices taken")], ["ending", _("Points of the ending reached")],
                        ["none", _("Not scored")]],
            "grading": [["best", _("Best attempt")], ["last", _("Last attempt")], ["first", _("First attempt")]],
            "outcomes": [["good", _("Good")], ["neutral", _("Neutral")], ["bad", _("Bad")]],
            "pillars": [[value["value"], _(value.get("display_name", value["value"]))] if isinstance(value, dict)
                        else [value, value] for value in pillar_values],
        }

    def _report(self, scenario, scoring, field_errors, drawn=True, read=False):
        """Field errors, graph problems (translated), the map layout and a summary of `scenario`.

        The layout is worked out only where a map is `drawn` (the editor), not for the unit page.
        For a scenario `read` from the editor's draft, the graph problems that the draft's field
        errors already name at their fields are left out (see _is_field_problem).
        """
        _ = translator(self).gettext
        found, best = validation.review(scenario, scoring)
        problems = [_problem_json(problem, _) for problem in found if not (read and _is_field_problem(problem))]
        report = {
            "fields": [_field_json(error, _) for error in field_errors],
            "problems": problems,
            "summary": {"steps": len(scenario.steps), "endings": len(scenario.endings), "best": best,
                        "errors": len(problems) + len(field_errors)},
        }
        if drawn:
            report["layout"] = layout(scenario).to_dict()
        return report

    def _preview_state(self, scenario, attempt):
        """What a learner would see at this point (the block's get_state shape); unlimited attempts, nothing stored,
        no clocks (as for a learner whose accommodation is "untimed")."""
        state = self._state_json(scenario, [attempt], stored={"timing": "untimed"})
        state["attempts_left"] = None
        return state

    def _dom_id(self):
        return "rtcm-" + re.sub(r"[^A-Za-z0-9_-]", "-", str(self.scope_ids.usage_id))[-60:]


def _framework_competencies():
    """[[id, statement], …] of the default self-assessment framework, offered for a choice's competency points."""
    return [[competency.id, competency.text] for competency in load_framework(DEFAULT_FRAMEWORK).competencies]


def _is_field_problem(problem):
    """Whether the core's `problem` is one that reading a draft always reports as a field error too (a condition
    that does not compile, an unknown speaker, a clip without captions or transcript, an effect on an undeclared
    variable or of the wrong type, a variable or character declared twice): listed once, at its field."""
    if problem.code == "duplicate_id":
        return "variable" in problem.params or "character" in problem.params
    return problem.code in ("bad_condition", "unknown_character", "missing_transcript", "bad_effect")


def _is_preview_move(move):
    """Whether `move` is a move of the preview: a step id with a choice id, `"timed_out": true` or `"hint": true`."""
    if not isinstance(move, dict) or not isinstance(move.get("step"), str):
        return False
    if move.get("hint") is True:
        return "choice" not in move and "timed_out" not in move
    return isinstance(move.get("choice"), str) or move.get("timed_out") is True


def _problem_json(problem, _):
    message = problem.text(_)
    if problem.code == "unknown_target" and not problem.params.get("target"):
        message = _(NO_TARGET).format(**problem.params)
    node = excerpt(problem.node, 100) if problem.node else problem.node  # ids are at most 100 characters
    return {"code": problem.code, "message": message, "node": node, "severity": problem.severity}


def _field_json(error, _):
    return {"field": error.field, "message": error.text(_), "node": error.node}


def _best_label(_, scoring, best):
    if scoring == "none" or best is None:
        return _("Not scored")
    return _("{points} points").format(points=best)
