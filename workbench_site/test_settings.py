"""Test settings: the workbench settings on an in-memory sqlite database, with quiet logging."""
from workbench_site.settings import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
LOGGING = {"version": 1}
