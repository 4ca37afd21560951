"""A `next` address that leaves the site is ignored: the view goes to its own default (no open redirect)."""

import pytest

from hiwar.events import services
from tests.factories import UserFactory

FOREIGN = [
    "https://evil.example/",
    "//evil.example/x",
    "https:evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
]


@pytest.fixture
def meeting(space_with_roles, make_event):
    space, people = space_with_roles("public")
    event = make_event(space, kind="general_meeting")
    return event, people


@pytest.mark.parametrize("target", FOREIGN)
def test_resend_verification_ignores_a_foreign_next(client, db, target):
    client.force_login(UserFactory(email_verified=False))
    response = client.post("/en/accounts/verify-again/", {"next": target})
    assert response["Location"] == "/en/accounts/profile/"


def test_resend_verification_follows_a_local_next(client, db):
    client.force_login(UserFactory(email_verified=False))
    response = client.post("/en/accounts/verify-again/", {"next": "/en/events/"})
    assert response["Location"] == "/en/events/"


@pytest.mark.parametrize("target", FOREIGN)
def test_registration_action_ignores_a_foreign_next(client, meeting, target):
    event, people = meeting
    registration = services.register(event=event, user=people["member"])
    client.force_login(people["convenor"])
    url = f"/en/spaces/{event.space.slug}/events/{event.pk}/registrations/{registration.pk}/"
    response = client.post(url, {"action": "check_in", "next": target})
    assert response["Location"] == f"/en/spaces/{event.space.slug}/events/{event.pk}/attendance/"


@pytest.mark.parametrize("target", FOREIGN)
def test_action_item_status_ignores_a_foreign_next(client, meeting, target):
    event, people = meeting
    item = services.action_item_add(event=event, actor=people["convenor"], title="Send the report")
    client.force_login(people["convenor"])
    url = f"/en/spaces/{event.space.slug}/events/{event.pk}/actions/{item.pk}/"
    response = client.post(url, {"status": "done", "next": target})
    assert response["Location"] == f"/en/spaces/{event.space.slug}/events/{event.pk}/"
    local = client.post(url, {"status": "done", "next": "/en/events/"})
    assert local["Location"] == "/en/events/"
