"""The training-needs self-assessment XBlock: fields, OLX, views and JSON handlers.

The block translates between the runtime and the pure core (`framework`, `scoring`, `cohort`)
and the Django persistence of `storage`; it holds no domain logic of its own.
"""
import hashlib
import json
import logging

from lxml import etree
from web_fragments.fragment import Fragment
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Boolean, Dict, Float, Integer, Scope, String
from xblock.utils.resources import ResourceLoader

from rtcm_xblocks.common.handlers import (HandlerError, anonymous_id, json_handler, read_only_reason, staff_csv,
                                          user_is_staff)
from rtcm_xblocks.common.i18n import N_, add_js_catalogue, translator
from rtcm_xblocks.common.platform_settings import (keep_platform_settings, platform_attributes_field,
                                                    write_platform_settings)
from rtcm_xblocks.common.quoting import excerpt
from rtcm_xblocks.common.safe_xml import check_safe
from rtcm_xblocks.common.storage import course_scope
from rtcm_xblocks.common.templates import render_template, static_text
from rtcm_xblocks.needs import cohort, demonstrated, framework as fw, scoring, storage
from rtcm_xblocks.needs.studio import LIMITS, NeedsStudioMixin
from rtcm_xblocks.scenario import competencies

__all__ = ["NeedsAssessmentBlock"]

loader = ResourceLoader("rtcm_xblocks")
log = logging.getLogger(__name__)

PHASES = ("pre", "post")
MAX_GROUP_SIZE = 1000
_PILLAR = "pillar"
_NOT_ATTRIBUTES = ("children", "parent", "content", "framework_content", "user_state", "olx_name",
                   "platform_attributes")
AS_SHIPPED = N_  # a "gettext" that leaves the shipped English source text untranslated


@XBlock.needs("i18n")
@XBlock.wants("user")
@XBlock.wants("replace_urls")
class NeedsAssessmentBlock(NeedsStudioMixin, XBlock):
    """Learners rate competencies and get a learning plan; staff see the cohort's training needs."""

    display_name = String(
        display_name=N_("Display name"),
        help=N_("The title learners see above the assessment."),
        scope=Scope.settings,
        default=N_("Training-needs self-assessment"),
    )
    phase = String(
        display_name=N_("Phase"),
        help=N_('"pre" before the course; "post" after it, compared with the linked pre-course assessment.'),
        scope=Scope.settings,
        values=[{"display_name": N_("Before the course"), "value": "pre"}, {"display_name": N_("After the course"), "value": "post"}],
        default="pre",
    )
    pre = String(
        display_name=N_("Pre-course assessment"),
        help=N_("With phase post: the url_name of the pre-course assessment block of this course to compare with."),
        scope=Scope.settings,
        default="",
    )
    framework = String(
        display_name=N_("Framework"),
        help=N_('The shipped competency framework to use (for instance "rtcm-default") unless pillars are defined below.'),
        scope=Scope.settings,
        default=fw.DEFAULT_FRAMEWORK,
    )
    framework_content = Dict(
        display_name=N_("Pillars"),
        help=N_(
            "Pillars defined by the author: {} to use the named framework as shipped; "
            '{"pillars": [...]} with competencies for a custom framework; or {"recommend": {pillar id: link}} '
            "to link the named framework's pillars to course units."
        ),
        scope=Scope.content,
        default={},
    )
    min_group_size = Integer(
        display_name=N_("Smallest group shown"),
        help=N_(
            "Staff figures always cover at least this many respondents: smaller countries and agencies (and any "
            "that would let one be worked out) are not shown, and figures are updated in batches of this many changes."
        ),
        scope=Scope.settings,
        default=5,
    )
    has_score = Boolean(
        display_name=N_("Participation credit"),
        help=N_("Give full credit for a complete submission (off: the assessment is not graded)."),
        scope=Scope.settings,
        default=False,
    )
    weight = Float(
        display_name=N_("Weight"),
        help=N_("The weight of the participation credit in the course grade, when it is on."),
        scope=Scope.settings,
        default=1.0,
        values={"min": 0},
    )
    olx_name = String(
        help=N_("The url_name given in OLX; keys stored submissions where usage ids carry no course (the SDK workbench)."),
        scope=Scope.settings,
        default="",
    )
    user_state = Dict(
        help=N_("The learner's own submission: ratings, profile answers and submitted_at."),
        scope=Scope.user_state,
        default={},
    )
    platform_attributes = platform_attributes_field()

    has_custom_completion = True
    completion_mode = XBlockCompletionMode.COMPLETABLE
    # Staff masquerading as a learner see the learner's page (read-only: see common.handlers.read_only_reason).
    show_in_read_only_mode = True
    i18n_js_namespace = "RtcmNeedsI18N"
    editable_fields = ("display_name", "phase", "pre", "framework", "min_group_size", "has_score", "weight")

    # ------------------------------------------------------------------------------------------
    # Framework, keys and shared payloads
    # ------------------------------------------------------------------------------------------

    def base_framework(self):
        """The named shipped framework (the default one when the name is unknown)."""
        try:
            return fw.load_framework(self.framework)
        except fw.FrameworkError:
            return fw.load_framework(fw.DEFAULT_FRAMEWORK)

    def get_framework(self, gettext=None):
        """The framework learners rate: the custom pillars, or the named one with its links, translated by `gettext`."""
        content = self.framework_content or {}
        if content.get("pillars"):
            return fw.Framework.from_dict({"id": "custom", "pillars": content["pillars"]})
        base = self.base_framework()
        links = content.get("recommend") or {}
        if links:
            base = fw.with_recommends(base, {key: value for key, value in links.items() if base.pillar(key)})
        gettext = gettext or translator(self).gettext
        data = base.to_dict()
        for pillar in data["pillars"]:
            pillar["title"] = gettext(pillar["title"])
            for competency in pillar["competencies"]:
                competency["text"] = gettext(competency["text"])
        return fw.Framework.from_dict(data)

    def learner_framework(self, gettext=None):
        """The framework as learners get it: course links (``/jump_to_id/…``) rewritten as the LMS serves them."""
        framework = self.get_framework(gettext)
        service = self.runtime.service(self, "replace_urls")
        if service is None:
            return framework
        return fw.with_recommends(framework, {
            pillar.id: service.replace_urls(f'"{pillar.recommend}"').strip('"')
            for pillar in framework.pillars if pillar.recommend
        })

    def title(self, gettext=None):
        """The display name, translated when it is still the default one.

        Compared by value: export always writes the display name (never a bare pointer tag), so a
        block never named by its author comes back from an import with the default set explicitly.
        """
        if self.display_name != self.fields["display_name"].default:
            return self.display_name
        return (gettext or translator(self).gettext)(self.display_name)

    def framework_id(self):
        """How the roadmap groups blocks by framework: the shipped name, or "custom:" and a fingerprint of the pillars.

        Custom frameworks with the same pillar and competency ids (in the same order) share a fingerprint.
        """
        if not (self.framework_content or {}).get("pillars"):
            return self.base_framework().id
        shape = [[pillar.id, [c.id for c in pillar.competencies]] for pillar in self.get_framework(AS_SHIPPED).pillars]
        return "custom:" + hashlib.sha256(json.dumps(shape).encode()).hexdigest()[:16]

    def storage_key(self):
        """This block's course-wide storage key (see storage)."""
        return storage.block_key(self.scope_ids.usage_id, self.scope_ids.block_type, self.olx_name)

    def course_scope(self):
        """The course whose scenario exercises' competency results the assessment shows (see common.storage)."""
        return course_scope(self.scope_ids.usage_id)

    def pre_storage_key(self):
        """The storage key of the linked pre-course block, or None when there is none."""
        if self.phase != "post" or not self.pre:
            return None
        return storage.linked_block_key(self.scope_ids.usage_id, self.scope_ids.block_type, self.pre)

    def learner_key(self):
        """The runtime's id of the current learner; a 403 when there is none."""
        user_id = self.scope_ids.user_id
        if user_id is None:
            _ = translator(self).gettext
            raise HandlerError("no_user", _("Please sign in to take this assessment."), status=403)
        return str(user_id)

    def scale_payload(self, gettext=None):
        """The rating scale with translated labels and descriptions."""
        gettext = gettext or translator(self).gettext
        return {
            dimension: [
                {"value": level["value"], "label": gettext(level["label"]), "description": gettext(level["description"])}
                for level in levels
            ]
            for dimension, levels in fw.SCALE.items()
        }

    def profile_payload(self, gettext=None):
        """The profile questions with translated labels."""
        gettext = gettext or translator(self).gettext
        questions = []
        for question in fw.PROFILE_QUESTIONS:
            item = {"id": question["id"], "type": question["type"], "label": gettext(question["label"])}
            if question["type"] == "choice":
                item["options"] = [{"value": o["value"], "label": gettext(o["label"])} for o in question["options"]]
            else:
                item["max_length"] = question["max_length"]
            questions.append(item)
        return questions

    def public_payload(self, framework, gettext=None):
        """What every learner may see before rating: the framework, scale and profile questions."""
        data = framework.to_dict()
        gettext = gettext or translator(self).gettext
        return {
            "display_name": self.title(gettext),
            "phase": self.phase if self.phase in PHASES else "pre",
            "framework": {"pillars": data["pillars"]},
            "scale": self.scale_payload(gettext),
            "not_applicable": {"value": fw.NOT_APPLICABLE, "label": gettext(fw.NOT_APPLICABLE_LABEL)},
            "profile_questions": self.profile_payload(gettext),
        }

    def learner_state(self, framework):
        """The get_state payload for the current learner (see PRODUCT.md), from their stored submission.

        The submission is read from the row the cohort counts (`storage.stored_submission`), never
        from the ``user_state`` field, which only mirrors it for the LMS's problem-responses report:
        after two parallel resubmissions the field may hold the one that committed first.
        """
        state = self.public_payload(framework)
        mine = storage.stored_submission(self.storage_key(), self.learner_key())
        return self.with_submission(state, framework, mine)

    def with_submission(self, state, framework, mine):
        """`state` completed with the learner's stored submission `mine` (or None), their results and change."""
        ratings = mine.ratings if mine else None
        state["submitted"] = bool(ratings)
        if ratings:
            state["ratings"] = ratings
            state["profile"] = mine.profile or {}
            state["submitted_at"] = mine.submitted_at
            state["results"] = demonstrated.learner_demonstrated(
                scoring.learner_results(framework, ratings),
                competencies.learner_results(self.course_scope(), self.learner_key()))
        if self.phase == "post":
            state.update(self.change_payload(framework, ratings))
        return state

    def change_payload(self, framework, ratings):
        """In the post phase: whether the learner took the pre assessment, and the change since."""
        pre_key = self.pre_storage_key()
        earlier = storage.get_submission(pre_key, self.learner_key()) if pre_key and self.scope_ids.user_id is not None else None
        payload = {"pre_submitted": earlier is not None, "change": None}
        if earlier is not None and ratings:
            payload["change"] = scoring.learner_change(framework, earlier[0], ratings)
        return payload

    # ------------------------------------------------------------------------------------------
    # Views
    # ------------------------------------------------------------------------------------------

    @XBlock.supports("multi_device")
    def student_view(self, context=None):  # pylint: disable=unused-argument
        """The assessment for learners, its results, and for staff the cohort report."""
        framework = self.learner_framework()
        is_staff = user_is_staff(self)
        state = self.learner_state(framework) if self.scope_ids.user_id is not None else dict(
            self.public_payload(framework), submitted=False)
        read_only = read_only_reason(self)
        if state.get("submitted") and not read_only:
            self.publish_viewed_results()
        html = render_template(
            "templates/needs/student.html", translator(self),
            {"display_name": self.title(), "is_staff": is_staff, "phase": state["phase"],
             "state_json": json.dumps(state, ensure_ascii=False), "read_only": read_only},
        )
        fragment = Fragment(html)
        add_js_catalogue(self, fragment)
        fragment.add_css(static_text("static/needs/needs.css"))
        fragment.add_javascript(static_text("static/needs/learner.js"))
        if is_staff:
            fragment.add_javascript(static_text("static/needs/staff.js"))
        # Learner and author text reach the page only inside an autoescaped attribute: the runtime
        # writes init arguments into a <script> element without escaping "</script>".
        fragment.initialize_js("RtcmNeedsAssessment", {"is_staff": is_staff})
        return fragment

    def student_view_data(self, context=None):  # pylint: disable=unused-argument
        """The block's public content for the mobile apps: no learner state, the same for every language.

        The course blocks API calls this once at publish time, bound to no user and in whatever
        language the publishing process runs, and serves the result to everyone: so the shipped
        texts (default framework, scale, profile questions, default title) come in English as
        shipped, and links as the author wrote them (docs/NEEDS_API.md, "Mobile apps").
        """
        framework = self.learner_framework(AS_SHIPPED)
        data = self.public_payload(framework, AS_SHIPPED)
        data.update({"pre": self.pre, "min_group_size": self.min_group_size, "has_score": self.has_score})
        return data

    def clear_student_state(self, user_id, course_id, item_id, requesting_user_id):  # pylint: disable=unused-argument
        """The instructor's "delete state": withdraw the learner's submission from the cohort, exactly.

        The LMS names the learner by their anonymous id in the course (lms/djangoapps/instructor/
        enrollment.py `reset_student_attempts`), which `submit` records beside the row.
        """
        return storage.withdraw(self.storage_key(), learner=str(user_id), anonymous=str(user_id))

    def max_score(self):
        """Participation credit: 1 when it is on (the LMS applies `weight`), else None."""
        return 1 if self.has_score else None

    # ------------------------------------------------------------------------------------------
    # Handlers
    # ------------------------------------------------------------------------------------------

    @json_handler
    def get_state(self, data, suffix=""):  # pylint: disable=unused-argument
        """The framework, scale and profile questions, and the learner's submission and results if any."""
        self.learner_key()
        state = self.learner_state(self.learner_framework())
        if state["submitted"] and not read_only_reason(self):
            self.publish_viewed_results()
        return state

    @json_handler(writes=True)
    def submit(self, data, suffix=""):  # pylint: disable=unused-argument
        """Validate and store the learner's ratings and profile; answer with the results."""
        _ = translator(self).gettext
        unknown = sorted(set(data) - {"ratings", "profile"})
        if unknown:
            raise HandlerError("unknown_field", _('The request has an unknown field "{field}".').format(
                field=excerpt(unknown[0])))
        if "ratings" not in data:
            raise HandlerError("missing_ratings", _("The request must include the ratings."))
        framework = self.learner_framework()
        try:
            ratings, profile = fw.clean_submission(framework, data["ratings"], data.get("profile"))
        except fw.SubmissionError as error:
            raise HandlerError(error.code, error.text(_)) from error
        learner = self.learner_key()
        try:
            replaced, stored = storage.store_submission(self.storage_key(), learner, ratings, profile,
                                                        anonymous=anonymous_id(self))
        except storage.StorageBusy as error:
            raise HandlerError("busy", _("Many people are submitting right now. Please try again."), status=503) from error
        # A mirror of the row for the LMS's problem-responses report; the learner's view reads the row.
        self.user_state = {"ratings": stored.ratings, "profile": stored.profile, "submitted_at": stored.submitted_at}
        self.runtime.publish(self, "completion", {"completion": 1.0})
        if self.has_score:
            self.runtime.publish(self, "grade", {"value": 1.0, "max_value": 1.0})
        self.runtime.publish(self, "rtcm.needs_assessment.submitted", {
            "phase": self.phase,
            "resubmission": replaced,
            "ratings": stored.ratings,
            "profile": {key: value for key, value in stored.profile.items() if key != "role"},
        })
        return self.with_submission({}, framework, stored)

    @json_handler(staff_only=True)
    def cohort_report(self, data, suffix=""):  # pylint: disable=unused-argument
        """The cohort's training needs (staff only)."""
        return self.build_cohort_report()

    @XBlock.handler
    def cohort_csv(self, request, suffix=""):  # pylint: disable=unused-argument
        """The cohort report as CSV (staff only, a GET); every text cell is safe from formula injection."""
        return staff_csv(self, request, f"needs-{self.olx_name or 'cohort'}",
                         lambda: cohort.csv_rows(self.build_cohort_report(), self.get_framework()))

    def build_cohort_report(self):
        """The cohort report, or a 503 `busy` when the database stayed locked through every retry of its writes."""
        try:
            return self._cohort_report()
        except storage.StorageBusy as error:
            _ = translator(self).gettext
            raise HandlerError("busy", _("Many people are working right now. Please try again."), status=503) from error

    def _cohort_report(self):
        """The cohort report from the block's last release of figures (see `disclosure`), plus the change since the pre block in the post phase."""
        framework = self.get_framework()
        size = min(max(int(self.min_group_size or 1), 1), MAX_GROUP_SIZE)
        stats, shown, release = storage.release_figures(self.storage_key(), size)
        report = cohort.cohort_report(framework, stats, size, shown)
        report = demonstrated.cohort_demonstrated(report, competencies.cohort_results(self.course_scope()), size)
        report["min_group_size"] = size
        report["release"] = release
        pre_key = self.pre_storage_key()
        storage.describe_block(
            self.storage_key(), self.title(AS_SHIPPED), self.phase, pre_key,
            self.framework_id(), self.get_framework(AS_SHIPPED).to_dict(), size,
        )
        if pre_key:
            pre_stats = storage.release_figures(pre_key, size, only_first=True)[0]
            report["change"] = cohort.cohort_change(framework, pre_stats, stats, size)
        return report

    # ------------------------------------------------------------------------------------------
    # Events and the LMS report
    # ------------------------------------------------------------------------------------------

    def publish_viewed_results(self):
        """Tell analytics the learner saw their results."""
        self.runtime.publish(self, "rtcm.needs_assessment.viewed_results", {"phase": self.phase})

    def generate_report_data(self, user_state_iterator, limit_responses=None):
        """One row per learner for the LMS problem-responses report: every rating and profile answer."""
        framework = self.get_framework()
        count = 0
        for user_state in user_state_iterator:
            if limit_responses is not None and count >= limit_responses:
                return
            mine = (user_state.state or {}).get("user_state") or {}
            ratings = mine.get("ratings")
            if not ratings:
                continue
            row = {"submitted_at": mine.get("submitted_at") or ""}
            profile = mine.get("profile") or {}
            for question in fw.PROFILE_QUESTIONS:
                row[f"profile.{question['id']}"] = cohort.safe_cell(str(profile.get(question["id"], "")))
            for competency in framework.competencies:
                rating = ratings.get(competency.id)
                if rating == fw.NOT_APPLICABLE:
                    importance = proficiency = fw.NOT_APPLICABLE
                else:
                    importance = (rating or {}).get("importance", "")
                    proficiency = (rating or {}).get("proficiency", "")
                row[f"{competency.id}.importance"] = importance
                row[f"{competency.id}.proficiency"] = proficiency
            count += 1
            yield user_state.username, row

    # ------------------------------------------------------------------------------------------
    # OLX
    # ------------------------------------------------------------------------------------------

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        """Attributes become fields; ``<pillar>`` children become the custom framework or pillar links.

        Attributes that are not our settings (the platform's `start`, `due`, `group_access` …) go to
        the runtime's fields of those names, or are kept verbatim for export (common.platform_settings).
        """
        check_safe(node)
        block = runtime.construct_xblock_from_class(cls, keys)
        own_fields = getattr(cls, "unmixed_class", cls).fields
        others = {}
        for name, value in node.items():
            if name == "url_name":
                block.olx_name = value
            elif name == "xblock-family":
                continue
            elif name in own_fields and name not in _NOT_ATTRIBUTES:
                try:
                    setattr(block, name, _from_string(block.fields[name], name, value))
                except (TypeError, ValueError):
                    log.warning("Ignoring the invalid value %r of %s in %s", excerpt(value), name, keys.usage_id)
            else:
                others[name] = value
        keep_platform_settings(block, others)
        block.framework_content = cls.framework_content_from_node(node, block.framework)
        return block

    @staticmethod
    def framework_content_from_node(node, framework_name):
        """The framework_content field value for the ``<pillar>`` children of `node` (FrameworkError when invalid)."""
        pillars = [child for child in node if isinstance(child.tag, str) and child.tag == _PILLAR]
        if not pillars:
            return {}
        if any(len([c for c in pillar if c.tag == "competency"]) for pillar in pillars):
            return {"pillars": fw.parse_pillars(node).to_dict()["pillars"]}
        base = fw.load_framework(framework_name)
        linked = fw.parse_pillars(node, base)
        return {"recommend": {
            pillar.id: pillar.recommend for pillar in linked.pillars if pillar.recommend != base.pillar(pillar.id).recommend
        }}

    def add_xml_to_node(self, node):
        """Fields that were set become attributes; the custom framework or links become ``<pillar>`` children."""
        node.tag = self.xml_element_name()
        # Always written, first: a never-edited block must not look like a pointer tag (<tag url_name="…"/>).
        node.set("display_name", self.display_name or "")
        # Every set field of ours or of the runtime's mixins (visible_to_staff_only, group_access, …).
        for name, field in self.fields.items():
            if name in _NOT_ATTRIBUTES or name == "display_name" or field.scope not in (Scope.settings, Scope.content):
                continue
            if field.is_set_on(self) or field.force_export:
                self._add_field(node, name, field)  # pylint: disable=protected-access
        if self.olx_name and not node.get("url_name"):
            node.set("url_name", self.olx_name)
        write_platform_settings(self, node)
        content = self.framework_content or {}
        if content.get("pillars"):
            fw.write_pillars(fw.Framework.from_dict({"id": "", "pillars": content["pillars"]}), node)
        elif content.get("recommend"):
            for pillar_id, link in content["recommend"].items():
                etree.SubElement(node, _PILLAR, {"id": pillar_id, "recommend": link})

    # ------------------------------------------------------------------------------------------
    # Workbench
    # ------------------------------------------------------------------------------------------

    @staticmethod
    def workbench_scenarios():
        """The default framework, a custom one, and a pre/post pair (add ?student=staff for the staff view)."""
        return [
            ("Training needs: default framework", loader.load_unicode("needs/samples/default.xml")),
            ("Training needs: custom framework", loader.load_unicode("needs/samples/custom.xml")),
            ("Training needs: before and after the course", loader.load_unicode("needs/samples/pre_post.xml")),
        ]


def _from_string(field, name, value):
    """An OLX attribute's value for `field`; ValueError for numbers out of the editor's bounds (LIMITS), NaN or inf."""
    if name in _BOUNDED and len(value) > 64:
        raise ValueError(f"{name} is too long")
    parsed = field.from_string(value)
    if name in _BOUNDED and not _BOUNDED[name][0] <= parsed <= _BOUNDED[name][1]:  # also false for nan
        raise ValueError(f"{name} is out of bounds")
    return parsed


_BOUNDED = {"min_group_size": (1, LIMITS["min_group_size"]), "weight": (0, LIMITS["weight"])}
