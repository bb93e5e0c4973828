"""The platform's own field types, mirrored from edx-platform `xmodule/fields.py`.

`Date` parses with dateutil and refuses a date missing its month or day (it answers None and logs,
as the platform does), so a step id such as "arrival" in a `start` attribute raises the same
dateutil error the platform raises; `Timedelta` reads "1 day 2 hours". Both are JSONFields, so
XBlock's `to_string` writes them JSON-quoted: `start="&quot;2030-01-01T00:00:00Z&quot;"`, as a
real Studio export of a pure XBlock does.
"""
import datetime
import logging
import re
import time

import dateutil.parser
from xblock.fields import JSONField

__all__ = ["Date", "Timedelta"]

log = logging.getLogger(__name__)
UTC = datetime.timezone.utc


class Date(JSONField):
    """A timezone-aware datetime stored as an ISO string (xmodule.fields.Date)."""

    CURRENT_YEAR = datetime.datetime.now(UTC).year
    PREVENT_DEFAULT_DAY_MON_SEED1 = datetime.datetime(CURRENT_YEAR, 1, 1, tzinfo=UTC)
    PREVENT_DEFAULT_DAY_MON_SEED2 = datetime.datetime(CURRENT_YEAR, 2, 2, tzinfo=UTC)
    MUTABLE = False

    def _parse_date_wo_default_month_day(self, field):
        result = dateutil.parser.parse(field, default=self.PREVENT_DEFAULT_DAY_MON_SEED1)
        result_other = dateutil.parser.parse(field, default=self.PREVENT_DEFAULT_DAY_MON_SEED2)
        if result != result_other:
            log.warning("Field %s is missing month or day", self.name)
            return None
        if result.tzinfo is None:
            result = result.replace(tzinfo=UTC)
        return result

    def from_json(self, field):  # pylint: disable=arguments-renamed
        if field is None:
            return field
        if field == "":
            return None
        if isinstance(field, str):
            return self._parse_date_wo_default_month_day(field)
        if isinstance(field, (int, float)):
            return datetime.datetime.fromtimestamp(field / 1000, UTC)
        if isinstance(field, time.struct_time):
            return datetime.datetime.fromtimestamp(time.mktime(field), UTC)
        if isinstance(field, datetime.datetime):
            return field
        raise TypeError(f"Field {self.name} has bad value '{field}'")

    def to_json(self, value):
        if value is None:
            return None
        if isinstance(value, time.struct_time):
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", value)
        if isinstance(value, datetime.datetime):
            if value.tzinfo is None or value.utcoffset().total_seconds() == 0:
                if value.year < 1900:
                    return value.isoformat()
                return value.strftime("%Y-%m-%dT%H:%M:%SZ")
            return value.isoformat()
        raise TypeError(f"Cannot convert {value!r} to json")

    enforce_type = from_json


TIMEDELTA_REGEX = re.compile(r"^((?P<days>\d+?) day(?:s?))?(\s)?((?P<hours>\d+?) hour(?:s?))?(\s)?"
                             r"((?P<minutes>\d+?) minute(?:s)?)?(\s)?((?P<seconds>\d+?) second(?:s)?)?$")


class Timedelta(JSONField):
    """A duration written "1 day 2 hours 3 minutes 4 seconds" (xmodule.fields.Timedelta)."""

    MUTABLE = False

    def from_json(self, time_str):  # pylint: disable=arguments-renamed
        if time_str is None:
            return None
        if isinstance(time_str, datetime.timedelta):
            return time_str
        parts = TIMEDELTA_REGEX.match(time_str)
        if not parts:
            return None
        return datetime.timedelta(**{name: int(value) for name, value in parts.groupdict().items() if value})

    def to_json(self, value):
        if value is None:
            return None
        values = []
        for attr in ("days", "hours", "minutes", "seconds"):
            current = getattr(value, attr, 0)
            if current > 0:
                values.append(f"{current} {attr}")
        return " ".join(values)

    def enforce_type(self, value):
        if isinstance(value, datetime.timedelta) or value is None:
            return value
        return self.from_json(value)
