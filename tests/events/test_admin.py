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


def test_an_unknown_time_zone_in_the_admin_is_a_form_error(admin_client, make_space, make_event):
    event = make_event(make_space())
    page = admin_client.get(f"/en/admin/events/event/{event.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields if form.initial.get(name) is not None}
    data.update(
        title='{"en": "Dialogue"}', description="{}", interpretation_languages="[]", timezone="Mars/Base"
    )
    data.update({"agenda-TOTAL_FORMS": "0", "agenda-INITIAL_FORMS": "0", "registrations-TOTAL_FORMS": "0", "registrations-INITIAL_FORMS": "0"})  # fmt: skip
    response = admin_client.post(f"/en/admin/events/event/{event.pk}/change/", data)
    assert response.status_code == 200
    assert "Unknown time zone: Mars/Base." in response.content.decode()
    event.refresh_from_db()
    assert event.timezone == "Asia/Amman"
