"""Benchmarks of rtcm-xblocks against peer blocks, run in one process on this machine (`make bench`)."""
