"""The scenario's content as frozen values: steps, choices, endings, and what makes a case a simulation.

Pure Python: nothing here knows XBlock, Django or HTTP. Every value converts to a JSON-safe dict
(`to_dict`, the block's content field and the Studio editor's payload) and back (`from_dict`).
Keys whose value is the default are left out of the dicts of the parts added for simulations
(variables, characters, variants, media, dialogue lines, hints, time limits, conditions, effects,
competency points), so a scenario that uses none of them has the same dict as before they existed.

A simulation adds to the plain graph of steps and choices:
- `Variable`: a named number or flag the case declares, changed by choices' `Effect`s (`set`,
  `add`), clamped into its bounds, shown to the learner as a meter or kept hidden;
- conditions (`when`, the language of `scenario.conditions`) on choices, body `Variant`s and
  dialogue `Line`s, all evaluated on the server;
- `Character`s who speak a step's dialogue `Line`s, with a portrait;
- `Media` (a video or an audio clip with captions or a transcript) and a `Hint` per step;
- a time limit per step with its timeout choice, and a pinned choice order (`fixed_order`);
- `CompetencyPoints` on choices: points per competency of the self-assessment framework.
"""
from dataclasses import dataclass
from functools import cached_property

__all__ = ["OUTCOMES", "VARIABLE_TYPES", "MEDIA_TYPES", "EFFECT_OPS", "Character", "Choice", "CompetencyPoints",
           "Effect", "Ending", "Hint", "Image", "Line", "Media", "Scenario", "Step", "Variable", "Variant"]

OUTCOMES = ("good", "neutral", "bad")
VARIABLE_TYPES = ("number", "flag")
MEDIA_TYPES = ("video", "audio")
EFFECT_OPS = ("set", "add")
DEFAULT_MIN = -100
DEFAULT_MAX = 100


def _optional(data, defaults):
    """`data` without the keys whose value equals the default given in `defaults`."""
    return {key: value for key, value in data.items() if key not in defaults or value != defaults[key]}


def _number(value, default=0):
    """An int from stored data; booleans are not numbers."""
    if isinstance(value, bool):
        return int(value)
    return int(value) if value is not None else default


@dataclass(frozen=True)
class Image:
    """An illustration of a step; `alt` is its text alternative."""

    src: str
    alt: str = ""

    def to_dict(self):
        """This image as a JSON-safe dict."""
        return {"src": self.src, "alt": self.alt}

    @classmethod
    def from_dict(cls, data):
        """The image described by `to_dict()`'s output."""
        return cls(src=str(data["src"]), alt=str(data.get("alt", "")))


@dataclass(frozen=True)
class Variable:
    """A named number (an int within `min`..`max`) or flag (a bool) of the case's state."""

    id: str
    type: str = "number"
    initial: int | bool = 0
    min: int = DEFAULT_MIN
    max: int = DEFAULT_MAX
    label: str = ""
    shown: bool = False

    @property
    def is_flag(self):
        """Whether this variable is a flag (true/false) rather than a number."""
        return self.type == "flag"

    def clamp(self, value):
        """`value` as this variable holds it: a bool for a flag, an int within min..max for a number."""
        if self.is_flag:
            return bool(value)
        low, high = min(self.min, self.max), max(self.min, self.max)
        return max(low, min(high, int(value)))

    @property
    def start(self):
        """The value the variable has when an attempt starts."""
        return self.clamp(self.initial)

    def to_dict(self):
        """This variable as a JSON-safe dict."""
        data = {"id": self.id, "type": self.type, "initial": self.initial}
        if not self.is_flag:
            data.update(min=self.min, max=self.max)
        data.update(label=self.label, shown=self.shown)
        return data

    @classmethod
    def from_dict(cls, data):
        """The variable described by `to_dict()`'s output."""
        kind = str(data.get("type", "number"))
        initial = data.get("initial", False if kind == "flag" else 0)
        return cls(id=str(data["id"]), type=kind,
                   initial=bool(initial) if kind == "flag" else _number(initial),
                   min=_number(data.get("min"), DEFAULT_MIN), max=_number(data.get("max"), DEFAULT_MAX),
                   label=str(data.get("label", "")), shown=bool(data.get("shown", False)))


@dataclass(frozen=True)
class Character:
    """Someone who speaks in the case: a name and an optional portrait."""

    id: str
    name: str = ""
    portrait: str = ""

    def to_dict(self):
        """This character as a JSON-safe dict."""
        return {"id": self.id, "name": self.name, "portrait": self.portrait}

    @classmethod
    def from_dict(cls, data):
        """The character described by `to_dict()`'s output."""
        return cls(id=str(data["id"]), name=str(data.get("name", "")), portrait=str(data.get("portrait", "")))


@dataclass(frozen=True)
class Variant:
    """Author HTML that replaces a step's body when its condition `when` holds."""

    when: str
    body: str = ""

    def to_dict(self):
        """This variant as a JSON-safe dict."""
        return {"when": self.when, "body": self.body}

    @classmethod
    def from_dict(cls, data):
        """The variant described by `to_dict()`'s output."""
        return cls(when=str(data.get("when", "")), body=str(data.get("body", "")))


@dataclass(frozen=True)
class Line:
    """A dialogue line of a step: what character `by` says (HTML), shown when `when` holds (or always)."""

    by: str
    body: str = ""
    when: str = ""

    def to_dict(self):
        """This line as a JSON-safe dict."""
        return {"by": self.by, "when": self.when, "body": self.body}

    @classmethod
    def from_dict(cls, data):
        """The line described by `to_dict()`'s output."""
        return cls(by=str(data.get("by", "")), body=str(data.get("body", "")), when=str(data.get("when", "")))


@dataclass(frozen=True)
class Media:
    """A video or audio clip of a step, with captions (a WebVTT file) and/or a transcript (HTML)."""

    type: str
    src: str
    captions: str = ""
    captions_lang: str = ""
    transcript: str = ""

    def to_dict(self):
        """This clip as a JSON-safe dict."""
        return {"type": self.type, "src": self.src, "captions": self.captions, "captions_lang": self.captions_lang,
                "transcript": self.transcript}

    @classmethod
    def from_dict(cls, data):
        """The clip described by `to_dict()`'s output."""
        return cls(type=str(data.get("type", "video")), src=str(data["src"]), captions=str(data.get("captions", "")),
                   captions_lang=str(data.get("captions_lang", "")), transcript=str(data.get("transcript", "")))


@dataclass(frozen=True)
class Hint:
    """Help a learner may ask for at a step (HTML); revealing it takes `cost` points off the attempt."""

    body: str
    cost: int = 0

    def to_dict(self):
        """This hint as a JSON-safe dict."""
        return {"body": self.body, "cost": self.cost}

    @classmethod
    def from_dict(cls, data):
        """The hint described by `to_dict()`'s output."""
        return cls(body=str(data.get("body", "")), cost=_number(data.get("cost")))


@dataclass(frozen=True)
class Effect:
    """What taking a choice does to a variable: `set` it to `value`, or `add` `value` to it."""

    op: str
    var: str
    value: int | bool = 0

    def to_dict(self):
        """This effect as a JSON-safe dict."""
        return {"op": self.op, "var": self.var, "value": self.value}

    @classmethod
    def from_dict(cls, data):
        """The effect described by `to_dict()`'s output."""
        value = data.get("value", 0)
        return cls(op=str(data.get("op", "set")), var=str(data.get("var", "")),
                   value=value if isinstance(value, bool) else _number(value))


@dataclass(frozen=True)
class CompetencyPoints:
    """Points a choice earns (or, negative, costs) towards one competency of the self-assessment framework."""

    id: str
    points: int = 0

    def to_dict(self):
        """These points as a JSON-safe dict."""
        return {"id": self.id, "points": self.points}

    @classmethod
    def from_dict(cls, data):
        """The points described by `to_dict()`'s output."""
        return cls(id=str(data["id"]), points=_number(data.get("points")))


_CHOICE_DEFAULTS = {"when": "", "timeout": False, "effects": [], "competencies": []}


@dataclass(frozen=True)
class Choice:
    """An action offered at a step: it leads `to` a step or ending and earns `points`.

    `when` (a condition) offers it only while it holds; a `timeout` choice is never offered: it is
    taken when the step's time runs out. `effects` change the variables, in order, when it is taken.
    """

    id: str
    label: str
    to: str
    points: int = 0
    expert: bool = False
    feedback: str = ""
    when: str = ""
    timeout: bool = False
    effects: tuple = ()
    competencies: tuple = ()

    def to_dict(self):
        """This choice as a JSON-safe dict."""
        return _optional({"id": self.id, "label": self.label, "to": self.to, "points": self.points,
                          "expert": self.expert, "feedback": self.feedback, "when": self.when,
                          "timeout": self.timeout, "effects": [effect.to_dict() for effect in self.effects],
                          "competencies": [item.to_dict() for item in self.competencies]}, _CHOICE_DEFAULTS)

    @classmethod
    def from_dict(cls, data):
        """The choice described by `to_dict()`'s output."""
        return cls(id=str(data["id"]), label=str(data.get("label", "")), to=str(data["to"]),
                   points=int(data.get("points", 0)), expert=bool(data.get("expert", False)),
                   feedback=str(data.get("feedback", "")), when=str(data.get("when") or ""),
                   timeout=bool(data.get("timeout", False)),
                   effects=tuple(Effect.from_dict(effect) for effect in data.get("effects") or ()),
                   competencies=tuple(CompetencyPoints.from_dict(item) for item in data.get("competencies") or ()))


_STEP_DEFAULTS = {"variants": [], "media": None, "lines": [], "hint": None, "time_limit": 0, "fixed_order": False}


@dataclass(frozen=True)
class Step:
    """A decision point of the story: a title, HTML body (or a variant of it), media, dialogue, a hint, choices."""

    id: str
    title: str
    body: str = ""
    image: Image | None = None
    choices: tuple = ()
    variants: tuple = ()
    media: Media | None = None
    lines: tuple = ()
    hint: Hint | None = None
    time_limit: int = 0
    fixed_order: bool = False

    def choice(self, choice_id):
        """The first choice with id `choice_id`, or None."""
        return next((choice for choice in self.choices if choice.id == choice_id), None)

    @property
    def timeout_choice(self):
        """The choice taken when the step's time runs out (the first `timeout` choice), or None."""
        return next((choice for choice in self.choices if choice.timeout), None)

    def to_dict(self):
        """This step as a JSON-safe dict."""
        data = {"id": self.id, "title": self.title, "body": self.body,
                "image": self.image.to_dict() if self.image else None,
                "choices": [choice.to_dict() for choice in self.choices]}
        data.update(_optional({"variants": [variant.to_dict() for variant in self.variants],
                               "media": self.media.to_dict() if self.media else None,
                               "lines": [line.to_dict() for line in self.lines],
                               "hint": self.hint.to_dict() if self.hint else None,
                               "time_limit": self.time_limit, "fixed_order": self.fixed_order}, _STEP_DEFAULTS))
        return data

    @classmethod
    def from_dict(cls, data):
        """The step described by `to_dict()`'s output."""
        image, media, hint = data.get("image"), data.get("media"), data.get("hint")
        return cls(id=str(data["id"]), title=str(data.get("title", "")), body=str(data.get("body", "")),
                   image=Image.from_dict(image) if image else None,
                   choices=tuple(Choice.from_dict(choice) for choice in data.get("choices", ())),
                   variants=tuple(Variant.from_dict(variant) for variant in data.get("variants") or ()),
                   media=Media.from_dict(media) if media else None,
                   lines=tuple(Line.from_dict(line) for line in data.get("lines") or ()),
                   hint=Hint.from_dict(hint) if hint else None,
                   time_limit=_number(data.get("time_limit")), fixed_order=bool(data.get("fixed_order", False)))


@dataclass(frozen=True)
class Ending:
    """Where the story ends: a debrief with an outcome (good, neutral, bad) and points."""

    id: str
    title: str
    body: str = ""
    outcome: str = "neutral"
    points: int = 0

    def to_dict(self):
        """This ending as a JSON-safe dict."""
        return {"id": self.id, "title": self.title, "body": self.body, "outcome": self.outcome,
                "points": self.points}

    @classmethod
    def from_dict(cls, data):
        """The ending described by `to_dict()`'s output."""
        return cls(id=str(data["id"]), title=str(data.get("title", "")), body=str(data.get("body", "")),
                   outcome=str(data.get("outcome", "neutral")), points=int(data.get("points", 0)))


@dataclass(frozen=True)
class Scenario:
    """A whole scenario: the intro, its variables and characters, steps and endings, and the start step.

    `shuffle_choices`: each learner sees a step's choices in an order of their own; `allow_back`: learners
    may go back one step (practice). Both belong to the case, so reading them costs a learner's request
    nothing beyond the case itself.
    """

    intro: str = ""
    steps: tuple = ()
    endings: tuple = ()
    start: str | None = None
    variables: tuple = ()
    characters: tuple = ()
    shuffle_choices: bool = False
    allow_back: bool = False

    @property
    def start_id(self):
        """The id of the start step: `start`, else the first step's id, else None."""
        if self.start:
            return self.start
        return self.steps[0].id if self.steps else None

    def step(self, step_id):
        """The first step with id `step_id`, or None."""
        return _lookup(self._steps_by_id, step_id)

    def ending(self, ending_id):
        """The first ending with id `ending_id`, or None."""
        return _lookup(self._endings_by_id, ending_id)

    def variable(self, variable_id):
        """The first variable with id `variable_id`, or None."""
        return _lookup(self._variables_by_id, variable_id)

    def character(self, character_id):
        """The first character with id `character_id`, or None."""
        return _lookup(self._characters_by_id, character_id)

    def __hash__(self):
        # computed once: the case is the key of the caches of its explored states and expert path
        return self._hash

    @cached_property
    def _hash(self):
        return hash((self.intro, self.steps, self.endings, self.start, self.variables, self.characters,
                     self.shuffle_choices, self.allow_back))

    @cached_property
    def is_stateful(self):
        """Whether the case has state: declared variables, or a choice offered only under a condition."""
        return bool(self.variables) or any(choice.when for step in self.steps for choice in step.choices)

    @cached_property
    def _steps_by_id(self):
        # an index built on first use, so that replaying a long path looks each step up in O(1)
        return _first_by_id(self.steps)

    @cached_property
    def _endings_by_id(self):
        return _first_by_id(self.endings)

    @cached_property
    def _variables_by_id(self):
        return _first_by_id(self.variables)

    @cached_property
    def _characters_by_id(self):
        return _first_by_id(self.characters)

    @cached_property
    def variable_positions(self):
        """Variable id -> its position in `variables` (the first declaration of an id)."""
        positions = {}
        for position, variable in enumerate(self.variables):
            positions.setdefault(variable.id, position)
        return positions

    def to_dict(self):
        """This scenario as a JSON-safe dict (for the block's content field)."""
        data = {"intro": self.intro, "start": self.start,
                "steps": [step.to_dict() for step in self.steps],
                "endings": [ending.to_dict() for ending in self.endings]}
        if self.variables:
            data["variables"] = [variable.to_dict() for variable in self.variables]
        if self.characters:
            data["characters"] = [character.to_dict() for character in self.characters]
        for flag in ("shuffle_choices", "allow_back"):
            if getattr(self, flag):
                data[flag] = True
        return data

    @classmethod
    def from_dict(cls, data):
        """The scenario described by `to_dict()`'s output; an empty scenario for None or {}."""
        data = data or {}
        start = data.get("start")
        return cls(intro=str(data.get("intro", "")),
                   steps=tuple(Step.from_dict(step) for step in data.get("steps", ())),
                   endings=tuple(Ending.from_dict(ending) for ending in data.get("endings", ())),
                   start=str(start) if start else None,
                   variables=tuple(Variable.from_dict(variable) for variable in data.get("variables") or ()),
                   characters=tuple(Character.from_dict(character) for character in data.get("characters") or ()),
                   shuffle_choices=bool(data.get("shuffle_choices", False)), allow_back=bool(data.get("allow_back", False)))


def _first_by_id(nodes):
    index = {}
    for node in nodes:
        index.setdefault(node.id, node)
    return index


def _lookup(index, node_id):
    try:
        return index.get(node_id)
    except TypeError:  # an unhashable id names nothing
        return None
