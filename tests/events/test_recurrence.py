"""Recurring meetings (A8, C12): presets and RFC 5545 rules that must end."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hiwar.events.recurrence import (
    MAX_OCCURRENCES,
    PRESETS,
    RecurrenceError,
    SearchExhausted,
    normalise_rule,
    occurrences,
)

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


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        ("FREQ=MONTHLY;COUNT=" + "9" * 5000, "invalid"),
        ("FREQ=MONTHLY;COUNT=٣", "invalid"),
        ("FREQ=MONTHLY;INTERVAL=" + "9" * 5000 + ";COUNT=3", "invalid"),
        ("FREQ=MONTHLY;INTERVAL=+2;COUNT=3", "invalid"),
        ("FREQ=MONTHLY;BYMONTHDAY=²;COUNT=3", "invalid"),
        ("FREQ=DAILY;BYHOUR=24;COUNT=3", "invalid"),
        ("FREQ=MINUTELY;COUNT=3", "invalid"),
        ("FREQ=DAILY;COUNT=3;" + "BYHOUR=1;" * 100, "invalid"),
        ("FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30;COUNT=5", "empty"),
        ("FREQ=YEARLY;BYMONTH=4,6;BYMONTHDAY=31;COUNT=5", "empty"),
        ("FREQ=YEARLY;INTERVAL=50;COUNT=5", "too_far"),
    ],
)
def test_oversized_and_impossible_rules_are_refused_with_a_reason(rule, code):
    with pytest.raises(RecurrenceError) as caught:
        occurrences(normalise_rule(rule), datetime(2026, 1, 1, 9, tzinfo=ZoneInfo(AMMAN)), tz=AMMAN)
    assert caught.value.code == code


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=HOURLY;BYYEARDAY=366;BYMONTH=1;COUNT=5",
        "FREQ=HOURLY;BYWEEKNO=53;BYMONTH=6;COUNT=3",
        "FREQ=HOURLY;BYSETPOS=366;BYMONTH=2;COUNT=3",
        "FREQ=HOURLY;BYYEARDAY=200;BYMONTH=1;UNTIL=99991231T000000Z",
    ],
)
def test_a_rule_that_never_matches_stops_its_search_at_the_horizon(rule):
    # Without the bound dateutil searches until the year 9999 (half a minute for the first rule).
    with pytest.raises(RecurrenceError) as caught:
        occurrences(normalise_rule(rule), datetime(2026, 1, 1, 9, tzinfo=ZoneInfo(AMMAN)), tz=AMMAN)
    assert caught.value.code == "empty"
    assert isinstance(caught.value.__cause__, SearchExhausted)


def test_a_long_but_reachable_series_is_kept():
    rule = normalise_rule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;COUNT=24")
    starts = occurrences(rule, datetime(2026, 1, 1, 9, tzinfo=ZoneInfo(AMMAN)), tz=AMMAN)
    assert len(starts) == 24
    assert all((s.month, s.day) == (2, 29) for s in starts)


_VALUES = st.one_of(
    st.integers(min_value=-400, max_value=400).map(str),
    st.text("0123456789", min_size=1, max_size=30),
    st.sampled_from(["MO", "1TU", "-1FR", "20270101T000000Z", "", "٣", "+5", "9" * 4400]),
    st.text(max_size=8),
)
_NAMES = st.sampled_from(
    ["FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "BYWEEKNO",
     "BYYEARDAY", "WKST", "BYHOUR", "BYMINUTE", "BYSECOND"]
)  # fmt: skip
_FREQ = st.sampled_from(["YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SOMETIMES"])


@settings(max_examples=150, deadline=None)
@given(
    freq=_FREQ,
    parts=st.lists(st.tuples(_NAMES, st.lists(_VALUES, min_size=1, max_size=3)), max_size=5),
)
def test_any_rule_gives_a_bounded_list_or_a_recurrence_error(freq, parts):
    rule = ";".join([f"FREQ={freq}", *(f"{name}={','.join(values)}" for name, values in parts)])
    try:
        starts = occurrences(normalise_rule(rule), datetime(2026, 1, 1, 9, tzinfo=ZoneInfo(AMMAN)), tz=AMMAN)
    except RecurrenceError as error:
        assert error.code in {"invalid", "never_ends", "too_many", "empty", "too_far"}
    else:
        assert 1 <= len(starts) <= MAX_OCCURRENCES
