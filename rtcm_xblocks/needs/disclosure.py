"""Disclosure control: which groups a release of exact cohort figures may show, and when a new release may replace the last.

The threat. A staff member sees every report over time, knows some colleagues' profiles (their
country and agency) and can add and subtract. Every figure we publish for a *cell* (the whole
cohort, one country, one agency) is an exact sum over the cell's respondents — a count, Σ
importance, Σ proficiency per competency — so any linear combination Σ λ_c · cell_c can be
computed, and it equals Σ_i w_i · x_i over respondents, where the weight w_i depends only on the
respondent's *atom*: their pair of answers (country or none, agency or none).

The guarantee (with k = `min_group_size`):

1. **Within a release** every linear combination of the published cells, with any coefficients,
   is either zero on every respondent or involves at least k respondents. Nobody (and no group of
   fewer than k) can be isolated, whatever is added and subtracted.
2. **Between releases** figures only move in batches: a new release replaces the last one only
   when at least k learners have changed (a first submission, a resubmission that changed
   anything, a withdrawal), the groups shown before stay shown (they are never withdrawn, so an
   old figure cannot be differenced against a group that disappeared), a group shown for the
   first time must also pass the audit of 1 on the previous release's respondents, and the
   difference of the two releases, seen as a cohort of changes, passes the same audit as 1: any
   combination of the differences of the shown cells involves at least k changed learners. The
   difference with every earlier release passes it too, over the net changes since that release
   (a learner who joined and left in between changed nothing). Together: no combination of the
   figures two releases both show isolates fewer than k learners, nor of all the figures of two
   successive releases (searched exhaustively by the property tests; proved for one release).

Why it holds. The weights a combination can give the atoms form a vector space; a set S of atoms
can be isolated exactly when removing S's columns lowers the rank of the cell × atom matrix (S
holds a *cocircuit*). For the whole cohort plus two groupings that space is the cut space of a
bipartite graph: one vertex per shown country and per shown agency, one vertex "no shown country"
and one "no shown agency", and one edge per atom between its country's and its agency's vertex
(a suppressed group simply merges into its "no shown …" vertex). The combinations that isolate
the fewest respondents are therefore the minimum cuts of that graph, weighted by the atoms'
sizes, which `smallest_isolation` finds exactly (Stoer–Wagner, per connected component). Where a
cut is lighter than k, `groups_to_show` withholds the smallest group whose withholding removes
that cut, and repeats: the classic complementary suppression, audited over every grouping
together instead of one grouping at a time.

Limits (also in docs/NEEDS_API.md). Exact sums over k people still reveal a value they all share
(a unanimous group); k − 1 colluding respondents who tell the staff member their own answers can
isolate the k-th; a change that nets to nothing (a resubmission reverted later) still counts as a
change of its batch. A group shown for the first time is audited as if shown in the last
release only: against an older one in which it was withheld, and whose members have not changed
since, it can undo that withholding (auditing it against every earlier release would withhold
forever every group once below k). Three releases or more can still be combined, in histories where a learner
changed in two batches in a row while others joined and left to match (release 1 − release 2 +
release 3 leaves that learner's submissions only): the lightest combination over many releases is
the lightest cocircuit of a cells × versions matrix that is no longer a graph's, for which no
exact audit is known at this size; see the tests'
`test_three_reports_around_a_learner_who_changed_in_two_batches_in_a_row` and docs/NEEDS_API.md.

Pure: plain data in and out, nothing of XBlock or Django. Later analytics that publish cells of
the same two groupings (per-scenario figures by country and agency, a cross-course roadmap)
reuse `plan_release` and `groups_to_show` with their own atoms.
"""
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Decision", "changed_learners", "groups_to_show", "plan_release", "smallest_isolation"]

_SIDES = (0, 1)  # the two groupings' positions in an atom


@dataclass(frozen=True)
class Decision:
    """What a release may publish: `shown` groups as (grouping index, value) pairs, or None with a `reason`.

    `reason` is None when a release is made, else "too_few" (the whole cohort is smaller than k),
    "batch" (fewer than k learners changed since the last release) or "held" (the changes cannot
    be released yet without isolating someone: figures stay as of the last release).
    """

    shown: frozenset = None
    reason: str = None


def _vertex(side, value, shown):
    return (side, value if value is not None and (side, value) in shown else None)


def _graph(atoms, shown):
    """The bipartite graph whose cuts are the combinations of the shown cells: {vertex: {vertex: weight}}."""
    graph = {}
    for atom, weight in atoms.items():
        if weight <= 0:
            continue
        left, right = _vertex(0, atom[0], shown), _vertex(1, atom[1], shown)
        graph.setdefault(left, {})
        graph.setdefault(right, {})
        graph[left][right] = graph[left].get(right, 0) + weight
        graph[right][left] = graph[right].get(left, 0) + weight
    return graph


def _components(graph):
    seen = set()
    for start in graph:
        if start in seen:
            continue
        component, todo = {start}, [start]
        while todo:
            for neighbour in graph[todo.pop()]:
                if neighbour not in component:
                    component.add(neighbour)
                    todo.append(neighbour)
        seen |= component
        yield component


def _minimum_cut(graph, vertices):
    """Stoer–Wagner on the connected subgraph `vertices`: (weight, one side as a set of vertices)."""
    merged = {v: {v} for v in vertices}
    weights = {v: {u: w for u, w in graph[v].items() if u in vertices} for v in vertices}
    best = (None, None)
    active = sorted(vertices, key=repr)
    while len(active) > 1:
        order = [active[0]]
        attached = {v: weights[active[0]].get(v, 0) for v in active[1:]}
        while attached:
            nearest = max(attached, key=lambda v: (attached[v], repr(v)))
            cut_of_phase = attached.pop(nearest)
            order.append(nearest)
            for v in attached:
                attached[v] += weights[nearest].get(v, 0)
        last, before = order[-1], order[-2]
        if best[0] is None or cut_of_phase < best[0]:
            best = (cut_of_phase, set(merged[last]))
        merged[before] |= merged.pop(last)
        for v, w in weights.pop(last).items():
            if v == before:
                continue
            weights[v].pop(last, None)
            weights[before][v] = weights[before].get(v, 0) + w
            weights[v][before] = weights[before][v]
        weights[before].pop(last, None)
        active.remove(last)
    return best


def smallest_isolation(atoms, shown):
    """The lightest set of respondents some combination of the cells can isolate: (weight, side) or None.

    `atoms` maps (value of grouping 0 or None, value of grouping 1 or None) to a weight (respondents,
    or changed learners); the whole cohort and the `shown` groups ((grouping index, value) pairs)
    are published. `side` is one side of the minimum cut, as graph vertices (grouping index,
    value or None for "no shown group"). None when no combination isolates anyone.
    """
    graph = _graph(atoms, shown)
    best = None
    for component in _components(graph):
        if len(component) < 2:
            continue
        cut = _minimum_cut(graph, component)
        if best is None or cut[0] < best[0]:
            best = cut
    return best


def _group_sizes(atoms):
    sizes = {}
    for atom, weight in atoms.items():
        for side in _SIDES:
            if atom[side] is not None and weight > 0:
                sizes[(side, atom[side])] = sizes.get((side, atom[side]), 0) + weight
    return sizes


def groups_to_show(atoms, min_group_size, keep=frozenset()):
    """The groups a release may show (a frozenset of (grouping index, value)), or None if a group of `keep` would have to go.

    Every group smaller than `min_group_size` is withheld; then, while some combination of the
    whole cohort and the shown groups isolates fewer than `min_group_size` respondents, the
    smallest shown group that takes part in that combination is withheld too (groups of `keep`
    last: if one of them would have to go, the answer is None); finally each group withheld that
    way is given back, largest first, if showing it isolates no one, so that no single withheld
    group could be shown as well.
    """
    sizes = _group_sizes(atoms)
    if any(0 < sizes.get(group, 0) < min_group_size for group in keep):
        return None
    # A kept group that lost all its members stays published, as an empty cell.
    shown = {group for group, size in sizes.items() if size >= min_group_size} | set(keep)
    withheld = []
    if all(weight >= min_group_size for weight in atoms.values() if weight > 0):
        return frozenset(shown)  # every cut holds at least one whole cell of k or more
    while True:
        found = smallest_isolation(atoms, shown)
        if found is None or found[0] >= min_group_size:
            break
        weight, side = found
        # Withholding a group merges it into its "no shown group" vertex: that kills this cut
        # exactly when the two lie on opposite sides of it.
        crossing = [group for group in shown if (group in side) != ((group[0], None) in side)]
        movable = [group for group in crossing if group not in keep]
        if not movable:
            return None
        group = min(movable, key=lambda group: (sizes.get(group, 0), group[0], str(group[1])))
        shown.discard(group)
        withheld.append(group)
    # Greedy withholding can take more than needed: give back, largest first, what is safe again.
    for group in sorted(withheld, key=lambda group: (-sizes.get(group, 0), group[0], str(group[1]))):
        found = smallest_isolation(atoms, shown | {group})
        if found is None or found[0] >= min_group_size:
            shown.add(group)
    return frozenset(shown)


def changed_learners(changes):
    """How many learners changed, from (before atom or None, after atom or None) pairs (None: no submission)."""
    return sum(1 for before, after in changes if before is not None or after is not None)


def _change_weights(changes):
    """Twice the changed learners per atom: a learner who moved between atoms counts half in each.

    `changes` is a list of (before, after) pairs, one per learner, or a mapping of such pairs to
    how many learners made them.
    """
    weights = {}
    counted = changes.items() if isinstance(changes, Mapping) else ((change, 1) for change in changes)
    for (before, after), learners in counted:
        if before is None and after is None:
            continue
        if before == after or before is None or after is None:
            ends = [before if after is None else after]
            share = 2
        else:
            ends, share = [before, after], 1
        for atom in ends:
            weights[atom] = weights.get(atom, 0) + share * learners
    return weights


def _isolates(atoms, shown, threshold):
    found = smallest_isolation(atoms, shown)
    return found is not None and found[0] < threshold


def plan_release(atoms, changes, shown_before, min_group_size, atoms_before=None, earlier=()):
    """Whether the current state may be released now, and with which groups (a `Decision`).

    `atoms`: the current respondents per atom; `changes`: (before, after) atom pairs of every
    learner changed since the last release; `shown_before` and `atoms_before`: the groups the last
    release showed and its respondents per atom (None when there was none). A group shown for
    the first time must pass the audit on the last release's respondents too, as if it had been
    shown then: the two releases together then tell no more than two releases of the same groups,
    each audited, whose difference is audited as well. `earlier` holds, for every release before
    the last, the net changes since it: {(atom then, atom now): learners} over the learners whose
    submission differs between that release and now (None: absent), so that a learner who came and
    went in between counts for nothing. The difference with each of them must pass the same audit,
    so that the figures two releases both show, successive or not, cannot be set against each other.
    """
    if sum(weight for weight in atoms.values() if weight > 0) < min_group_size:
        return Decision(reason="too_few")
    if shown_before is None:
        shown = groups_to_show(atoms, min_group_size)
        return Decision(reason="held") if shown is None else Decision(shown=shown)
    if changed_learners(changes) < min_group_size:
        return Decision(reason="batch")
    shown = groups_to_show(atoms, min_group_size, keep=shown_before)
    if shown is None:
        return Decision(reason="held")
    differences = [_change_weights(changes)] + [_change_weights(since) for since in earlier]
    for candidate in (shown, frozenset(shown_before)):
        if any(_isolates(weights, candidate, 2 * min_group_size) for weights in differences):
            continue
        if candidate != shown_before and _isolates(atoms_before or {}, candidate, min_group_size):
            continue
        return Decision(shown=candidate)
    return Decision(reason="held")
