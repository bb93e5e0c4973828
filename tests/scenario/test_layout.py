"""The map layout: columns left to right by depth from the start, loops as back edges, no overlaps.

At scale: the free slots long arrows run through stay within a budget linear in the scenario's
size, and a scenario too large for a map gets none (counted structurally, never timed).
"""
from hypothesis import given, settings
from hypothesis import strategies as st

import json

from rtcm_xblocks.scenario.graph import Choice, Ending, Scenario, Step
from rtcm_xblocks.scenario.layout import BOX_HEIGHT, BOX_WIDTH, MAX_ARROWS, MAX_BOXES, layout, slot_budget
from tests.scenario.large import dense, exit_chain


def _scenario(edges, endings=("end",), start=None):
    """Steps named by `edges` keys, each with choices to the listed targets."""
    steps = tuple(Step(node, node.title(), choices=tuple(Choice(f"c{i}", f"go {to}", to)
                                                         for i, to in enumerate(targets)))
                  for node, targets in edges.items())
    return Scenario(steps=steps, endings=tuple(Ending(node, node) for node in endings), start=start)


def _boxes(result):
    return {box.id: box for box in result.boxes}


def test_a_chain_runs_left_to_right_one_column_per_step():
    result = layout(_scenario({"a": ["b"], "b": ["c"], "c": ["end"]}))
    boxes = _boxes(result)
    assert [boxes[node].layer for node in ("a", "b", "c", "end")] == [0, 1, 2, 3]
    assert boxes["a"].x < boxes["b"].x < boxes["c"].x < boxes["end"].x
    assert not any(arrow.back for arrow in result.arrows)


def test_a_step_sits_one_column_after_its_furthest_predecessor():
    boxes = _boxes(layout(_scenario({"a": ["b", "c"], "b": ["c"], "c": ["end"]})))
    assert boxes["c"].layer == 2
    assert boxes["end"].layer == 3


def test_a_loop_back_to_an_earlier_step_is_drawn_as_a_back_edge():
    result = layout(_scenario({"a": ["b"], "b": ["a", "end"]}))
    back = [arrow for arrow in result.arrows if arrow.back]
    assert [(arrow.source, arrow.target) for arrow in back] == [("b", "a")]
    assert _boxes(result)["a"].layer < _boxes(result)["b"].layer


def test_a_step_choosing_itself_is_a_back_edge():
    result = layout(_scenario({"a": ["a", "end"]}))
    assert [(arrow.source, arrow.target, arrow.back) for arrow in result.arrows] == [("a", "a", True),
                                                                                      ("a", "end", False)]


def test_the_start_step_is_in_the_first_column_even_when_it_is_not_listed_first():
    boxes = _boxes(layout(_scenario({"x": ["end"], "s": ["x"]}, start="s")))
    assert boxes["s"].layer == 0
    assert boxes["x"].layer == 1


def test_choices_to_missing_targets_are_left_out_and_repeated_ids_placed_once():
    scenario = Scenario(steps=(Step("a", "A", choices=(Choice("1", "x", "nowhere"), Choice("2", "y", "end"))),
                               Step("a", "again")),
                        endings=(Ending("end", "End"),))
    result = layout(scenario)
    assert [box.id for box in result.boxes] == ["a", "end"]
    assert [(arrow.source, arrow.target) for arrow in result.arrows] == [("a", "end")]


def test_an_empty_scenario_has_an_empty_layout():
    result = layout(Scenario())
    assert result.boxes == () and result.arrows == ()
    assert result.to_dict()["box"] == {"width": BOX_WIDTH, "height": BOX_HEIGHT}


def test_one_hundred_and_fifty_steps_with_loops_lay_out_quickly():
    edges = {f"s{i}": [f"s{i + 1}" if i < 149 else "end", f"s{max(i - 3, 0)}", f"s{min(i + 7, 149)}"]
             for i in range(150)}
    result = layout(_scenario(edges))
    assert len(result.boxes) == 151
    assert len({(box.x, box.y) for box in result.boxes}) == 151


@st.composite
def _graphs(draw):
    count = draw(st.integers(1, 12))
    nodes = [f"n{i}" for i in range(count)] + ["end1", "end2"]
    edges = {f"n{i}": draw(st.lists(st.sampled_from(nodes), max_size=3)) for i in range(count)}
    return _scenario(edges, endings=("end1", "end2"))


@settings(max_examples=150, deadline=None)
@given(_graphs())
def test_every_forward_arrow_goes_right_and_no_two_boxes_overlap(scenario):
    result = layout(scenario)
    boxes = _boxes(result)
    for arrow in result.arrows:
        if not arrow.back:
            assert boxes[arrow.target].layer > boxes[arrow.source].layer
    assert len({(box.x, box.y) for box in result.boxes}) == len(result.boxes)
    for box in result.boxes:
        assert 0 <= box.x and box.x + BOX_WIDTH <= result.width
        assert 0 <= box.y and box.y + BOX_HEIGHT <= result.height
    # a back edge closes a loop: its source can be reached again from its target
    for arrow in result.arrows:
        if arrow.back:
            assert arrow.source in _reachable(result.arrows, arrow.target)


def _reachable(arrows, source):
    seen, todo = {source}, [source]
    while todo:
        node = todo.pop()
        for arrow in arrows:
            if arrow.source == node and arrow.target not in seen:
                seen.add(arrow.target)
                todo.append(arrow.target)
    return seen


# --- at scale ------------------------------------------------------------------------------------


def _slots(result):
    return sum(len(arrow.via) for arrow in result.arrows)


def test_a_long_chain_with_a_way_out_at_every_step_uses_slots_linear_in_its_size():
    # each "give up" arrow spans the columns up to the last one: routed in full, 450 steps would need
    # about 100,000 slots; within the budget the shortest arrows are routed and the rest run straight
    scenario = exit_chain(450)
    result = layout(scenario)
    arrows = len(result.arrows)
    assert _slots(result) <= slot_budget(len(result.boxes), arrows) == slot_budget(452, 900)
    assert len(json.dumps(result.to_dict())) <= 250 * (len(result.boxes) + arrows)
    straight = [arrow for arrow in result.arrows if arrow.straight]
    assert straight and all(not arrow.via and arrow.target == "gave-up" for arrow in straight)
    boxes = _boxes(result)
    assert [boxes[f"s{number}"].layer for number in range(450)] == list(range(450))


def test_the_shortest_arrows_get_the_slots_first():
    result = layout(exit_chain(450))
    routed = [int(arrow.source[1:]) for arrow in result.arrows if arrow.target == "gave-up" and not arrow.straight]
    left = [int(arrow.source[1:]) for arrow in result.arrows if arrow.straight]
    assert min(routed) > max(left)  # the give-up arrows from the last steps, the shortest, are routed


def test_an_arrow_spanning_one_column_is_never_left_straight():
    result = layout(exit_chain(5), slots=0)
    boxes = _boxes(result)
    for arrow in result.arrows:
        assert arrow.straight == (not arrow.back and boxes[arrow.target].layer - boxes[arrow.source].layer > 1)


def test_a_densely_connected_scenario_uses_slots_linear_in_its_size():
    result = layout(dense(40))  # 40 steps, 1,600 choices: every arrow between steps but one closes a loop
    assert len(result.boxes) == 41
    assert _slots(result) <= slot_budget(41, len(result.arrows))


def test_a_scenario_too_large_for_a_map_gets_an_empty_layout_marked_omitted():
    for scenario in (exit_chain(MAX_BOXES), dense(51)):  # MAX_BOXES + 2 boxes; 51 × 51 > MAX_ARROWS choices
        result = layout(scenario)
        assert result.omitted and result.boxes == () and result.arrows == ()
        assert result.to_dict()["omitted"] is True
        assert not layout(scenario, bounded=False).omitted
    assert len(layout(dense(50)).arrows) == MAX_ARROWS  # 50 × 50 choices: still drawn
    assert not layout(exit_chain(MAX_BOXES - 2)).omitted


@st.composite
def _wide_graphs(draw):
    """Random scenarios whose arrows may span many columns (a backbone chain plus arbitrary choices)."""
    count = draw(st.integers(1, 30))
    nodes = [f"n{i}" for i in range(count)] + ["end1", "end2"]
    edges = {f"n{i}": [f"n{i + 1}" if i + 1 < count else "end1"] + draw(st.lists(st.sampled_from(nodes), max_size=4))
             for i in range(count)}
    return _scenario(edges, endings=("end1", "end2"))


@settings(max_examples=150, deadline=None)
@given(_wide_graphs(), st.integers(0, 60))
def test_under_any_slot_budget_every_node_is_placed_once_on_its_own_place_and_arrows_join_placed_boxes(
        scenario, slots):
    result = layout(scenario, slots=slots)
    ids = [box.id for box in result.boxes]
    assert len(ids) == len(set(ids)) == len({node.id for node in scenario.steps + scenario.endings})
    boxes = _boxes(result)
    places = [(box.x, box.y) for box in result.boxes] + [slot for arrow in result.arrows for slot in arrow.via]
    assert len(places) == len(set(places))  # no box or slot shares a place with another
    assert _slots(result) <= slots
    for arrow in result.arrows:
        assert arrow.source in boxes and arrow.target in boxes
        span = boxes[arrow.target].layer - boxes[arrow.source].layer
        if arrow.back:
            assert not arrow.via and not arrow.straight
        else:
            assert span >= 1
            assert len(arrow.via) == (0 if arrow.straight else span - 1)
            assert arrow.straight <= (span > 1)
            columns = [boxes[arrow.source].x] + [x for x, _ in arrow.via] + [boxes[arrow.target].x]
            assert columns == sorted(set(columns))  # one slot in each column crossed, left to right
    for x, y in places:
        assert 0 <= x and x + BOX_WIDTH <= result.width
        assert 0 <= y and y + BOX_HEIGHT <= result.height


@settings(max_examples=100, deadline=None)
@given(_wide_graphs())
def test_a_map_within_the_budget_is_the_same_whatever_the_budget_and_on_every_call(scenario):
    # positions are stable: the budget changes nothing on a scenario of ordinary size
    assert layout(scenario) == layout(scenario, slots=10 ** 9) == layout(scenario)


def test_a_choice_repeated_to_the_same_target_is_drawn_once_routed_whatever_the_budget():
    # a -> end spans two columns (a -> b -> end is longer): each copy needs a slot, and a budget of 1 routes one
    step = Step("a", "A", choices=(Choice("c", "x", "end"), Choice("c", "y", "end"), Choice("d", "z", "b")))
    scenario = Scenario(steps=(step, Step("b", "B", choices=(Choice("e", "on", "end"),))),
                        endings=(Ending("end", "E"),))
    for slots in range(3):
        result = layout(scenario, slots=slots)
        twins = [arrow for arrow in result.arrows if arrow.choice == "c"]
        assert all(not (arrow.straight and arrow.via) for arrow in twins)
        assert twins[0] == twins[1]
