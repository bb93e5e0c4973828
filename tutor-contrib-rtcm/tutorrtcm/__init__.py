"""Tutor plugin for rtcm-xblocks (entry point `rtcm` in group `tutor.plugin.v1`)."""
