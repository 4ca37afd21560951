"""Recurring meetings (A8 quarterly and monthly meetings, C12 follow-up dialogues) from RFC 5545 RRULEs.

A pure core, no Django. A rule must end (COUNT or UNTIL) so its occurrences can be listed and each
one moved, cancelled or given its own agenda. Occurrences keep their wall-clock time across
daylight-saving changes in the event's zone, as calendar programs do.
"""

import calendar
import time as clock
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule, rrulestr

MAX_OCCURRENCES = 120  # ten years of monthly meetings
# dateutil searches up to the year 9999 for a match that never comes (FREQ=HOURLY;BYMONTH=2;
# BYMONTHDAY=30 spins for half a minute); no series of meetings reaches further than this.
MAX_YEARS = 100
MAX_RULE_LENGTH = 500
MAX_SECONDS = 2.0  # wall-clock bound on one expansion, whatever the rule

PRESETS = {
    "weekly": "FREQ=WEEKLY",
    "monthly": "FREQ=MONTHLY",
    "bimonthly": "FREQ=MONTHLY;INTERVAL=2",
    "quarterly": "FREQ=MONTHLY;INTERVAL=3",
    "yearly": "FREQ=YEARLY",
}

_ALLOWED = {
    "FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS",
    "BYWEEKNO", "BYYEARDAY", "WKST", "BYHOUR", "BYMINUTE",
}  # fmt: skip


# dateutil quietly yields nothing for impossible values such as BYMONTH=13; refuse them instead.
_RANGES = {"INTERVAL": (1, 1000), "BYMONTH": (1, 12), "BYMONTHDAY": (1, 31), "BYYEARDAY": (1, 366),
           "BYWEEKNO": (1, 53), "BYSETPOS": (1, 366)}  # fmt: skip
_UNSIGNED_RANGES = {"BYHOUR": (0, 23), "BYMINUTE": (0, 59)}
# Meetings: a rule repeating every minute or second is a typing mistake, and dateutil is slowest there.
_FREQUENCIES = {"YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY"}


class RecurrenceError(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class SearchExhausted(Exception):
    """dateutil looked through MAX_YEARS (or MAX_SECONDS) of calendar without reaching the rule's end."""


class _BoundedRule(rrule):
    """An rrule whose search for matches stops after a bounded number of months and seconds.

    dateutil's generator yields only matches, so a rule that never matches loops inside one `next()`
    until the year 9999, and its UNTIL is only compared with matches. It does rebuild its month masks
    at least once a month of calendar it scans, reading `_bynweekday` each time: that read is where we
    count and stop. tests/events/test_recurrence.py checks the guard still fires.
    """

    def __init__(self, *args, **kwargs):
        self._months = 0
        self._deadline = clock.monotonic() + MAX_SECONDS
        super().__init__(*args, **kwargs)

    @property
    def _bynweekday(self):
        self._months += 1
        if self._months > 12 * MAX_YEARS + 24 or clock.monotonic() > self._deadline:
            raise SearchExhausted
        return self._bynweekday_value

    @_bynweekday.setter
    def _bynweekday(self, value):
        self._bynweekday_value = value


def _parts(rule: str) -> dict[str, str]:
    if len(rule) > MAX_RULE_LENGTH:
        raise RecurrenceError("invalid")
    text = rule.strip().upper()
    if text.startswith("RRULE:"):
        text = text[len("RRULE:") :]
    parts = {}
    for chunk in filter(None, text.split(";")):
        name, sep, value = chunk.partition("=")
        if not sep or not value or name in parts or name not in _ALLOWED:
            raise RecurrenceError("invalid")
        parts[name] = value
    if parts.get("FREQ") not in _FREQUENCIES:
        raise RecurrenceError("invalid")
    for name, (low, high) in _RANGES.items():
        if name in parts and not all(_in_range(v, low, high) for v in parts[name].split(",")):
            raise RecurrenceError("invalid")
    for name, (low, high) in _UNSIGNED_RANGES.items():
        if name in parts and not all(_number(v) is not None for v in parts[name].split(",")):
            raise RecurrenceError("invalid")
        if name in parts and not all(low <= _number(v) <= high for v in parts[name].split(",")):
            raise RecurrenceError("invalid")
    if "INTERVAL" in parts and parts["INTERVAL"].startswith(("+", "-")):
        raise RecurrenceError("invalid")
    if _impossible_days(parts):
        raise RecurrenceError("empty")
    return parts


def _number(value: str) -> int | None:
    """An unsigned ASCII number of at most six digits (int() of thousands of digits is slow, then fails)."""
    if not value.isascii() or not value.isdigit() or len(value) > 6:
        return None
    return int(value)


def _in_range(value: str, low: int, high: int) -> bool:
    number = _number(value[1:] if value[:1] in "+-" else value)
    return number is not None and low <= number <= high


def _impossible_days(parts: dict[str, str]) -> bool:
    """True when no month of the rule has any of its days (BYMONTH=2;BYMONTHDAY=30 never happens)."""
    if "BYMONTHDAY" not in parts or "BYMONTH" not in parts:
        return False
    longest = max(calendar.monthrange(2000, int(m.lstrip("+")))[1] for m in parts["BYMONTH"].split(","))
    return all(int(d.lstrip("+-")) > longest for d in parts["BYMONTHDAY"].split(","))


def _until_utc(until: date | datetime, tz: ZoneInfo) -> str:
    if not isinstance(until, datetime):
        until = datetime.combine(until, time(23, 59, 59), tzinfo=tz)
    elif until.tzinfo is None:
        until = until.replace(tzinfo=tz)
    return until.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")


def normalise_rule(rule: str, *, count: int | None = None, until=None, tz: str = "UTC") -> str:
    """The rule in canonical form (no RRULE: prefix, upper case), with the given end added."""
    parts = _parts(rule)
    if count is not None:
        parts.pop("UNTIL", None)
        parts["COUNT"] = str(count)
    elif until is not None:
        parts.pop("COUNT", None)
        parts["UNTIL"] = _until_utc(until, ZoneInfo(tz))
    if "COUNT" in parts and "UNTIL" in parts:
        raise RecurrenceError("invalid")  # RFC 5545 allows one or the other
    if "COUNT" not in parts and "UNTIL" not in parts:
        raise RecurrenceError("never_ends")
    if "COUNT" in parts:
        number = _number(parts["COUNT"])
        if number is None or number < 1:
            raise RecurrenceError("invalid")
        if number > MAX_OCCURRENCES:
            raise RecurrenceError("too_many")
        parts["COUNT"] = str(number)  # no leading zeros
    canonical = ";".join(f"{name}={value}" for name, value in parts.items())
    try:
        rrulestr(canonical, dtstart=datetime(2000, 1, 1, tzinfo=ZoneInfo("UTC")))
    except (ValueError, TypeError, OverflowError) as error:
        raise RecurrenceError("invalid") from error
    return canonical


def without_count(rule: str) -> tuple[str, int | None]:
    """A rule and its number of meetings apart ("FREQ=MONTHLY;INTERVAL=2", 6), e.g. for a template."""
    parts = _parts(rule)
    count = parts.pop("COUNT", None)
    return ";".join(f"{name}={value}" for name, value in parts.items()), _number(count) if count else None


def occurrences(rule: str, first_start: datetime, *, tz: str) -> list[datetime]:
    """Every start the rule gives from `first_start`, aware in `tz`; at most MAX_OCCURRENCES."""
    zone = ZoneInfo(tz)
    start = first_start.astimezone(zone) if first_start.tzinfo else first_start.replace(tzinfo=zone)
    try:
        parsed = rrulestr(normalise_rule(rule, tz=tz), dtstart=start)
        horizon = start + relativedelta(years=MAX_YEARS)
    except (ValueError, TypeError, OverflowError) as error:
        raise RecurrenceError("invalid") from error
    count, until = parsed._count, parsed._until
    bounded = _BoundedRule(
        **parsed._original_rule,
        freq=parsed._freq,
        dtstart=start,
        interval=parsed._interval,
        wkst=parsed._wkst,
        until=min(until, horizon) if until else horizon,
        count=None,
    )
    found = []
    exhausted = None
    try:
        for occurrence in bounded:
            found.append(occurrence)
            if len(found) == (count or MAX_OCCURRENCES + 1):
                break
    except SearchExhausted as error:
        exhausted = error
    if len(found) > MAX_OCCURRENCES:
        raise RecurrenceError("too_many")
    if not found:
        raise RecurrenceError("empty") from exhausted
    if (count and len(found) < count) or (until and until > horizon):
        # The rest lies beyond MAX_YEARS, or never comes.
        raise RecurrenceError("too_far") from exhausted
    # dateutil keeps the wall-clock time; re-attach the zone so the offset fits each date.
    return [occurrence.replace(tzinfo=zone) for occurrence in found]
