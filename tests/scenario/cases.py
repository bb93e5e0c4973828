"""A small scenario for the block tests, with ids, titles, labels and feedback that are easy to spot in output."""

CASE = """
<rtcm_scenario display_name="Test case" pillar="border" scoring="path" grading="best"
               max_attempts="2" weight="2" show_expert_path="{expert}">
  <intro><p>Intro of the zq case</p></intro>
  <step id="zq_start" title="Title zq_start">
    <body><p>Body zq_start</p></body>
    <choice id="zq_good" to="zq_mid" points="2" expert="true">
      <label>Label zq_good</label><feedback><p>Feedback zq_good</p></feedback>
    </choice>
    <choice id="zq_bad" to="zq_end_bad" points="0">
      <label>Label zq_bad</label><feedback><p>Feedback zq_bad</p></feedback>
    </choice>
  </step>
  <step id="zq_mid" title="Title zq_mid">
    <body><p>Body zq_mid</p></body>
    <choice id="zq_finish" to="zq_end_good" points="1" expert="true">
      <label>Label zq_finish</label><feedback><p>Feedback zq_finish</p></feedback>
    </choice>
    <choice id="zq_side" to="zq_loop" points="0">
      <label>Label zq_side</label><feedback><p>Feedback zq_side</p></feedback>
    </choice>
  </step>
  <step id="zq_loop" title="Title zq_loop">
    <body><p>Body zq_loop</p></body>
    <choice id="zq_back" to="zq_mid" points="0">
      <label>Label zq_back</label><feedback><p>Feedback zq_back</p></feedback>
    </choice>
  </step>
  <ending id="zq_end_good" title="Title zq_end_good" outcome="good" points="5">
    <body><p>Body zq_end_good</p></body>
  </ending>
  <ending id="zq_end_bad" title="Title zq_end_bad" outcome="bad" points="0">
    <body><p>Body zq_end_bad</p></body>
  </ending>
</rtcm_scenario>
"""

STEPS = {"zq_start": ("zq_good", "zq_bad"), "zq_mid": ("zq_finish", "zq_side"), "zq_loop": ("zq_back",)}
ENDINGS = ("zq_end_good", "zq_end_bad")
TARGETS = {"zq_good": "zq_mid", "zq_bad": "zq_end_bad", "zq_finish": "zq_end_good", "zq_side": "zq_loop",
           "zq_back": "zq_mid"}


def case(expert=False, **attributes):
    """The test case's OLX, with the expert path shown or not and any root attribute replaced."""
    xml = CASE.format(expert="true" if expert else "false")
    for name, value in attributes.items():
        start = xml.index(f' {name}="') + len(name) + 3
        xml = xml[:start] + str(value) + xml[xml.index('"', start):]
    return xml


def unearned(path, current, expert_revealed=False):
    """Strings a learner who took `path` (choice ids) and stands at `current` must not be shown."""
    taken = set(path)
    reached = {"zq_start"} | {TARGETS[choice] for choice in path}
    hidden = []
    for step, choices in STEPS.items():
        if step not in reached:
            hidden += [step, f"Title {step}", f"Body {step}"] + [f"Label {choice}" for choice in choices]
            hidden += list(choices)
        for choice in choices:
            if choice not in taken:
                hidden.append(f"Feedback {choice}")
    for ending in ENDINGS:
        if ending != current:
            hidden += [ending, f"Title {ending}", f"Body {ending}"]
    if expert_revealed:
        revealed = ("zq_start", "zq_good", "zq_mid", "zq_finish", "Label zq_good", "Label zq_finish")
        hidden = [text for text in hidden if text not in revealed]
    return hidden
