"""Fixtures shared by every test: the workbench over HTTP and a headless Debian Chromium."""
import os
import shutil
import tempfile

import pytest

from tests.workbench import Workbench

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture
def workbench(db):  # pylint: disable=unused-argument,invalid-name
    """A client for the workbench's pages and handlers, on a fresh database."""
    return Workbench()


@pytest.fixture(scope="session")
def _chromium():
    from selenium import webdriver  # pylint: disable=import-outside-toplevel
    from selenium.webdriver.chrome.service import Service  # pylint: disable=import-outside-toplevel

    profile = tempfile.mkdtemp(prefix="rtcm-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                 f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def browser(_chromium, live_server):  # pylint: disable=redefined-outer-name
    """Headless Chromium at the workbench served by `live_server`; `browser.base_url` is its root."""
    _chromium.base_url = live_server.url
    _chromium.delete_all_cookies()
    _chromium.set_window_size(1280, 900)
    yield _chromium


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


os.makedirs("var", exist_ok=True)
