"""`rtcm_demo_cohort`: a demo cohort plays every scenario exercise of the workbench, so staff pages show results.

`make run` calls it after migrating. Each demo learner ("demo-learner-<n>") plays through the
workbench's own handler URLs, as a browser would: the first choice more often than the others,
sometimes stopping half-way, sometimes playing again. Running it again plays only the learners
who have not played yet, so the counts stay as they are.
"""
import json
import random

from django.core.management.base import BaseCommand
from django.test import Client
from workbench.scenarios import get_scenarios

from rtcm_xblocks.common.storage import block_key
from rtcm_xblocks.scenario import storage


class Command(BaseCommand):
    help = "Play a demo cohort through every scenario exercise of the workbench (open them with ?student=staff)."

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=40, help="How many demo learners play each scenario.")

    def handle(self, *args, **options):
        client = Client()
        for name, scenario in sorted(get_scenarios().items()):
            if not scenario.xml.lstrip().startswith("<rtcm_scenario"):
                continue
            played = 0
            key = block_key(scenario.usage_id, "rtcm_scenario")
            for number in range(options["learners"]):
                learner = f"demo-learner-{number}"
                if storage.load(key, learner) is None:
                    _play(client, scenario.usage_id, learner, random.Random(f"{name}/{number}"))
                    played += 1
            self.stdout.write(f"{name}: {played} demo learners played")


def _call(client, usage_id, handler, body, learner):
    response = client.post(f"/handler/{usage_id}/{handler}/?student={learner}", data=json.dumps(body),
                           content_type="application/json")
    return response.status_code, json.loads(response.content or b"{}")


def _play(client, usage_id, learner, rng):
    """One demo learner's attempts: one to three, the last perhaps left half-way."""
    status, state = _call(client, usage_id, "get_state", {}, learner)
    for _attempt in range(rng.choice((1, 1, 2, 3))):
        for _move in range(40):
            if status != 200 or state["finished"] or not state["step"]:
                break
            if state["path"] and rng.random() < 0.05:
                return
            choices = state["step"]["choices"]
            choice = choices[0] if rng.random() < 0.55 else rng.choice(choices)
            status, state = _call(client, usage_id, "choose", {"step": state["step"]["id"], "choice": choice["id"]}, learner)
        if status != 200 or not state["finished"]:
            return
        status, state = _call(client, usage_id, "restart", {}, learner)
