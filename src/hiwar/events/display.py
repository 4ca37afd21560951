"""Dates and times of events in words, in the reader's language and time zone."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hiwar.events.precision import Part, Precision, PrecisionDate


def _month(year: int, month: int) -> str:
    return date_format(date(year, month, 1), "YEAR_MONTH_FORMAT")  # "noviembre de 2024", "ноябрь 2024 г."


def describe(when: PrecisionDate) -> str:
    """'19 November 2024', 'week 3 of November 2024', 'late 2024', 'to be decided' — in the active language."""
    p = when.precision
    if p == Precision.TBD:
        return _("to be decided")
    if p in (Precision.EXACT, Precision.DAY):
        return date_format(date(when.year, when.month, when.day), "j F Y")
    if p == Precision.WEEK:
        return _("week %(week)s of %(month)s") % {"week": when.week, "month": _month(when.year, when.month)}
    if p == Precision.MONTH:
        return _month(when.year, when.month)
    if p == Precision.YEAR:
        return str(when.year)
    parts = {
        Part.EARLY: _("early %(year)s"),
        Part.MID: _("mid-%(year)s"),
        Part.LATE: _("late %(year)s"),
        Part.FIRST_HALF: _("first half of %(year)s"),
        Part.SECOND_HALF: _("second half of %(year)s"),
        Part.Q1: _("first quarter of %(year)s"),
        Part.Q2: _("second quarter of %(year)s"),
        Part.Q3: _("third quarter of %(year)s"),
        Part.Q4: _("fourth quarter of %(year)s"),
    }
    return parts[when.part] % {"year": when.year}


def time_range(start: datetime, end: datetime, zone: str) -> str:
    """'19 November 2024, 10:30–12:00 EST' in `zone`."""
    tz = ZoneInfo(zone)
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    abbreviation = local_start.tzname() or zone
    if local_start.date() == local_end.date():
        return pgettext("event time", "%(day)s, %(start)s–%(end)s %(zone)s") % {
            "day": date_format(local_start.date(), "j F Y"),
            "start": local_start.strftime("%H:%M"),
            "end": local_end.strftime("%H:%M"),
            "zone": abbreviation,
        }
    return pgettext("event time", "%(start)s – %(end)s %(zone)s") % {
        "start": date_format(local_start.date(), "j F Y") + " " + local_start.strftime("%H:%M"),
        "end": date_format(local_end.date(), "j F Y") + " " + local_end.strftime("%H:%M"),
        "zone": abbreviation,
    }


def event_when(event, viewer_zone: str | None = None) -> dict:
    """What a page shows: the event's own time, and the viewer's when their zone differs."""
    if not event.is_exact:
        return {"main": describe(event.when), "viewer": "", "precise": False}
    main = time_range(event.start, event.end, event.timezone)
    viewer = ""
    if viewer_zone and viewer_zone != event.timezone:
        viewer = time_range(event.start, event.end, viewer_zone)
        if viewer == main:
            viewer = ""
    return {"main": main, "viewer": viewer, "precise": True}


def when_text(event, *, zone: str = "", language: str = "ar") -> str:
    """One line for e-mails: the event's time, then the reader's own in brackets when it differs."""
    with translation.override(language):
        when = event_when(event, zone)
        if when["viewer"]:
            return _("%(time)s (your time: %(viewer)s)") % {"time": when["main"], "viewer": when["viewer"]}
        return when["main"]
