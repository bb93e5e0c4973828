"""Studio authoring for the needs-assessment block: the framework editor view and its save handler."""


class NeedsStudioMixin:
    """studio_view and studio_submit for NeedsAssessmentBlock (filled in by the Studio editor work)."""
