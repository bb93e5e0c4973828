"""The plugin's version: always the rtcm-xblocks version it installs by default."""

__version__ = "0.1.0"
