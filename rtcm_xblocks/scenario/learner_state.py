"""The learner's state as every scenario handler answers it (docs/SCENARIO_API.md): only what they have earned.

A mixin of ScenarioBlock. The current step as the learner's values show it (the body variant and
dialogue lines that hold, the offered choices in the learner's order, a revealed hint, the clock),
the path taken with its feedback, the ending and debrief once reached, the expert path when the
block shows it, the results per competency. Never a target, points, a condition, an effect, a
hidden variable, an unrevealed hint or the timeout choice before it is taken.
"""
import functools

from rtcm_xblocks.common.i18n import translator
from rtcm_xblocks.common.sanitize import is_safe_link
from rtcm_xblocks.needs.framework import competency_titles
from rtcm_xblocks.scenario import competencies, graph, simulation
from rtcm_xblocks.scenario.simulation_handlers import timing_of

__all__ = ["ScenarioLearnerStateMixin"]


class ScenarioLearnerStateMixin:
    """The state JSON of ScenarioBlock (which provides `_html`, `_plain`, `_url`, the settings and the clock)."""

    def _state_json(self, scenario, attempts, notice=None, page=False, stored=None):
        """The learner's state as PRODUCT.md documents it: what they have earned and nothing else.

        With `page`, the copy embedded in the page before the debrief leaves out `attempts_left`: only
        the debrief shows it, and a handler's answer brings it then, so the setting is not read for nothing.
        Attempts the instructor gave back (see `_uncounted`, read from the learner's `stored` state; none
        without it, as in Studio's preview) do not count against the maximum.
        """
        attempt = attempts[-1]
        path = [self._path_entry(scenario, step_id, choice_id, timed_out=position in attempt.timed_out)
                for position, (step_id, choice_id) in enumerate(attempt.path)]
        step = None if attempt.finished else scenario.step(attempt.current) if attempt.current else None
        values = graph.values(scenario, attempt)
        ending = scenario.ending(attempt.current) if attempt.finished else None
        expert = None
        if attempt.finished and self.show_expert_path:
            expert = [self._path_entry(scenario, step_id, choice_id, feedback=False)
                      for step_id, choice_id in _expert_path(scenario)]
        state = {
            "attempt": attempt.number,
            "attempts_left": None,
            "step": self._step_json(scenario, step, attempt, values, stored) if step else None,
            "last_feedback": path[-1]["feedback"] if path else None,
            "finished": attempt.finished,
            "ending": self._ending_json(ending, attempt.current) if attempt.finished else None,
            "score": attempt.score if attempt.finished else None,  # the core leaves it None under scoring "none"
            "path": path,
            "expert_path": expert,
            "reflection": attempt.reflection,
            "notice": notice,
            "variables": [{"id": variable.id, "label": self._plain(variable.label) or variable.id, "type": variable.type,
                           "value": value, "min": variable.min, "max": variable.max}
                          for variable, value in zip(scenario.variables, values) if variable.shown],
            "practice": attempt.practice,
            "can_go_back": bool(scenario.allow_back and attempt.path and not attempt.finished),
            "timing": timing_of(stored) if any(s.time_limit for s in scenario.steps) else None,
            "competencies": self._competencies_json(scenario, attempt) if attempt.finished else None,
        }
        if page and not attempt.finished:
            del state["attempts_left"]
        else:
            state["attempts_left"] = self._attempts_left_after(stored, attempts)
        return state

    def _step_json(self, scenario, step, attempt, values, stored):
        """A reached step as the learner's `values` show it: its text, media, dialogue, hint, clock and offered choices.

        Never targets, points, conditions, effects or feedback; a hint's text only once revealed; no
        choices while a timed step's clock has not started.
        """
        image = None
        if step.image and is_safe_link(step.image.src):
            image = {"src": self._url(step.image.src), "alt": self._plain(step.image.alt)}
        timer = self._timer_json(scenario, step, attempt, stored)
        choices = []
        if timer is None or timer["started"] or timer["limit"] is None:
            seed = f"{self._storage_key()}|{self._learner_key() or ''}|{attempt.number}|{step.id}"
            offered = simulation.ordered(simulation.offered(scenario, step, values), seed,
                                         scenario.shuffle_choices and not step.fixed_order)
            choices = [{"id": choice.id, "label": self._plain(choice.label)} for choice in offered]
        hint = None
        if step.hint is not None:
            revealed = step.id in attempt.hints
            hint = {"cost": step.hint.cost, "revealed": revealed, "body": self._html(step.hint.body) if revealed else None}
        return {
            "id": step.id,
            "title": self._plain(step.title),
            "body": self._html(simulation.shown_body(scenario, step, values)),
            "image": image,
            "media": self._media_json(step.media),
            "lines": [self._line_json(scenario, line) for line in simulation.shown_lines(scenario, step, values)],
            "hint": hint,
            "timer": timer,
            "choices": choices,
        }

    def _ending_json(self, ending, ending_id):
        """The ending reached (an author may since have removed it: then only its id remains)."""
        if ending is None:
            return {"id": ending_id, "title": "", "body": "", "outcome": "neutral"}
        return {"id": ending.id, "title": self._plain(ending.title), "body": self._html(ending.body),
                "outcome": ending.outcome}

    def _path_entry(self, scenario, step_id, choice_id, feedback=True, timed_out=False):
        """One decision on a path: the step, the choice, its label and (for the learner's own path) its feedback."""
        step = scenario.step(step_id)
        choice = step.choice(choice_id) if step else None
        entry = {"step": step_id, "choice": choice_id, "label": self._plain(choice.label) if choice else ""}
        if feedback:
            entry["feedback"] = self._html(choice.feedback) if choice else ""
            entry["timed_out"] = timed_out
        return entry

    def _timer_json(self, scenario, step, attempt, stored):
        """The clock of a timed step: its limit after the learner's accommodation, whether it runs, what is left."""
        if not step.time_limit:
            return None
        factor = self._timing_factor(stored)
        if factor is None:
            return {"limit": None, "started": False, "remaining": None}
        return {"limit": step.time_limit * factor, "started": graph.clock_started(attempt) is not None,
                "remaining": graph.time_left(scenario, attempt, self._now(), factor)}

    def _media_json(self, media):
        """A step's clip with its captions and transcript, or None (and None for a clip at an unsafe address)."""
        if media is None or not is_safe_link(media.src):
            return None
        captions = self._url(media.captions) if media.captions and is_safe_link(media.captions) else ""
        return {"type": media.type, "src": self._url(media.src), "captions": captions,
                "captions_lang": media.captions_lang, "transcript": self._html(media.transcript)}

    def _line_json(self, scenario, line):
        """A dialogue line: who says it (name and portrait) and what."""
        character = scenario.character(line.by)
        portrait = character.portrait if character is not None and character.portrait else None
        return {"speaker": self._plain(character.name) if character is not None else self._plain(line.by),
                "portrait": self._url(portrait) if portrait and is_safe_link(portrait) else None,
                "body": self._html(line.body)}

    def _competencies_json(self, scenario, attempt):
        """The finished attempt's result per competency of the framework, or None when its choices carry none."""
        results = graph.competency_results(scenario, attempt)
        if not results:
            return None
        titles = competency_titles(list(results), translator(self).gettext)
        return [{"id": competency, "title": titles[competency], "earned": earned, "best": best,
                 "score": float(competencies.fraction(earned, best))} for competency, (earned, best) in results.items()]


@functools.lru_cache(maxsize=64)
def _expert_path(scenario):
    """The core's expert path through `scenario`, computed once per distinct case (a frozen, hashable value)."""
    return tuple(graph.expert_path(scenario))
