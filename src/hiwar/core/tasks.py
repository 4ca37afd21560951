from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(
    *,
    to: list[str],
    subject: str,
    body: str,
    html: str = "",
    reply_to: list[str] | None = None,
    attachments: list[list[str]] | None = None,
) -> int:
    """Send one e-mail; `attachments` are [filename, text content, mimetype] (JSON-friendly for the queue)."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, reply_to=reply_to or None)
    if html:
        message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or ():
        message.attach(filename, content, mimetype)
    return message.send()
