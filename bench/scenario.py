"""rtcm_scenario against OpenCraft's branching-xblock on an equivalent 12-step scenario, plain and as a simulation.

Measured in one process, in the SDK workbench runtime: student_view render, one choice (our
`choose` against its `select_choice`) through the workbench's handler URL, full OLX parse, and
the bytes of JS and CSS each block's student view loads.
"""
import json
import time

from django.test import Client
from xml.sax.saxutils import escape, quoteattr

from bench.harness import block_for, call_handler, load_xml, measure_interleaved, table

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


def simulation_xml():
    """The same scenario as a simulation: two variables (one shown), a condition and effects on every step's
    choices, competency points, a hint, a body variant, a dialogue line and shuffled choices."""
    parts = ['<rtcm_scenario display_name="Bench" scoring="path" max_attempts="0" shuffle_choices="true">',
             "<intro><p>A twelve-step case.</p></intro>",
             '<variable id="trust" type="number" initial="0" min="0" max="20" label="Trust" shown="true"/>',
             '<variable id="shortcut" type="flag" initial="false"/>',
             '<character id="colleague" name="A colleague"/>']
    for step in _steps():
        parts.append(f'<step id="{step["id"]}" title="{step["title"]}"><body>{step["body"]}</body>'
                     '<variant when="trust &gt;= 6 and not shortcut"><p>The traveller trusts you now.</p></variant>'
                     '<line by="colleague" when="shortcut"><p>We did it quickly last time.</p></line>'
                     '<hint cost="1"><p>What does the procedure protect?</p></hint>')
        for choice in step["choices"]:
            effect = '<add var="trust" value="1"/>' if choice["id"] == "a" else '<set var="shortcut" value="true"/>'
            condition = ' when="trust &gt;= 0 or shortcut"' if choice["id"] == "b" else ""
            parts.append(f'<choice id="{choice["id"]}" to="{choice["to"]}" points="{choice["points"]}"{condition}>'
                         f'<label>{escape(choice["label"])}</label><feedback>{choice["feedback"]}</feedback>'
                         f'{effect}<competency id="border.interview" points="{choice["points"] - 1}"/></choice>')
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
    # The same title as ours: a block whose display name is left unset reads one query fewer.
    return (f"<branching_xblock display_name=\"Bench\" enable_scoring=\"true\" "
            f"scenario_data={quoteattr(json.dumps(data))}/>")


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


def run(repeat=60):
    """Measure both blocks, taking turns call by call; return (results, markdown)."""
    blocks = {
        "rtcm_scenario": (ours_xml(), "choose", {"step": "s1", "choice": "a"}),
        "rtcm_scenario, simulation": (simulation_xml(), "choose", {"step": "s1", "choice": "a"}),
        "branching-xblock 0.3.3": (branching_xml(), "select_choice", {"choice_index": 0}),
    }
    usage_ids, parse_ms = {}, {}
    for name, (xml, _handler, _body) in blocks.items():
        slug = name.split()[0]
        usage_ids[name] = load_xml(xml, slug)
        parse_runs = []
        for i in range(20):
            start = time.perf_counter()
            load_xml(xml, f"{slug}-parse-{i}")
            parse_runs.append((time.perf_counter() - start) * 1000)
        parse_ms[name] = sorted(parse_runs)[len(parse_runs) // 2]

    # Each call is a fresh learner's: the first view of the exercise, then the first choice.
    def render(name, asides=False):
        return lambda i: block_for(usage_ids[name], f"render-{name[:4]}-{asides}-{i}", asides=asides).render(
            "student_view", {})

    def choose(name):
        _xml, handler, body = blocks[name]

        def call(i):
            status, _ = call_handler(usage_ids[name], handler, body, f"chooser-{name[:4]}-{i}")
            assert status == 200, status
        return call

    renders = measure_interleaved({name: render(name) for name in blocks}, repeat)
    choices = measure_interleaved({name: choose(name) for name in blocks}, repeat)
    stock = measure_interleaved({name: render(name, asides=True) for name in blocks}, repeat)
    results = {}
    for name in blocks:
        first = block_for(usage_ids[name], "bytes")
        results[name] = {"render": renders[name], "choose": choices[name], "parse_ms": parse_ms[name],
                         "render_stock": stock[name],
                         "bytes": fragment_bytes(first, first.render("student_view", {}))}
    rows = [[name, f'{r["render"]["ms"]:.2f}', f'{r["render"]["queries"]:.1f}', f'{r["choose"]["ms"]:.2f}',
             f'{r["choose"]["queries"]:.1f}', f'{r["parse_ms"]:.2f}', f'{r["bytes"] / 1024:.1f}']
            for name, r in results.items()]
    ours, theirs = results["rtcm_scenario"], results["branching-xblock 0.3.3"]
    for label, mine in (("ours / theirs", ours), ("simulation / theirs", results["rtcm_scenario, simulation"])):
        rows.append([label] + [f"{mine[key][sub] / theirs[key][sub]:.2f}" for key, sub in (
            ("render", "ms"), ("render", "queries"), ("choose", "ms"), ("choose", "queries"))]
            + [f'{mine["parse_ms"] / theirs["parse_ms"]:.2f}', f'{mine["bytes"] / theirs["bytes"]:.2f}'])
    markdown = table(["block (12 steps)", "student_view ms", "queries", "one choice ms", "queries",
                      "OLX parse ms", "JS+CSS KB"], rows)
    markdown += (
        f"\n\nMedians of {repeat} calls, each by a fresh learner, the two blocks taking turns call by call in one "
        "process (SDK workbench runtime, in-memory sqlite). The student_view column is rendered by the workbench "
        "runtime with XBlock asides off, as the LMS renders while asides are disabled (its default); the stock "
        "workbench runtime also searches every installed package's entry points for asides on each render, the "
        "same cost for any block: with it, rtcm_scenario {:.2f} ms, branching-xblock {:.2f} ms (ratio {:.2f})."
    ).format(ours["render_stock"]["ms"], theirs["render_stock"]["ms"],
             ours["render_stock"]["ms"] / theirs["render_stock"]["ms"])
    return results, markdown
