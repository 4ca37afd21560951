"""Render e-mails in the recipient's language and send them through a background task."""

from collections.abc import Iterable

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from hiwar.core.tasks import send_email


def render_email(*, template: str, context: dict, language: str) -> tuple[str, str]:
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context, using="text").split())
        body = render_to_string(f"{template}_body.txt", context, using="text")
    return subject, body


def queue_email(
    *,
    to: str,
    template: str,
    context: dict,
    language: str = "ar",
    attachments: Iterable[tuple[str, str, str]] = (),
) -> None:
    """`template` names `<template>_subject.txt` and `<template>_body.txt`; sent once the transaction commits."""
    subject, body = render_email(template=template, context=context, language=language)
    files = [list(a) for a in attachments]
    transaction.on_commit(
        lambda: send_email.enqueue(to=[to], subject=subject, body=body, attachments=files or None)
    )
