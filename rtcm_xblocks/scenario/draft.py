"""The Studio editor's draft: its JSON payload checked field by field and turned into a Scenario and settings.

Pure (no XBlock, no Django). The payload has the shape of `Scenario.to_dict()` plus the block's
settings. Reading is lenient so that live validation can still draw a half-written scenario: a
bad field is reported and replaced by a neutral value; `studio_submit` refuses to save any draft
that has field errors. Author HTML is sanitised here, titles and labels reduced to plain text.
Graph-level problems (unknown targets, unreachable steps …) are not field errors: drafts may
have them, and `graph.validate` reports them.
"""
import math
import re
from dataclasses import dataclass, field

from rtcm_xblocks.common.i18n import N_
from rtcm_xblocks.common.quoting import excerpt, excerpts
from rtcm_xblocks.common.sanitize import clean_html, is_safe_link, plain_text
from rtcm_xblocks.scenario.graph import GRADING_MODES, OUTCOMES, SCORING_MODES, Choice, Ending, Image, Scenario, Step

__all__ = ["ID_PATTERN", "SETTINGS", "Draft", "FieldError", "attributes_to_settings", "is_unicode", "read_draft",
           "read_settings", "settings_to_attributes"]

ID_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,99}$")
PILLAR_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")  # as the block reads the OLX attribute
MAX_TITLE = 300
MAX_HTML = 100_000
MAX_POINTS = 1000
MAX_ATTEMPTS = 1000
MAX_WEIGHT = 1000
SETTINGS = ("display_name", "pillar", "scoring", "grading", "max_attempts", "weight", "show_expert_path")


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

    def integer(self, value, path, node, low, high):
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, N_("This must be a whole number."), node)
            return 0
        if not low <= value <= high:
            self.error(path, N_("This must be between {low} and {high}."), node, low=low, high=high)
            return 0
        return value

    def boolean(self, value, path, node):
        if not isinstance(value, bool):
            self.error(path, N_("This must be true or false."), node)
            return False
        return value

    def items(self, value, path, node=None):
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, N_("This must be a list."), node)
            return []
        return value

    def mapping(self, value, path, node=None, keys=None):
        if not isinstance(value, dict):
            self.error(path, N_("This must be an object."), node)
            return None
        for key in value:
            if keys is not None and key not in keys:
                self.error(f"{path}.{excerpt(key)}".lstrip("."), N_("'{name}' is not expected here."), node, name=str(key))
        return value


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
    return Draft(scenario, settings, reader.errors)


def read_settings(data, pillars=None):
    """Read the settings part alone; returns (settings, errors)."""
    reader = _Reader()
    return _read_settings(reader, data, pillars), reader.errors


def _read_scenario(reader, raw):
    raw = reader.mapping(raw, "scenario", keys=("intro", "start", "steps", "endings")) or {}
    intro = reader.html(raw.get("intro"), "scenario.intro", None)
    steps = tuple(_read_step(reader, item, f"scenario.steps.{index}")
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
                    start=start)


def _read_step(reader, raw, path):
    raw = reader.mapping(raw, path, keys=("id", "title", "body", "image", "choices"))
    if raw is None:
        return None
    node = raw.get("id") if isinstance(raw.get("id"), str) else None
    step_id = reader.identifier(raw.get("id"), f"{path}.id", node)
    title = reader.text(raw.get("title"), f"{path}.title", node)
    body = reader.html(raw.get("body"), f"{path}.body", node)
    image = _read_image(reader, raw.get("image"), f"{path}.image", node)
    choices = []
    for index, item in enumerate(reader.items(raw.get("choices"), f"{path}.choices", node)):
        choice = _read_choice(reader, item, f"{path}.choices.{index}", node)
        if choice:
            choices.append(choice)
    ids = [choice.id for choice in choices]
    for index, choice_id in enumerate(ids):
        if choice_id in ids[:index]:
            reader.error(f"{path}.choices.{index}.id", N_("Another choice of this step already has the id '{id}'."),
                         node, id=choice_id)
    return Step(id=step_id, title=title, body=body, image=image, choices=tuple(choices))


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


def _read_choice(reader, raw, path, node):
    raw = reader.mapping(raw, path, node, keys=("id", "label", "to", "points", "expert", "feedback"))
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
    return Choice(id=choice_id, label=label, to=target, points=points, expert=expert, feedback=feedback)


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
    if name == "show_expert_path":
        return {"true": True, "false": False}.get(value.strip().lower(), value)
    return value

