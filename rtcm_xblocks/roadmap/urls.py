"""The roadmap's URLs, mounted by the plugin app at ``/rtcm/roadmap/`` in the LMS (and in the workbench)."""
from django.urls import path

from rtcm_xblocks.roadmap.views import roadmap_page

app_name = "rtcm_roadmap"
urlpatterns = [path("", roadmap_page, name="roadmap")]
