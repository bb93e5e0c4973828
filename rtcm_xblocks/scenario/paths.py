"""Best walks in a directed graph whose cycles carry no positive weight: the algorithms under scoring.

Pure Python. `components` finds the strongly connected components (Tarjan, iterative); `best_walks`
the best total of a walk from given sources to every node. The scenario's plain graph of steps
and choices uses them (`graph`), and so does the graph of a simulation's states (`simulation`),
whose nodes are (step, values of the variables).
"""
import heapq
from itertools import count

__all__ = ["NEG_INF", "best_walks", "components"]

NEG_INF = float("-inf")


def components(nodes, adjacency):
    """Tarjan's strongly connected components (iterative): node -> component number.

    Components are numbered in reverse topological order: every edge between two components goes
    from a higher number to a lower one.
    """
    index, low, on_stack, stack, component = {}, {}, set(), [], {}
    counter = count()
    number = 0
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = next(counter)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(adjacency[root]))]
        while work:
            node, targets = work[-1]
            advanced = False
            for target in targets:
                if target not in index:
                    index[target] = low[target] = next(counter)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(adjacency[target])))
                    advanced = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = number
                    if member == node:
                        break
                number += 1
    return component


def best_walks(nodes, adjacency, sources, component=None):
    """The best total of a walk from any source to every node: node -> total (-inf if unreachable).

    `adjacency[u]` lists `(v, weight)`; `sources` maps a node to the total a walk starting there
    already has. Requires that no cycle has positive total weight and that every edge inside a
    strongly connected component weighs <= 0 (true once positive loop edges are removed). Then the
    components are processed in topological order: inside one, the best walk between two members
    is a shortest path on the negated (non-negative) weights, found with a multi-source Dijkstra;
    edges leaving it carry the totals on to later components. `component` is `components` of
    `adjacency`, when the caller has it already.
    """
    if component is None:
        component = components(nodes, {u: [v for v, _ in out] for u, out in adjacency.items()})
    members = {}
    for node in nodes:
        members.setdefault(component[node], []).append(node)
    best = {node: NEG_INF for node in nodes}
    entry = {node: NEG_INF for node in nodes}
    for node, total in sources.items():
        entry[node] = max(entry[node], total)
    for number in sorted(members, reverse=True):
        group = members[number]
        cost = {node: -entry[node] for node in group if entry[node] > NEG_INF}
        heap = [(distance, position, node) for position, (node, distance) in enumerate(cost.items())]
        heapq.heapify(heap)
        tie = count(len(heap))
        done = set()
        while heap:
            distance, _, node = heapq.heappop(heap)
            if node in done:
                continue
            done.add(node)
            best[node] = -distance
            for target, weight in adjacency[node]:
                if component[target] != number or target in done:
                    continue
                candidate = distance - weight
                if candidate < cost.get(target, float("inf")):
                    cost[target] = candidate
                    heapq.heappush(heap, (candidate, next(tie), target))
        for node in group:
            if best[node] == NEG_INF:
                continue
            for target, weight in adjacency[node]:
                if component[target] != number:
                    entry[target] = max(entry[target], best[node] + weight)
    return best
