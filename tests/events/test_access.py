"""Seeing an event and its logistics: the rule for one event and the queryset for many agree."""

import pytest

from hiwar.events import services
from hiwar.events.access import (
    events_visible_to,
    events_with_logistics_for,
    registrations_seen_by_their_people,
)
from hiwar.events.models import Registration
from tests.spaces.test_access import world  # noqa: F401 - the same people and spaces

REGISTRATION_STATES = ["confirmed", "waitlisted", "pending", "cancelled", "declined"]


@pytest.fixture
def events(world, make_event):  # noqa: F811
    spaces, people = world
    made = {}
    for visibility, space in spaces.items():
        made[visibility] = make_event(space, capacity=5)
        made[f"{visibility}-cancelled"] = make_event(space)
        services.event_cancel(event=made[f"{visibility}-cancelled"], actor=people["convenor"])
    # Registrations in every state, for members and for people who are not (or no longer) members.
    for event in made.values():
        for i, state in enumerate(REGISTRATION_STATES):
            person = [
                people["member"],
                people["outsider"],
                people["left"],
                people["staff"],
                people["invited"],
            ][i]
            Registration.objects.create(event=event, user=person, status=state)
    return made


def test_seeing_an_event_agrees_with_the_list_of_events(world, events):  # noqa: F811
    _spaces, people = world
    for state, person in people.items():
        listed = set(events_visible_to(person).values_list("pk", flat=True))
        for name, event in events.items():
            assert person.has_perm("events.view_event", event) == (event.pk in listed), (state, name)


def test_seeing_the_venue_agrees_with_the_calendars(world, events):  # noqa: F811
    _spaces, people = world
    for state, person in people.items():
        listed = set(events_with_logistics_for(person).values_list("pk", flat=True))
        for name, event in events.items():
            assert person.has_perm("events.see_logistics", event) == (event.pk in listed), (state, name)


def test_e_mails_reach_exactly_the_registrants_who_may_see_the_event(world, events):  # noqa: F811
    for name, event in events.items():
        reached = set(registrations_seen_by_their_people(event).values_list("user_id", flat=True))
        for registration in event.registrations.select_related("user"):
            may_see = registration.user.has_perm("events.view_event", event)
            assert may_see == (registration.user_id in reached), (name, registration.user.name)


def test_outsiders_never_see_a_members_only_or_closed_event(world, events):  # noqa: F811
    _spaces, people = world
    for state in ("anonymous", "outsider", "invited", "left", "staff", "unverified"):
        for name in ("members", "closed", "members-cancelled", "closed-cancelled"):
            assert not people[state].has_perm("events.view_event", events[name]), (state, name)
    # An outsider's confirmed seat on a public event shows the venue; on a members-only one it does not.
    assert people["outsider"].has_perm("events.see_logistics", events["public"]) is False  # waitlisted
    assert people["member"].has_perm("events.see_logistics", events["public"]) is True
    assert people["member"].has_perm("events.see_logistics", events["closed"]) is True
    assert people["left"].has_perm("events.see_logistics", events["closed"]) is False
