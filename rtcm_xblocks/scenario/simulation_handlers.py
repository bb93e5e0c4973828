"""The scenario's simulation handlers: hints, clocks and time limits, the learner's timing, going back (the
state JSON they answer is scenario/learner_state.py's).

A mixin of ScenarioBlock, like its instructor tools (scenario/instructor.py): every handler goes
through the block's serialised learner row (`_write`) and the pure core (`graph`, `simulation`);
refusals are the core's ScenarioErrors as 400s, or 409 `conflict` for a tab left behind (`_move`).
The server's clock decides time limits; the learner's accommodation (TIMINGS, WCAG 2.2.1) multiplies
or removes them.
"""
import time

from rtcm_xblocks.common.handlers import HandlerError, anonymous_id, json_handler
from rtcm_xblocks.common.i18n import translator
from rtcm_xblocks.common.storage import course_scope
from rtcm_xblocks.scenario import competencies, graph

__all__ = ["GRACE_SECONDS", "TIMINGS", "ScenarioSimulationMixin", "timing_of"]

# The learner's time-limit accommodation (WCAG 2.2.1): each limit is multiplied by the factor; None removes it.
TIMINGS = {"standard": 1.0, "extended": 10.0, "untimed": None}
# A choice that arrives this long after the limit still counts: the time a click takes to reach the server.
GRACE_SECONDS = 2.0


def timing_of(state):
    """The learner's time-limit accommodation stored in `state` (see TIMINGS); "standard" when none is."""
    timing = state.get("timing") if isinstance(state, dict) else None
    return timing if timing in TIMINGS else "standard"


class ScenarioSimulationMixin:
    """Hints, clocks, timing and going back for ScenarioBlock (which provides `_write`, `_move`, `_answer` …)."""

    @json_handler(writes=True)
    def time_up(self, data, suffix=""):  # pylint: disable=unused-argument
        """The current step's time has run out (by the server's clock): take its timeout choice."""
        (step_id,) = self._body(data, "step")
        scenario = self._ready_scenario()
        moved = {}

        def move(state):
            _scenario, attempts, _notice = self._learner(state, scenario)
            before = attempts[-1]
            if not self._deadline_passed(scenario, state, before, step_id, 0.0):
                _ = translator(self).gettext
                left = graph.time_left(scenario, before, self._now(), self._timing_factor(state))
                if left is None:
                    raise HandlerError("not_timed", _("This step has no running clock."))
                seconds = max(1, int(left + 0.999))
                raise HandlerError("time_left", translator(self).ngettext(
                    "There is still {seconds} second left.", "There are still {seconds} seconds left.",
                    seconds).format(seconds=seconds), extra={"seconds": left})
            after = self._move(scenario, state, attempts, step_id, lambda attempt: graph.choose(
                scenario, attempt, step_id, "", scoring="none", timed_out=True))
            moved.update(before=before, after=after)
            return self._encode(state, attempts)

        state = self._write(move)
        return self._moved(scenario, state, moved["before"], moved["after"])

    @json_handler(writes=True)
    def start_timer(self, data, suffix=""):  # pylint: disable=unused-argument
        """Start the clock of the current timed step (once; its choices come with the answer)."""
        (step_id,) = self._body(data, "step")
        scenario = self._ready_scenario()
        started = {}

        def start(state):
            _scenario, attempts, _notice = self._learner(state, scenario)
            before = attempts[-1]
            after = self._move(scenario, state, attempts, step_id,
                               lambda attempt: graph.start_clock(scenario, attempt, step_id, self._now()))
            started.update(fresh=after is not before, attempt=after.number)
            return self._encode(state, attempts) if after is not before else None  # a second click writes nothing

        state = self._write(start)
        if started["fresh"]:
            factor = self._timing_factor(state)
            limit = scenario.step(step_id).time_limit
            self._event("timer_started", attempt=started["attempt"], step=step_id,
                        limit=None if factor is None else limit * factor)
        return self._answer(scenario, state)

    @json_handler(writes=True)
    def hint(self, data, suffix=""):  # pylint: disable=unused-argument
        """Reveal the current step's hint (recorded; its cost counts once)."""
        (step_id,) = self._body(data, "step")
        scenario = self._ready_scenario()
        revealed = {}

        def reveal(state):
            _scenario, attempts, _notice = self._learner(state, scenario)
            before = attempts[-1]
            after = self._move(scenario, state, attempts, step_id,
                               lambda attempt: graph.reveal_hint(scenario, attempt, step_id))
            revealed.update(fresh=after is not before, attempt=after.number)
            return self._encode(state, attempts) if after is not before else None

        state = self._write(reveal)
        if revealed["fresh"]:
            self._event("hint_shown", attempt=revealed["attempt"], step=step_id, cost=scenario.step(step_id).hint.cost)
        return self._answer(scenario, state)

    @json_handler(writes=True)
    def back(self, data, suffix=""):  # pylint: disable=unused-argument
        """Undo the last choice of the current attempt (allow_back only); the attempt becomes practice."""
        (step_id,) = self._body(data, "step")
        scenario = self._ready_scenario()
        _ = translator(self).gettext
        if not scenario.allow_back:
            raise HandlerError("cannot_go_back", _("This exercise does not let you go back."))
        went = {}

        def undo(state):
            _scenario, attempts, _notice = self._learner(state, scenario)
            after = self._move(scenario, state, attempts, step_id, lambda attempt: graph.go_back(scenario, attempt, step_id))
            went.update(attempt=after.number, step=after.current)
            return self._encode(state, attempts)

        state = self._write(undo)
        self._event("went_back", attempt=went["attempt"], step=went["step"])
        return self._answer(scenario, state)

    @json_handler(writes=True)
    def set_timing(self, data, suffix=""):  # pylint: disable=unused-argument
        """The learner's time-limit accommodation for this exercise: standard, extended (ten times) or untimed."""
        (timing,) = self._body(data, "timing")
        _ = translator(self).gettext
        if timing not in TIMINGS:
            raise HandlerError("invalid_timing", _("'timing' must be one of: {values}.").format(
                values=", ".join(TIMINGS)))
        scenario = self._scenario()

        changed = {}

        def change(state):
            changed["now"] = timing_of(state) != timing
            if not changed["now"]:
                return None
            return dict(state or {}, timing=timing)

        state = self._write(change)
        if changed["now"]:
            self._event("timing_changed", timing=timing)
        return self._answer(scenario, state)

    def _record_competencies(self, results):
        """Store the attempt's competency results for the course's self-assessment (scenario.competencies)."""
        learner = self._learner_key()
        if learner is None:
            return
        if not results:  # no competency points (any more): one DELETE of what an earlier version recorded
            competencies.delete(self._storage_key(), learner=learner)
            return
        competencies.record(course_scope(self.scope_ids.usage_id), learner, self._storage_key(), results,
                            anonymous=anonymous_id(self))

    def _deadline_passed(self, scenario, state, attempt, step_id, grace):
        """Whether the clock of the current timed step `step_id` ran out more than `grace` seconds ago.

        A timed step whose clock the learner has not started (and who has not removed time limits) is
        refused: its choices are only sent once the clock runs.
        """
        step = scenario.step(attempt.current) if not attempt.finished and step_id == attempt.current else None
        factor = self._timing_factor(state)
        if step is None or not step.time_limit or factor is None:
            return False
        started = graph.clock_started(attempt)
        if started is None:
            _ = translator(self).gettext
            raise HandlerError("clock_not_started", _("Start the clock of this step first."))
        return self._now() > started + step.time_limit * factor + grace

    def _timing_factor(self, state):
        """The learner's factor for time limits (see TIMINGS): 1, 10, or None for no limits."""
        return TIMINGS[timing_of(state)]

    @staticmethod
    def _now():
        """The server's clock, in seconds."""
        return time.time()
