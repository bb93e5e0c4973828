"""A small custom self-assessment shared by the handler and browser tests: two pillars, three competencies."""

SMALL_FRAMEWORK = """
<rtcm_needs_assessment url_name="tna_small" display_name="Small" min_group_size="2">
  <pillar id="border" title="Borders" recommend="/jump_to_id/border_intro">
    <competency id="border.documents">Check a travel document</competency>
    <competency id="border.referral">Refer to the second line</competency>
  </pillar>
  <pillar id="data" title="Data">
    <competency id="data.sharing">Share data safely</competency>
  </pillar>
</rtcm_needs_assessment>
"""
