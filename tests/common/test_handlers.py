"""JSON handlers refuse bodies that are not text before any block code sees them."""
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
