"""Dates and times of events in words, in the reader's language and time zone."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

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


def _ltr(text: str, html: bool) -> str:
    """A left-to-right run (a time, a zone abbreviation) isolated, so Arabic text does not reorder it."""
    return format_html('<bdi dir="ltr">{}</bdi>', text) if html else text


def time_range(start: datetime, end: datetime, zone: str, *, html: bool = False) -> str:
    """'19 November 2024, 10:30–12:00 EST' in `zone`; with `html`, the times and zone in <bdi>."""
    tz = ZoneInfo(zone)
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    abbreviation = local_start.tzname() or zone
    text = conditional_escape if html else str
    if local_start.date() == local_end.date():
        pattern = pgettext("event time", "%(day)s, %(times)s %(zone)s")
        values = {
            "day": text(date_format(local_start.date(), "j F Y")),
            "times": _ltr(local_start.strftime("%H:%M") + "–" + local_end.strftime("%H:%M"), html),
            "zone": _ltr(abbreviation, html),
        }
    else:
        pattern = pgettext("event time", "%(start)s – %(end)s %(zone)s")
        values = {
            "start": text(date_format(local_start.date(), "j F Y"))
            + " "
            + _ltr(local_start.strftime("%H:%M"), html),
            "end": text(date_format(local_end.date(), "j F Y"))
            + " "
            + _ltr(local_end.strftime("%H:%M"), html),
            "zone": _ltr(abbreviation, html),
        }
    if html:
        return mark_safe(conditional_escape(pattern) % values)  # noqa: S308 — every value is escaped above
    return pattern % values


def describe_event(event) -> str:
    """The event's date in words, with its other possible days and "to be decided" (seed 003)."""
    text = describe(event.when)
    if event.date_alternatives and event.precision == Precision.DAY:
        days = [date(event.date_year, event.date_month, event.date_day)]
        days += [date.fromisoformat(day) for day in event.date_alternatives]
        words = [date_format(day, "j F Y") for day in sorted(days)]
        text = words[0]
        for word in words[1:]:
            text = _("%(first)s or %(second)s") % {"first": text, "second": word}
    return text


def _tentative(text, event, html: bool):
    if not event.date_tentative or event.precision == Precision.TBD:
        return text
    suffix = _("(to be decided)")
    return format_html("{} {}", text, suffix) if html else f"{text} {suffix}"


def event_when(event, viewer_zone: str | None = None, *, html: bool = False) -> dict:
    """What a page shows: the event's own time, and the viewer's when their zone differs.

    Pages ask for `html`: LTR runs come isolated in <bdi>; e-mails, calendars and the API get text.
    """
    if not event.is_exact:
        return {"main": _tentative(describe_event(event), event, html), "viewer": "", "precise": False}
    main = _tentative(time_range(event.start, event.end, event.timezone, html=html), event, html)
    viewer = ""
    if viewer_zone and viewer_zone != event.timezone:
        viewer = time_range(event.start, event.end, viewer_zone, html=html)
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


def rule_text(kind: str, amount: int, other: str) -> str:
    """'at least 12 weeks before “Regional review”', with the plural forms of the language."""
    if kind == "at_least_weeks_before":
        pattern = ngettext(
            "at least %(n)s week before “%(other)s”", "at least %(n)s weeks before “%(other)s”", amount
        )
    elif kind == "at_least_days_before":
        pattern = ngettext(
            "at least %(n)s day before “%(other)s”", "at least %(n)s days before “%(other)s”", amount
        )
    else:
        pattern = ngettext("%(n)s day before “%(other)s”", "%(n)s days before “%(other)s”", amount)
    return pattern % {"n": amount, "other": other}
