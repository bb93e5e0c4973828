"""Scenario analytics for course staff: what each learner's stored attempts add to a block's counts, and the report.

Pure: no Django, no XBlock. The counts are exact incremental aggregates. `tally(state)` is what one
learner's stored state (``LearnerState.state``) adds to the block's counts, a function of that
state alone (never of the case, so an author's edit cannot make a stored count wrong); every write
of a learner's row adds `change(old, new)` = tally(new) − tally(old) in the same transaction
(scenario.storage), and a deleted row takes its tally away. The block's counts are therefore, at
every moment, the sum of `tally` over its stored rows, which the tests recompute.

A count is keyed by (kind, parts), `parts` a tuple of ids:

- ("learners", ("started",)) / ("learners", ("finished",)): 1 for a learner who has taken a decision /
  finished an attempt;
- ("reached", (step,)): 1 for a learner who reached the step in some stored attempt;
- ("took", (step, choice)): 1 for a learner who took that choice at that step at least once;
- ("looped", (step,)): 1 for a learner who came back to the step within one attempt;
- ("stopped", (step,)): 1 for a learner who never finished an attempt and whose latest attempt stands at the step;
- ("ending", (ending,)): 1 for a learner who reached that ending at least once;
- ("first", (decile,)) / ("best", (decile,)): the score of the learner's first finished attempt /
  best attempt, in tenths 0–9 (100 % counts in 9); ("score_sum", ("first",)) / ("score_sum", ("best",))
  add those scores in thousandths, so that the means are exact;
- ("path", (step, choice, step, choice, …, ending)): one per stored finished attempt that took that path.

`report(scenario, counts, top_paths)` turns the counts into what staff see. Counts of steps,
choices and endings the case no longer has (the author removed or renamed them) are left out of
the figures and listed under `set_aside`, so the figures shown always add up over the current case.
"""
import hashlib
import json
from collections import Counter

from rtcm_xblocks.scenario import graph

__all__ = ["KINDS", "DECILES", "stored_attempts", "encode", "tally", "total", "change", "report", "csv_rows"]

KINDS = ("learners", "reached", "took", "looped", "stopped", "ending", "first", "best", "score_sum", "path")
DECILES = 10
TOP_PATHS = 3


def stored_attempts(state):
    """The stored attempts of a learner's state; unreadable state counts as none (the learner starts afresh)."""
    try:
        return [graph.Attempt.from_dict(item) for item in state.get("attempts", [])]
    except (AttributeError, KeyError, TypeError, ValueError):
        return []


def _decile(score):
    return str(min(max(int(score * DECILES), 0), DECILES - 1))


def tally(state):
    """What one learner's stored `state` adds to the block's counts: a Counter {(kind, parts): n}."""
    counts = Counter()
    attempts = stored_attempts(state)
    if not any(attempt.path or attempt.finished for attempt in attempts):
        return counts
    counts[("learners", ("started",))] = 1
    reached, took, looped, endings = set(), set(), set(), set()
    for attempt in attempts:
        steps = [step for step, _choice in attempt.path]
        if not attempt.finished and attempt.path and attempt.current is not None:
            steps.append(attempt.current)
        reached.update(steps)
        took.update(attempt.path)
        looped.update(step for step, times in Counter(steps).items() if times > 1)
        if attempt.finished:
            endings.add(attempt.current)
            counts[("path", tuple(part for pair in attempt.path for part in pair) + (str(attempt.current),))] += 1
    finished = [attempt for attempt in attempts if attempt.finished]
    if finished:
        counts[("learners", ("finished",))] = 1
    elif attempts[-1].current is not None:
        counts[("stopped", (attempts[-1].current,))] = 1
    for kind, items in (("reached", reached), ("looped", looped), ("ending", endings)):
        for item in items:
            counts[(kind, (str(item),))] = 1
    for pair in took:
        counts[("took", pair)] = 1
    scored = [attempt for attempt in finished if attempt.score is not None]
    if scored:
        first = min(scored, key=lambda attempt: attempt.number).score
        best = max(attempt.score for attempt in scored)
        counts[("first", (_decile(first),))] = 1
        counts[("best", (_decile(best),))] = 1
        counts[("score_sum", ("first",))] = round(first * 1000)
        counts[("score_sum", ("best",))] = round(best * 1000)
    return counts


def change(old, new):
    """The exact change of the block's counts when a learner's stored state goes from `old` to `new`.

    {(kind, parts): n}, with no zero; `old` None for a learner without a row, `new` None for a row deleted.
    """
    before = tally(old) if old is not None else Counter()
    after = tally(new) if new is not None else Counter()
    delta = {}
    for key in before.keys() | after.keys():
        difference = after[key] - before[key]
        if difference:
            delta[key] = difference
    return delta


def total(states):
    """The block's counts recomputed from its learners' stored `states` (what the kept counts always equal)."""
    counts = Counter()
    for state in states:
        counts.update(tally(state))
    return {key: value for key, value in counts.items() if value}


def encode(parts):
    """How the counts' table stores `parts`: (SHA-1 hex digest, JSON text), the digest being the unique key."""
    text = json.dumps(list(parts), ensure_ascii=False)
    return hashlib.sha1(text.encode("utf-8")).hexdigest(), text


def _share(part, whole):
    return part / whole if whole else 0.0


def report(scenario, counts, top_paths=(), text=str):
    """What staff see: the counts `counts` ({(kind, parts): n}) over the current `scenario`.

    `top_paths` are the most common [(parts, n)] paths, most common first (the storage reads only
    those); `text(value)` turns the author's titles and labels into plain text. Counts of parts
    the case no longer has are left out and listed under `set_aside` (see the module docstring).
    """
    def count(kind, *parts):
        return max(counts.get((kind, tuple(parts)), 0), 0)

    expert = dict(graph.expert_path(scenario)) if scenario.start_id is not None else {}
    steps, endings = [], []
    step_ids = {step.id for step in scenario.steps}
    ending_ids = {ending.id for ending in scenario.endings}
    for step in scenario.steps:
        choices = [{"id": choice.id, "label": text(choice.label), "to": choice.to, "learners": count("took", step.id, choice.id),
                    "expert": expert.get(step.id) == choice.id} for choice in step.choices]
        total = sum(choice["learners"] for choice in choices)
        for choice in choices:
            choice["share"] = _share(choice["learners"], total)
        steps.append({"id": step.id, "title": text(step.title), "reached": count("reached", step.id),
                      "looped": count("looped", step.id), "stopped": count("stopped", step.id), "choices": choices})
    for ending in scenario.endings:
        endings.append({"id": ending.id, "title": text(ending.title), "outcome": ending.outcome,
                        "learners": count("ending", ending.id)})
    scored = sum(count("best", str(decile)) for decile in range(DECILES))
    scores = {
        "learners": scored,
        "deciles": [{"from": decile * 10, "to": decile * 10 + 10, "first": count("first", str(decile)),
                     "best": count("best", str(decile))} for decile in range(DECILES)],
        "first_mean": count("score_sum", "first") / 1000 / scored if scored else None,
        "best_mean": count("score_sum", "best") / 1000 / scored if scored else None,
    }
    departure = None
    for step in steps:
        if step["id"] not in expert:
            continue
        for choice in step["choices"]:
            if not choice["expert"] and choice["learners"] and (departure is None or choice["learners"] > departure["learners"]):
                departure = {"step": step["id"], "step_title": step["title"], "choice": choice["id"],
                             "label": choice["label"], "learners": choice["learners"]}
    paths = []
    stale_paths = 0
    for parts, times in top_paths:
        decisions = [(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]
        current = (parts[-1] in ending_ids if parts else False) and all(
            scenario.step(step) is not None and scenario.step(step).choice(choice) is not None for step, choice in decisions)
        if not current:
            stale_paths += 1
            continue
        if len(paths) < TOP_PATHS and times > 0:
            paths.append({"decisions": [{"step": step, "choice": choice,
                                         "label": text(scenario.step(step).choice(choice).label)}
                                        for step, choice in decisions],
                          "ending": parts[-1], "ending_title": text(scenario.ending(parts[-1]).title), "attempts": times})
    known_choices = {(step.id, choice.id) for step in scenario.steps for choice in step.choices}
    set_aside = {
        "steps": sorted({parts[0] for (kind, parts), n in counts.items()
                         if kind in ("reached", "looped", "stopped") and n > 0 and parts[0] not in step_ids}),
        "choices": sorted({"/".join(parts) for (kind, parts), n in counts.items()
                           if kind == "took" and n > 0 and parts not in known_choices and parts[0] in step_ids}),
        "endings": sorted({parts[0] for (kind, parts), n in counts.items()
                           if kind == "ending" and n > 0 and parts[0] not in ending_ids}),
        "paths": stale_paths,
    }
    return {
        "learners": {"started": count("learners", "started"), "finished": count("learners", "finished")},
        "steps": steps,
        "endings": endings,
        "scores": scores,
        "paths": paths,
        "departure": departure,
        "set_aside": set_aside,
    }


def csv_rows(figures, gettext=str, safe=str):
    """The report `figures` as CSV rows of counts (staff only); `safe` makes a text cell safe in spreadsheets."""
    _ = gettext
    rows = [[_("Figure"), _("Step"), _("Choice or ending"), _("Title"), _("Learners"), _("Share")]]
    rows.append([_("Learners who started"), "", "", "", figures["learners"]["started"], ""])
    rows.append([_("Learners who finished"), "", "", "", figures["learners"]["finished"], ""])
    for step in figures["steps"]:
        rows.append([_("Reached the step"), safe(step["id"]), "", safe(step["title"]), step["reached"], ""])
        for choice in step["choices"]:
            rows.append([_("Took the choice"), safe(step["id"]), safe(choice["id"]), safe(choice["label"]),
                         choice["learners"], f'{choice["share"]:.4f}'])
        rows.append([_("Came back to the step"), safe(step["id"]), "", safe(step["title"]), step["looped"], ""])
        rows.append([_("Stopped at the step, never finished"), safe(step["id"]), "", safe(step["title"]), step["stopped"], ""])
    for ending in figures["endings"]:
        rows.append([_("Reached the ending"), "", safe(ending["id"]), safe(ending["title"]), ending["learners"], ""])
    for decile in figures["scores"]["deciles"]:
        band = f'{decile["from"]}-{decile["to"]}%'
        rows.append([_("First attempt scored"), "", "", band, decile["first"], ""])
        rows.append([_("Best attempt scored"), "", "", band, decile["best"], ""])
    return rows
