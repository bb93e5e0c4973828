"""Layered left-to-right layout of a scenario map: columns by depth from the start, loops as back edges.

Pure: takes a `graph.Scenario` (or anything with the same attributes) and returns plain data the
Studio editor draws as SVG. The method is the usual one for flow charts (Sugiyama): break cycles
by a depth-first search from the start (an edge to a step still on the search stack is a back
edge), put every node one column after its furthest predecessor (longest path), then reduce
crossings by a few sweeps ordering each column by the mean row of its neighbours. An arrow that
spans several columns gets a free slot in each column it crosses (a "dummy" node), so it runs
between boxes, never through one; its `via` lists those slots.

Size. Every step is linear in the boxes and arrows except those slots: an arrow spanning k columns
needs k - 1 of them, so a long chain whose every step has a way out to one ending would need a
number of slots quadratic in its length (2,000 steps: two million). The slots are therefore shared
out within a budget linear in the size of the scenario (`slot_budget`), shortest arrows first;
an arrow that does not fit is drawn straight from its source to its target (`straight`), over any
box in between. Scenarios of ordinary size never reach the budget, so their maps are unchanged.

Beyond MAX_BOXES steps and endings or MAX_ARROWS choices a map is too large to read or to send
to the editor page (500 columns are some 170,000 pixels wide): `layout` then answers an empty
layout marked `omitted`, and the editor offers the outline only (docs/SCENARIO_EDITOR.md).
"""
from dataclasses import dataclass

__all__ = ["MAX_ARROWS", "MAX_BOXES", "Arrow", "Box", "Layout", "layout", "slot_budget"]

BOX_WIDTH = 184
BOX_HEIGHT = 60
COLUMN_GAP = 150
ROW_GAP = 36
MARGIN = 24
SWEEPS = 4
SLOTS_PER_ELEMENT = 2
MAX_BOXES = 500
MAX_ARROWS = 2500
MIN_SLOTS = 5000


@dataclass(frozen=True)
class Box:
    """A step or ending placed on the map: its column (layer), its row in the column, and its position."""

    id: str
    kind: str
    layer: int
    row: int
    x: int
    y: int


@dataclass(frozen=True)
class Arrow:
    """A choice drawn from one box to another; `back` when it closes a loop (drawn right to left).

    `via` holds, for an arrow spanning several columns, the (x, y) top-left corner of the free slot
    it crosses in each intermediate column; `straight` marks a forward arrow spanning several
    columns that got no slots (the slot budget was spent) and runs straight to its target.
    """

    source: str
    choice: str
    target: str
    back: bool
    via: tuple = ()
    straight: bool = False


@dataclass(frozen=True)
class Layout:
    """The placed boxes, the arrows between them, and the size of the drawing.

    `omitted`: the scenario is too large for a map (see the module docstring); nothing is placed.
    """

    boxes: tuple
    arrows: tuple
    width: int
    height: int
    omitted: bool = False

    def to_dict(self):
        """JSON-safe form for the editor."""
        return {
            "boxes": [{"id": box.id, "kind": box.kind, "layer": box.layer, "row": box.row, "x": box.x, "y": box.y}
                      for box in self.boxes],
            "arrows": [{"source": arrow.source, "choice": arrow.choice, "target": arrow.target, "back": arrow.back,
                        "via": [list(slot) for slot in arrow.via], "straight": arrow.straight}
                       for arrow in self.arrows],
            "width": self.width,
            "height": self.height,
            "box": {"width": BOX_WIDTH, "height": BOX_HEIGHT},
            "omitted": self.omitted,
        }


def layout(scenario, bounded=True, slots=None):
    """Place the steps and endings of `scenario` in columns from left to right; see the module docstring.

    Choices whose target does not exist are left out (the editor lists them as problems); a
    repeated id is placed once, at its first occurrence. When `bounded`, a scenario with more than
    MAX_BOXES steps and endings or MAX_ARROWS choices gets an empty layout marked `omitted`.
    `slots` is the slot budget, by default `slot_budget` of the scenario's size.
    """
    kinds, order = _nodes(scenario)
    edges = _edges(scenario, kinds)
    if bounded and (len(order) > MAX_BOXES or len(edges) > MAX_ARROWS):
        return Layout((), (), 0, 0, omitted=True)
    start = scenario.start_id if scenario.start_id in kinds else (order[0] if order else None)
    back = _back_edges(order, edges, start)
    forward = [edge for edge in edges if edge not in back]
    layers = _layers(order, forward)
    budget = slot_budget(len(order), len(edges)) if slots is None else slots
    placed, links, chains, straight = _with_dummies(order, layers, forward, budget)
    rows = _order_columns(placed, layers, links)

    def corner(node):
        return (MARGIN + layers[node] * (BOX_WIDTH + COLUMN_GAP), MARGIN + rows[node] * (BOX_HEIGHT + ROW_GAP))

    boxes = tuple(Box(node, kinds[node], layers[node], rows[node], *corner(node)) for node in order)
    arrows = tuple(Arrow(*edge, edge in back, tuple(corner(dummy) for dummy in chains.get(edge, ())),
                         edge in straight)
                   for edge in edges)
    columns = max(layers.values(), default=-1) + 1
    depth = max(rows.values(), default=-1) + 1
    width = 2 * MARGIN + max(columns * (BOX_WIDTH + COLUMN_GAP) - COLUMN_GAP, 0)
    height = 2 * MARGIN + max(depth * (BOX_HEIGHT + ROW_GAP) - ROW_GAP, 0) + (ROW_GAP if back else 0)
    return Layout(boxes, arrows, width, height)


def _nodes(scenario):
    kinds, order = {}, []
    for kind, nodes in (("step", scenario.steps), ("ending", scenario.endings)):
        for node in nodes:
            if node.id not in kinds:
                kinds[node.id] = kind
                order.append(node.id)
    return kinds, order


def _edges(scenario, kinds):
    seen, edges = set(), []
    for step in scenario.steps:
        if step.id in seen:
            continue
        seen.add(step.id)
        edges.extend((step.id, choice.id, choice.to) for choice in step.choices if choice.to in kinds)
    return edges


def _back_edges(order, edges, start):
    """Edges that reach a node still on the depth-first stack, searching from the start first."""
    successors = {node: [] for node in order}
    for edge in edges:
        successors[edge[0]].append(edge)
    state = {}  # node -> "open" while on the stack, "done" after
    back = set()
    roots = ([start] if start else []) + order
    for root in roots:
        if root in state:
            continue
        state[root] = "open"
        stack = [(root, iter(successors[root]))]
        while stack:
            node, pending = stack[-1]
            edge = next(pending, None)
            if edge is None:
                state[node] = "done"
                stack.pop()
                continue
            target = edge[2]
            if state.get(target) == "open":
                back.add(edge)
            elif target not in state:
                state[target] = "open"
                stack.append((target, iter(successors[target])))
    return back


def _layers(order, forward):
    """Longest-path layering of the acyclic forward edges (Kahn's topological order)."""
    incoming = {node: 0 for node in order}
    successors = {node: [] for node in order}
    for source, _, target in forward:
        successors[source].append(target)
        incoming[target] += 1
    layers = {node: 0 for node in order}
    ready = [node for node in order if incoming[node] == 0]
    while ready:
        node = ready.pop()
        for target in successors[node]:
            layers[target] = max(layers[target], layers[node] + 1)
            incoming[target] -= 1
            if incoming[target] == 0:
                ready.append(target)
    return layers


def slot_budget(nodes, arrows):
    """How many free slots (dummy nodes) a map of `nodes` boxes and `arrows` arrows may use: linear in its size."""
    return max(MIN_SLOTS, SLOTS_PER_ELEMENT * (nodes + arrows))


def _with_dummies(order, layers, forward, budget):
    """Slot a dummy node into every column a forward edge crosses, within `budget` dummies in all.

    Returns (nodes, links, edge -> dummies, edges left straight). When the budget does not cover
    every edge, the shortest edges get their dummies first; an edge left out is linked directly
    (for the ordering of the columns) and drawn straight.
    """
    slots, links, chains = list(order), [], {}
    needs = [layers[target] - layers[source] - 1 for source, _, target in forward]
    routed = range(len(forward))
    if sum(needs) > budget:
        routed = set()
        for number in sorted(range(len(forward)), key=needs.__getitem__):
            if needs[number] > budget:
                break
            budget -= needs[number]
            routed.add(number)
    for number, edge in enumerate(forward):
        source, _, target = edge
        if number not in routed:
            links.append((source, None, target))
            continue
        previous, chain = source, []
        for layer in range(layers[source] + 1, layers[target]):
            dummy = ("via", number, layer)  # a tuple never equals an author's string id
            layers[dummy] = layer
            slots.append(dummy)
            chain.append(dummy)
            links.append((previous, None, dummy))
            previous = dummy
        links.append((previous, None, target))
        if chain:
            chains[edge] = chain
    # an edge repeated (a choice id given twice to the same target) is drawn along its routed copy
    straight = {edge for number, edge in enumerate(forward) if number not in routed} - set(chains)
    return slots, links, chains, straight


def _order_columns(order, layers, forward):
    """Row of each node in its column: author order first, then barycentre sweeps left-right and back."""
    position = {node: index for index, node in enumerate(order)}
    columns = {}
    for node in order:
        columns.setdefault(layers[node], []).append(node)
    predecessors = {node: [] for node in order}
    successors = {node: [] for node in order}
    for source, _, target in forward:
        successors[source].append(target)
        predecessors[target].append(source)
    rows = {}
    for column in columns.values():
        rows.update({node: row for row, node in enumerate(column)})
    keys = sorted(columns)
    for sweep in range(SWEEPS):
        neighbours, sequence = (predecessors, keys[1:]) if sweep % 2 == 0 else (successors, keys[-2::-1])
        for key in sequence:
            column = columns[key]
            column.sort(key=lambda node, nb=neighbours: (_barycentre(node, nb, rows), position[node]))
            rows.update({node: row for row, node in enumerate(column)})
    return rows


def _barycentre(node, neighbours, rows):
    linked = neighbours[node]
    if not linked:
        return rows[node]
    return sum(rows[other] for other in linked) / len(linked)
