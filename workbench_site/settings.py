"""Workbench settings for `make run`: the SDK's own, plus the LMS-like user service and our Django app."""
from workbench.settings import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import
from workbench.settings import INSTALLED_APPS, WORKBENCH

INSTALLED_APPS = list(INSTALLED_APPS) + ["rtcm_xblocks.needs.apps.NeedsConfig", "rtcm_xblocks.scenario.apps.ScenarioConfig",
                                         "rtcm_xblocks.roadmap.apps.RoadmapConfig", "workbench_site.apps.WorkbenchSiteConfig"]

WORKBENCH = dict(WORKBENCH)
WORKBENCH["services"] = dict(WORKBENCH.get("services", {}), user="workbench_site.services.LmsUserService")

DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# The roadmap's staff page at /rtcm/roadmap/ (as the plugin app mounts it in the LMS); "staff…" workbench users
# are global staff, "coursestaff:<course run>" course staff (rtcm_xblocks/roadmap/access.py).
ROOT_URLCONF = "workbench_site.urls"
RTCM_ROADMAP_ACCESS = "rtcm_xblocks.roadmap.access.WorkbenchAccess"
