"""Large generated scenarios for the tests and benchmarks of the editor at scale (issue 9).

Two shapes stress a map layout in opposite ways: a long chain whose every step has a way out to
one ending (arrows spanning up to the whole length of the map), and a densely connected scenario
(every step leads to every other step, or to many spread over the whole scenario: loops
everywhere, arrows of every length).
"""
from rtcm_xblocks.scenario import olx
from rtcm_xblocks.scenario.graph import Choice, Ending, Scenario, Step

__all__ = ["dense", "exit_chain", "to_olx"]


def exit_chain(steps):
    """`steps` steps in a row: at each, go on (1 point, the expert's choice) or give up, which ends the story."""
    chain = []
    for number in range(steps):
        after = f"s{number + 1}" if number + 1 < steps else "done"
        chain.append(Step(f"s{number}", f"Decision {number + 1}", "<p>The file grows.</p>", choices=(
            Choice("on", f"Carry on ({number + 1})", after, 1, expert=True, feedback="<p>Right.</p>"),
            Choice("out", f"Give up ({number + 1})", "gave-up", 0, feedback="<p>The case is dropped.</p>"))))
    return Scenario(intro="<p>A long case.</p>", steps=tuple(chain), endings=(
        Ending("done", "Done", "<p>Debrief.</p>", "good", 1), Ending("gave-up", "Gave up", "<p>Debrief.</p>", "bad")))


def dense(steps, degree=None):
    """`steps` steps, each with a choice to every other step (or to `degree` others spread evenly over
    the scenario), all on loops and so worth 0 points, and one to the ending (1 point)."""
    ids = [f"s{number}" for number in range(steps)]
    stride = 1 if degree is None else max(1, steps // (degree + 1))
    offsets = range(1, steps) if degree is None else [1 + k * stride for k in range(min(degree, steps - 1))]
    return Scenario(intro="<p>A tangled case.</p>", steps=tuple(
        Step(step, f"Decision {number + 1}", "<p>Anything can happen next.</p>", choices=tuple(
            Choice(f"to-{ids[(number + offset) % steps]}", f"Go to {ids[(number + offset) % steps]}",
                   ids[(number + offset) % steps], 0) for offset in offsets
        ) + (Choice("close", "Close the case", "closed", 1, expert=True),))
        for number, step in enumerate(ids)), endings=(Ending("closed", "Closed", "<p>Debrief.</p>", "good", 1),))


def to_olx(scenario, display_name="Large case"):
    """The scenario as <rtcm_scenario> OLX, scored by path."""
    return olx.scenario_to_string({"display_name": display_name, "scoring": "path", "grading": "best",
                                   "max_attempts": "0", "weight": "1", "show_expert_path": "false"}, scenario)
