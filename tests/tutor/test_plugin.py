"""The Tutor plugin, run by a real `tutor` (from PyPI, in a throwaway virtualenv) without Docker.

`tutor config save` renders the environment, which we read; `tutor local do …` would start
containers, so a stand-in `docker` on PATH records the command instead, and the recorded job script
is then run by `sh` in a folder laid out like the openedx image's (a `python` that imports this
checkout, a `manage.py` that records the import).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import rtcm_xblocks
from rtcm_xblocks.common.safe_xml import parse_xml_string

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "tutor-contrib-rtcm"
TUTOR_REQUIREMENT = "tutor>=22.0.0,<23.0.0"
VENV = Path(os.environ.get("RTCM_TUTOR_VENV")
            or Path(tempfile.gettempdir()) / f"rtcm-tutor-venv-py{sys.version_info[0]}{sys.version_info[1]}")

FAKE_DOCKER = """#!{python}
import json, os, sys
with open(os.environ["RTCM_FAKE_DOCKER_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
if "ls" in sys.argv:  # `docker compose ls --format json`: no project is running
    print("[]")
"""

FAKE_MANAGE = """import json, sys
from pathlib import Path
_, service, command, data, folder = sys.argv
course = Path(data) / folder
Path(sys.argv[0]).with_name("imported.json").write_text(json.dumps({
    "argv": sys.argv[1:], "course_xml": (course / "course.xml").read_text(encoding="utf-8"),
    "files": sorted(path.relative_to(course).as_posix() for path in course.rglob("*") if path.is_file())}))
"""


def _quietly(*command):
    done = subprocess.run([str(part) for part in command], capture_output=True, text=True, check=False)
    if done.returncode:
        raise AssertionError(f"{' '.join(map(str, command))} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")


def _is_tutor_22(tutor):
    if not tutor.exists():
        return False
    done = subprocess.run([str(tutor), "--version"], capture_output=True, text=True, check=False)
    return done.returncode == 0 and done.stdout.split()[-1].startswith("22.")


@pytest.fixture(scope="session")
def tutor_bin():
    """The `tutor` of a virtualenv made from PyPI, with this checkout's plugin installed (non-editable)."""
    tutor = VENV / "bin" / "tutor"
    python = VENV / "bin" / "python"
    if not _is_tutor_22(tutor):  # made here, or left broken or outdated by an earlier run
        shutil.rmtree(VENV, ignore_errors=True)
        _quietly(sys.executable, "-m", "venv", str(VENV))
        _quietly(python, "-m", "pip", "install", "-q", TUTOR_REQUIREMENT)
    source = Path(tempfile.mkdtemp(prefix="rtcm-tutor-plugin-")) / "tutor-contrib-rtcm"
    shutil.copytree(PLUGIN, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    _quietly(python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(source))
    shutil.rmtree(source.parent, ignore_errors=True)
    return tutor


@pytest.fixture(name="tutor")
def fixture_tutor(tutor_bin, tmp_path):
    """Run `tutor ARGS…` in a fresh Tutor root, with the stand-in docker first on PATH; returns the result."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "docker").write_text(FAKE_DOCKER.format(python=sys.executable), encoding="utf-8")
    (bin_dir / "docker").chmod(0o755)
    env = dict(os.environ, TUTOR_ROOT=str(tmp_path / "root"), TUTOR_PLUGINS_ROOT=str(tmp_path / "plugins"),
               RTCM_FAKE_DOCKER_LOG=str(tmp_path / "docker.log"), PATH=f"{bin_dir}:{os.environ['PATH']}")

    def run(*args, check=True):
        done = subprocess.run([str(tutor_bin), *args], env=env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, check=False)
        if check and done.returncode:
            raise AssertionError(f"tutor {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
        return done

    run.root = tmp_path / "root"
    log = tmp_path / "docker.log"
    run.docker_calls = lambda: [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    run("plugins", "enable", "rtcm")
    return run


def _job(calls, service):
    """The script of the one `docker compose run … <service>-job sh -e -c SCRIPT` call."""
    jobs = [call for call in calls if "run" in call and f"{service}-job" in call]
    assert len(jobs) == 1, calls
    call = jobs[0]
    assert call[call.index(f"{service}-job") + 1:-1] == ["sh", "-e", "-c"]
    return call[-1]


def test_the_plugin_is_found_through_its_entry_point_with_the_packages_version(tutor):
    listing = tutor("plugins", "list").stdout
    rows = [line.split() for line in listing.splitlines() if line.startswith("rtcm")]
    assert len(rows) == 1 and "enabled" in rows[0] and rows[0][-1] == rtcm_xblocks.__version__, listing


def test_config_save_renders_a_dockerfile_that_installs_the_matching_package(tutor):
    tutor("config", "save")
    dockerfile = (tutor.root / "env" / "build" / "openedx" / "Dockerfile").read_text(encoding="utf-8")
    line = f"$PIP_COMMAND install rtcm-xblocks=={rtcm_xblocks.__version__}"
    assert dockerfile.count(line) == 1
    # In the python-requirements stage, after edx-platform's own requirements, so that its pins win.
    assert dockerfile.index("requirements/edx/base.txt") < dockerfile.index(line)


def test_the_pip_requirement_is_a_setting_and_is_quoted_for_the_shell(tutor):
    tutor("config", "save", "--set", "RTCM_PIP_REQUIREMENT=rtcm-xblocks @ https://example.org/rtcm_xblocks-0.1.0-py3-none-any.whl; rm -rf /")
    dockerfile = (tutor.root / "env" / "build" / "openedx" / "Dockerfile").read_text(encoding="utf-8")
    assert "install 'rtcm-xblocks @ https://example.org/rtcm_xblocks-0.1.0-py3-none-any.whl; rm -rf /'" in dockerfile


def test_config_values_have_defaults_the_admin_can_change(tutor):
    tutor("config", "save", "--set", "RTCM_COURSE_KEY=course-v1:Centre+MMP101+2027", "--set", "RTCM_COURSE_LANGUAGE=ru")
    values = {name: tutor("config", "printvalue", name).stdout.strip() for name in (
        "RTCM_VERSION", "RTCM_PIP_REQUIREMENT", "RTCM_COURSE_KEY", "RTCM_COURSE_LANGUAGE", "RTCM_XAPI_EVENTS")}
    assert values == {
        "RTCM_VERSION": rtcm_xblocks.__version__, "RTCM_PIP_REQUIREMENT": f"rtcm-xblocks=={rtcm_xblocks.__version__}",
        "RTCM_COURSE_KEY": "course-v1:Centre+MMP101+2027", "RTCM_COURSE_LANGUAGE": "ru", "RTCM_XAPI_EVENTS": "true"}
    assert "RTCM_COURSE_KEY: course-v1:Centre+MMP101+2027" in (tutor.root / "config.yml").read_text(encoding="utf-8")


def test_lms_and_cms_settings_let_event_routing_backends_send_our_events_unless_turned_off(tutor):
    settings = tutor.root / "env" / "apps" / "openedx" / "settings"
    tutor("config", "save")
    for app in ("lms", "cms"):
        text = (settings / app / "production.py").read_text(encoding="utf-8")
        assert "from rtcm_xblocks.xapi import allow_events" in text and "rtcm_allow_xapi_events(globals())" in text
        compile(text.replace("from lms.envs.production import *", "").replace("from cms.envs.production import *", ""),
                app, "exec")
    tutor("config", "save", "--set", "RTCM_XAPI_EVENTS=false")
    assert "rtcm_xblocks.xapi" not in (settings / "lms" / "production.py").read_text(encoding="utf-8")


def test_do_init_runs_our_migration_in_the_lms(tutor):
    tutor("config", "save")
    tutor("local", "do", "init", "--limit", "rtcm")
    script = _job(tutor.docker_calls(), "lms")
    assert "./manage.py lms migrate rtcm_needs" in script
    assert "./manage.py lms migrate rtcm_scenario" in script


def _run_in_image_layout(script, tmp_path):
    """Run a job script with `sh -e` where `python` imports this checkout and `./manage.py` records its arguments."""
    platform = tmp_path / "edx-platform"
    bin_dir = tmp_path / "image-bin"
    platform.mkdir()
    bin_dir.mkdir()
    (platform / "manage.py").write_text(FAKE_MANAGE, encoding="utf-8")
    (bin_dir / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    (bin_dir / "python").chmod(0o755)
    script = script.replace("/tmp/rtcm-course", str(tmp_path / "rtcm-course"))
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", PYTHONPATH=str(ROOT))
    done = subprocess.run(["sh", "-e", "-c", script], cwd=platform, env=env, capture_output=True, text=True, check=False)
    return done, platform / "imported.json"


def test_importrtcmcourse_unpacks_the_packaged_course_under_the_configured_key_and_imports_it_in_the_cms(tutor, tmp_path):
    tutor("config", "save", "--set", "RTCM_COURSE_KEY=course-v1:Centre+MMP101+2027", "--set", "RTCM_COURSE_LANGUAGE=az")
    tutor("local", "do", "importrtcmcourse")
    script = _job(tutor.docker_calls(), "cms")
    assert "python -m rtcm_xblocks.starter_course extract" in script
    assert "python ./manage.py cms import" in script
    done, record = _run_in_image_layout(script, tmp_path)
    assert done.returncode == 0, done.stderr
    imported = json.loads(record.read_text())
    assert imported["argv"][:2] == ["cms", "import"]
    course = parse_xml_string(imported["course_xml"])
    assert (course.get("org"), course.get("course"), course.get("url_name")) == ("Centre", "MMP101", "2027")
    assert "course/2027.xml" in imported["files"] and "policies/2027/policy.json" in imported["files"]
    assert not (tmp_path / "rtcm-course").exists(), "the unpacked course is left behind"


def test_importrtcmcourse_options_override_the_settings_for_one_run(tutor, tmp_path):
    tutor("config", "save")
    tutor("local", "do", "importrtcmcourse", "--course-key", "course-v1:Other+X1+run_2", "--language", "fa")
    done, record = _run_in_image_layout(_job(tutor.docker_calls(), "cms"), tmp_path)
    assert done.returncode == 0, done.stderr
    assert 'url_name="run_2" org="Other" course="X1"' in json.loads(record.read_text())["course_xml"]


@pytest.mark.parametrize("args", [["--course-key", "course-v1:A+B+C; touch /tmp/owned"], ["--language", "en$(id)"],
                                  ["--course-key", "MMP101"]])
def test_importrtcmcourse_refuses_a_bad_key_or_language_before_any_container_starts(tutor, args):
    tutor("config", "save")
    done = tutor("local", "do", "importrtcmcourse", *args, check=False)
    assert done.returncode == 2 and "is not like" in done.stderr
    assert not any("run" in call for call in tutor.docker_calls())


def test_a_hostile_course_key_in_config_yml_stays_one_shell_word_and_the_job_fails_cleanly(tutor, tmp_path):
    tutor("config", "save", "--set", "RTCM_COURSE_KEY=x$(touch owned)'; touch owned; '")
    tutor("local", "do", "importrtcmcourse")
    done, record = _run_in_image_layout(_job(tutor.docker_calls(), "cms"), tmp_path)
    assert done.returncode != 0 and "not a course key" in done.stderr
    assert not record.exists()
    assert not (tmp_path / "edx-platform" / "owned").exists()


def test_rtcmroadmap_writes_the_report_into_the_lms_data_volume(tutor):
    tutor("config", "save", "--set", "RTCM_COURSE_LANGUAGE=ru")
    tutor("local", "do", "rtcmroadmap", "--course", "course-v1:IOM-RTCM+MMP101+2026",
          "--course", "course-v1:IOM-RTCM+MMP101+2026-ru")
    script = _job(tutor.docker_calls(), "lms")
    assert ("python ./manage.py lms rtcm_roadmap --output \"$output\" --language ru "
            "--course course-v1:IOM-RTCM+MMP101+2026 --course course-v1:IOM-RTCM+MMP101+2026-ru") in script
    assert "output=/openedx/data/rtcm-roadmap" in script


@pytest.mark.parametrize("args", [["--course", "course-v1:A+B+C; touch /tmp/owned"], ["--language", "ru$(id)"]])
def test_rtcmroadmap_refuses_a_bad_course_or_language_before_any_container_starts(tutor, args):
    tutor("config", "save")
    done = tutor("local", "do", "rtcmroadmap", *args, check=False)
    assert done.returncode != 0 and "is not like" in done.stderr
    assert not [call for call in tutor.docker_calls() if "run" in call]
