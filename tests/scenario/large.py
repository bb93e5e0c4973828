"""Large generated scenarios for the tests and benchmarks of the editor at scale (issue 9).

Two shapes stress a map layout in opposite ways: a long chain whose every step has a way out to
one ending (arrows spanning up to the whole length of the map), and a densely connected scenario
(every step leads to every other step: loops everywhere, as many choices as pairs of steps).
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


def dense(steps):
    """`steps` steps, each with a choice to every other step (0 points: they are all on loops) and one
    to the ending (1 point): steps × steps choices."""
    ids = [f"s{number}" for number in range(steps)]
    return Scenario(intro="<p>A tangled case.</p>", steps=tuple(
        Step(step, f"Decision {number + 1}", "<p>Anything can happen next.</p>", choices=tuple(
            Choice(f"to-{other}", f"Go to {other}", other, 0) for other in ids if other != step
        ) + (Choice("close", "Close the case", "closed", 1, expert=True),))
        for number, step in enumerate(ids)), endings=(Ending("closed", "Closed", "<p>Debrief.</p>", "good", 1),))


def to_olx(scenario, display_name="Large case"):
    """The scenario as <rtcm_scenario> OLX, scored by path."""
    return olx.scenario_to_string({"display_name": display_name, "scoring": "path", "grading": "best",
                                   "max_attempts": "0", "weight": "1", "show_expert_path": "false"}, scenario)
