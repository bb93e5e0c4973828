"""rtcm_scenario against OpenCraft's branching-xblock on an equivalent 12-step scenario.

Measured in one process, in the SDK workbench runtime: student_view render, one choice (our
`choose` against its `select_choice`) through the workbench's handler URL, full OLX parse, and
the bytes of JS and CSS each block's student view loads.
"""
import json
import time

from django.test import Client
from xml.sax.saxutils import escape, quoteattr

from bench.harness import block_for, call_handler, load_xml, measure, table

STEPS = 12
ENDINGS = ("resolved", "partial", "failed")
BODY = ("<p>The officer on duty at the Astara crossing reviews the case file again. The traveller's "
        "story has changed twice, the interpreter is late and the queue behind is growing. "
        "Colleagues disagree on what the procedure requires at this point.</p>") * 2


def _steps():
    """Twelve steps, each with two choices: the better one moves on, the other skips ahead; three endings."""
    steps = []
    for number in range(1, STEPS + 1):
        good = f"s{number + 1}" if number < STEPS else ENDINGS[0]
        other = f"s{min(number + 2, STEPS)}" if number < STEPS - 1 else ENDINGS[1 + number % 2]
        steps.append({
            "id": f"s{number}", "title": f"Decision {number}", "body": BODY,
            "choices": [
                {"id": "a", "label": f"Follow the referral procedure ({number})", "to": good, "points": 2,
                 "feedback": "<p>Right: the procedure protects the traveller and the officer.</p>"},
                {"id": "b", "label": f"Take the shortcut ({number})", "to": other, "points": 0,
                 "feedback": "<p>This skips a safeguard the law requires.</p>"},
            ],
        })
    return steps


def ours_xml():
    """The scenario as rtcm_scenario OLX."""
    parts = ['<rtcm_scenario display_name="Bench" scoring="path" max_attempts="0">',
             "<intro><p>A twelve-step case.</p></intro>"]
    for step in _steps():
        parts.append(f'<step id="{step["id"]}" title="{step["title"]}"><body>{step["body"]}</body>')
        for choice in step["choices"]:
            parts.append(f'<choice id="{choice["id"]}" to="{choice["to"]}" points="{choice["points"]}">'
                         f'<label>{escape(choice["label"])}</label><feedback>{choice["feedback"]}</feedback></choice>')
        parts.append("</step>")
    for ending in ENDINGS:
        parts.append(f'<ending id="{ending}" title="Ending {ending}" outcome="neutral"><body><p>Debrief.</p></body></ending>')
    parts.append("</rtcm_scenario>")
    return "".join(parts)


def branching_xml():
    """The same scenario as branching-xblock OLX (its nodes are one JSON dict in an attribute)."""
    nodes = {}
    for step in _steps():
        nodes[step["id"]] = {
            "id": step["id"], "content": step["body"], "media": {"type": "", "url": "", "alt": ""},
            "choices": [{"text": c["label"], "target_node_id": c["to"], "score": c["points"],
                         "feedback": c["feedback"]} for c in step["choices"]],
            "hint": "",
        }
    for ending in ENDINGS:
        nodes[ending] = {"id": ending, "content": "<p>Debrief.</p>", "media": {"type": "", "url": "", "alt": ""},
                         "choices": [], "hint": ""}
    data = {"nodes": nodes, "start_node_id": "s1"}
    return f"<branching_xblock enable_scoring=\"true\" scenario_data={quoteattr(json.dumps(data))}/>"


def fragment_bytes(block, fragment):
    """Bytes of JS and CSS a student view makes the browser load (inline and by URL, CSS loaded by its JS too)."""
    client = Client()
    total = 0
    urls = []
    for resource in fragment.resources:
        if resource.mimetype not in ("text/css", "application/javascript"):
            continue
        if resource.kind == "url":
            if not resource.data.startswith("/static/workbench/"):  # the workbench's own jQuery and runtime
                urls.append(resource.data)
        else:
            total += len(resource.data.encode("utf-8"))
    urls += (fragment.json_init_args or {}).get("style_urls", [])
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        total += len(b"".join(response.streaming_content) if response.streaming else response.content)
    return total


def run(repeat=30):
    """Measure both blocks; return (rows, markdown)."""
    results = {}
    for name, xml, handler, body in (
        ("rtcm_scenario", ours_xml(), "choose", {"step": "s1", "choice": "a"}),
        ("branching-xblock 0.3.3", branching_xml(), "select_choice", {"choice_index": 0}),
    ):
        usage_id = load_xml(xml, name.split()[0])
        parse_runs = []
        for i in range(20):
            start = time.perf_counter()
            load_xml(xml, f"{name.split()[0]}-parse-{i}")
            parse_runs.append((time.perf_counter() - start) * 1000)
        render = measure(lambda i, u=usage_id: block_for(u, f"render-{i}").render("student_view", {}), repeat)

        def choose(i, u=usage_id, h=handler, b=body):
            status, _ = call_handler(u, h, b, f"chooser-{name[:4]}-{i}")
            assert status == 200, status
        handle = measure(choose, repeat)
        first = block_for(usage_id, "bytes")
        size = fragment_bytes(first, first.render("student_view", {}))
        results[name] = {"render": render, "choose": handle, "parse_ms": sorted(parse_runs)[len(parse_runs) // 2],
                         "bytes": size}
    rows = [[name, f'{r["render"]["ms"]:.2f}', f'{r["render"]["queries"]:.1f}', f'{r["choose"]["ms"]:.2f}',
             f'{r["choose"]["queries"]:.1f}', f'{r["parse_ms"]:.2f}', f'{r["bytes"] / 1024:.1f}']
            for name, r in results.items()]
    markdown = table(["block (12 steps)", "student_view ms", "queries", "one choice ms", "queries",
                      "OLX parse ms", "JS+CSS KB"], rows)
    return results, markdown
