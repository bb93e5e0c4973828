"""A small case that uses every part of a simulation, as OLX, for the tests of the core, the OLX and the block."""

INTERVIEW = """<rtcm_scenario display_name="Screening interview" scoring="path" shuffle_choices="true" allow_back="{back}">
  <intro><p>A young woman arrives with a man who holds her passport.</p></intro>
  <variable id="trust" type="number" initial="0" min="0" max="3" label="Her trust in you" shown="true"/>
  <variable id="papers_seen" type="flag" initial="false"/>
  <character id="dana" name="Dana, the traveller" portrait="/static/dana.svg"/>
  <character id="officer" name="You"/>
  <step id="meet" title="At the counter">
    <body><p>She looks down.</p></body>
    <line by="officer"><p>Good evening.</p></line>
    <line by="dana" when="papers_seen"><p>Never shown.</p></line>
    <hint cost="1"><p>Who answers for her?</p></hint>
    <choice id="alone" to="talk" points="2" expert="true">
      <label>Invite her to a quiet room, alone</label>
      <feedback><p>She follows you.</p></feedback>
      <add var="trust" value="2"/>
      <competency id="trafficking.indicators" points="2"/>
    </choice>
    <choice id="papers" to="talk" points="0">
      <label>Ask the man for her papers</label>
      <feedback><p>He answers for her.</p></feedback>
      <set var="papers_seen" value="true"/>
      <competency id="trafficking.indicators" points="-1"/>
    </choice>
    <choice id="wave" to="waved" points="0">
      <label>Wave them through</label>
      <feedback><p>They leave.</p></feedback>
    </choice>
  </step>
  <step id="talk" title="In the room" time_limit="60">
    <body><p>She is silent.</p></body>
    <variant when="trust &gt;= 2"><p>SECRET-VARIANT She starts to talk.</p></variant>
    <media type="audio" src="/static/room.mp3"><transcript><p>Footsteps.</p></transcript></media>
    <line by="dana" when="trust &gt;= 2"><p>SECRET-LINE He keeps my passport.</p></line>
    <choice id="refer" to="referred" points="3" when="trust &gt;= 2">
      <label>Offer a referral to protection</label>
      <feedback><p>She accepts.</p></feedback>
      <competency id="trafficking.referral" points="3"/>
    </choice>
    <choice id="release" to="waved" points="0">
      <label>Let her go back to him</label>
      <feedback><p>She leaves with him.</p></feedback>
    </choice>
    <choice id="hesitate" to="waved" timeout="true">
      <label>You took too long</label>
      <feedback><p>SECRET-TIMEOUT The man takes her away.</p></feedback>
    </choice>
  </step>
  <ending id="referred" title="Referred" outcome="good" points="1"><body><p>Well done.</p></body></ending>
  <ending id="waved" title="Waved through" outcome="bad"><body><p>A missed case.</p></body></ending>
</rtcm_scenario>
"""


def interview(back=False):
    """The interview case's OLX (going back allowed or not)."""
    return INTERVIEW.format(back="true" if back else "false")
