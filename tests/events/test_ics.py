"""Calendars parsed back with icalendar and checked field by field (RFC 5545)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from hiwar.events import services
from hiwar.events.ics import calendar_for, event_calendar
from hiwar.events.precision import Part, Precision, PrecisionDate
from hiwar.spaces.models import Role
from tests.factories import UserFactory

AMMAN = ZoneInfo("Asia/Amman")


@pytest.fixture
def space(make_space, user):
    return make_space(members=[(user, Role.CONVENOR)])


def parse(content: bytes) -> Calendar:
    calendar = Calendar.from_ical(content)
    assert str(calendar["version"]) == "2.0" and "Hiwar" in str(calendar["prodid"])
    return calendar


def test_one_event_with_its_time_zone(space, make_event):
    start = datetime(2026, 12, 9, 10, 30, tzinfo=AMMAN)
    event = make_event(
        space, start=start, minutes=90, venue="Dead Sea", title={"ar": "حوار", "en": "Dialogue"}
    )
    calendar = parse(event_calendar(event, language="en"))
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["summary"]) == "Dialogue"
    assert vevent.decoded("dtstart") == start and vevent.decoded("dtend") == start + timedelta(minutes=90)
    assert vevent["dtstart"].params["TZID"] == "Asia/Amman"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Amman"]
    assert str(vevent["status"]) == "CONFIRMED"
    assert str(vevent["uid"]).startswith(f"event-{event.pk}@")
    assert "location" not in vevent  # the venue is only for participants
    assert f"/events/{event.pk}/" in str(vevent["url"])


def test_participants_get_the_venue(space, make_event):
    event = make_event(space, venue="Dead Sea", online_url="https://meet.example.org/x")
    person = UserFactory()
    services.register(event=event, user=person)
    (vevent,) = parse(event_calendar(event, for_user=person)).walk("VEVENT")
    assert str(vevent["location"]) == "Dead Sea, https://meet.example.org/x"


def test_limited_precision_is_a_tentative_all_day_span_and_undecided_is_left_out(space, make_event):
    late = make_event(space, when=PrecisionDate(Precision.PART, 2026, part=Part.LATE), title={"en": "Review"})
    undecided = make_event(space, when=PrecisionDate(Precision.TBD), title={"en": "Later"})
    calendar = parse(calendar_for([late, undecided], name="x", language="en"))
    (vevent,) = calendar.walk("VEVENT")
    assert vevent.decoded("dtstart") == date(2026, 9, 1)
    assert vevent.decoded("dtend") == date(2027, 1, 1)  # exclusive end
    assert str(vevent["status"]) == "TENTATIVE"


def test_a_series_is_one_rule_with_its_moved_and_cancelled_meetings(space, user):
    series = services.series_create(
        space=space,
        actor=user,
        title={"en": "Quarterly meeting"},
        kind="general_meeting",
        rule="FREQ=MONTHLY;INTERVAL=3",
        count=4,
        first_start=datetime(2026, 1, 14, 11, 0, tzinfo=AMMAN),
        duration=timedelta(hours=2),
        tz="Asia/Amman",
    )
    meetings = list(series.occurrences.order_by("start"))
    moved = meetings[1].start + timedelta(days=1)
    services.event_update(
        event=meetings[1],
        actor=user,
        when=PrecisionDate(Precision.EXACT),
        start=moved,
        end=moved + timedelta(hours=2),
    )
    services.event_cancel(event=meetings[2], actor=user)
    for meeting in meetings:
        meeting.refresh_from_db()
    vevents = parse(calendar_for(meetings, name="x", language="en")).walk("VEVENT")
    master, *overrides = vevents
    assert dict(master["rrule"]) == {"FREQ": ["MONTHLY"], "INTERVAL": [3], "COUNT": [4]}
    assert master.decoded("dtstart") == datetime(2026, 1, 14, 11, 0, tzinfo=AMMAN)
    assert {str(v["uid"]) for v in vevents} == {str(master["uid"])}
    by_recurrence = {v.decoded("recurrence-id"): v for v in overrides}
    assert set(by_recurrence) == {meetings[1].original_start, meetings[2].original_start}
    assert by_recurrence[meetings[1].original_start].decoded("dtstart") == moved
    assert str(by_recurrence[meetings[2].original_start]["status"]) == "CANCELLED"


def test_the_space_calendar_and_the_private_feed_keep_a_flat_query_count(client, space, user, make_event):
    """Whether each event's venue may be shown is decided for all events at once, not event by event."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    person = UserFactory()
    feed = services.calendar_feed_for(person)
    urls = [reverse("events:space_ics", args=[space.slug]), reverse("calendar_feed", args=[feed.token])]
    client.force_login(person)

    def grow_and_count(total: int) -> list[int]:
        while space.events.count() < total:
            event = make_event(space, start=datetime.now(AMMAN) + timedelta(days=3 + space.events.count()))
            services.register(event=event, user=person)
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200
            assert len(parse(response.content).walk("VEVENT")) == total
            counts.append(len(queries))
        return counts

    assert grow_and_count(1) == grow_and_count(21)
