"""Registration: capacity, waiting list promoted on cancellation, approval, e-mails with the ICS attached."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from icalendar import Calendar

from hiwar.events import services
from hiwar.events.models import Registration
from hiwar.spaces.models import Role
from tests.factories import UserFactory


@pytest.fixture
def space(make_space, user):
    return make_space(members=[(user, Role.CONVENOR)])


def register(event, person, **answers):
    return services.register(event=event, user=person, answers=answers)


def test_seats_fill_then_the_waiting_list_is_promoted_in_order(
    space, make_event, mailoutbox, django_capture_on_commit_callbacks
):
    event = make_event(space, capacity=2)
    a, b, c, d = (UserFactory() for _ in range(4))
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [register(event, p).status for p in (a, b, c, d)]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=Registration.objects.get(event=event, user=a), actor=a)
    states = dict(Registration.objects.filter(event=event).values_list("user__email", "status"))
    assert states == {a.email: "cancelled", b.email: "confirmed", c.email: "confirmed", d.email: "waitlisted"}
    assert [m.to for m in mailoutbox] == [[c.email]]  # the promoted person is told, with the ICS
    assert mailoutbox[0].attachments[0][0] == "invite.ics"


def test_confirmation_mail_carries_a_calendar_file_in_the_persons_language(
    space, make_event, mailoutbox, django_capture_on_commit_callbacks
):
    event = make_event(space, title={"ar": "حوار وطني", "en": "National dialogue"}, venue="عمّان")
    person = UserFactory(preferred_language="en", timezone="America/New_York")
    with django_capture_on_commit_callbacks(execute=True):
        register(event, person)
    mail = mailoutbox[0]
    assert mail.subject == "You are registered: National dialogue"
    assert "your time:" in mail.body
    assert any(zone in mail.body for zone in ("EST", "EDT"))  # New York time, beside Amman's
    assert "عمّان" in mail.body  # confirmed participants get the venue
    name, content, mimetype = mail.attachments[0]
    assert (name, mimetype) == ("invite.ics", "text/calendar")
    vevent = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(vevent["summary"]) == "National dialogue"
    assert vevent.decoded("dtstart") == event.start


def test_capacity_cannot_drop_below_the_registered(space, make_event, user):
    event = make_event(space, capacity=3)
    for _ in range(2):
        register(event, UserFactory())
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        services.event_update(event=event, actor=user, capacity=1)
    assert "2 people are already registered" in str(caught.value)
    event.refresh_from_db()
    assert event.capacity == 3


def test_raising_the_capacity_promotes_the_waiting(space, make_event, user):
    event = make_event(space, capacity=1)
    register(event, UserFactory())
    waiting = register(event, UserFactory())
    services.event_update(event=event, actor=user, capacity=2)
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_bad_registrations_change_nothing(space, make_event, make_space, unverified_user):
    event = make_event(space)
    person = UserFactory()
    register(event, person)
    with translation.override("en"):
        with pytest.raises(ValidationError, match="already registered"):
            register(event, person)
        with pytest.raises(ValidationError, match="Verify your e-mail"):
            register(event, unverified_user)
        closed = make_space(visibility="closed")
        closed_event = make_event(closed)
        with pytest.raises(ValidationError, match="Only members"):
            register(closed_event, UserFactory())
        invitation_only = make_event(space, registration_mode="invitation")
        with pytest.raises(ValidationError, match="by invitation"):
            register(invitation_only, UserFactory())
        offered = make_event(space, interpretation_languages=["en", "fr"])
        with pytest.raises(ValidationError, match="not offered"):
            register(offered, UserFactory(), interpretation_language="ru")
    assert Registration.objects.count() == 1


def test_arabic_message_for_registering_twice(space, make_event):
    event = make_event(space)
    person = UserFactory()
    register(event, person)
    with pytest.raises(ValidationError) as caught, translation.override("ar"):
        register(event, person)
    assert "مسجَّل" in caught.value.messages[0] or "مسجل" in caught.value.messages[0]


def test_approval_needed_waits_then_is_decided(
    space, make_event, user, mailoutbox, django_capture_on_commit_callbacks
):
    event = make_event(space, registration_mode="approval", capacity=1)
    first, second = UserFactory(), UserFactory()
    assert register(event, first).status == "pending"
    pending = register(event, second)
    services.registration_decide(registration=Registration.objects.get(user=first), approve=True, actor=user)
    with django_capture_on_commit_callbacks(execute=True):
        decided = services.registration_decide(registration=pending, approve=True, actor=user)
    assert decided.status == "waitlisted"  # approved, but the only seat is taken
    with pytest.raises(ValidationError):
        services.registration_decide(registration=decided, approve=False, actor=user)


def test_registration_is_prefilled_from_the_profile(space, make_event):
    person = UserFactory()
    person.profile.sector = "health"
    person.profile.stakeholder_group = "women"
    person.profile.working_languages = ["ar", "fr"]
    person.profile.interpretation_needs = ["fr"]
    person.profile.save()
    event = make_event(space, interpretation_languages=["en", "fr"])
    registration = register(event, person)
    assert (registration.sector, registration.stakeholder_group, registration.working_language) == (
        "health",
        "women",
        "ar",
    )
    assert registration.interpretation_language == "fr"


def test_interpretation_demand_is_counted_per_language(space, make_event):
    from hiwar.events.selectors import interpretation_demand

    event = make_event(space, interpretation_languages=["en", "fr"])
    for language in ("fr", "fr", "en", ""):
        register(event, UserFactory(), interpretation_language=language)
    assert interpretation_demand(event) == [("en", 1), ("fr", 2)]


def test_check_in_only_for_confirmed(space, make_event, user):
    event = make_event(space, capacity=1)
    present = register(event, UserFactory())
    waiting = register(event, UserFactory())
    assert services.check_in(registration=present, actor=user).checked_in_at is not None
    with pytest.raises(ValidationError):
        services.check_in(registration=waiting, actor=user)


def test_reminder_goes_to_confirmed_participants_of_an_unchanged_event(space, make_event, mailoutbox, user):
    from datetime import timedelta

    from hiwar.events.precision import Precision, PrecisionDate
    from hiwar.events.tasks import send_event_reminder

    event = make_event(space, title={"ar": "حوار", "en": "Dialogue"})
    person = UserFactory(preferred_language="en")
    registration = register(event, person)
    mailoutbox.clear()
    assert send_event_reminder.call(registration.pk, event.start.isoformat()) is True
    (mail,) = mailoutbox
    assert mail.subject == "Reminder: Dialogue" and mail.attachments[0][0] == "invite.ics"

    moved = event.start + timedelta(days=1)
    services.event_update(
        event=event,
        actor=user,
        when=PrecisionDate(Precision.EXACT),
        start=moved,
        end=moved + timedelta(hours=1),
    )
    assert (
        send_event_reminder.call(registration.pk, event.start.isoformat()) is False
    )  # the old time: skipped
    services.registration_cancel(registration=registration, actor=person)
    assert send_event_reminder.call(registration.pk, moved.isoformat()) is False
    assert len(mailoutbox) == 1


def test_no_reminder_once_the_person_left_a_closed_space(
    make_space, make_event, mailoutbox, django_capture_on_commit_callbacks
):
    from hiwar.events.tasks import send_event_reminder
    from hiwar.spaces import services as space_services
    from tests.factories import MembershipFactory

    member = UserFactory()
    space = make_space(visibility="closed")
    MembershipFactory(space=space, user=member, role=Role.MEMBER)
    event = make_event(space, title={"en": "Closed meeting"})
    registration = register(event, member)
    space_services.space_leave(space=space, user=member)
    mailoutbox.clear()
    assert send_event_reminder.call(registration.pk, event.start.isoformat()) is False
    convenor = UserFactory()
    MembershipFactory(space=space, user=convenor, role=Role.CONVENOR)
    stayed = UserFactory()
    MembershipFactory(space=space, user=stayed, role=Role.MEMBER)
    register(event, stayed)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.announcement_send(space=space, actor=convenor, subject="Room", body="B", event=event)
        services.event_cancel(event=event, actor=convenor)
    assert {m.to[0] for m in mailoutbox} == {stayed.email}  # the one who left hears nothing
