"""Render e-mails in the recipient's language, record them, and send them through a background task."""

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import translation

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
) -> EmailDelivery | None:
    """Record one e-mail and queue its sending once the transaction commits (or, from a task that
    is itself the background, send it at once with `send_now`).

    With a `key`, a mail of that key is recorded once only: None comes back when it already was.
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
            )
    except IntegrityError:
        if key and EmailDelivery.objects.filter(key=key).exists():
            return None
        raise
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
) -> EmailDelivery | None:
    """`template` names `<template>_subject.txt` and `<template>_body.txt`; sent once the transaction commits."""
    subject, body = render_email(template=template, context=context, language=language)
    return record_email(to=to, subject=subject, body=body, attachments=attachments, space=space, topic=topic)


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


@transaction.atomic
def retry_failed_deliveries(*, space, actor) -> int:
    """Queue a space's failed mails again (the mail server is back, an address was corrected)."""
    from hiwar.core.audit import audit

    failed = list(
        EmailDelivery.objects.select_for_update().filter(space=space, status=EmailDelivery.Status.FAILED)
    )
    for delivery in failed:
        delivery.status, delivery.attempts = EmailDelivery.Status.QUEUED, 0
        delivery.save(update_fields=["status", "attempts"])
        transaction.on_commit(lambda pk=delivery.pk: deliver_email.enqueue(pk))
    if failed:
        audit(actor=actor, action="email.retry", space=space, target=str(len(failed)), count=len(failed))
    return len(failed)
