"""Free text people type has a maximum length, enforced by the form with a clear message."""

import pytest
from django.contrib.messages import get_messages

from hiwar.events import services
from hiwar.events.models import Announcement, MinutesAccessRequest, Registration

TOO_LONG = "ن" * 60_000
LIMIT_MESSAGE = "Ensure this value has at most"


@pytest.fixture
def meeting(space_with_roles, make_event):
    space, people = space_with_roles("public")
    event = make_event(space, kind="general_meeting", minutes_visibility="members")
    return space, event, people


def test_announcement_body_and_subject(client, meeting):
    space, _event, people = meeting
    client.force_login(people["convenor"])
    for data in ({"subject": "Hello", "body": TOO_LONG}, {"subject": TOO_LONG[:201], "body": "Hi"}):
        response = client.post(f"/en/spaces/{space.slug}/announce/", data)
        assert response.status_code == 200
        assert LIMIT_MESSAGE in response.content.decode()
    assert not Announcement.objects.exists()


@pytest.mark.parametrize("field", ["notes", "decisions"])
def test_minutes_notes_and_decisions(client, meeting, field):
    space, event, people = meeting
    client.force_login(people["convenor"])
    data = {"notes": "", "decisions": "", field: TOO_LONG}
    response = client.post(f"/en/spaces/{space.slug}/events/{event.pk}/minutes/", data)
    assert response.status_code == 200
    assert LIMIT_MESSAGE in response.content.decode()
    assert not hasattr(event.__class__.objects.get(pk=event.pk), "minutes") or not event.minutes.notes


def test_registration_accessibility_needs(client, meeting):
    space, event, people = meeting
    client.force_login(people["member"])
    response = client.post(
        f"/en/spaces/{space.slug}/events/{event.pk}/register/", {"accessibility_needs": TOO_LONG[:1001]}
    )
    # The event page again, its registration form keeping the answers, the error summary on top.
    assert response.status_code == 200
    assert (
        LIMIT_MESSAGE in response.content.decode()
        and 'href="#id_accessibility_needs"' in response.content.decode()
    )
    assert not Registration.objects.filter(event=event).exists()


def test_minutes_access_request_reason(client, meeting):
    space, event, people = meeting
    services.minutes_save(event=event, actor=people["convenor"], notes="Notes", decisions=[])
    client.force_login(people["outsider"])
    response = client.post(
        f"/en/spaces/{space.slug}/events/{event.pk}/minutes/request/", {"reason": TOO_LONG[:2001]}
    )
    assert response.status_code == 302
    assert any(LIMIT_MESSAGE in str(m) for m in get_messages(response.wsgi_request))
    assert not MinutesAccessRequest.objects.exists()


def test_event_venue(client, meeting):
    space, event, people = meeting
    client.force_login(people["convenor"])
    response = client.post(f"/en/spaces/{space.slug}/events/{event.pk}/edit/", {"venue": TOO_LONG[:1001]})
    assert response.status_code == 200
    assert LIMIT_MESSAGE in response.content.decode()


def test_profile_accessibility_needs(client, meeting):
    _space, _event, people = meeting
    client.force_login(people["member"])
    response = client.post(
        "/en/accounts/profile/", {"name": "Member", "accessibility_needs": TOO_LONG[:1001]}
    )
    assert response.status_code == 200
    assert LIMIT_MESSAGE in response.content.decode()
    people["member"].profile.refresh_from_db()
    assert people["member"].profile.accessibility_needs == ""


@pytest.mark.parametrize("url", ["/en/spaces/{slug}/join/", "/en/spaces/{slug}/members/invite/"])
def test_join_request_and_invitation_messages(client, space_with_roles, url):
    space, people = space_with_roles("members")
    client.force_login(people["convenor"] if "invite" in url else people["outsider"])
    data = {"email": "new@example.org", "role": "member", "message": TOO_LONG[:2001]}
    response = client.post(url.format(slug=space.slug), data)
    assert response.status_code == 302
    assert any(LIMIT_MESSAGE in str(m) for m in get_messages(response.wsgi_request))
    assert not space.invitations.exists()
    assert not space.join_requests.exists()
