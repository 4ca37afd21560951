"""iCalendar (RFC 5545) for one event, a space, and a person's own events.

A recurring meeting is one VEVENT with its RRULE; occurrences that were moved or cancelled follow as
VEVENTs with the same UID and a RECURRENCE-ID. Dates of limited precision become tentative all-day
spans; dates still to be decided are left out. Venue and online link only go to those who may see them.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from icalendar import Calendar, vRecur
from icalendar import Event as VEvent

from hiwar.core.translation import pick
from hiwar.events.models import Event, EventStatus

PRODID = "-//Hiwar//Hiwar dialogues//EN"


def _host() -> str:
    return urlsplit(settings.HIWAR_BASE_URL).hostname or "hiwar"


def _uid(event: Event, *, as_occurrence: bool) -> str:
    if as_occurrence and event.series_id:
        return f"series-{event.series_id}@{_host()}"
    return f"event-{event.pk}@{_host()}"


def _fill(vevent: VEvent, event: Event, *, language: str, logistics: bool) -> None:
    vevent.add("summary", pick(event.title, language))
    link = settings.HIWAR_BASE_URL + event.get_absolute_url()
    description = pick(event.description, language)
    vevent.add("description", f"{description}\n\n{link}".strip())
    vevent.add("url", link)
    vevent.add("dtstamp", timezone.now())
    vevent.add("sequence", int(event.updated_at.timestamp()) % 2_000_000_000 if event.updated_at else 0)
    if event.status == EventStatus.CANCELLED:
        vevent.add("status", "CANCELLED")
    elif event.is_exact:
        vevent.add("status", "CONFIRMED")
    else:
        vevent.add("status", "TENTATIVE")
    if logistics:
        location = ", ".join(filter(None, [event.venue.strip(), event.online_url]))
        if location:
            vevent.add("location", location)
    vevent.add("categories", [event.kind])


def _times(vevent: VEvent, event: Event) -> None:
    if event.is_exact:
        tz = ZoneInfo(event.timezone)
        vevent.add("dtstart", event.start.astimezone(tz))
        vevent.add("dtend", event.end.astimezone(tz))
    else:
        vevent.add("dtstart", event.earliest)
        vevent.add("dtend", event.latest + timedelta(days=1))  # DTEND of an all-day span is exclusive


def _single(event: Event, *, language: str, logistics: bool) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", _uid(event, as_occurrence=False))
    _times(vevent, event)
    _fill(vevent, event, language=language, logistics=logistics)
    return vevent


def _series_components(occurrences: list[Event], *, language: str, logistics) -> list[VEvent]:
    series = occurrences[0].series
    tz = ZoneInfo(series.timezone)
    master = VEvent()
    master.add("uid", _uid(occurrences[0], as_occurrence=True))
    master.add("dtstart", series.first_start.astimezone(tz))
    master.add("dtend", (series.first_start + series.duration).astimezone(tz))
    master.add("rrule", vRecur.from_ical(series.rrule))
    first = min(occurrences, key=lambda e: e.original_start)
    _fill(master, first, language=language, logistics=logistics(first))
    # The master stands for the rule, not for the first meeting's own changes.
    master["status"] = "CONFIRMED"
    components = [master]
    for event in occurrences:
        changed = event.status == EventStatus.CANCELLED or event.start != event.original_start
        if not changed:
            continue
        override = VEvent()
        override.add("uid", _uid(event, as_occurrence=True))
        override.add("recurrence-id", event.original_start.astimezone(tz))
        _times(override, event)
        _fill(override, event, language=language, logistics=logistics(event))
        components.append(override)
    return components


def calendar_for(
    events: Iterable[Event], *, name: str, language: str = "ar", can_see_logistics=lambda event: False
) -> bytes:
    """A calendar of `events`; whole series (all their occurrences present) go out as RRULE + overrides."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    events = [e for e in events if e.earliest is not None]
    by_series: dict[int, list[Event]] = defaultdict(list)
    singles = []
    for event in events:
        (by_series[event.series_id] if event.series_id else singles).append(event)
    complete = {}
    if by_series:
        counts = dict(
            Event.objects.filter(series_id__in=list(by_series))
            .values("series_id")
            .annotate(n=Count("id"))
            .values_list("series_id", "n")
        )
        complete = {sid: len(items) == counts[sid] for sid, items in by_series.items()}
    for series_id, occurrences in by_series.items():
        if complete.get(series_id):
            for component in _series_components(occurrences, language=language, logistics=can_see_logistics):
                calendar.add_component(component)
        else:
            singles.extend(occurrences)
    for event in sorted(singles, key=lambda e: (e.earliest, e.pk)):
        calendar.add_component(_single(event, language=language, logistics=can_see_logistics(event)))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def event_calendar(event: Event, *, for_user=None, language: str | None = None) -> bytes:
    language = language or (for_user.preferred_language if for_user else "ar")
    may_see = bool(for_user and for_user.has_perm("events.see_logistics", event))
    return calendar_for(
        [event], name=pick(event.title, language), language=language, can_see_logistics=lambda e: may_see
    )
