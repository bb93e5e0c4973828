"""Workbench settings for `make run`: the SDK's own, plus the LMS-like user service and our Django app."""
from workbench.settings import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import
from workbench.settings import INSTALLED_APPS, WORKBENCH

INSTALLED_APPS = list(INSTALLED_APPS) + ["rtcm_xblocks.needs.apps.NeedsConfig", "rtcm_xblocks.scenario.apps.ScenarioConfig",
                                         "workbench_site.apps.WorkbenchSiteConfig"]

WORKBENCH = dict(WORKBENCH)
WORKBENCH["services"] = dict(WORKBENCH.get("services", {}), user="workbench_site.services.LmsUserService")

DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
