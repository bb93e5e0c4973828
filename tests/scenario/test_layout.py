"""The map layout: columns left to right by depth from the start, loops as back edges, no overlaps."""
from hypothesis import given, settings
from hypothesis import strategies as st

from rtcm_xblocks.scenario.graph import Choice, Ending, Scenario, Step
from rtcm_xblocks.scenario.layout import BOX_HEIGHT, BOX_WIDTH, layout


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
