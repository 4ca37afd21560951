"""What every e-mail about a registration says: the event in the reader's language, zone and link."""

from django.conf import settings
from django.urls import reverse

from hiwar.core.translation import pick


def registration_context(registration) -> dict:
    from hiwar.events.display import when_text

    user, event = registration.user, registration.event
    return {
        "user": user,
        "event": event,
        "event_title": pick(event.title, user.preferred_language),
        "registration": registration,
        "when": when_text(event, zone=user.timezone, language=user.preferred_language),
        "link": settings.HIWAR_BASE_URL + reverse("events:detail", args=[event.space.slug, event.pk]),
    }


def calendar_attachment(event, user) -> tuple[str, str, str]:
    """The event as an ICS file for the person (venue and link included when they may see them)."""
    from hiwar.events.ics import event_calendar

    return ("invite.ics", event_calendar(event, for_user=user).decode(), "text/calendar")
