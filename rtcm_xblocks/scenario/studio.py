"""Studio authoring for the scenario block: the map editor view and its save handler."""


class ScenarioStudioMixin:
    """studio_view, author_view and studio_submit for ScenarioBlock (filled in by the Studio editor work)."""
