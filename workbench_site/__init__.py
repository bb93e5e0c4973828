"""Settings and services that run rtcm-xblocks in the XBlock SDK workbench (development and tests only)."""
