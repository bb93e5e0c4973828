"""The wheel: built non-editable, installed into a bare folder, it carries everything both blocks need."""
import glob
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.languages import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent

CHECK = r"""
import importlib.metadata, importlib.resources, sys, tempfile
import django
from django.conf import settings
settings.configure(INSTALLED_APPS=["rtcm_xblocks.needs.apps.NeedsConfig", "rtcm_xblocks.scenario.apps.ScenarioConfig"],
                   USE_I18N=True, DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})
django.setup()
from django.core.management import call_command
call_command("migrate", "rtcm_needs", verbosity=0)  # the migrations ship in the wheel
call_command("migrate", "rtcm_scenario", verbosity=0)

import rtcm_xblocks
assert rtcm_xblocks.__file__.startswith(sys.argv[1]), rtcm_xblocks.__file__
package = importlib.resources.files("rtcm_xblocks")
for resource in ("templates/scenario/student_view.html", "static/scenario/learner.js",
                 "static/scenario/learner.css", "scenario/samples/border_screening.xml",
                 "scenario/samples/sharing_data.xml"):
    assert package.joinpath(resource).read_text(encoding="utf-8").strip(), resource
from rtcm_xblocks import starter_course  # the starter course travels in the wheel
assert starter_course.tarball().stat().st_size > 10000 and str(starter_course.tarball()).startswith(sys.argv[1])
assert starter_course.extract(tempfile.mkdtemp()).startswith("rtcm-course-")

entry = [e for e in importlib.metadata.entry_points(group="xblock.v1") if e.name == "rtcm_scenario"]
assert entry, "no rtcm_scenario entry point in the installed wheel"
ScenarioBlock = entry[0].load()
assert ScenarioBlock.__module__ == "rtcm_xblocks.scenario.block"

from xblock.runtime import NullI18nService
from xblock.test.toy_runtime import ToyRuntime
runtime = ToyRuntime("learner")
runtime._services["i18n"] = NullI18nService()  # the toy runtime offers none; the LMS and workbench do
xml = ScenarioBlock.workbench_scenarios()[0][1]
block = runtime.get_block(runtime.parse_xml_string(xml))
html = block.render("student_view").body_html()
assert "Two travellers at the counter" in html, html[:500]
assert "RtcmScenarioBlock" in "".join(r.data for r in block.render("student_view").resources)

needs = [e for e in importlib.metadata.entry_points(group="xblock.v1") if e.name == "rtcm_needs_assessment"]
NeedsBlock = needs[0].load()
plugin = [e for e in importlib.metadata.entry_points(group="lms.djangoapp") if e.name == "rtcm_needs"]
assert plugin and plugin[0].value == "rtcm_xblocks.needs.apps:NeedsConfig", plugin
for group in ("lms.djangoapp", "cms.djangoapp"):
    plugin = [e for e in importlib.metadata.entry_points(group=group) if e.name == "rtcm_scenario"]
    assert plugin and plugin[0].value == "rtcm_xblocks.scenario.apps:ScenarioConfig", (group, plugin)
needs_block = runtime.get_block(runtime.parse_xml_string('<rtcm_needs_assessment url_name="tna"/>'))
needs_html = needs_block.render("student_view").body_html()
assert "data-state" in needs_html and "border.documents" in needs_html, needs_html[:500]

from django.utils import translation
from rtcm_xblocks.common.i18n import translator
with translation.override("ru"):  # the package's own compiled catalogue, from the installed copy
    assert translator(block).gettext("What do you do?") != "What do you do?"
print("rendered", len(html), len(needs_html))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The package built as a wheel and installed with pip into a folder of its own."""
    # Build from a copy: an in-tree build/ folder could carry stale files into the wheel.
    source = tmp_path_factory.mktemp("source") / "rtcm-xblocks"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "build", "dist", "var", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis",
        "node_modules"))
    dist = tmp_path_factory.mktemp("dist")
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(dist), str(source)], check=True, cwd=dist)
    wheel = glob.glob(str(dist / "rtcm_xblocks-*.whl"))
    assert len(wheel) == 1, wheel
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), wheel[0]],
                   check=True, cwd=dist)
    return Path(wheel[0]), target


def test_the_wheel_ships_templates_static_files_samples_migrations_and_catalogues(installed):
    wheel, _target = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("rtcm_xblocks/templates/scenario/student_view.html", "rtcm_xblocks/static/scenario/learner.js",
                 "rtcm_xblocks/static/scenario/learner.css", "rtcm_xblocks/scenario/samples/border_screening.xml",
                 "rtcm_xblocks/scenario/samples/sharing_data.xml", "rtcm_xblocks/templates/needs/student.html",
                 "rtcm_xblocks/static/needs/learner.js", "rtcm_xblocks/static/needs/studio.js",
                 "rtcm_xblocks/templates/scenario/studio.html", "rtcm_xblocks/needs/frameworks/rtcm-default.xml",
                 "rtcm_xblocks/needs/samples/default.xml", "rtcm_xblocks/needs/migrations/0001_initial.py"):
        assert name in names
    for domain in ("django", "djangojs"):  # the OEP-58 sources
        assert f"rtcm_xblocks/conf/locale/en/LC_MESSAGES/{domain}.po" in names
    for language in LANGUAGES:
        for name in ("django.po", "djangojs.po", "django.mo"):
            assert f"rtcm_xblocks/conf/locale/{language}/LC_MESSAGES/{name}" in names
        assert f"rtcm_xblocks/translations/{language}/LC_MESSAGES/text.mo" in names  # the LMS's pre-atlas place
        assert f"rtcm_xblocks/static/js/translations/{language}/djangojs.js" in names


def test_the_installed_copy_renders_both_blocks_from_its_own_files(installed, tmp_path):
    _wheel, target = installed
    env = dict(os.environ, PYTHONPATH=str(target), PYTHONNOUSERSITE="1")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run([sys.executable, "-c", CHECK, str(target)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("rendered")


def _requirements(wheel):
    """The distribution names the wheel declares (Requires-Dist), normalised as pip compares them."""
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
        lines = archive.read(metadata).decode("utf-8").splitlines()
    return {_normal(re.match(r"[A-Za-z0-9._-]+", line.split(":", 1)[1].strip()).group(0))
            for line in lines if line.startswith("Requires-Dist:")}


def _normal(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _top_level(distribution):
    """The importable top-level names whose files a distribution installs."""
    return {str(path).split("/")[0] for path in distribution.files or ()
            if "/" in str(path) and not str(path).split("/")[0].endswith((".dist-info", ".data"))}


def test_web_fragments_comes_with_xblock_and_is_not_declared_again(installed):
    """XBlock <= 6.1 requires web-fragments and XBlock >= 6.2 ships web_fragments itself: ours is XBlock's."""
    wheel, _target = installed
    assert "web-fragments" not in _requirements(wheel)
    xblock = importlib.metadata.distribution("XBlock")
    shipped = "web_fragments" in _top_level(xblock)
    required = any(_normal(re.match(r"[A-Za-z0-9._-]+", requirement).group(0)) == "web-fragments"
                   for requirement in xblock.requires or ())
    assert shipped or required, f"XBlock {xblock.version} brings no web_fragments: declare it again"


def test_no_declared_requirement_installs_a_module_the_installed_xblock_ships(installed):
    wheel, _target = installed
    ships = _top_level(importlib.metadata.distribution("XBlock"))
    for name in _requirements(wheel) - {"xblock"}:
        try:
            distribution = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        assert not _top_level(distribution) & ships, f"{name} overwrites files of XBlock's own wheel"
