"""Background tasks of the kernel: delivering e-mails.

Every task here may run more than once (a worker that dies mid-task has its task run again by
another; see docs/tasks.md), so each one checks what it already did before doing it.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


def retry_delay(attempt: int) -> timedelta:
    """Back off after the n-th failed attempt: 1, 4, 16 minutes… capped at 2 hours."""
    return timedelta(seconds=min(settings.HIWAR_EMAIL_RETRY_BASE_SECONDS * 4 ** (attempt - 1), 7200))


@task()
def deliver_email(delivery_id: int) -> str:
    """Send one recorded e-mail; retried with backoff while the mail server refuses or is down."""
    from hiwar.core.models import EmailDelivery

    with transaction.atomic():
        delivery = EmailDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.status in (EmailDelivery.Status.SENT, EmailDelivery.Status.FAILED):
            return delivery.status if delivery else "missing"
        delivery.status = EmailDelivery.Status.SENDING
        delivery.attempts += 1
        delivery.save(update_fields=["status", "attempts"])

    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.body,
        to=[delivery.to],
        headers={"Message-ID": delivery.message_id},
    )
    for filename, content, mimetype in delivery.attachments or ():
        message.attach(filename, content, mimetype)
    try:
        message.send()
    except (OSError, smtplib.SMTPException) as error:
        return _after_failure(delivery, error)
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=EmailDelivery.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return EmailDelivery.Status.SENT


def _after_failure(delivery, error: Exception) -> str:
    from hiwar.core.models import EmailDelivery

    text = f"{type(error).__name__}: {error}"[:2000]
    if delivery.attempts >= settings.HIWAR_EMAIL_MAX_ATTEMPTS:
        logger.warning("e-mail %s to %s failed for good: %s", delivery.pk, delivery.to, text)
        EmailDelivery.objects.filter(pk=delivery.pk).update(
            status=EmailDelivery.Status.FAILED, last_error=text
        )
        return EmailDelivery.Status.FAILED
    EmailDelivery.objects.filter(pk=delivery.pk).update(status=EmailDelivery.Status.QUEUED, last_error=text)
    backend = deliver_email.get_backend()
    if backend.supports_defer:
        deliver_email.using(run_after=timezone.now() + retry_delay(delivery.attempts)).enqueue(delivery.pk)
    else:  # a backend that cannot wait (tests, HIWAR_TASKS=immediate) tries again at once
        deliver_email.enqueue(delivery.pk)
    return EmailDelivery.Status.QUEUED
