"""The suite tests the package it means to: the checkout in `make test`, the installed wheel in `make test-matrix`."""
import os
import sysconfig
from pathlib import Path

import rtcm_xblocks

ROOT = Path(__file__).resolve().parent.parent


def test_rtcm_xblocks_is_imported_from_the_checkout_or_from_the_installed_wheel_in_the_matrix():
    package = Path(rtcm_xblocks.__file__).resolve().parent
    if os.environ.get("RTCM_TEST_INSTALLED_WHEEL"):
        assert package == Path(sysconfig.get_paths()["purelib"]).resolve() / "rtcm_xblocks", package
    else:
        assert package == ROOT / "rtcm_xblocks", package
