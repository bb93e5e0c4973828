"""Packaging for rtcm-xblocks: scenario-exercise and training-needs XBlocks for Open edX."""
import os
import re

from setuptools import find_packages, setup

HERE = os.path.dirname(os.path.abspath(__file__))


def read(*parts):
    with open(os.path.join(HERE, *parts), encoding="utf-8") as handle:
        return handle.read()


def version():
    return re.search(r'^__version__ = "([^"]+)"', read("rtcm_xblocks", "__init__.py"), re.M).group(1)


setup(
    name="rtcm-xblocks",
    version=version(),
    description="Branching scenario exercises and training-needs self-assessments for Open edX",
    long_description=read("README.md"),
    long_description_content_type="text/markdown",
    license="AGPL-3.0",
    packages=find_packages(include=["rtcm_xblocks", "rtcm_xblocks.*"]),
    include_package_data=True,
    package_data={
        "rtcm_xblocks": [
            "static/**/*",
            "templates/**/*",
            "conf/locale/**/*",
            "translations/**/*",
            "needs/frameworks/*.xml",
            "scenario/samples/*.xml",
            "needs/samples/*.xml",
            "starter_course/*.tar.gz",
        ],
    },
    python_requires=">=3.11",
    install_requires=[
        # XBlock brings web_fragments: its own wheel ships it from 6.2, earlier ones require web-fragments;
        # declaring web-fragments too would install a second copy over XBlock's (tests/test_packaging.py).
        "XBlock>=5.0,<7",
        "Django>=4.2",
        "lxml",
        "nh3",
    ],
    entry_points={
        "xblock.v1": [
            "rtcm_scenario = rtcm_xblocks.scenario.block:ScenarioBlock",
            "rtcm_needs_assessment = rtcm_xblocks.needs.block:NeedsAssessmentBlock",
        ],
        "lms.djangoapp": [
            "rtcm_needs = rtcm_xblocks.needs.apps:NeedsConfig",
            "rtcm_scenario = rtcm_xblocks.scenario.apps:ScenarioConfig",
            "rtcm_roadmap = rtcm_xblocks.roadmap.apps:RoadmapConfig",
        ],
        "cms.djangoapp": [
            "rtcm_needs = rtcm_xblocks.needs.apps:NeedsConfig",
            "rtcm_scenario = rtcm_xblocks.scenario.apps:ScenarioConfig",
        ],
    },
    classifiers=[
        "Framework :: Django",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
    ],
)
