from datetime import datetime

from django_tasks import task

from hiwar.core.emails import record_email, render_email


@task()
def send_event_reminder(registration_id: int, expected_start: str) -> bool:
    """Remind a confirmed participant; skipped when the event moved, was cancelled or the seat was given up."""
    from hiwar.events.emails import calendar_attachment, registration_context
    from hiwar.events.models import EventStatus, Registration

    registration = (
        Registration.objects.select_related("event__space", "user").filter(pk=registration_id).first()
    )
    if registration is None or registration.status != Registration.Status.CONFIRMED:
        return False
    event, user = registration.event, registration.user
    if not user.has_perm("events.view_event", event):
        return False  # they left the closed space since: its events reach them no more, by mail either
    if (
        event.status == EventStatus.CANCELLED
        or event.start is None
        or event.start != datetime.fromisoformat(expected_start)  # the same instant, whatever its zone
    ):
        return False
    subject, body = render_email(
        template="events/email/reminder",
        context=registration_context(registration),
        language=user.preferred_language,
    )
    # Keyed by the start it announces: a reminder task run twice (a worker died) mails once.
    delivery = record_email(
        to=user.email,
        subject=subject,
        body=body,
        attachments=[calendar_attachment(event, user)],
        space=event.space,
        topic=f"event:{event.pk}",
        key=f"reminder:{registration.pk}:{event.start.isoformat()}",
        send_now=True,
        recipient=user,
        requires_perm="spaces.view_space",
    )
    return delivery is not None
