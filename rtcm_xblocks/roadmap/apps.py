"""The roadmap's Django app: an Open edX plugin app that mounts the staff page and provides `rtcm_roadmap`.

``plugin_app`` follows edx-django-utils' plugin contract (``edx_django_utils/plugins``:
``PluginURLs.CONFIG`` = "url_config", per project type "lms.djangoapp", with ``namespace``,
``regex`` and ``relative_path``): the LMS includes ``rtcm_xblocks.roadmap.urls`` at ``^rtcm/roadmap/``.
"""
from django.apps import AppConfig


class RoadmapConfig(AppConfig):
    """The regional training-needs roadmap (no models of its own: it reads the needs app's releases)."""

    name = "rtcm_xblocks.roadmap"
    label = "rtcm_roadmap"
    verbose_name = "RTCM training-needs roadmap"
    plugin_app = {
        "url_config": {
            "lms.djangoapp": {"namespace": "rtcm_roadmap", "regex": r"^rtcm/roadmap/", "relative_path": "urls"},
        },
    }
