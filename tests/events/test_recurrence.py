"""Recurring meetings (A8, C12): presets and RFC 5545 rules that must end."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from hiwar.events.recurrence import MAX_OCCURRENCES, PRESETS, RecurrenceError, normalise_rule, occurrences

AMMAN = "Asia/Amman"
NEW_YORK = "America/New_York"


def test_quarterly_meetings_for_a_year():
    rule = normalise_rule(PRESETS["quarterly"], count=4)
    starts = occurrences(rule, datetime(2026, 1, 14, 11, 0, tzinfo=ZoneInfo(AMMAN)), tz=AMMAN)
    assert [s.date() for s in starts] == [
        date(2026, 1, 14),
        date(2026, 4, 14),
        date(2026, 7, 14),
        date(2026, 10, 14),
    ]
    assert all(s.tzinfo == ZoneInfo(AMMAN) for s in starts)


def test_wall_clock_time_is_kept_across_daylight_saving():
    rule = normalise_rule("FREQ=MONTHLY;BYDAY=1TU", count=6)
    starts = occurrences(rule, datetime(2026, 1, 6, 10, 30, tzinfo=ZoneInfo(NEW_YORK)), tz=NEW_YORK)
    assert {s.strftime("%H:%M") for s in starts} == {"10:30"}
    assert {s.utcoffset().total_seconds() / 3600 for s in starts} == {-5, -4}
    assert all(s.weekday() == 1 and s.day <= 7 for s in starts)  # the first Tuesday


def test_until_is_inclusive_of_its_day():
    rule = normalise_rule("FREQ=WEEKLY", until=date(2026, 3, 31), tz=AMMAN)
    assert rule.startswith("FREQ=WEEKLY;UNTIL=")
    starts = occurrences(rule, datetime(2026, 3, 3, 18, 0, tzinfo=ZoneInfo(AMMAN)), tz=AMMAN)
    assert [s.day for s in starts] == [3, 10, 17, 24, 31]


@pytest.mark.parametrize(
    ("rule", "kwargs", "code"),
    [
        ("FREQ=MONTHLY", {}, "never_ends"),
        ("RRULE:FREQ=MONTHLY;COUNT=500", {}, "too_many"),
        ("FREQ=SOMETIMES;COUNT=3", {}, "invalid"),
        ("COUNT=3", {}, "invalid"),
        ("FREQ=MONTHLY;COUNT=2;UNTIL=20270101T000000Z", {}, "invalid"),
        ("FREQ=DAILY;BYMONTH=13;COUNT=3", {}, "invalid"),
    ],
)
def test_bad_rules_are_refused_with_a_reason(rule, kwargs, code):
    with pytest.raises(RecurrenceError) as caught:
        occurrences(normalise_rule(rule, **kwargs), datetime(2026, 1, 1, 9, tzinfo=ZoneInfo(AMMAN)), tz=AMMAN)
    assert caught.value.code == code


def test_a_daily_rule_for_years_is_capped():
    rule = normalise_rule("FREQ=DAILY", until=date(2030, 1, 1))
    with pytest.raises(RecurrenceError) as caught:
        occurrences(rule, datetime(2026, 1, 1, 9, tzinfo=ZoneInfo(AMMAN)), tz=AMMAN)
    assert caught.value.code == "too_many"
    assert MAX_OCCURRENCES == 120
