"""E-mails are recorded before they are sent, retried while the mail server is away, and reported."""

from datetime import datetime, timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hiwar.core.emails import queue_email, record_email
from hiwar.core.models import EmailDelivery
from hiwar.core.tasks import deliver_email
from hiwar.events import services as event_services
from tests.factories import UserFactory

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Nothing listens on port 9 of this machine: a real connection refused, as when the mail server is down.
DOWN_SMTP = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": 9, "EMAIL_TIMEOUT": 2}  # fmt: skip


def _record(**extra):
    return record_email(to="amal@example.org", subject="Welcome", body="Your account is ready.", **extra)


def test_a_mail_is_sent_once_with_its_recorded_message_id(db, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _record()
    (mail,) = mailoutbox
    assert mail.extra_headers["Message-ID"] == delivery.message_id
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 1 and delivery.sent_at is not None
    # A task run twice (its worker died after the send was recorded) does not send it again.
    assert deliver_email.call(delivery.pk) == "sent"
    assert len(mailoutbox) == 1


def test_a_change_that_rolls_back_sends_nothing(db, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ZeroDivisionError):
        with transaction.atomic():
            _record()
            1 / 0  # noqa: B018 - the change that caused the mail fails after it was queued
    assert mailoutbox == [] and not EmailDelivery.objects.exists()


def test_a_keyed_mail_is_recorded_once_and_sent_once(db):
    first = _record(key="reminder:1:2026-12-01")
    # A task that recorded it and died before sending runs again: it gets the same mail to send.
    assert _record(key="reminder:1:2026-12-01") == first
    deliver_email.call(first.pk)
    assert _record(key="reminder:1:2026-12-01") is None  # sent: nothing more to do
    assert EmailDelivery.objects.count() == 1


def test_a_mail_marked_sending_a_moment_ago_is_not_sent_twice(db, settings, mailoutbox):
    """A task reclaimed from a worker that only looked dead finds the mail being sent: it waits."""
    settings.TASKS = DB_TASKS
    delivery = _record()
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status="sending", sending_since=timezone.now(), attempts=1
    )
    assert deliver_email.call(delivery.pk) == "deferred"
    assert mailoutbox == []
    later = DBTaskResult.objects.filter(task_path="hiwar.core.tasks.deliver_email").latest("enqueued_at")
    assert later.run_after > timezone.now()
    # Long after, the first worker is surely gone: the mail goes (at least once).
    EmailDelivery.objects.filter(pk=delivery.pk).update(sending_since=timezone.now() - timedelta(hours=1))
    assert deliver_email.call(delivery.pk) == "sent" and len(mailoutbox) == 1


def test_a_retry_never_reaches_someone_removed_from_a_closed_space_meanwhile(
    space_with_roles, settings, mailoutbox
):
    from hiwar.spaces import services as space_services
    from hiwar.spaces.models import Membership

    settings.TASKS = DB_TASKS
    for name, value in DOWN_SMTP.items():
        setattr(settings, name, value)
    space, people = space_with_roles("closed")
    announcement = event_services.announcement_send(
        space=space, actor=people["convenor"], subject="Plans", body="Secret"
    )
    mine = EmailDelivery.objects.get(topic=f"announcement:{announcement.pk}", recipient=people["member"])
    deliver_email.call(mine.pk)  # the mail server is down: queued again for later
    mine.refresh_from_db()
    assert mine.status == "queued" and mine.attempts == 1
    space_services.membership_remove(
        membership=Membership.objects.get(space=space, user=people["member"]), actor=people["convenor"]
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
    assert deliver_email.call(mine.pk) == "withdrawn"
    assert mailoutbox == []
    # The others still get it.
    observer = EmailDelivery.objects.get(
        topic=f"announcement:{announcement.pk}", recipient=people["observer"]
    )
    assert deliver_email.call(observer.pk) == "sent"


def test_a_mail_whose_task_was_lost_can_be_sent_again_by_a_manager(
    client, space_with_roles, mailoutbox, django_capture_on_commit_callbacks
):
    space, people = space_with_roles("public")
    lost = record_email(to="lost@example.org", subject="Hello", body="…", space=space)  # its task never ran
    EmailDelivery.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=2))
    client.force_login(people["secretariat"])
    assert (
        "1 e-mail could not be sent."
        in client.get("/en" + reverse("spaces:deliveries", args=[space.slug])[3:]).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("spaces:deliveries_retry", args=[space.slug]))
    assert [m.to for m in mailoutbox] == [["lost@example.org"]]


def test_a_refused_send_is_tried_again_later_on_a_queue_that_can_wait(db, settings):
    settings.TASKS = DB_TASKS
    for name, value in DOWN_SMTP.items():
        setattr(settings, name, value)
    delivery = _record(send_now=True)
    delivery.refresh_from_db()
    assert delivery.status == "queued" and delivery.attempts == 1
    assert "ConnectionRefusedError" in delivery.last_error
    (retry,) = DBTaskResult.objects.filter(task_path="hiwar.core.tasks.deliver_email")
    wait = retry.run_after - timezone.now()
    assert timedelta(seconds=50) < wait <= timedelta(seconds=60)
    assert retry.args_kwargs["args"] == [delivery.pk]


def test_a_send_that_keeps_failing_is_marked_failed_and_shown_to_managers(
    client, space_with_roles, settings, mailoutbox, django_capture_on_commit_callbacks
):
    for name, value in DOWN_SMTP.items():
        setattr(settings, name, value)
    space, people = space_with_roles("closed")
    with django_capture_on_commit_callbacks(execute=True):  # immediate backend: tried at once
        queue_email(to="nobody@example.org", template="spaces/email/join_decision",
                    context={"space_title": "x", "approved": True, "link": "http://x"}, space=space)  # fmt: skip
    delivery = EmailDelivery.objects.get()
    # Sent within the request (no queue that can wait): one attempt, then it is the manager's to retry.
    assert delivery.status == "failed" and delivery.attempts == 1

    client.force_login(people["member"])
    assert client.get(reverse("spaces:deliveries", args=[space.slug])).status_code == 404
    client.force_login(people["secretariat"])
    page = client.get("/en" + reverse("spaces:deliveries", args=[space.slug])[3:]).content.decode()
    assert "nobody@example.org" in page and "1 e-mail could not be sent." in page
    assert "ConnectionRefusedError" in page

    # The mail server is back: the manager sends the failed ones again.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("spaces:deliveries_retry", args=[space.slug]))
    delivery.refresh_from_db()
    assert delivery.status == "sent" and [m.to for m in mailoutbox] == [["nobody@example.org"]]
    assert space.audit_entries.filter(action="email.retry").exists()


def test_the_announcement_page_says_queued_then_counts_what_was_sent(
    client, space_with_roles, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DB_TASKS  # nothing leaves until a worker runs
    space, people = space_with_roles("public")
    client.force_login(people["convenor"])
    url = "/en" + reverse("events:announce", args=[space.slug])[3:]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"subject": "Next meeting", "body": "On Monday."}, follow=True)
    page = response.content.decode()
    members = space.memberships.count()
    assert f"Queued for {members} people" in page
    assert f"{members} queued" in page and "0 sent" in page
    for delivery in EmailDelivery.objects.all():
        deliver_email.call(delivery.pk)
    page = client.get(url).content.decode()
    assert f"{members} sent" in page and "queued" not in page.split("Nothing sent yet")[0].split("<h2")[-1]


def test_a_reminder_is_queued_a_day_before_the_start(
    db, make_space, make_event, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DB_TASKS
    space = make_space()
    event = make_event(space)
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration = event_services.register(event=event, user=person)
    (reminder,) = DBTaskResult.objects.filter(task_path="hiwar.events.tasks.send_event_reminder")
    assert reminder.run_after == event.start - timedelta(hours=24)
    registration_id, start = reminder.args_kwargs["args"]
    assert registration_id == registration.pk and datetime.fromisoformat(start) == event.start
