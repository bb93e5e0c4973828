"""OLX of simulations: variables, characters, variants, media, dialogue, hints, time limits, conditions, effects and
competency points are read, refused with a clear error when wrong, and written back without loss."""
import pytest

from rtcm_xblocks.scenario import olx
from rtcm_xblocks.scenario.model import Effect, Media, Variable
from tests.scenario.simulations import interview


def parse(text):
    return olx.parse_scenario_string(text)[1]


def test_every_part_of_a_simulation_is_read():
    scenario = parse(interview())
    assert scenario.variables[0] == Variable("trust", "number", 0, 0, 3, "Her trust in you", True)
    assert scenario.variables[1] == Variable("papers_seen", "flag", False, label="", shown=False)
    assert scenario.character("dana").portrait == "/static/dana.svg"
    meet, talk = scenario.steps
    assert meet.hint.cost == 1 and "Who answers" in meet.hint.body
    assert [line.by for line in meet.lines] == ["officer", "dana"] and meet.lines[1].when == "papers_seen"
    assert meet.choices[0].effects == (Effect("add", "trust", 2),)
    assert meet.choices[1].effects == (Effect("set", "papers_seen", True),)
    assert [(c.id, c.points) for c in meet.choices[1].competencies] == [("trafficking.indicators", -1)]
    assert talk.time_limit == 60 and talk.variants[0].when == "trust >= 2"
    assert talk.media == Media("audio", "/static/room.mp3", transcript="<p>Footsteps.</p>")
    assert talk.timeout_choice.id == "hesitate" and talk.choices[0].when == "trust >= 2"


def test_export_and_import_give_the_same_case_and_the_same_text():
    attributes, scenario = olx.parse_scenario_string(interview())
    written = olx.scenario_to_string(attributes, scenario)
    again = olx.parse_scenario_string(written)
    assert again[1] == scenario and olx.scenario_to_string(*again) == written
    assert 'when="trust &gt;= 2"' in written and '<set var="papers_seen" value="true"/>' in written


def test_a_case_without_simulation_parts_is_written_as_before():
    written = olx.scenario_to_string({}, parse(
        '<rtcm_scenario><step id="a" title="A"><choice id="c" to="e"><label>C</label></choice></step>'
        '<ending id="e" title="E"/></rtcm_scenario>'))
    for new in ("variable", "character", "variant", "media", "line", "hint", "time_limit", "when", "timeout"):
        assert new not in written


STEP = '<rtcm_scenario>{root}<step id="a" title="A"{step}>{inner}<choice id="c" to="e"{choice}><label>C</label>{effects}' \
       '</choice></step><ending id="e" title="E"/></rtcm_scenario>'


def wrong(root="", step="", inner="", choice="", effects=""):
    with pytest.raises(olx.OlxError) as refused:
        parse(STEP.format(root=root, step=step, inner=inner, choice=choice, effects=effects))
    return str(refused.value)


@pytest.mark.parametrize("root, expected", [
    ('<variable id="n" type="text"/>', 'type="text"'),
    ('<variable id="n" min="5" max="1" initial="3"/>', "above max"),
    ('<variable id="n" min="0" max="3" initial="7"/>', "outside 0..3"),
    ('<variable id="n" max="' + "9" * 5000 + '"/>', "not a whole number"),
    ('<variable id="n" max="2000000"/>', "not a whole number"),
    ('<variable id="f" type="flag" min="0"/>', "takes no"),
    ('<variable id="f" type="flag" initial="yes"/>', 'expected "true" or "false"'),
    ('<variable id="n">text</variable>', "must be empty"),
    ('<variable type="number"/>', "has no id"),
    ('<character id="x" portrait="javascript:alert(1)"/>', "not an http(s) or relative URL"),
])
def test_wrong_variables_and_characters_are_refused_with_a_clear_error(root, expected):
    assert expected in wrong(root=root)


@pytest.mark.parametrize("kwargs, expected", [
    ({"step": ' time_limit="3"'}, "5 to 3600"),
    ({"step": ' time_limit="99999"'}, "5 to 3600"),
    ({"step": ' fixed_order="maybe"'}, 'expected "true" or "false"'),
    ({"inner": '<variant><p>x</p></variant>'}, 'no "when"'),
    ({"inner": '<variant when="' + "a" * 600 + '"><p>x</p></variant>'}, "longer than 500"),
    ({"inner": '<line><p>x</p></line>'}, 'no "by"'),
    ({"inner": '<hint cost="-1"><p>x</p></hint>'}, "0 to 1000"),
    ({"inner": '<hint><p>x</p></hint><hint><p>y</p></hint>'}, "more than one <hint>"),
    ({"inner": '<media type="film" src="/a.mp4"/>'}, 'type="film"'),
    ({"inner": '<media type="video"/>'}, "has no src"),
    ({"inner": '<media type="video" src="data:video/mp4;base64,AAAA"/>'}, "not an http(s)"),
    ({"inner": '<media type="video" src="/a.mp4" captions="javascript:x"/>'}, "not an http(s)"),
    ({"inner": '<media type="video" src="/a.mp4" captions_lang="english!"/>'}, "not a language tag"),
    ({"inner": '<media type="video" src="/a.mp4"><caption/></media>'}, "expected <transcript>"),
    ({"choice": ' timeout="soon"'}, 'expected "true" or "false"'),
    ({"effects": '<add var="n" value="true"/>'}, "not a whole number"),
    ({"effects": '<set value="1"/>'}, 'no "var"'),
    ({"effects": '<competency id="Not An Id" points="1"/>'}, "competency id"),
    ({"effects": '<competency id="a.b" points="x"/>'}, "not a whole number"),
    ({"effects": '<remove var="n"/>'}, "expected <label>, <feedback>, <set>, <add> or <competency>"),
])
def test_wrong_steps_and_choices_are_refused_with_a_clear_error(kwargs, expected):
    assert expected in wrong(**kwargs)


def test_author_html_in_the_new_parts_is_sanitized_on_import():
    scenario = parse(STEP.format(root='<character id="d" name="&lt;b&gt;Dana"/>', step="", choice="", effects="",
                                 inner='<variant when="true"><p onclick="x()">V<script>bad()</script></p></variant>'
                                       '<line by="d"><img src="x" onerror="y()" alt=""/></line>'
                                       '<hint><a href="javascript:z()">h</a></hint>'
                                       '<media type="audio" src="/a.mp3"><transcript><iframe src="/x"/>t</transcript></media>'))
    step = scenario.steps[0]
    text = step.variants[0].body + step.lines[0].body + step.hint.body + step.media.transcript
    for unsafe in ("onclick", "script", "onerror", "javascript", "iframe"):
        assert unsafe not in text
    assert "<" not in scenario.characters[0].name
