"""The Studio editor's draft: its JSON payload checked field by field and turned into a Scenario and settings.

Pure (no XBlock, no Django). The payload has the shape of `Scenario.to_dict()` plus the block's
settings. Reading is lenient so that live validation can still draw a half-written scenario: a
bad field is reported and replaced by a neutral value; `studio_submit` refuses to save any draft
that has field errors. Author HTML is sanitised here, titles and labels reduced to plain text.
Graph-level problems (unknown targets, unreachable steps …) are not field errors: drafts may
have them, and `validation.validate` reports them.

What a simulation adds is read the same way: variables and characters of the case; per step body
variants, media, dialogue lines, a hint, a time limit and a pinned choice order; per choice a
condition, the timeout flag, effects on variables and competency points. A condition (`when`)
must compile against the draft's own variables (`conditions.compile_condition`): its syntax and
type errors are field errors carrying the condition's message. An effect or a line naming a
variable or character the draft does not declare is a field error too. Lists are capped
(MAX_VARIABLES, MAX_CHARACTERS, MAX_PER_STEP, MAX_PER_CHOICE): items past the cap are reported
once and not read.
"""
import math
import re
from dataclasses import dataclass, field, replace

from rtcm_xblocks.common.i18n import N_
from rtcm_xblocks.common.quoting import excerpt, excerpts
from rtcm_xblocks.common.sanitize import clean_html, is_safe_link, plain_text
from rtcm_xblocks.needs.framework import COMPETENCY_ID
from rtcm_xblocks.scenario import conditions
from rtcm_xblocks.scenario.graph import GRADING_MODES, OUTCOMES, SCORING_MODES, Choice, Ending, Image, Scenario, Step
from rtcm_xblocks.scenario.model import (DEFAULT_MAX, DEFAULT_MIN, EFFECT_OPS, MEDIA_TYPES, VARIABLE_TYPES, Character, CompetencyPoints,
                                         Effect, Hint, Line, Media, Variable, Variant)

__all__ = ["editor_scenario", "COMPETENCY_PATTERN", "ID_PATTERN", "SETTINGS", "VARIABLE_PATTERN", "Draft", "FieldError", "attributes_to_settings", "is_unicode", "read_draft",
           "read_settings", "settings_to_attributes"]

ID_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,99}$")
PILLAR_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")  # as the block reads the OLX attribute
MAX_TITLE = 300
MAX_HTML = 100_000
MAX_POINTS = 1000
MAX_ATTEMPTS = 1000
MAX_WEIGHT = 1000
SETTINGS = ("display_name", "pillar", "scoring", "grading", "max_attempts", "weight", "show_expert_path",
            "shuffle_choices", "allow_back")
# Settings added with simulations: false when a payload or an OLX element leaves them out.
OPTIONAL_FLAGS = ("shuffle_choices", "allow_back")
VARIABLE_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
COMPETENCY_PATTERN = COMPETENCY_ID  # the self-assessment framework's ids
LANGUAGE_PATTERN = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$")
MAX_VALUE = 1_000_000
MAX_VARIABLES = 50
MAX_CHARACTERS = 50
MAX_PER_STEP = 20  # body variants, dialogue lines
MAX_PER_CHOICE = 20  # effects, competencies
MAX_HINT_COST = 1000
TIME_LIMITS = (5, 3600)


@dataclass(frozen=True)
class FieldError:
    """One field of the payload refused: `field` is its path ("steps.2.choices.0.points"), `node` the step or ending."""

    field: str
    message: str
    params: dict = field(default_factory=dict)
    node: str | None = None

    def text(self, gettext=lambda message: message):
        """The message translated with `gettext` and filled in."""
        return gettext(self.message).format(**self.params)


@dataclass(frozen=True)
class ConditionFieldError(FieldError):
    """A condition (`when`) refused: the condition language's own error, with its position in the text."""

    problem: conditions.ConditionError | None = None

    def text(self, gettext=lambda message: message):
        """The condition error's message, translated with `gettext`."""
        return self.problem.text(gettext)


@dataclass
class Draft:
    """A draft read from the editor: the scenario and settings as far as they could be read, and the field errors."""

    scenario: Scenario
    settings: dict
    errors: list


class _Reader:
    """Collects field errors while reading one payload."""

    def __init__(self):
        self.errors = []

    def error(self, path, message, node=None, **params):
        self.errors.append(FieldError(_printable(path), message, excerpts(params), _printable(node)))

    def text(self, value, path, node, required=True, limit=MAX_TITLE):
        if not isinstance(value, str) or not is_unicode(value):
            self.error(path, N_("This must be text."), node)
            return ""
        text = plain_text(value)
        if required and not text:
            self.error(path, N_("This cannot be empty."), node)
        elif len(text) > limit:
            self.error(path, N_("This is longer than {limit} characters."), node, limit=limit)
        return text

    def html(self, value, path, node):
        if value is None:
            return ""
        if not isinstance(value, str) or not is_unicode(value):
            self.error(path, N_("This must be text."), node)
            return ""
        if len(value) > MAX_HTML:
            self.error(path, N_("This is longer than {limit} characters."), node, limit=MAX_HTML)
        return clean_html(value)

    def identifier(self, value, path, node):
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.error(path, N_("An id is 1 to 100 letters, digits, '_', '-', '.' or ':', starting with a letter, "
                                "digit or '_'."), node)
            return value if isinstance(value, str) and is_unicode(value) else ""
        return value

    def integer(self, value, path, node, low, high, default=0):
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, N_("This must be a whole number."), node)
            return default
        if not low <= value <= high:
            self.error(path, N_("This must be between {low} and {high}."), node, low=low, high=high)
            return default
        return value

    def boolean(self, value, path, node):
        if not isinstance(value, bool):
            self.error(path, N_("This must be true or false."), node)
            return False
        return value

    def items(self, value, path, node=None, limit=None):
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, N_("This must be a list."), node)
            return []
        if limit is not None and len(value) > limit:
            self.error(path, N_("There can be at most {limit} of these."), node, limit=limit)
            return value[:limit]
        return value

    def condition(self, value, path, node, context, required=False):
        """The condition text (stripped), checked against the draft's variables; "" when there is none."""
        text = self.stripped(value, path, node, required and N_("This cannot be empty."))
        if not text:
            return ""
        _condition, problems = conditions.compile_condition(text, context.types)
        if problems:
            self.errors.append(ConditionFieldError(_printable(path), problems[0].message, {}, _printable(node),
                                                   problems[0]))
        return text

    def one_of(self, value, path, node, allowed):
        """`value` if it is one of `allowed`, else the first of them (and an error)."""
        if isinstance(value, str) and value in allowed:
            return value
        self.error(path, N_("This must be one of: {values}."), node, values=", ".join(allowed))
        return allowed[0]

    def stripped(self, value, path, node, missing):
        """Optional text without the white space around it ("" for None); `missing` is the error when empty, if any."""
        if value is None:
            value = ""
        if not isinstance(value, str) or not is_unicode(value):
            self.error(path, N_("This must be text."), node)
            return ""
        value = value.strip()
        if not value and missing:
            self.error(path, missing, node)
        return value

    def link(self, value, path, node, required, missing):
        """A safe link (http://, https:// or /…), or "" for none."""
        value = self.stripped(value, path, node, required and missing)
        if not value:
            return ""
        if len(value) > MAX_TITLE * 10 or not is_safe_link(value):
            self.error(path, N_("An address starts with http://, https:// or /."), node)
            return ""
        return value

    def unique(self, ids, path, item_key, node, message):
        for index, item_id in enumerate(ids):
            if item_id and item_id in ids[:index]:
                self.error(f"{path}.{index}.{item_key}", message, node, id=item_id)

    def mapping(self, value, path, node=None, keys=None):
        if not isinstance(value, dict):
            self.error(path, N_("This must be an object."), node)
            return None
        for key in value:
            if keys is not None and key not in keys:
                self.error(f"{path}.{excerpt(key)}".lstrip("."), N_("'{name}' is not expected here."), node, name=str(key))
        return value


class _Context:
    """What the steps of a draft may refer to: its variables (id -> Variable) and its characters' ids."""

    def __init__(self, variables, characters):
        self.variables = {}
        for variable in variables:
            self.variables.setdefault(variable.id, variable)
        self.types = {variable_id: variable.type for variable_id, variable in self.variables.items()
                      if VARIABLE_PATTERN.match(variable_id) and variable.type in VARIABLE_TYPES}
        self.characters = {character.id for character in characters}


def is_unicode(text):
    """False for a string holding lone surrogates (JSON lets "\\ud800" through; no encoder takes it)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _printable(value):
    """A field path or node id for an error: lone surrogates written as escapes, cut after the 100 characters of
    the longest valid id (paths quote unknown keys as a short prefix already)."""
    return excerpt(value, 100) if isinstance(value, str) else value


def read_draft(data, pillars=None):
    """Read the editor payload ``{"scenario": {...}, "settings": {...}}``; never raises on bad data."""
    reader = _Reader()
    body = reader.mapping(data, "", keys=("scenario", "settings")) or {}
    scenario = _read_scenario(reader, body.get("scenario"))
    settings = _read_settings(reader, body.get("settings"), pillars)
    # shuffling and going back are edited with the settings but belong to the case (model.Scenario)
    scenario = replace(scenario, **{name: settings[name] for name in OPTIONAL_FLAGS})
    return Draft(scenario, settings, reader.errors)


def editor_scenario(scenario):
    """The case as the editor's payload holds it: `Scenario.to_dict()` less the flags it edits with the settings."""
    return {key: value for key, value in scenario.to_dict().items() if key not in OPTIONAL_FLAGS}


def read_settings(data, pillars=None):
    """Read the settings part alone; returns (settings, errors)."""
    reader = _Reader()
    return _read_settings(reader, data, pillars), reader.errors


def _read_scenario(reader, raw):
    raw = reader.mapping(raw, "scenario",
                         keys=("intro", "start", "steps", "endings", "variables", "characters")) or {}
    intro = reader.html(raw.get("intro"), "scenario.intro", None)
    variables = _read_variables(reader, raw.get("variables"))
    characters = _read_characters(reader, raw.get("characters"))
    context = _Context(variables, characters)
    steps = tuple(_read_step(reader, item, f"scenario.steps.{index}", context)
                  for index, item in enumerate(reader.items(raw.get("steps"), "scenario.steps")))
    endings = tuple(_read_ending(reader, item, f"scenario.endings.{index}")
                    for index, item in enumerate(reader.items(raw.get("endings"), "scenario.endings")))
    start = raw.get("start")
    if start in ("", None):
        start = None
    elif not isinstance(start, str) or not is_unicode(start):
        reader.error("scenario.start", N_("The start must be a step id."))
        start = None
    return Scenario(intro=intro, steps=tuple(s for s in steps if s), endings=tuple(e for e in endings if e),
                    start=start, variables=variables, characters=characters)


def _read_variables(reader, raw):
    path = "scenario.variables"
    variables = []
    for index, item in enumerate(reader.items(raw, path, limit=MAX_VARIABLES)):
        variable = _read_variable(reader, item, f"{path}.{index}")
        if variable:
            variables.append(variable)
    reader.unique([variable.id for variable in variables], path, "id", None,
                  N_("Another variable already has the id '{id}'."))
    return tuple(variables)


def _read_variable(reader, raw, path):
    raw = reader.mapping(raw, path, keys=("id", "type", "initial", "min", "max", "label", "shown"))
    if raw is None:
        return None
    variable_id = raw.get("id")
    if not isinstance(variable_id, str) or not VARIABLE_PATTERN.match(variable_id):
        reader.error(f"{path}.id", N_("A variable's id is 1 to 64 letters, digits or '_', not starting with a "
                                      "digit."))
        variable_id = variable_id if isinstance(variable_id, str) and is_unicode(variable_id) else ""
    elif variable_id in conditions.KEYWORDS:
        reader.error(f"{path}.id", N_("'{id}' is a word of the condition language: choose another id."),
                     id=variable_id)
    kind = reader.one_of(raw.get("type", "number"), f"{path}.type", None, VARIABLE_TYPES)
    label = reader.text(raw.get("label", ""), f"{path}.label", None, required=False)
    shown = reader.boolean(raw.get("shown", False), f"{path}.shown", None)
    if kind == "flag":
        initial = reader.boolean(raw.get("initial", False), f"{path}.initial", None)
        return Variable(id=variable_id, type=kind, initial=initial, label=label, shown=shown)
    # a bad bound reads as its default, so that it does not also make the start value wrong
    low = reader.integer(raw.get("min", DEFAULT_MIN), f"{path}.min", None, -MAX_VALUE, MAX_VALUE, DEFAULT_MIN)
    high = reader.integer(raw.get("max", DEFAULT_MAX), f"{path}.max", None, -MAX_VALUE, MAX_VALUE, DEFAULT_MAX)
    if low > high:
        reader.error(f"{path}.max", N_("The highest value cannot be below the lowest ({low})."), low=low)
        high = low
    initial = reader.integer(raw.get("initial", 0), f"{path}.initial", None, -MAX_VALUE, MAX_VALUE)
    if not low <= initial <= high:
        reader.error(f"{path}.initial", N_("This must be between {low} and {high}."), low=low, high=high)
        initial = max(low, min(high, initial))
    return Variable(id=variable_id, type=kind, initial=initial, min=low, max=high, label=label, shown=shown)


def _read_characters(reader, raw):
    path = "scenario.characters"
    characters = []
    for index, item in enumerate(reader.items(raw, path, limit=MAX_CHARACTERS)):
        item_path = f"{path}.{index}"
        item = reader.mapping(item, item_path, keys=("id", "name", "portrait"))
        if item is None:
            continue
        characters.append(Character(
            id=reader.identifier(item.get("id"), f"{item_path}.id", None),
            name=reader.text(item.get("name"), f"{item_path}.name", None),
            portrait=reader.link(item.get("portrait"), f"{item_path}.portrait", None, False, "")))
    reader.unique([character.id for character in characters], path, "id", None,
                  N_("Another character already has the id '{id}'."))
    return tuple(characters)


def _read_step(reader, raw, path, context):
    raw = reader.mapping(raw, path, keys=("id", "title", "body", "image", "choices", "variants", "media", "lines",
                                          "hint", "time_limit", "fixed_order"))
    if raw is None:
        return None
    node = raw.get("id") if isinstance(raw.get("id"), str) else None
    step_id = reader.identifier(raw.get("id"), f"{path}.id", node)
    title = reader.text(raw.get("title"), f"{path}.title", node)
    body = reader.html(raw.get("body"), f"{path}.body", node)
    image = _read_image(reader, raw.get("image"), f"{path}.image", node)
    choices = []
    for index, item in enumerate(reader.items(raw.get("choices"), f"{path}.choices", node)):
        choice = _read_choice(reader, item, f"{path}.choices.{index}", node, context)
        if choice:
            choices.append(choice)
    ids = [choice.id for choice in choices]
    for index, choice_id in enumerate(ids):
        if choice_id in ids[:index]:
            reader.error(f"{path}.choices.{index}.id", N_("Another choice of this step already has the id '{id}'."),
                         node, id=choice_id)
    variants = []
    for index, item in enumerate(reader.items(raw.get("variants"), f"{path}.variants", node, MAX_PER_STEP)):
        item_path = f"{path}.variants.{index}"
        item = reader.mapping(item, item_path, node, keys=("when", "body"))
        if item is not None:
            variants.append(Variant(when=reader.condition(item.get("when"), f"{item_path}.when", node, context, True),
                                    body=reader.html(item.get("body"), f"{item_path}.body", node)))
    lines = []
    for index, item in enumerate(reader.items(raw.get("lines"), f"{path}.lines", node, MAX_PER_STEP)):
        line = _read_line(reader, item, f"{path}.lines.{index}", node, context)
        if line:
            lines.append(line)
    time_limit = reader.integer(raw.get("time_limit", 0), f"{path}.time_limit", node, 0, TIME_LIMITS[1])
    if 0 < time_limit < TIME_LIMITS[0]:
        reader.error(f"{path}.time_limit", N_("A time limit is 0 (none) or from {low} to {high} seconds."), node,
                     low=TIME_LIMITS[0], high=TIME_LIMITS[1])
        time_limit = 0
    return Step(id=step_id, title=title, body=body, image=image, choices=tuple(choices), variants=tuple(variants),
                media=_read_media(reader, raw.get("media"), f"{path}.media", node),
                lines=tuple(lines), hint=_read_hint(reader, raw.get("hint"), f"{path}.hint", node),
                time_limit=time_limit,
                fixed_order=reader.boolean(raw.get("fixed_order", False), f"{path}.fixed_order", node))


def _read_line(reader, raw, path, node, context):
    raw = reader.mapping(raw, path, node, keys=("by", "when", "body"))
    if raw is None:
        return None
    speaker = raw.get("by")
    if not isinstance(speaker, str) or speaker not in context.characters:
        reader.error(f"{path}.by", N_("Choose who says this among the case's characters."), node)
        speaker = speaker if isinstance(speaker, str) and is_unicode(speaker) else ""
    return Line(by=speaker, when=reader.condition(raw.get("when"), f"{path}.when", node, context),
                body=reader.html(raw.get("body"), f"{path}.body", node))


def _read_media(reader, raw, path, node):
    if raw is None:
        return None
    raw = reader.mapping(raw, path, node, keys=("type", "src", "captions", "captions_lang", "transcript"))
    if raw is None:
        return None
    kind = reader.one_of(raw.get("type", "video"), f"{path}.type", node, MEDIA_TYPES)
    src = reader.link(raw.get("src"), f"{path}.src", node, True, N_("Give the clip's address, or remove the clip."))
    captions = reader.link(raw.get("captions"), f"{path}.captions", node, False, "")
    language = raw.get("captions_lang", "")
    if language in (None, ""):
        language = ""
    elif not isinstance(language, str) or not LANGUAGE_PATTERN.match(language):
        reader.error(f"{path}.captions_lang", N_('A language tag such as "en", "fr" or "pt-BR".'), node)
        language = ""
    transcript = reader.html(raw.get("transcript"), f"{path}.transcript", node)
    if kind == "video" and not captions and not plain_text(transcript):
        reader.error(f"{path}.captions", N_("A video needs captions or a transcript."), node)
    elif kind == "audio" and not plain_text(transcript):
        reader.error(f"{path}.transcript", N_("An audio clip needs a transcript."), node)
    return Media(type=kind, src=src, captions=captions, captions_lang=language, transcript=transcript)


def _read_hint(reader, raw, path, node):
    if raw is None:
        return None
    raw = reader.mapping(raw, path, node, keys=("body", "cost"))
    if raw is None:
        return None
    body = reader.html(raw.get("body"), f"{path}.body", node)
    if not plain_text(body):
        reader.error(f"{path}.body", N_("Write the hint, or remove it."), node)
    return Hint(body=body, cost=reader.integer(raw.get("cost", 0), f"{path}.cost", node, 0, MAX_HINT_COST))


def _read_image(reader, raw, path, node):
    if raw is None:
        return None
    raw = reader.mapping(raw, path, node, keys=("src", "alt"))
    if raw is None:
        return None
    src = raw.get("src")
    if not isinstance(src, str) or not src.strip() or not is_unicode(src):
        reader.error(f"{path}.src", N_("Give the image's address, or remove the image."), node)
        return None
    src = src.strip()
    if not is_safe_link(src):
        reader.error(f"{path}.src", N_("An image address starts with http://, https:// or /."), node)
        return None
    alt = reader.text(raw.get("alt", ""), f"{path}.alt", node, required=False)
    return Image(src=src, alt=alt)


def _read_choice(reader, raw, path, node, context):
    raw = reader.mapping(raw, path, node, keys=("id", "label", "to", "points", "expert", "feedback", "when",
                                                "timeout", "effects", "competencies"))
    if raw is None:
        return None
    choice_id = reader.identifier(raw.get("id"), f"{path}.id", node)
    label = reader.text(raw.get("label"), f"{path}.label", node)
    target = raw.get("to")
    if target is None:
        target = ""
    elif not isinstance(target, str) or not is_unicode(target):
        reader.error(f"{path}.to", N_("The target must be a step or ending id."), node)
        target = ""
    points = reader.integer(raw.get("points", 0), f"{path}.points", node, -MAX_POINTS, MAX_POINTS)
    expert = reader.boolean(raw.get("expert", False), f"{path}.expert", node)
    feedback = reader.html(raw.get("feedback"), f"{path}.feedback", node)
    effects = []
    for index, item in enumerate(reader.items(raw.get("effects"), f"{path}.effects", node, MAX_PER_CHOICE)):
        effect = _read_effect(reader, item, f"{path}.effects.{index}", node, context)
        if effect:
            effects.append(effect)
    competencies = []
    for index, item in enumerate(reader.items(raw.get("competencies"), f"{path}.competencies", node,
                                              MAX_PER_CHOICE)):
        item_path = f"{path}.competencies.{index}"
        item = reader.mapping(item, item_path, node, keys=("id", "points"))
        if item is None:
            continue
        competency_id = item.get("id")
        if not isinstance(competency_id, str) or not COMPETENCY_PATTERN.fullmatch(competency_id):
            reader.error(f"{item_path}.id", N_('A competency id such as "law-rights.non-refoulement": at most 100 '
                                               "letters, digits, '.', '_', ':' or '-'."), node)
            competency_id = competency_id if isinstance(competency_id, str) and is_unicode(competency_id) else ""
        competencies.append(CompetencyPoints(id=competency_id, points=reader.integer(
            item.get("points", 0), f"{item_path}.points", node, -MAX_POINTS, MAX_POINTS)))
    reader.unique([item.id for item in competencies], f"{path}.competencies", "id", node,
                  N_("This choice already gives points to '{id}'."))
    return Choice(id=choice_id, label=label, to=target, points=points, expert=expert, feedback=feedback,
                  when=reader.condition(raw.get("when"), f"{path}.when", node, context),
                  timeout=reader.boolean(raw.get("timeout", False), f"{path}.timeout", node),
                  effects=tuple(effects), competencies=tuple(competencies))


def _read_effect(reader, raw, path, node, context):
    raw = reader.mapping(raw, path, node, keys=("op", "var", "value"))
    if raw is None:
        return None
    op = reader.one_of(raw.get("op", "set"), f"{path}.op", node, EFFECT_OPS)
    name = raw.get("var")
    variable = context.variables.get(name) if isinstance(name, str) else None
    if variable is None:
        reader.error(f"{path}.var", N_("Choose one of the case's variables."), node)
        name = name if isinstance(name, str) and is_unicode(name) else ""
    value = raw.get("value", 0)
    if variable is not None and variable.is_flag:
        if op == "add":
            reader.error(f"{path}.op", N_("Only numbers can be added to; set a flag to true or false."), node)
            op = "set"
        value = reader.boolean(value, f"{path}.value", node)
    elif variable is not None or not isinstance(value, bool):
        value = reader.integer(value, f"{path}.value", node, -MAX_VALUE, MAX_VALUE)
    return Effect(op=op, var=name, value=value)


def _read_ending(reader, raw, path):
    raw = reader.mapping(raw, path, keys=("id", "title", "body", "outcome", "points"))
    if raw is None:
        return None
    node = raw.get("id") if isinstance(raw.get("id"), str) else None
    ending_id = reader.identifier(raw.get("id"), f"{path}.id", node)
    title = reader.text(raw.get("title"), f"{path}.title", node)
    body = reader.html(raw.get("body"), f"{path}.body", node)
    outcome = raw.get("outcome", "neutral")
    if outcome not in OUTCOMES:
        reader.error(f"{path}.outcome", N_("The outcome must be one of: {values}."), node, values=", ".join(OUTCOMES))
        outcome = "neutral"
    points = reader.integer(raw.get("points", 0), f"{path}.points", node, -MAX_POINTS, MAX_POINTS)
    return Ending(id=ending_id, title=title, body=body, outcome=outcome, points=points)


def _read_settings(reader, raw, pillars):
    raw = reader.mapping(raw, "settings") or {}
    for key in raw:
        if key not in SETTINGS:
            reader.error(f"settings.{excerpt(key)}", N_("'{name}' is not a setting of this block."), name=key)
    settings = {
        "display_name": reader.text(raw.get("display_name"), "settings.display_name", None, limit=255),
        "pillar": _read_choice_of(reader, raw.get("pillar", ""), "settings.pillar", pillars, optional=True),
        "scoring": _read_choice_of(reader, raw.get("scoring"), "settings.scoring", SCORING_MODES),
        "grading": _read_choice_of(reader, raw.get("grading"), "settings.grading", GRADING_MODES),
        # None: not set on the block, so the course's "Maximum Attempts" applies (docs/OLX.md).
        "max_attempts": (None if raw.get("max_attempts") is None else
                         reader.integer(raw.get("max_attempts"), "settings.max_attempts", None, 0, MAX_ATTEMPTS)),
        "weight": _read_weight(reader, raw.get("weight")),
        "show_expert_path": reader.boolean(raw.get("show_expert_path"), "settings.show_expert_path", None),
    }
    for name in OPTIONAL_FLAGS:
        settings[name] = reader.boolean(raw.get(name, False), f"settings.{name}", None)
    return settings


def _read_choice_of(reader, value, path, allowed, optional=False):
    if optional and value in ("", None):
        return ""
    if allowed is None:
        if not isinstance(value, str) or not PILLAR_PATTERN.match(value):
            reader.error(path, N_('A pillar is a short lower-case id such as "border" or "trafficking".'))
            return ""
        return value
    if value not in allowed:
        reader.error(path, N_("This must be one of: {values}."), values=", ".join(allowed))
        return "" if optional else allowed[0]
    return value


def _read_weight(reader, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        reader.error("settings.weight", N_("The weight must be a number."))
        return 1.0
    if not 0 <= value <= MAX_WEIGHT:
        reader.error("settings.weight", N_("This must be between {low} and {high}."), low=0, high=MAX_WEIGHT)
        return 1.0
    return float(value)


def settings_to_attributes(settings):
    """The settings as the string attributes of the <rtcm_scenario> element (no max_attempts when it is the course's)."""
    weight = settings["weight"]
    attributes = {
        "display_name": settings["display_name"],
        "pillar": settings["pillar"],
        "scoring": settings["scoring"],
        "grading": settings["grading"],
        "max_attempts": str(settings["max_attempts"]),
        "weight": str(int(weight)) if float(weight).is_integer() else repr(float(weight)),
        "show_expert_path": "true" if settings["show_expert_path"] else "false",
    }
    for name in OPTIONAL_FLAGS:
        attributes[name] = "true" if settings.get(name) else "false"
    if settings["max_attempts"] is None:
        del attributes["max_attempts"]
    return attributes


def attributes_to_settings(attributes, defaults, pillars=None):
    """Settings from OLX attribute strings, `defaults` for those absent; returns (settings, errors).

    An absent `max_attempts` is not a default but the course's setting (None), as on import.
    """
    raw = dict(defaults, max_attempts=None)
    errors = []
    for name, value in attributes.items():
        if name in ("url_name", "xblock-family") or name.startswith("{"):
            continue
        if name not in SETTINGS:
            errors.append(FieldError(f"settings.{excerpt(name)}", N_("'{name}' is not a setting of this block."),
                                     excerpts({"name": name})))
            continue
        raw[name] = _from_attribute(name, value)
    settings, more = read_settings(raw, pillars)
    return settings, errors + more


def _from_attribute(name, value):
    if name == "max_attempts":  # read_settings bounds it; more digits than the bound has is out of range anyway
        return int(value) if re.fullmatch(r"\s*-?\d{1,9}\s*", value) else MAX_ATTEMPTS + 1 if re.fullmatch(
            r"\s*\d+\s*", value) else value
    if name == "weight":
        try:
            return float(value) if len(value) <= 64 else value
        except ValueError:
            return value
    if name == "show_expert_path" or name in OPTIONAL_FLAGS:
        return {"true": True, "false": False}.get(value.strip().lower(), value)
    return value

