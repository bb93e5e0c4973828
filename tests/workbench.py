"""Driving blocks inside the XBlock SDK workbench: load OLX as a scenario, render pages, call handlers over HTTP."""
import itertools
import json

from django.test import Client
from webob import Request
from workbench import scenarios
from workbench.runtime import WorkbenchRuntime

_names = itertools.count()


def load_scenario(xml, name=None):
    """Register `xml` as a workbench scenario; return (scenario name, usage id of its root block)."""
    name = name or f"test_scenario_{next(_names)}"
    if name in scenarios.SCENARIOS:
        scenarios.remove_scenario(name)
    scenarios.add_xml_scenario(name, name, xml)
    return name, scenarios.SCENARIOS[name].usage_id


def get_block(usage_id, student="student_1"):
    """The block as the workbench runtime builds it for `student` (fields read from the database)."""
    return WorkbenchRuntime(student).get_block(usage_id)


def handle(block, handler, body=None):
    """Call `handler` of an already bound `block` in-process, as a platform view does; (status, parsed JSON)."""
    request = Request.blank(f"/handler/{handler}", method="POST", body=json.dumps(body or {}).encode(),
                            content_type="application/json")
    response = block.handle(handler, request)
    return response.status_code, json.loads(response.body.decode("utf-8"))


class Workbench:
    """A Django test client speaking to the workbench's scenario pages and handler URLs."""

    def __init__(self):
        self.client = Client()

    def page(self, scenario_name, student="student_1", view="student_view"):
        """The HTML of a scenario page as `student` sees it."""
        response = self.client.get(f"/scenario/{scenario_name}/{view}/", {"student": student})
        assert response.status_code == 200, response.status_code
        return response.content.decode("utf-8")

    def call(self, usage_id, handler, body=None, student="student_1", raw=None, method="post"):
        """POST `body` as JSON (or `raw` bytes) to a handler; return (status, parsed JSON or text)."""
        url = f"/handler/{usage_id}/{handler}/?student={student}"
        payload = raw if raw is not None else json.dumps({} if body is None else body)
        send = getattr(self.client, method)
        response = send(url, data=payload, content_type="application/json") if method == "post" else send(url)
        content = response.content.decode("utf-8")
        if response.get("Content-Type", "").startswith("application/json"):
            return response.status_code, json.loads(content)
        return response.status_code, content


def block_html(page):
    """The block's own output on a workbench page, without the workbench's debug panel (which prints the OLX)."""
    return page[page.index('<section class="main">'):page.index('<section class="debug">')]
