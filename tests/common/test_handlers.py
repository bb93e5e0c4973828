"""JSON handlers refuse bodies that are not text before any block code sees them."""
import json
from webob import Request
from xblock.core import XBlock
from xblock.fields import ScopeIds
from xblock.test.toy_runtime import ToyRuntime

from rtcm_xblocks.common.handlers import HandlerError, json_handler


@XBlock.wants("i18n")
class _EchoBlock(XBlock):
    """Refuses every request, quoting what it was sent (as domain errors often do)."""

    @json_handler
    def echo(self, data, suffix=""):  # pylint: disable=unused-argument
        raise HandlerError("refused", f"Refused {data.get('text')!s}")


def _call(body):
    runtime = ToyRuntime()
    block = runtime.construct_xblock_from_class(_EchoBlock, ScopeIds("user", "echo", "def", "usage"))
    return block.echo(Request.blank("/", method="POST", body=body))


def test_a_body_with_a_lone_surrogate_is_invalid_json_not_a_server_error():
    response = _call(b'{"text": "\\ud800"}')
    assert response.status_code == 400
    assert response.json == {"error": "invalid_json", "message": "The request body is not valid JSON."}


def test_a_body_of_real_text_reaches_the_handler():
    response = _call('{"text": "Bakı"}'.encode("utf-8"))
    assert response.status_code == 400
    assert response.json == {"error": "refused", "message": "Refused Bakı"}


# --- limits: every body is parsed within bounds, or refused with the usual JSON error ------------

import pytest  # noqa: E402  pylint: disable=wrong-import-position

from rtcm_xblocks.common.handlers import MAX_BODY_BYTES, MAX_CONTAINERS, MAX_DEPTH, nesting_depth  # noqa: E402


def hostile_bodies():
    """Bodies that once reached the parser or the block unbounded: (name, bytes, status, error code)."""
    return [
        ("1,000-deep arrays", b"[" * 1000 + b"]" * 1000, 400, "too_deep"),
        ("1,000-deep objects", b'{"a":' * 1000 + b"1" + b"}" * 1000, 400, "too_deep"),
        ("100,000-deep, unclosed", b"[" * 100_000, 400, "too_deep"),
        ("deep inside an object", b'{"text": ' + b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1) + b"}", 400,
         "too_deep"),
        ("too large", b'{"text": "' + b"x" * MAX_BODY_BYTES + b'"}', 413, "body_too_large"),
        ("too many arrays", b'{"text": [' + b"[]," * MAX_CONTAINERS + b"[]]}", 413, "body_too_large"),
        ("5,000-digit integer", b'{"text": ' + b"9" * 5000 + b"}", 400, "invalid_number"),
        ("4,000-digit integer", b'{"text": ' + b"9" * 4000 + b"}", 400, "invalid_number"),
        ("float overflow", b'{"text": 1e999}', 400, "invalid_number"),
        ("NaN", b'{"text": NaN}', 400, "invalid_number"),
        ("-Infinity", b'{"text": -Infinity}', 400, "invalid_number"),
    ]


@pytest.mark.parametrize("name,body,status,code", hostile_bodies(), ids=[case[0] for case in hostile_bodies()])
def test_hostile_bodies_are_refused_before_the_handler_with_the_usual_error(name, body, status, code):  # pylint: disable=unused-argument
    response = _call(body)
    assert response.status_code == status
    assert response.json["error"] == code
    assert set(response.json) == {"error", "message"}
    assert len(response.body) < 300


def test_nesting_up_to_the_limit_reaches_the_handler():
    body = b'{"text": ' + b"[" * (MAX_DEPTH - 1) + b"]" * (MAX_DEPTH - 1) + b"}"
    assert _call(body).json["error"] == "refused"


def test_brackets_inside_strings_do_not_count_as_nesting():
    text = json.dumps({"text": "[" * 5000 + '\\"{' * 100 + "\\" * 7 + '"[', "more": "]\\"})
    assert nesting_depth(text.encode(), MAX_DEPTH) == 1
    assert _call(text.encode()).json["error"] == "refused"


@pytest.mark.parametrize("text,depth", [("{}", 1), ("[[], [[]], {}]", 3), ('{"a": [{"b": "]]]"}]}', 3), ("1", 0),
                                        ("[" * 40 + "]" * 40, MAX_DEPTH + 1)])
def test_nesting_depth_counts_arrays_and_objects(text, depth):
    assert nesting_depth(text.encode(), MAX_DEPTH) == depth


def test_large_numbers_within_bounds_reach_the_handler():
    assert _call(b'{"text": 123456789012345678901234567890}').json["message"] == "Refused 123456789012345678901234567890"
    assert _call(b'{"text": -1.5e300}').json["error"] == "refused"


def _json_handlers(block_class):
    return sorted(name for name in dir(block_class)
                  if getattr(getattr(block_class, name, None), "_is_xblock_handler", False)
                  and not name.endswith("_csv"))  # the CSV downloads are GETs (staff_csv)


def _blocks():
    from rtcm_xblocks.needs.block import NeedsAssessmentBlock  # pylint: disable=import-outside-toplevel
    from rtcm_xblocks.scenario.block import ScenarioBlock  # pylint: disable=import-outside-toplevel
    from tests.needs.cases import SMALL_FRAMEWORK  # pylint: disable=import-outside-toplevel
    from tests.scenario.cases import case  # pylint: disable=import-outside-toplevel
    return [(ScenarioBlock, case()), (NeedsAssessmentBlock, SMALL_FRAMEWORK)]


@pytest.mark.parametrize("student", ["student_1", "staff"])
def test_every_handler_of_both_blocks_refuses_hostile_bodies_with_json_errors(workbench, student):
    from tests.workbench import load_scenario  # pylint: disable=import-outside-toplevel
    seen = 0
    for block_class, olx in _blocks():
        _name, usage_id = load_scenario(olx)
        for handler in _json_handlers(block_class):
            for _label, body, status, code in hostile_bodies()[:7:2]:
                answer_status, answer = workbench.call(usage_id, handler, raw=body, student=student)
                assert isinstance(answer, dict), (handler, answer_status)
                assert answer_status in (status, 403), (handler, answer)
                if answer_status != 403:
                    assert answer["error"] == code, (handler, answer)
                seen += 1
    assert seen >= 4 * 10
