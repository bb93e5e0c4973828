"""Studio authoring for the needs-assessment block: the framework editor view and its save handler.

`studio_submit` takes the whole editor state as one JSON object (authors only)::

    {"display_name": "…", "phase": "pre" | "post", "pre": "<url_name of the pre block>",
     "min_group_size": 5, "participation_credit": false, "weight": 1,
     "framework": "rtcm-default" | "custom",
     "pillars": [{"id", "title", "recommend", "competencies": [{"id", "text"}]}]}

With a shipped framework (`"rtcm-default"`) `pillars` lists only `{"id", "recommend"}`: the course
links of the default pillars (the recommend-override extension of PRODUCT.md). Every field is
checked before anything is written; on any problem the answer is HTTP 400 with
``{"error": "invalid_settings", "message": "…", "errors": [{"field": "pillars.0.title",
"message": "…"}]}`` and the block is left as it was. Titles, texts and the display name are
reduced to plain text. The answer to a valid save is the editor state as `studio_view` shows it.

Whether a `pre` link names an existing block can be checked where the runtime can find blocks
by url_name: in Studio and the LMS through the course's usage keys, in the SDK workbench by
searching the tree the block sits in. Elsewhere (a content library, a bare runtime) the link is
only checked for shape.
"""
import re

from web_fragments.fragment import Fragment
from xblock.core import XBlock, XBlockMixin
from xblock.validation import ValidationMessage

from rtcm_xblocks.common.handlers import STUDIO_PERMISSIONS, HandlerError, json_handler, user_is_author
from rtcm_xblocks.common.i18n import add_js_catalogue, translator
from rtcm_xblocks.common.quoting import excerpt
from rtcm_xblocks.common.sanitize import plain_text
from rtcm_xblocks.common.templates import render_template, script_json, static_text
from rtcm_xblocks.needs.framework import (
    DEFAULT_FRAMEWORK,
    Competency,
    Framework,
    FrameworkError,
    Pillar,
    load_framework,
    safe_link,
    translate_framework,
    validate_framework,
    with_recommends,
)

__all__ = ["NeedsStudioMixin", "CUSTOM", "LIMITS", "clean_studio_payload"]

CUSTOM = "custom"
PHASES = ("pre", "post")
LIMITS = {
    "display_name": 200, "id": 100, "title": 200, "text": 1000, "recommend": 500, "pre": 255,
    "pillars": 50, "competencies": 50, "min_group_size": 1000, "weight": 1000,
}
_TOP_KEYS = {"display_name", "phase", "pre", "min_group_size", "participation_credit", "weight", "framework", "pillars"}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")  # as framework.validate_framework
_URL_NAME = re.compile(r"^[A-Za-z0-9_.:\-]+$")


class _Errors:
    """Field-by-field problems of one payload, in the order found."""

    def __init__(self):
        self.items = []

    def add(self, field, message):
        if not any(item["field"] == field for item in self.items):
            self.items.append({"field": field, "message": message})

    def __bool__(self):
        return bool(self.items)


def _text(errors, field, value, limit, _, empty_message):
    """Plain text of a string field, or None after recording why it is unusable."""
    if not isinstance(value, str):
        errors.add(field, _("This must be text."))
        return None
    cleaned = plain_text(value)
    if not cleaned:
        errors.add(field, empty_message)
        return None
    if len(cleaned) > limit:
        errors.add(field, _("This is too long: at most {limit} characters.").format(limit=limit))
        return None
    return cleaned


def _ident(errors, field, value, _):
    """A stripped id, or None after recording why it is unusable."""
    if not isinstance(value, str) or not value.strip():
        errors.add(field, _("The id is empty."))
        return None
    value = value.strip()
    if not _ID.match(value):
        errors.add(field, _("An id starts with a letter or digit and uses only letters, digits, '.', '_', ':' and '-' "
                            "(at most {limit} characters).").format(limit=LIMITS["id"]))
        return None
    return value


def _link(errors, field, value, _):
    """A checked course link ('' for none), or None after recording why it is unusable."""
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.add(field, _("This must be text."))
        return None
    value = value.strip()
    if len(value) > LIMITS["recommend"]:
        errors.add(field, _("This is too long: at most {limit} characters.").format(limit=LIMITS["recommend"]))
        return None
    try:
        value = safe_link(value)
    except FrameworkError:
        value = None
    if value is None or any(char.isspace() for char in value):
        errors.add(field, _("Use a course link such as /jump_to_id/border_intro or an http(s) address, without spaces."))
        return None
    return value


def _keys(errors, field, entry, allowed, _):
    """Record keys of `entry` that the editor never sends."""
    unknown = sorted(set(entry) - set(allowed))
    if unknown:
        errors.add(field, _("Unknown keys: {keys}.").format(keys=", ".join(excerpt(key) for key in unknown[:5])))


def _settings(data, errors, _):
    """The block settings of a payload (display name, phase, pre link, group size, credit)."""
    cleaned = {
        "display_name": _text(errors, "display_name", data.get("display_name"), LIMITS["display_name"], _,
                              _("Give the self-assessment a title.")),
    }
    phase = data.get("phase")
    if phase not in PHASES:
        errors.add("phase", _("Choose whether this is the pre-course or the post-course self-assessment."))
    cleaned["phase"] = phase
    pre = data.get("pre", "")
    if not isinstance(pre, str):
        errors.add("pre", _("This must be text."))
        pre = ""
    pre = pre.strip()
    if phase == "post" and not pre:
        errors.add("pre", _("A post-course self-assessment needs the url_name of its pre-course self-assessment."))
    elif pre and (len(pre) > LIMITS["pre"] or not _URL_NAME.match(pre)):
        errors.add("pre", _("A url_name has only letters, digits, '_', '-', '.' and ':'."))
    cleaned["pre"] = pre if phase == "post" else ""
    size = data.get("min_group_size")
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= LIMITS["min_group_size"]:
        errors.add("min_group_size", _("Give a whole number from 1 to {limit}.").format(limit=LIMITS["min_group_size"]))
    cleaned["min_group_size"] = size
    credit = data.get("participation_credit")
    if not isinstance(credit, bool):
        errors.add("participation_credit", _("This must be true or false."))
    cleaned["participation_credit"] = credit
    weight = data.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight <= LIMITS["weight"]:
        errors.add("weight", _("Give a number from 0 to {limit}.").format(limit=LIMITS["weight"]))
    cleaned["weight"] = weight
    return cleaned


def _custom_pillars(pillars, errors, _):
    """A Framework from the editor's custom pillars, recording each field's problems in `errors`."""
    built = []
    pillar_ids, competency_ids = {}, {}
    for p_index, entry in enumerate(pillars):
        base = f"pillars.{p_index}"
        if not isinstance(entry, dict):
            errors.add(base, _("Each pillar must be an object."))
            continue
        _keys(errors, base, entry, ("id", "title", "recommend", "competencies"), _)
        pillar_id = _ident(errors, f"{base}.id", entry.get("id"), _)
        if pillar_id is not None:
            if pillar_id in pillar_ids:
                errors.add(f"{base}.id", _("Another pillar already has the id '{id}'.").format(id=pillar_id))
            pillar_ids.setdefault(pillar_id, p_index)
        title = _text(errors, f"{base}.title", entry.get("title"), LIMITS["title"], _, _("Give the pillar a title."))
        recommend = _link(errors, f"{base}.recommend", entry.get("recommend", ""), _)
        competencies = entry.get("competencies")
        if not isinstance(competencies, list):
            errors.add(f"{base}.competencies", _("The competencies must be a list."))
            competencies = []
        elif not competencies:
            errors.add(f"{base}.competencies", _("A pillar needs at least one competency."))
        elif len(competencies) > LIMITS["competencies"]:
            errors.add(f"{base}.competencies", _("A pillar has at most {limit} competencies.").format(
                limit=LIMITS["competencies"]))
        built_competencies = []
        for c_index, item in enumerate(competencies):
            field = f"{base}.competencies.{c_index}"
            if not isinstance(item, dict):
                errors.add(field, _("Each competency must be an object."))
                continue
            _keys(errors, field, item, ("id", "text"), _)
            competency_id = _ident(errors, f"{field}.id", item.get("id"), _)
            if competency_id is not None:
                if competency_id in competency_ids:
                    errors.add(f"{field}.id", _("Another competency already has the id '{id}'.").format(
                        id=competency_id))
                competency_ids.setdefault(competency_id, field)
            text = _text(errors, f"{field}.text", item.get("text"), LIMITS["text"], _,
                         _("Write the competency statement."))
            built_competencies.append(Competency(competency_id or "", text or "", pillar_id or ""))
        built.append(Pillar(pillar_id or "", title or "", tuple(built_competencies), recommend or ""))
    return Framework(CUSTOM, tuple(built))


def _default_overrides(name, pillars, errors, _):
    """The shipped framework `name` with the editor's course links set on its pillars (None when there is no such framework)."""
    try:
        base = load_framework(name)
    except FrameworkError:
        errors.add("framework", _("There is no framework called '{name}'.").format(name=excerpt(name)))
        return None
    links = {}
    for index, entry in enumerate(pillars):
        field = f"pillars.{index}"
        if not isinstance(entry, dict):
            errors.add(field, _("Each pillar must be an object."))
            continue
        _keys(errors, field, entry, ("id", "recommend"), _)
        pillar_id = entry.get("id")
        if not isinstance(pillar_id, str) or base.pillar(pillar_id) is None:
            errors.add(f"{field}.id", _("The framework has no pillar with this id."))
            continue
        if pillar_id in links:
            errors.add(f"{field}.id", _("This pillar is listed twice."))
            continue
        link = _link(errors, f"{field}.recommend", entry.get("recommend", ""), _)
        if link is not None:
            links[pillar_id] = link
    return with_recommends(base, links)


def clean_studio_payload(data, gettext):
    """Check and clean a studio_submit body: (settings, framework name, Framework, errors list)."""
    _ = gettext
    errors = _Errors()
    _keys(errors, "", data, _TOP_KEYS, _)
    settings = _settings(data, errors, _)
    name = data.get("framework")
    pillars = data.get("pillars", [])
    framework = None
    if not isinstance(name, str) or not name:
        errors.add("framework", _("Choose the default framework or a custom one."))
    elif not isinstance(pillars, list):
        errors.add("pillars", _("The pillars must be a list."))
    elif len(pillars) > LIMITS["pillars"]:
        errors.add("pillars", _("A framework has at most {limit} pillars.").format(limit=LIMITS["pillars"]))
    elif name == CUSTOM:
        if not pillars:
            errors.add("pillars", _("A custom framework needs at least one pillar."))
        framework = _custom_pillars(pillars, errors, _)
        if not errors:
            # The core's own rules are authoritative; anything they catch that the field checks missed is reported too.
            for problem in validate_framework(framework):
                errors.add("pillars", problem.text(_))
    else:
        framework = _default_overrides(name, pillars, errors, _)
    return settings, name, framework, errors.items


@XBlock.wants(STUDIO_PERMISSIONS)
class NeedsStudioMixin(XBlockMixin):
    """studio_view, author_view, studio_submit and Studio's validation for NeedsAssessmentBlock."""

    # Studio's preview renders author_view only where this is set (xmodule/studio_editable.py has_author_view);
    # otherwise it would render student_view, whose form submits into the learners' cohort.
    has_author_view = True

    def author_view(self, context=None):  # pylint: disable=unused-argument
        """The unit-page summary in Studio: settings and the framework's pillars and competencies, with no form."""
        _ = translator(self).gettext
        framework = self.get_framework()
        custom = bool((self.framework_content or {}).get("pillars"))
        phase = self.phase if self.phase in PHASES else "pre"
        html = render_template("templates/needs/author.html", translator(self), {
            "uid": _dom_id(self.scope_ids.usage_id),
            "display_name": self.title(),
            "phase_label": _("After the course") if phase == "post" else _("Before the course"),
            "pre": self.pre if phase == "post" else "",
            "framework_label": _("Custom framework") if custom else self.base_framework().id,
            "competencies": len(framework.competencies),
            "min_group_size": self.min_group_size,
            "credit_label": _("On") if self.has_score else _("Off"),
            "problems": [message.text for message in self.validate().messages],
            "pillars": framework.to_dict()["pillars"],
        })
        fragment = Fragment(html)
        fragment.add_css(static_text("static/needs/studio.css"))
        return fragment

    def studio_view(self, context=None):  # pylint: disable=unused-argument
        """The framework and settings editor shown in Studio."""
        state = self.studio_state()
        html = render_template(
            "templates/needs/studio.html", translator(self),
            {"state_json": script_json(state), "uid": _dom_id(self.scope_ids.usage_id),
             "i18n_namespace": getattr(self, "i18n_js_namespace", "") or ""},
        )
        fragment = Fragment(html)
        add_js_catalogue(self, fragment)
        fragment.add_css(static_text("static/needs/studio.css"))
        fragment.add_javascript(static_text("static/needs/studio_checks.js"))
        fragment.add_javascript(static_text("static/needs/studio.js"))
        fragment.initialize_js("RtcmNeedsStudio")
        return fragment

    def studio_state(self):
        """The editor's state: settings, the framework in use (with course links) and the default for copying."""
        gettext = translator(self).gettext
        custom = bool((self.framework_content or {}).get("pillars"))
        return {
            "display_name": self.display_name,
            "phase": self.phase if self.phase in PHASES else "pre",
            "pre": self.pre or "",
            "min_group_size": self.min_group_size,
            "participation_credit": bool(self.has_score),
            "weight": self.weight,
            "framework": CUSTOM if custom else self.base_framework().id,
            "pillars": self.get_framework().to_dict()["pillars"],
            "default_framework": DEFAULT_FRAMEWORK,
            "default_pillars": translate_framework(load_framework(DEFAULT_FRAMEWORK), gettext).to_dict()["pillars"],
            "url_name": self.studio_url_name(),
            "limits": LIMITS,
        }

    def studio_save(self, settings, name, framework):
        """Write a checked editor payload to the block's fields."""
        self.display_name = settings["display_name"]
        self.phase = settings["phase"]
        self.pre = settings["pre"]
        self.min_group_size = settings["min_group_size"]
        self.has_score = settings["participation_credit"]
        self.weight = float(settings["weight"])
        if name == CUSTOM:
            self.framework_content = {"pillars": framework.to_dict()["pillars"]}
            return
        base = load_framework(name)
        self.framework = name
        links = {pillar.id: pillar.recommend for pillar in framework.pillars
                 if pillar.recommend != base.pillar(pillar.id).recommend}
        self.framework_content = {"recommend": links} if links else {}

    @json_handler
    def studio_submit(self, data, suffix=""):  # pylint: disable=unused-argument
        """Validate the whole editor payload and save it, or save nothing and answer 400 field by field."""
        _ = translator(self).gettext
        if not user_is_author(self):
            raise HandlerError("forbidden", _("Only the course's authors can change this self-assessment."), status=403)
        settings, name, framework, errors = clean_studio_payload(data, _)
        if not errors and settings["phase"] == "post":
            self._check_pre_link(settings["pre"], framework, errors, _)
        if errors:
            raise HandlerError("invalid_settings", _problems_message(errors, _), errors=errors)
        self.studio_save(settings, name, framework)
        return self.studio_state()

    def validate(self):
        """Studio's validation of the saved block, for content that arrived as OLX: framework problems and the pre link."""
        validation = super().validate()
        _ = translator(self).gettext
        messages = []
        if (self.framework_content or {}).get("pillars"):
            messages.extend(problem.text(_) for problem in validate_framework(self.get_framework()))
        else:
            try:
                load_framework(self.framework)
            except FrameworkError as error:
                messages.append(error.text(_))
        if self.phase == "post":
            if not self.pre:
                messages.append(_("A post-course self-assessment needs the url_name of its pre-course self-assessment."))
            else:
                problems = []
                shared = self._check_pre_link(self.pre, self.get_framework(), problems, _)
                messages.extend(problem["message"] for problem in problems)
                if shared:
                    validation.add(ValidationMessage(ValidationMessage.WARNING, shared))
        for message in messages:
            validation.add(ValidationMessage(ValidationMessage.ERROR, message))
        return validation

    def _check_pre_link(self, url_name, framework, errors, _):
        """Add an error when the runtime can tell that the linked pre block is missing, is this block, is a post
        block, or rates none of `framework`'s competencies; return a warning text when it rates only some of them."""
        if url_name == self.studio_url_name():
            errors.append({"field": "pre", "message": _("A self-assessment cannot be its own pre-course link.")})
            return None
        found = self.find_needs_block(url_name)
        if found is False:
            errors.append({"field": "pre", "message": _(
                "There is no self-assessment with the url_name '{url_name}' in this course.").format(url_name=url_name)})
        elif found is not None and getattr(found, "phase", "pre") != "pre":
            errors.append({"field": "pre", "message": _(
                "'{url_name}' is a post-course self-assessment; link a pre-course one.").format(url_name=url_name)})
        elif found is not None and hasattr(found, "get_framework"):
            before = {competency.id for competency in found.get_framework().competencies}
            after = [competency.id for competency in framework.competencies]
            shared = sum(1 for competency_id in after if competency_id in before)
            if not shared:
                errors.append({"field": "pre", "message": _(
                    "'{url_name}' rates none of these competencies, so learners could see no change.").format(
                        url_name=url_name)})
            elif shared < len(after):
                return _("'{url_name}' rates {shared} of these {count} competencies: learners see their change "
                         "on those only.").format(url_name=url_name, shared=shared, count=len(after))
        return None

    def find_needs_block(self, url_name):
        """The self-assessment block with this url_name; False when certainly absent; None when the runtime cannot tell."""
        usage_id = self.scope_ids.usage_id
        course_key = getattr(usage_id, "course_key", None)
        if course_key is not None and hasattr(course_key, "make_usage_key"):
            key = course_key.make_usage_key(self.scope_ids.block_type, url_name)
            try:
                return self.runtime.get_block(key)
            except Exception as error:  # pylint: disable=broad-except
                # The modulestore's ItemNotFoundError: named, not imported, so the package needs no edx-platform.
                return False if type(error).__name__ in ("ItemNotFoundError", "NoSuchUsage", "NotFoundError") else None
        root = self
        while getattr(root, "parent", None) is not None:
            root = root.get_parent()
        if root is self:
            return None
        stack = [root]
        while stack:
            block = stack.pop()
            if block is not self and block.scope_ids.block_type == self.scope_ids.block_type \
                    and _url_name_of(block) == url_name:
                return block
            if getattr(block, "has_children", False):
                stack.extend(block.get_children())
        return False

    def studio_url_name(self):
        """This block's url_name as authors see it in OLX ('' when the runtime keeps none)."""
        return _url_name_of(self)


def _url_name_of(block):
    """The url_name of a block: its usage key's block_id in Studio/LMS, else a url_name field if it has one."""
    usage_id = block.scope_ids.usage_id
    if hasattr(usage_id, "block_id") and hasattr(usage_id, "course_key"):
        return str(usage_id.block_id)
    return str(getattr(block, "olx_name", "") or "")


def _dom_id(usage_id):
    """An HTML id prefix unique to this block on the page."""
    return "rtcm-ns-" + re.sub(r"[^A-Za-z0-9_-]", "-", str(usage_id))


def _problems_message(errors, _):
    """One human message naming every field problem."""
    lines = [_("Nothing was saved; please fix these problems:")]
    request = _("request")
    lines.extend(f"{item['field'] or request}: {item['message']}" for item in errors)
    return "\n".join(lines)

