from django.conf import settings
from django.urls import reverse
from django_tasks import task

from hiwar.core.emails import render_email
from hiwar.core.tasks import send_email
from hiwar.core.translation import pick


@task()
def send_event_reminder(registration_id: int, expected_start: str) -> bool:
    """Remind a confirmed participant; skipped when the event moved, was cancelled or the seat was given up."""
    from hiwar.events.display import when_text
    from hiwar.events.ics import event_calendar
    from hiwar.events.models import EventStatus, Registration

    registration = (
        Registration.objects.select_related("event__space", "user").filter(pk=registration_id).first()
    )
    if registration is None or registration.status != Registration.Status.CONFIRMED:
        return False
    event, user = registration.event, registration.user
    if (
        event.status == EventStatus.CANCELLED
        or event.start is None
        or event.start.isoformat() != expected_start
    ):
        return False
    subject, body = render_email(
        template="events/email/reminder",
        context={
            "user": user,
            "event": event,
            "event_title": pick(event.title, user.preferred_language),
            "registration": registration,
            "when": when_text(event, zone=user.timezone, language=user.preferred_language),
            "link": settings.HIWAR_BASE_URL + reverse("events:detail", args=[event.space.slug, event.pk]),
        },
        language=user.preferred_language,
    )
    send_email.call(
        to=[user.email],
        subject=subject,
        body=body,
        attachments=[["invite.ics", event_calendar(event, for_user=user).decode(), "text/calendar"]],
    )
    return True
