"""Recurring meetings (A8 quarterly and monthly meetings, C12 follow-up dialogues) from RFC 5545 RRULEs.

A pure core, no Django. A rule must end (COUNT or UNTIL) so its occurrences can be listed and each
one moved, cancelled or given its own agenda. Occurrences keep their wall-clock time across
daylight-saving changes in the event's zone, as calendar programs do.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

MAX_OCCURRENCES = 120  # ten years of monthly meetings

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


class RecurrenceError(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _parts(rule: str) -> dict[str, str]:
    text = rule.strip().upper()
    if text.startswith("RRULE:"):
        text = text[len("RRULE:") :]
    parts = {}
    for chunk in filter(None, text.split(";")):
        name, sep, value = chunk.partition("=")
        if not sep or not value or name in parts or name not in _ALLOWED:
            raise RecurrenceError("invalid")
        parts[name] = value
    if "FREQ" not in parts:
        raise RecurrenceError("invalid")
    for name, (low, high) in _RANGES.items():
        if name in parts and not all(_in_range(v, low, high) for v in parts[name].split(",")):
            raise RecurrenceError("invalid")
    return parts


def _in_range(value: str, low: int, high: int) -> bool:
    number = value.lstrip("+-")
    return number.isdigit() and low <= int(number) <= high and int(number) != 0


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
        if not parts["COUNT"].isdigit() or int(parts["COUNT"]) < 1:
            raise RecurrenceError("invalid")
        if int(parts["COUNT"]) > MAX_OCCURRENCES:
            raise RecurrenceError("too_many")
    canonical = ";".join(f"{name}={value}" for name, value in parts.items())
    try:
        rrulestr(canonical, dtstart=datetime(2000, 1, 1, tzinfo=ZoneInfo("UTC")))
    except (ValueError, TypeError) as error:
        raise RecurrenceError("invalid") from error
    return canonical


def occurrences(rule: str, first_start: datetime, *, tz: str) -> list[datetime]:
    """Every start the rule gives from `first_start`, aware in `tz`; at most MAX_OCCURRENCES."""
    zone = ZoneInfo(tz)
    start = first_start.astimezone(zone) if first_start.tzinfo else first_start.replace(tzinfo=zone)
    try:
        rule_set = rrulestr(normalise_rule(rule, tz=tz), dtstart=start)
    except (ValueError, TypeError) as error:
        raise RecurrenceError("invalid") from error
    starts = []
    for occurrence in rule_set:
        if len(starts) == MAX_OCCURRENCES:
            raise RecurrenceError("too_many")
        # dateutil keeps the wall-clock time; re-attach the zone so the offset fits each date.
        starts.append(occurrence.replace(tzinfo=zone))
    if not starts:
        raise RecurrenceError("empty")
    return starts
