"""Competency frameworks: pillars of migration management, their "I can …" statements, the rating scale and profile questions.

Pure data and validation: nothing here imports XBlock or Django. A framework is either the
default one shipped as XML in ``needs/frameworks/`` or one an author defines with ``<pillar>``
children in OLX; both become the same frozen `Framework`. Messages are English templates marked
with `N_` and translated by the block that shows them.
"""
import functools
import re
from dataclasses import dataclass, field, replace
from importlib import resources

from lxml import etree

from rtcm_xblocks.common.i18n import N_
from rtcm_xblocks.common.quoting import excerpts
from rtcm_xblocks.common.safe_xml import UnsafeXMLError, check_safe, parse_xml_string
from rtcm_xblocks.common.sanitize import is_safe_link, learner_text, plain_text

__all__ = [
    "Competency", "Pillar", "Framework", "FrameworkError", "Problem", "SubmissionError",
    "DEFAULT_FRAMEWORK", "NOT_APPLICABLE", "NOT_APPLICABLE_LABEL", "SCALE", "SCALE_VALUES", "PROFILE_QUESTIONS",
    "ROLE_MAX_LENGTH",
    "load_framework", "framework_names", "parse_pillars", "write_pillars", "with_recommends",
    "validate_framework", "clean_submission", "safe_link", "translate_framework", "competency_titles",
]

DEFAULT_FRAMEWORK = "rtcm-default"
NOT_APPLICABLE = "na"
ROLE_MAX_LENGTH = 200
SCALE_VALUES = (1, 2, 3, 4, 5)

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}")
# The ids of pillars and competencies; scenario choices name competencies with it too.
COMPETENCY_ID = _ID
_FRAMEWORK_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


class _TemplateError(ValueError):
    """A domain error whose `message` is an untranslated template filled in from `params`."""

    def __init__(self, code, message, params=None):
        self.code = code
        self.message = message
        self.params = dict(params or {})
        super().__init__(message.format(**excerpts(self.params)))

    def text(self, gettext):
        """The message translated with `gettext` and filled in with its parameters (text quoted as a short prefix)."""
        return gettext(self.message).format(**excerpts(self.params))


class FrameworkError(_TemplateError):
    """A framework that cannot be loaded or parsed."""


class SubmissionError(_TemplateError):
    """A learner submission that does not fit the framework."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a framework, for authors; `node` is the pillar or competency id concerned."""

    code: str
    message: str
    params: dict = field(default_factory=dict, hash=False, compare=True)
    node: str | None = None

    def text(self, gettext):
        """The message translated with `gettext` and filled in with its parameters (text quoted as a short prefix)."""
        return gettext(self.message).format(**excerpts(self.params))


@dataclass(frozen=True)
class Competency:
    """An observable "I can …" statement that learners rate, inside one pillar."""

    id: str
    text: str
    pillar: str


@dataclass(frozen=True)
class Pillar:
    """A pillar of migration management: its competencies and the course link that teaches it."""

    id: str
    title: str
    competencies: tuple = ()
    recommend: str = ""


@dataclass(frozen=True)
class Framework:
    """An ordered set of pillars; framework order is the order of display and of tie-breaking."""

    id: str
    pillars: tuple = ()

    @functools.cached_property
    def competencies(self):
        """Every competency, pillar by pillar, in framework order."""
        return tuple(competency for pillar in self.pillars for competency in pillar.competencies)

    @functools.cached_property
    def _competency_index(self):
        index = {}
        for competency in self.competencies:
            index.setdefault(competency.id, competency)
        return index

    @functools.cached_property
    def _pillar_index(self):
        index = {}
        for pillar in self.pillars:
            index.setdefault(pillar.id, pillar)
        return index

    def competency(self, competency_id):
        """The competency with this id, or None."""
        return self._competency_index.get(competency_id)

    def pillar(self, pillar_id):
        """The pillar with this id, or None."""
        return self._pillar_index.get(pillar_id)

    def to_dict(self):
        """A JSON-able description, as sent to the browser and stored in fields."""
        return {
            "id": self.id,
            "pillars": [
                {
                    "id": pillar.id,
                    "title": pillar.title,
                    "recommend": pillar.recommend,
                    "competencies": [{"id": c.id, "text": c.text} for c in pillar.competencies],
                }
                for pillar in self.pillars
            ],
        }

    @classmethod
    def from_dict(cls, data):
        """The framework described by `data` (as made by `to_dict`); FrameworkError when its shape is wrong."""
        if not isinstance(data, dict) or not isinstance(data.get("pillars"), list):
            raise FrameworkError("invalid_framework", N_("A framework must be an object with a list of pillars."))
        pillars = []
        for pillar in data["pillars"]:
            if not isinstance(pillar, dict) or not isinstance(pillar.get("competencies", []), list):
                raise FrameworkError("invalid_pillar", N_("Each pillar must be an object with a list of competencies."))
            pillar_id = _string(pillar.get("id"), "id")
            competencies = []
            for item in pillar.get("competencies", []):
                if not isinstance(item, dict):
                    raise FrameworkError("invalid_competency", N_("Each competency must be an object with an id and a text."))
                competencies.append(Competency(_string(item.get("id"), "id"), _string(item.get("text"), "text"), pillar_id))
            pillars.append(Pillar(
                id=pillar_id,
                title=_string(pillar.get("title"), "title"),
                competencies=tuple(competencies),
                recommend=_string(pillar.get("recommend"), "recommend"),
            ))
        return cls(id=_string(data.get("id"), "id"), pillars=tuple(pillars))


def _string(value, name):
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FrameworkError("invalid_value", N_("The framework's \"{name}\" values must be text."), {"name": name})
    return value


# ---------------------------------------------------------------------------------------------
# The rating scale and the profile questions
# ---------------------------------------------------------------------------------------------

SCALE = {
    "importance": [
        {"value": 1, "label": N_("Not important"), "description": N_("I do not need this in my job.")},
        {"value": 2, "label": N_("Slightly important"), "description": N_("I need this rarely, and colleagues can cover it.")},
        {"value": 3, "label": N_("Moderately important"), "description": N_("I need this from time to time.")},
        {"value": 4, "label": N_("Very important"), "description": N_("I need this regularly to do my job well.")},
        {"value": 5, "label": N_("Essential"), "description": N_("I cannot do my job without this.")},
    ],
    "proficiency": [
        {"value": 1, "label": N_("Novice"), "description": N_("I know little or nothing about this yet.")},
        {"value": 2, "label": N_("Beginner"), "description": N_("I know the basics but need guidance to apply them.")},
        {"value": 3, "label": N_("Competent"), "description": N_("I can do this on my own in routine cases.")},
        {"value": 4, "label": N_("Proficient"), "description": N_("I can do this in difficult or unusual cases without help.")},
        {"value": 5, "label": N_("Expert"), "description": N_("I could teach or advise others on this.")},
    ],
}
NOT_APPLICABLE_LABEL = N_("Not applicable to my job")

PROFILE_QUESTIONS = [
    {
        "id": "country",
        "type": "choice",
        "label": N_("Country where you work"),
        "options": [
            {"value": "AZ", "label": N_("Azerbaijan")},
            {"value": "BY", "label": N_("Belarus")},
            {"value": "GE", "label": N_("Georgia")},
            {"value": "IR", "label": N_("Iran")},
            {"value": "KG", "label": N_("Kyrgyzstan")},
            {"value": "KZ", "label": N_("Kazakhstan")},
            {"value": "MD", "label": N_("Moldova")},
            {"value": "RU", "label": N_("Russian Federation")},
            {"value": "TJ", "label": N_("Tajikistan")},
            {"value": "TM", "label": N_("Turkmenistan")},
            {"value": "TR", "label": N_("Türkiye")},
            {"value": "UA", "label": N_("Ukraine")},
            {"value": "UZ", "label": N_("Uzbekistan")},
            {"value": "other", "label": N_("Another country")},
        ],
    },
    {
        "id": "agency",
        "type": "choice",
        "label": N_("Type of organisation you work for"),
        "options": [
            {"value": "border", "label": N_("Border guard or border police")},
            {"value": "migration-service", "label": N_("Migration service")},
            {"value": "police", "label": N_("Police or law enforcement")},
            {"value": "labour", "label": N_("Labour or employment authority")},
            {"value": "foreign-affairs", "label": N_("Foreign affairs or consular service")},
            {"value": "health", "label": N_("Health authority or health service")},
            {"value": "social", "label": N_("Social services")},
            {"value": "ngo", "label": N_("Non-governmental organisation")},
            {"value": "international", "label": N_("International organisation")},
            {"value": "academia", "label": N_("University or research institute")},
            {"value": "other", "label": N_("Other")},
        ],
    },
    {
        "id": "role",
        "type": "text",
        "label": N_("Your role or position"),
        "max_length": ROLE_MAX_LENGTH,
    },
    {
        "id": "experience",
        "type": "choice",
        "label": N_("Years of experience in migration-related work"),
        "options": [
            {"value": "0-2", "label": N_("0–2 years")},
            {"value": "3-5", "label": N_("3–5 years")},
            {"value": "6-10", "label": N_("6–10 years")},
            {"value": "10+", "label": N_("More than 10 years")},
        ],
    },
]
_PROFILE = {question["id"]: question for question in PROFILE_QUESTIONS}
_PROFILE_OPTIONS = {
    question["id"]: {option["value"] for option in question["options"]}
    for question in PROFILE_QUESTIONS if question["type"] == "choice"
}


# ---------------------------------------------------------------------------------------------
# Loading the shipped frameworks
# ---------------------------------------------------------------------------------------------

def framework_names():
    """The names of the frameworks shipped in the package, sorted."""
    folder = resources.files("rtcm_xblocks.needs").joinpath("frameworks")
    return sorted(entry.name[:-4] for entry in folder.iterdir() if entry.name.endswith(".xml"))


@functools.lru_cache(maxsize=16)
def load_framework(name):
    """The shipped framework `name` (e.g. "rtcm-default"); FrameworkError when there is none."""
    if not isinstance(name, str) or not _FRAMEWORK_NAME.fullmatch(name):
        raise FrameworkError("unknown_framework", N_("There is no framework called \"{name}\"."), {"name": str(name)})
    resource = resources.files("rtcm_xblocks.needs").joinpath("frameworks", name + ".xml")
    try:
        data = resource.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as error:
        raise FrameworkError("unknown_framework", N_("There is no framework called \"{name}\"."), {"name": name}) from error
    root = parse_xml_string(data)
    framework = parse_pillars(root)
    if framework is None or root.get("id") != name:
        raise FrameworkError("invalid_framework", N_("The framework \"{name}\" is not well formed."), {"name": name})
    return replace(framework, id=name)


# ---------------------------------------------------------------------------------------------
# OLX: <pillar> children of a block element
# ---------------------------------------------------------------------------------------------

def _element_children(node, tag):
    return [child for child in node if isinstance(child.tag, str) and child.tag == tag]


def safe_link(link):
    """`link` stripped when it is a relative course link or an http(s) URL (common.sanitize.is_safe_link);
    FrameworkError otherwise."""
    link = (link or "").strip()
    if not link:
        return ""
    if not is_safe_link(link):
        raise FrameworkError("unsafe_link", N_("The link \"{link}\" is not a course link or web address."), {"link": link})
    return link


def parse_pillars(node, base=None):
    """The framework defined by the ``<pillar>`` children of `node`, or None when it has none.

    Pillars with competencies define a whole framework (which replaces the default one). When
    `base` is given and no pillar has competencies, the pillars only override the `recommend`
    link of `base`'s pillars with the same id: the result is `base` with those links. A tree that
    declares a DOCTYPE or holds entity references is refused (common.safe_xml), whoever parsed it.
    """
    try:
        check_safe(node)
    except UnsafeXMLError as error:
        raise FrameworkError("unsafe_xml", N_("OLX may not declare a DOCTYPE or entities.")) from error
    pillar_nodes = _element_children(node, "pillar")
    if not pillar_nodes:
        return None
    has_competencies = any(_element_children(pillar, "competency") for pillar in pillar_nodes)
    if base is not None and not has_competencies:
        return _parse_overrides(pillar_nodes, base)
    pillars = []
    for pillar_node in pillar_nodes:
        pillar_id = (pillar_node.get("id") or "").strip()
        competencies = tuple(
            Competency(
                id=(competency.get("id") or "").strip(),
                text=plain_text("".join(competency.itertext())),
                pillar=pillar_id,
            )
            for competency in _element_children(pillar_node, "competency")
        )
        pillars.append(Pillar(
            id=pillar_id,
            title=plain_text(pillar_node.get("title") or ""),
            competencies=competencies,
            recommend=safe_link(pillar_node.get("recommend")),
        ))
    return Framework(id=(node.get("id") or "").strip() if node.tag == "framework" else "", pillars=tuple(pillars))


def _parse_overrides(pillar_nodes, base):
    links = {}
    for pillar_node in pillar_nodes:
        pillar_id = (pillar_node.get("id") or "").strip()
        if base.pillar(pillar_id) is None:
            raise FrameworkError("unknown_pillar", N_("The framework has no pillar \"{pillar}\" to link a unit to."), {"pillar": pillar_id})
        if pillar_id in links:
            raise FrameworkError("duplicate_pillar", N_("The pillar \"{pillar}\" is given twice."), {"pillar": pillar_id})
        if pillar_node.get("title") is not None:
            raise FrameworkError(
                "override_title",
                N_("The pillar \"{pillar}\" has no competencies, so it may only set \"recommend\"; define competencies to change its title."),
                {"pillar": pillar_id},
            )
        links[pillar_id] = safe_link(pillar_node.get("recommend"))
    return with_recommends(base, links)


def with_recommends(framework, links):
    """`framework` with the `recommend` links of the pillars named in `links` ({pillar id: link}) replaced."""
    return replace(framework, pillars=tuple(
        replace(pillar, recommend=links[pillar.id]) if pillar.id in links else pillar
        for pillar in framework.pillars
    ))


def translate_framework(framework, gettext):
    """`framework` with pillar titles and competency texts passed through `gettext` (for the shipped frameworks)."""
    return replace(framework, pillars=tuple(
        replace(
            pillar,
            title=gettext(pillar.title),
            competencies=tuple(replace(c, text=gettext(c.text)) for c in pillar.competencies),
        )
        for pillar in framework.pillars
    ))


def competency_titles(ids, gettext):
    """{id: statement} for competency `ids` of the default framework, translated by `gettext` as the needs block does.

    An id the default framework does not have is its own title. The scenario's debrief names the
    competencies its choices carry points for this way.
    """
    default = load_framework(DEFAULT_FRAMEWORK)
    titles = {}
    for competency_id in ids:
        competency = default.competency(competency_id)
        titles[competency_id] = gettext(competency.text) if competency is not None else competency_id
    return titles


def write_pillars(framework, node, base=None):
    """Append `framework` to `node` as ``<pillar>`` children.

    With `base`, only the pillars whose `recommend` differs from `base` are written, without
    competencies (the override form); without it, every pillar and competency is written.
    """
    if base is not None:
        for pillar in framework.pillars:
            original = base.pillar(pillar.id)
            if original is not None and original.recommend != pillar.recommend:
                etree.SubElement(node, "pillar", {"id": pillar.id, "recommend": pillar.recommend})
        return node
    for pillar in framework.pillars:
        attributes = {"id": pillar.id, "title": pillar.title}
        if pillar.recommend:
            attributes["recommend"] = pillar.recommend
        pillar_node = etree.SubElement(node, "pillar", attributes)
        for competency in pillar.competencies:
            etree.SubElement(pillar_node, "competency", {"id": competency.id}).text = competency.text
    return node


# ---------------------------------------------------------------------------------------------
# Validation for authors
# ---------------------------------------------------------------------------------------------

def validate_framework(framework):
    """Every problem an author must fix before learners can rate `framework`, in framework order."""
    problems = []

    def report(code, message, params=None, node=None):
        problems.append(Problem(code, message, dict(params or {}), node or None))

    if not framework.pillars:
        report("no_pillars", N_("The framework has no pillars."))
    seen_pillars, seen_competencies = set(), set()
    for position, pillar in enumerate(framework.pillars, start=1):
        label = pillar.id or str(position)
        if not pillar.id:
            report("empty_pillar_id", N_("Pillar {position} has no id."), {"position": position})
        elif not _ID.fullmatch(pillar.id):
            report("invalid_pillar_id",
                   N_("The pillar id \"{pillar}\" may only use letters, digits, \".\", \"_\", \":\" and \"-\" (at most 100)."),
                   {"pillar": pillar.id}, pillar.id)
        elif pillar.id in seen_pillars:
            report("duplicate_pillar_id", N_("The pillar id \"{pillar}\" is used more than once."), {"pillar": pillar.id}, pillar.id)
        seen_pillars.add(pillar.id)
        if not pillar.title.strip():
            report("empty_pillar_title", N_("The pillar \"{pillar}\" has no title."), {"pillar": label}, pillar.id)
        if not pillar.competencies:
            report("empty_pillar", N_("The pillar \"{pillar}\" has no competencies."), {"pillar": label}, pillar.id)
        try:
            safe_link(pillar.recommend)
        except FrameworkError:
            report(
                "unsafe_link",
                N_("The pillar \"{pillar}\" links to \"{link}\", which is not a course link or web address."),
                {"pillar": label, "link": pillar.recommend},
                pillar.id,
            )
        for number, competency in enumerate(pillar.competencies, start=1):
            cid = competency.id
            if not cid:
                report("empty_competency_id", N_("Competency {position} of pillar \"{pillar}\" has no id."),
                       {"position": number, "pillar": label}, pillar.id)
            elif not _ID.fullmatch(cid):
                report("invalid_competency_id",
                       N_("The competency id \"{competency}\" may only use letters, digits, \".\", \"_\", \":\" and \"-\" (at most 100)."),
                       {"competency": cid}, cid)
            elif cid in seen_competencies:
                report("duplicate_competency_id", N_("The competency id \"{competency}\" is used more than once."), {"competency": cid}, cid)
            seen_competencies.add(cid)
            if not competency.text.strip():
                report("empty_competency_text", N_("The competency \"{competency}\" has no text."), {"competency": cid or str(number)}, cid)
    return problems


# ---------------------------------------------------------------------------------------------
# Learner submissions
# ---------------------------------------------------------------------------------------------

def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def clean_submission(framework, ratings, profile):
    """The submission checked against `framework`: (ratings in framework order, profile); SubmissionError otherwise.

    A rating is ``{"importance": 1-5, "proficiency": 1-5}`` (integers, not booleans) or "na".
    Profile answers are optional; an answer of None or "" counts as not given and is dropped.
    """
    if not isinstance(ratings, dict):
        raise SubmissionError("invalid_ratings", N_("The ratings must be an object keyed by competency id."))
    for key in ratings:
        if framework.competency(key) is None:
            raise SubmissionError("unknown_competency", N_("There is no competency \"{competency}\" in this assessment."), {"competency": str(key)})
    cleaned = {}
    for competency in framework.competencies:
        if competency.id not in ratings:
            raise SubmissionError("missing_rating", N_("Please rate \"{text}\" or mark it as not applicable."), {"competency": competency.id, "text": competency.text})
        cleaned[competency.id] = _clean_rating(competency, ratings[competency.id])
    return cleaned, _clean_profile(profile)


_RATING_MESSAGES = (
    ("importance", N_("The importance of \"{text}\" must be a whole number from 1 to 5.")),
    ("proficiency", N_("Your proficiency in \"{text}\" must be a whole number from 1 to 5.")),
)


def _clean_rating(competency, rating):
    if rating == NOT_APPLICABLE:
        return NOT_APPLICABLE
    params = {"competency": competency.id, "text": competency.text}
    if not isinstance(rating, dict) or set(rating) != {"importance", "proficiency"}:
        raise SubmissionError("invalid_rating", N_("The rating of \"{text}\" must give an importance and a proficiency, or be \"na\"."), params)
    for dimension, message in _RATING_MESSAGES:
        value = rating[dimension]
        if not _is_int(value) or value not in SCALE_VALUES:
            raise SubmissionError("invalid_rating_value", message, dict(params, dimension=dimension))
    return {"importance": rating["importance"], "proficiency": rating["proficiency"]}


def _clean_profile(profile):
    if profile is None:
        return {}
    if not isinstance(profile, dict):
        raise SubmissionError("invalid_profile", N_("The profile must be an object."))
    cleaned = {}
    for key, value in profile.items():
        question = _PROFILE.get(key)
        if question is None:
            raise SubmissionError("unknown_profile_key", N_("There is no profile question \"{key}\"."), {"key": str(key)})
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise SubmissionError("invalid_profile_value", N_("The answer to \"{key}\" must be text."), {"key": key})
        if question["type"] == "text":
            value = learner_text(value)
            if len(value) > question["max_length"]:
                raise SubmissionError(
                    "profile_too_long",
                    N_("The answer to \"{key}\" may have at most {max_length} characters."),
                    {"key": key, "max_length": question["max_length"]},
                )
            if value:
                cleaned[key] = value
        elif value in _PROFILE_OPTIONS[key]:
            cleaned[key] = value
        else:
            raise SubmissionError("invalid_profile_value", N_("\"{value}\" is not one of the answers to \"{key}\"."), {"key": key, "value": value})
    return cleaned
