"""The wheel: built non-editable, installed into a bare folder, it carries its templates, static files and samples."""
import glob
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHECK = r"""
import importlib.metadata, importlib.resources, sys, tempfile
import django
from django.conf import settings
settings.configure(INSTALLED_APPS=[], USE_I18N=True)
django.setup()

import rtcm_xblocks
assert rtcm_xblocks.__file__.startswith(sys.argv[1]), rtcm_xblocks.__file__
package = importlib.resources.files("rtcm_xblocks")
for resource in ("templates/scenario/student_view.html", "static/scenario/learner.js",
                 "static/scenario/learner.css", "scenario/samples/border_screening.xml",
                 "scenario/samples/sharing_data.xml"):
    assert package.joinpath(resource).read_text(encoding="utf-8").strip(), resource

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
print("rendered", len(html))
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


def test_the_wheel_ships_templates_static_files_and_samples(installed):
    wheel, _target = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("rtcm_xblocks/templates/scenario/student_view.html", "rtcm_xblocks/static/scenario/learner.js",
                 "rtcm_xblocks/static/scenario/learner.css", "rtcm_xblocks/scenario/samples/border_screening.xml",
                 "rtcm_xblocks/scenario/samples/sharing_data.xml"):
        assert name in names


def test_the_installed_copy_renders_the_scenario_block_from_its_own_files(installed, tmp_path):
    _wheel, target = installed
    env = dict(os.environ, PYTHONPATH=str(target), PYTHONNOUSERSITE="1")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run([sys.executable, "-c", CHECK, str(target)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("rendered")
