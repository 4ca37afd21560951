"""Render e-mails in the recipient's language, record them, and send them through a background task."""

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from hiwar.core.models import EmailDelivery
from hiwar.core.tasks import deliver_email


def render_email(*, template: str, context: dict, language: str) -> tuple[str, str]:
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context, using="text").split())
        body = render_to_string(f"{template}_body.txt", context, using="text")
    return subject, body


def _message_id() -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "hiwar.localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"


def record_email(
    *,
    to: str,
    subject: str,
    body: str,
    attachments: Iterable[tuple[str, str, str]] = (),
    space=None,
    topic: str = "",
    key: str | None = None,
    send_now: bool = False,
    recipient=None,
    requires_perm: str = "",
) -> EmailDelivery | None:
    """Record one e-mail and queue its sending once the transaction commits (or, from a task that
    is itself the background, send it at once with `send_now`).

    With a `key`, a mail of that key is recorded once only: None comes back when it already went;
    a mail of that key recorded but not yet sent (its task died) comes back to be sent.
    With `recipient` and `requires_perm`, the mail only leaves while the recipient holds that
    permission on `space` (a member removed before a retry gets nothing).
    """
    try:
        with transaction.atomic():
            delivery = EmailDelivery.objects.create(
                message_id=_message_id(),
                key=key,
                to=to,
                subject=subject[:255],
                body=body,
                attachments=[list(a) for a in attachments],
                space=space,
                topic=topic,
                recipient=recipient,
                requires_perm=requires_perm,
            )
    except IntegrityError:
        existing = EmailDelivery.objects.filter(key=key).first() if key else None
        if existing is None:
            raise
        if existing.status in EmailDelivery.FINAL:
            return None
        delivery = existing
    if send_now:
        deliver_email.call(delivery.pk)
    else:
        transaction.on_commit(lambda: deliver_email.enqueue(delivery.pk))
    return delivery


def queue_email(
    *,
    to: str,
    template: str,
    context: dict,
    language: str = "ar",
    attachments: Iterable[tuple[str, str, str]] = (),
    space=None,
    topic: str = "",
    recipient=None,
    requires_perm: str = "",
) -> EmailDelivery | None:
    """`template` names `<template>_subject.txt` and `<template>_body.txt`; sent once the transaction commits."""
    subject, body = render_email(template=template, context=context, language=language)
    return record_email(
        to=to,
        subject=subject,
        body=body,
        attachments=attachments,
        space=space,
        topic=topic,
        recipient=recipient,
        requires_perm=requires_perm,
    )


def delivery_counts(topics: Iterable[str]) -> dict[str, dict[str, int]]:
    """How many mails of each topic are queued, sent or failed, in one query."""
    counts: dict[str, dict[str, int]] = {}
    rows = (
        EmailDelivery.objects.filter(topic__in=list(topics))
        .values_list("topic", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for topic, status, n in rows:
        counts.setdefault(topic, {})[status] = n
    return counts


def retryable_deliveries(space):
    """Failed mails, and mails queued or being sent for so long that their task was surely lost."""
    stuck = Q(status__in=[EmailDelivery.Status.QUEUED, EmailDelivery.Status.SENDING]) & Q(
        created_at__lt=timezone.now() - EmailDelivery.STUCK_AFTER
    )
    return EmailDelivery.objects.filter(Q(status=EmailDelivery.Status.FAILED) | stuck, space=space)


@transaction.atomic
def retry_failed_deliveries(*, space, actor) -> int:
    """Queue a space's failed mails again (the mail server is back, an address was corrected)."""
    from hiwar.core.audit import audit

    failed = list(retryable_deliveries(space).select_for_update())
    for delivery in failed:
        delivery.status, delivery.attempts, delivery.sending_since = EmailDelivery.Status.QUEUED, 0, None
        delivery.save(update_fields=["status", "attempts", "sending_since"])
        transaction.on_commit(lambda pk=delivery.pk: deliver_email.enqueue(pk))
    if failed:
        audit(actor=actor, action="email.retry", space=space, target=str(len(failed)), count=len(failed))
    return len(failed)
