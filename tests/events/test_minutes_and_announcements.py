"""Minutes visibility with access requests, attendance check-in, announcements with opt-out (A9, A11)."""

import pytest
from django.urls import reverse

from hiwar.events import services
from hiwar.events.models import Announcement, MinutesAccessRequest, Registration
from hiwar.spaces.models import Membership


def url(name, event, *extra):
    return reverse(f"events:{name}", args=[event.space.slug, event.pk, *extra])


@pytest.fixture
def meeting(space_with_roles, make_event):
    space, people = space_with_roles("public")
    event = make_event(space, kind="general_meeting", minutes_visibility="members")
    services.minutes_save(event=event, actor=people["convenor"], notes="Notes", decisions=["Adopt the ToR"])
    return event, people


def test_members_read_the_minutes_the_public_asks_and_a_manager_grants(client, meeting):
    event, people = meeting
    client.force_login(people["observer"])
    assert "Adopt the ToR" in client.get(url("detail", event)).content.decode()

    outsider = people["outsider"]
    client.force_login(outsider)
    assert "Adopt the ToR" not in client.get(url("detail", event)).content.decode()
    client.post(url("minutes_request", event), {"reason": "Researcher on anticipatory action"})
    access = MinutesAccessRequest.objects.get(user=outsider)
    assert client.post(url("minutes_request", event)).status_code == 302  # asking twice: a message
    assert MinutesAccessRequest.objects.count() == 1

    client.force_login(people["member"])
    assert (
        client.post(url("minutes_request_decide", event, access.pk), {"decision": "grant"}).status_code == 403
    )
    client.force_login(people["secretariat"])
    client.post(url("minutes_request_decide", event, access.pk), {"decision": "grant"})
    client.force_login(outsider)
    assert "Adopt the ToR" in client.get(url("detail", event)).content.decode()


def test_public_minutes_need_no_request(client, meeting):
    event, people = meeting
    services.event_update(event=event, actor=people["convenor"], minutes_visibility="public")
    assert "Adopt the ToR" in client.get(url("detail", event)).content.decode()


def test_check_in_from_the_phone_list_and_the_printable_list(client, meeting):
    event, people = meeting
    registration = services.register(event=event, user=people["member"])
    client.force_login(people["facilitator"])
    assert (
        client.post(url("registration_action", event, registration.pk), {"action": "check_in"}).status_code
        == 403
    )
    client.force_login(people["convenor"])
    client.post(url("registration_action", event, registration.pk), {"action": "check_in"})
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    printable = client.get(url("attendance", event) + "?print=1").content.decode()
    assert people["member"].name in printable and "✓" in printable


def test_announcements_reach_members_who_did_not_opt_out(
    client, meeting, mailoutbox, django_capture_on_commit_callbacks
):
    event, people = meeting
    space = event.space
    client.force_login(people["observer"])
    client.post(reverse("events:announcement_preferences", args=[space.slug]), {"receive": "0"})
    assert not Membership.objects.get(space=space, user=people["observer"]).wants_announcements

    client.force_login(people["member"])
    assert client.get(reverse("events:announce", args=[space.slug])).status_code == 403
    client.force_login(people["convenor"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("events:announce", args=[space.slug]),
            {"subject": "Next meeting", "body": "See you & welcome"},
        )
    recipients = {m.to[0] for m in mailoutbox}
    assert people["observer"].email not in recipients and people["member"].email in recipients
    assert len(recipients) == Membership.objects.filter(space=space, wants_announcements=True).count()
    assert "See you & welcome" in mailoutbox[0].body
    assert Announcement.objects.get().recipient_count == len(recipients)
    assert "Next meeting" in client.get(reverse("events:announce", args=[space.slug])).content.decode()


def test_an_announcement_to_an_events_registrants(meeting, mailoutbox, django_capture_on_commit_callbacks):
    event, people = meeting
    services.register(event=event, user=people["outsider"])
    with django_capture_on_commit_callbacks(execute=True):
        services.announcement_send(
            space=event.space, actor=people["convenor"], subject="Room change", body="Hall B", event=event
        )
    assert [m.to for m in mailoutbox if m.subject == "Room change"] == [[people["outsider"].email]]
    assert Registration.objects.count() == 1
