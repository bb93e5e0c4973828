"""The plugin's hooks: config values, the Dockerfile and settings patches, the init task, `do importrtcmcourse` and `do rtcmroadmap`.

Tutor loads this module inside its own virtualenv (not the openedx image), so it imports nothing
of rtcm-xblocks: the scripts it adds run `python -m rtcm_xblocks.starter_course` inside the image.
"""
import re
import shlex
from importlib import resources

import click
from tutor import hooks

from .__about__ import __version__

DEFAULT_COURSE_KEY = "course-v1:IOM-RTCM+MMP101+2026"
# The same rule as rtcm_xblocks.starter_course, checked here too so that a typo fails before any container starts.
COURSE_KEY = re.compile(r"^course-v1:([A-Za-z0-9][A-Za-z0-9_.~-]{0,99}\+){2}[A-Za-z0-9][A-Za-z0-9_.~-]{0,99}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$")

hooks.Filters.CONFIG_DEFAULTS.add_items([
    ("RTCM_VERSION", __version__),
    ("RTCM_PIP_REQUIREMENT", "rtcm-xblocks=={{ RTCM_VERSION }}"),
    ("RTCM_COURSE_KEY", DEFAULT_COURSE_KEY),
    ("RTCM_COURSE_LANGUAGE", "en"),
    ("RTCM_XAPI_EVENTS", True),
])

# Values that reach a shell script or a Dockerfile RUN line are quoted for the shell.
hooks.Filters.ENV_TEMPLATE_FILTERS.add_item(("rtcm_shell_quote", lambda value: shlex.quote(str(value))))


def _read(*parts):
    return resources.files("tutorrtcm").joinpath(*parts).read_text(encoding="utf-8")


for _patch in resources.files("tutorrtcm").joinpath("patches").iterdir():
    if _patch.is_file() and not _patch.name.startswith("."):
        hooks.Filters.ENV_PATCHES.add_item((_patch.name, _patch.read_text(encoding="utf-8")))

# Tutor loads the plugin inside its app context, so `tutor local do init --limit rtcm` runs only this.
hooks.Filters.CLI_DO_INIT_TASKS.add_item(("lms", _read("templates", "rtcm", "jobs", "init.sh")))


def _check(pattern, example):
    def check(_context, _param, value):
        for item in value if isinstance(value, tuple) else (value,):  # a repeatable option gives a tuple
            if item is not None and not pattern.match(item):
                raise click.BadParameter(f"{item!r} is not like {example!r}.")
        return value
    return check


@click.command(name="importrtcmcourse", help="Import the RTCM starter course shipped with rtcm-xblocks")
@click.option("-k", "--course-key", callback=_check(COURSE_KEY, DEFAULT_COURSE_KEY),
              help="Course key to import under (default: the RTCM_COURSE_KEY setting)")
@click.option("-l", "--language", callback=_check(LANGUAGE, "en"),
              help="The course's language code (default: the RTCM_COURSE_LANGUAGE setting)")
def importrtcmcourse(course_key, language):
    """Yield the CMS script that unpacks the packaged course under the key and language, then imports it."""
    key = shlex.quote(course_key) if course_key else "{{ RTCM_COURSE_KEY|rtcm_shell_quote }}"
    lang = shlex.quote(language) if language else "{{ RTCM_COURSE_LANGUAGE|rtcm_shell_quote }}"
    script = _read("templates", "rtcm", "jobs", "importrtcmcourse.sh")
    yield ("cms", script.replace("@COURSE_KEY@", key).replace("@LANGUAGE@", lang))


hooks.Filters.CLI_DO_COMMANDS.add_item(importrtcmcourse)


@click.command(name="rtcmroadmap", help="Write the regional training-needs roadmap (HTML, CSV, XLSX) to data/lms/rtcm-roadmap")
@click.option("-c", "--course", "courses", multiple=True, callback=_check(COURSE_KEY, DEFAULT_COURSE_KEY),
              help="Only this course run (repeatable; default: every run on the instance)")
@click.option("-l", "--language", callback=_check(LANGUAGE, "en"),
              help="Language of the report's texts (default: the RTCM_COURSE_LANGUAGE setting)")
def rtcmroadmap(courses, language):
    """Yield the LMS script that runs `./manage.py lms rtcm_roadmap` into the LMS's data volume."""
    lang = shlex.quote(language) if language else "{{ RTCM_COURSE_LANGUAGE|rtcm_shell_quote }}"
    chosen = " ".join(f"--course {shlex.quote(course)}" for course in courses)
    script = _read("templates", "rtcm", "jobs", "rtcmroadmap.sh")
    yield ("lms", script.replace("@LANGUAGE@", lang).replace("@COURSES@", chosen))


hooks.Filters.CLI_DO_COMMANDS.add_item(rtcmroadmap)
