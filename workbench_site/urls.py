"""The workbench's URLs plus the roadmap's staff page at /rtcm/roadmap/, where the plugin app mounts it in the LMS."""
from django.urls import include, re_path
from workbench.urls import urlpatterns as workbench_urlpatterns

urlpatterns = [re_path(r"^rtcm/roadmap/", include("rtcm_xblocks.roadmap.urls", namespace="rtcm_roadmap"))]
urlpatterns += workbench_urlpatterns
