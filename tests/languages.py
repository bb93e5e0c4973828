"""The languages the package ships catalogues for: every folder of rtcm_xblocks/conf/locale but the English source.

Tests that check translations take their languages from here, so a language joins every check as
soon as its catalogues are added.
"""
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[1] / "rtcm_xblocks" / "conf" / "locale"
LANGUAGES = tuple(sorted(entry.name for entry in LOCALE.iterdir() if entry.is_dir() and entry.name != "en"))
