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

    now = timezone.now()
    with transaction.atomic():
        delivery = (
            EmailDelivery.objects.select_for_update(of=("self",))
            .select_related("recipient", "space")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status in EmailDelivery.FINAL:
            return delivery.status if delivery else "missing"
        if not _may_still_receive(delivery):
            delivery.status = EmailDelivery.Status.WITHDRAWN
            delivery.save(update_fields=["status"])
            return delivery.status
        # Marked "sending" a moment ago: another worker may be at the mail server with it right now
        # (this task was reclaimed from a worker that only looked dead). Look again later.
        busy_until = delivery.sending_since and delivery.sending_since + _sending_grace()
        if delivery.status == EmailDelivery.Status.SENDING and busy_until and busy_until > now:
            if _can_wait():
                deliver_email.using(run_after=busy_until).enqueue(delivery.pk)
                return "deferred"
        delivery.status = EmailDelivery.Status.SENDING
        delivery.sending_since = now
        delivery.attempts += 1
        delivery.save(update_fields=["status", "sending_since", "attempts"])

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


def _may_still_receive(delivery) -> bool:
    if not delivery.requires_perm or delivery.recipient is None:
        return True
    return delivery.recipient.is_active and delivery.recipient.has_perm(
        delivery.requires_perm, delivery.space
    )


def _sending_grace() -> timedelta:
    return timedelta(seconds=2 * settings.HIWAR_WORKER_DEAD_AFTER)


def _can_wait() -> bool:
    return deliver_email.get_backend().supports_defer


def _after_failure(delivery, error: Exception) -> str:
    from hiwar.core.models import EmailDelivery

    text = f"{type(error).__name__}: {error}"[:2000]
    # A backend that cannot wait (HIWAR_TASKS=immediate) sends inside the request: one attempt only,
    # then the manager sees it failed and may send it again.
    if delivery.attempts >= settings.HIWAR_EMAIL_MAX_ATTEMPTS or not _can_wait():
        logger.warning("e-mail %s to %s failed: %s", delivery.pk, delivery.to, text)
        EmailDelivery.objects.filter(pk=delivery.pk).update(
            status=EmailDelivery.Status.FAILED, last_error=text
        )
        return EmailDelivery.Status.FAILED
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=EmailDelivery.Status.QUEUED, sending_since=None, last_error=text
    )
    deliver_email.using(run_after=timezone.now() + retry_delay(delivery.attempts)).enqueue(delivery.pk)
    return EmailDelivery.Status.QUEUED


@task()
def scheduled_backup() -> str:
    """The worker's daily backup, then the oldest beyond HIWAR_BACKUP_KEEP are deleted. Running it twice
    only writes one archive more, which the next pruning removes."""
    from hiwar.core.backup import make_backup, prune_backups

    path = make_backup()
    prune_backups()
    return str(path)
