"""Seats reconcile in one place: the pure rule as a table of cases, and the services that call it."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hiwar.events import services
from hiwar.events.models import Registration
from hiwar.events.seats import Seat, reconcile, seats_taken
from hiwar.spaces import services as space_services
from hiwar.spaces.models import Membership, Role
from tests.factories import UserFactory

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def seat(id, status, minutes=0, *, sees=True, takes=True):
    return Seat(
        id=id, status=status, queued_at=T0 + timedelta(minutes=minutes), may_see_event=sees, takes_seat=takes
    )


CASES = [
    # (why, capacity, cancelled event, seats, promoted, cancelled)
    ("a free seat goes to the first who waits", 2, False,
     [seat(1, "confirmed"), seat(2, "waitlisted", 5), seat(3, "waitlisted", 1)], [3], []),
    ("no free seat, no promotion", 1, False, [seat(1, "confirmed"), seat(2, "waitlisted")], [], []),
    ("capacity cleared: everyone waiting is in", None, False,
     [seat(1, "confirmed"), seat(2, "waitlisted", 1), seat(3, "waitlisted", 2)], [2, 3], []),
    ("a cancelled event gives no seat", 5, True, [seat(1, "waitlisted")], [], []),
    ("who left a closed space is not promoted, and loses their place", 2, False,
     [seat(1, "confirmed"), seat(2, "waitlisted", 1, sees=False), seat(3, "waitlisted", 2)], [3], [2]),
    ("who left keeps no confirmed seat; it goes to the next", 1, False,
     [seat(1, "confirmed", sees=False), seat(2, "waitlisted", 1)], [2], [1]),
    ("a pending request of someone who left is withdrawn", 3, False, [seat(1, "pending", sees=False)], [], [1]),
    ("a facilitator takes no participant's seat", 1, False,
     [seat(1, "confirmed", takes=False), seat(2, "waitlisted", 1)], [2], []),
    ("a waiting facilitator needs no free seat", 1, False,
     [seat(1, "confirmed"), seat(2, "waitlisted", 1, takes=False)], [2], []),
    ("on a cancelled event, who left still loses their place", 1, True,
     [seat(1, "confirmed", sees=False)], [], [1]),
    ("cancelled and declined registrations are left alone", 1, False,
     [seat(1, "cancelled", sees=False), seat(2, "declined"), seat(3, "waitlisted")], [3], []),
]  # fmt: skip


@pytest.mark.parametrize(
    "why, capacity, cancelled, seats, promoted, removed", CASES, ids=[c[0] for c in CASES]
)
def test_the_seat_rule(why, capacity, cancelled, seats, promoted, removed):
    corrections = reconcile(capacity=capacity, event_cancelled=cancelled, seats=seats)
    assert (corrections.promote, corrections.cancel) == (promoted, removed)


statuses = st.sampled_from(["confirmed", "waitlisted", "pending", "cancelled", "declined"])


@settings(deadline=None, max_examples=300)
@given(
    capacity=st.one_of(st.none(), st.integers(0, 8)),
    rows=st.lists(st.tuples(statuses, st.integers(0, 100), st.booleans(), st.booleans()), max_size=15),
)
def test_reconciling_never_overbooks_and_is_stable(capacity, rows):
    seats = [
        seat(i, status, minute, sees=sees, takes=takes)
        for i, (status, minute, sees, takes) in enumerate(rows)
    ]
    corrections = reconcile(capacity=capacity, event_cancelled=False, seats=seats)
    after = [
        Seat(s.id, "confirmed" if s.id in corrections.promote else "cancelled" if s.id in corrections.cancel else s.status,
             s.queued_at, s.may_see_event, s.takes_seat)
        for s in seats
    ]  # fmt: skip
    taken_before = seats_taken(seats)
    if capacity is not None:
        assert seats_taken(after) <= max(capacity, taken_before)  # never adds past the capacity
    assert not reconcile(capacity=capacity, event_cancelled=False, seats=after)  # nothing left to correct
    # Promotions follow the waiting list: no one waiting (and seeing the event) was skipped for a later one.
    waiting = sorted((s for s in seats if s.status == "waitlisted" and s.may_see_event and s.takes_seat),
                     key=lambda s: (s.queued_at, s.id))  # fmt: skip
    chosen = [s.id in corrections.promote for s in waiting]
    assert chosen == sorted(chosen, reverse=True)


# The services ----------------------------------------------------------------------------------------------


@pytest.fixture
def closed_space(make_space, user):
    return make_space(visibility="closed", members=[(user, Role.CONVENOR)])


def _status(event, person):
    return Registration.objects.get(event=event, user=person).status


def test_a_member_who_left_a_closed_space_is_not_promoted_nor_mailed(
    closed_space, make_event, user, mailoutbox, django_capture_on_commit_callbacks
):
    event = make_event(closed_space, capacity=1, online_url="https://meet.example.org/secret")
    first, waiting_then_left, next_in_line = (UserFactory() for _ in range(3))
    for person in (first, waiting_then_left, next_in_line):
        space_services.membership_add(space=closed_space, user=person)
        services.register(event=event, user=person)
    space_services.space_leave(space=closed_space, user=waiting_then_left)
    assert _status(event, waiting_then_left) == "cancelled"
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(
            registration=Registration.objects.get(event=event, user=first), actor=first
        )
    assert _status(event, next_in_line) == "confirmed"
    assert [m.to for m in mailoutbox] == [[next_in_line.email]]
    assert all("meet.example.org" not in m.body for m in mailoutbox if m.to == [waiting_then_left.email])


def test_a_member_who_leaves_gives_up_their_confirmed_seat(closed_space, make_event, user):
    event = make_event(closed_space, capacity=1)
    leaving, waiting = UserFactory(), UserFactory()
    for person in (leaving, waiting):
        space_services.membership_add(space=closed_space, user=person)
        services.register(event=event, user=person)
    membership = Membership.objects.get(space=closed_space, user=leaving)
    space_services.membership_remove(membership=membership, actor=user)
    assert (_status(event, leaving), _status(event, waiting)) == ("cancelled", "confirmed")
    assert closed_space.audit_entries.filter(action="registration.reconcile").exists()


def test_leaving_keeps_the_record_of_past_events(closed_space, make_event, user):
    past = make_event(closed_space, start=datetime.now(UTC) - timedelta(days=10))
    person = UserFactory()
    space_services.membership_add(space=closed_space, user=person)
    Registration.objects.create(event=past, user=person, status="confirmed")
    space_services.space_leave(space=closed_space, user=person)
    assert _status(past, person) == "confirmed"  # they were there: participation statistics keep it


def test_cancelling_on_a_cancelled_event_promotes_no_one(
    make_space, make_event, user, mailoutbox, django_capture_on_commit_callbacks
):
    space = make_space(members=[(user, Role.CONVENOR)])
    event = make_event(space, capacity=1)
    first, waiting = UserFactory(), UserFactory()
    services.register(event=event, user=first)
    services.register(event=event, user=waiting)
    services.event_cancel(event=event, actor=user)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(
            registration=Registration.objects.get(event=event, user=first), actor=first
        )
    assert _status(event, waiting) == "waitlisted"
    assert mailoutbox == []


def test_clearing_the_capacity_lets_everyone_in(make_space, make_event, user):
    space = make_space(members=[(user, Role.CONVENOR)])
    event = make_event(space, capacity=1)
    people = [UserFactory() for _ in range(3)]
    for person in people:
        services.register(event=event, user=person)
    services.event_update(event=event, actor=user, capacity=None)
    assert [_status(event, p) for p in people] == ["confirmed"] * 3


def test_closing_a_space_withdraws_the_places_of_outsiders(make_space, make_event, user):
    space = make_space(members=[(user, Role.CONVENOR)])
    event = make_event(space, capacity=1)
    outsider, member = UserFactory(), UserFactory()
    space_services.membership_add(space=space, user=member)
    services.register(event=event, user=outsider)
    services.register(event=event, user=member)
    space_services.space_update(space=space, actor=user, title=space.title, description=space.description,
                                kind=space.kind, visibility="closed")  # fmt: skip
    assert (_status(event, outsider), _status(event, member)) == ("cancelled", "confirmed")


def test_facilitators_of_a_dialogue_take_no_participant_seat(make_space, make_event, user):
    space = make_space(members=[(user, Role.CONVENOR)])
    dialogue = make_event(space, kind="dialogue", capacity=2)
    facilitator = UserFactory()
    space_services.membership_add(space=space, user=facilitator, role=Role.FACILITATOR)
    participants = [UserFactory() for _ in range(2)]
    assert services.register(event=dialogue, user=facilitator).status == "confirmed"
    assert [services.register(event=dialogue, user=p).status for p in participants] == ["confirmed"] * 2
    webinar = make_event(space, kind="webinar", capacity=1)
    services.register(event=webinar, user=facilitator)
    assert services.register(event=webinar, user=participants[0]).status == "waitlisted"


def test_a_role_change_moves_the_seat_rule_with_it(make_space, make_event, user):
    """A facilitator made a participant keeps their seat (the dialogue may run one over, and stays
    editable); a participant made a facilitator frees a seat for the next who waits."""
    space = make_space(members=[(user, Role.CONVENOR)])
    dialogue = make_event(space, kind="dialogue", capacity=1)
    facilitator, participant, waiting = UserFactory(), UserFactory(), UserFactory()
    space_services.membership_add(space=space, user=facilitator, role=Role.FACILITATOR)
    for person in (participant, waiting):
        space_services.membership_add(space=space, user=person)
    for person in (facilitator, participant, waiting):
        services.register(event=dialogue, user=person)
    assert [_status(dialogue, p) for p in (facilitator, participant, waiting)] == [
        "confirmed",
        "confirmed",
        "waitlisted",
    ]

    space_services.membership_change_role(
        membership=Membership.objects.get(space=space, user=facilitator), role=Role.MEMBER, actor=user
    )
    assert _status(dialogue, facilitator) == "confirmed"
    services.event_update(event=dialogue, actor=user, title={"en": "Dialogue on water"})  # still editable

    space_services.membership_change_role(
        membership=Membership.objects.get(space=space, user=participant), role=Role.FACILITATOR, actor=user
    )
    space_services.membership_change_role(
        membership=Membership.objects.get(space=space, user=facilitator), role=Role.FACILITATOR, actor=user
    )
    assert _status(dialogue, waiting) == "confirmed"
