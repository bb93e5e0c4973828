"""Fixtures the scenario tests share."""
import pytest
from workbench.runtime import WorkbenchRuntime


@pytest.fixture
def published(monkeypatch):
    """Every event the workbench runtime publishes, as (event type, data) pairs."""
    events = []
    monkeypatch.setattr(WorkbenchRuntime, "publish", lambda runtime, block, kind, data: events.append((kind, data)))
    return events
