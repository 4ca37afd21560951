"""The events administration goes through the services: no seat, mail or audit entry is skipped."""

from hiwar.events import services
from hiwar.events.models import Registration
from tests.factories import UserFactory


def test_capacity_status_and_registrations_are_read_only_in_the_admin(admin_client, make_space, make_event):
    event = make_event(make_space(), capacity=1)
    services.register(event=event, user=UserFactory())
    page = admin_client.get(f"/ar/admin/events/event/{event.pk}/change/").content.decode()
    assert 'dir="rtl"' in page
    assert 'name="capacity"' not in page and 'name="status"' not in page
    assert 'name="registrations-0-status"' not in page


def test_cancelling_from_the_admin_tells_participants_and_is_audited(
    admin_client, make_space, make_event, mailoutbox, django_capture_on_commit_callbacks
):
    space = make_space()
    event = make_event(space, capacity=1)
    person, waiting = UserFactory(), UserFactory()
    services.register(event=event, user=person)
    services.register(event=event, user=waiting)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/en/admin/events/event/", {"action": "cancel_events", "_selected_action": [str(event.pk)]}
        )
    event.refresh_from_db()
    assert event.is_cancelled
    assert sorted(m.to[0] for m in mailoutbox) == sorted([person.email, waiting.email])
    assert space.audit_entries.filter(action="event.cancel").exists()
    # The waiting person stays waiting: a cancelled event gives no seat.
    assert Registration.objects.get(event=event, user=waiting).status == "waitlisted"
