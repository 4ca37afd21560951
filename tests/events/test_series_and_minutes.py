"""Recurring meetings with their own agendas and minutes; open actions carried to the next meeting (A8, A9)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from hiwar.events import selectors, services
from hiwar.events.models import ActionItem, Event
from hiwar.events.precision import Precision, PrecisionDate
from hiwar.spaces.models import Role

AMMAN = ZoneInfo("Asia/Amman")


@pytest.fixture
def community(make_space, user):
    return make_space(kind="community", visibility="closed", members=[(user, Role.CONVENOR)])


def monthly(space, user, count=4):
    return services.series_create(
        space=space,
        actor=user,
        title={"ar": "اجتماع المتابعة الشهري", "en": "Monthly follow-up"},
        kind="follow_up_meeting",
        rule="FREQ=MONTHLY",
        count=count,
        first_start=datetime(2026, 1, 12, 11, 0, tzinfo=AMMAN),
        duration=timedelta(minutes=60),
        tz="Asia/Amman",
    )


def test_a_series_schedules_each_meeting(community, user):
    series = monthly(community, user)
    meetings = list(series.occurrences.order_by("start"))
    assert [m.start.astimezone(AMMAN).date().isoformat() for m in meetings] == [
        "2026-01-12",
        "2026-02-12",
        "2026-03-12",
        "2026-04-12",
    ]
    assert all(m.end - m.start == timedelta(minutes=60) for m in meetings)


def test_a_rule_without_an_end_changes_nothing(community, user):
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        services.series_create(
            space=community,
            actor=user,
            title={"en": "Forever"},
            kind="general_meeting",
            rule="FREQ=MONTHLY",
            first_start=datetime(2026, 1, 12, 11, 0, tzinfo=AMMAN),
            duration=timedelta(minutes=60),
            tz="Asia/Amman",
        )
    assert "never ends" in str(caught.value)
    assert not Event.objects.exists()


def test_one_occurrence_moves_or_is_cancelled_alone(community, user):
    series = monthly(community, user)
    second, third = list(series.occurrences.order_by("start"))[1:3]
    moved_start = second.start + timedelta(days=2)
    services.event_update(
        event=second,
        actor=user,
        when=PrecisionDate(Precision.EXACT),
        start=moved_start,
        end=moved_start + timedelta(hours=1),
    )
    services.event_cancel(event=third, actor=user)
    second.refresh_from_db()
    assert second.start == moved_start and second.original_start != moved_start
    assert series.occurrences.filter(status="cancelled").count() == 1


def test_open_actions_reach_the_next_meetings_agenda_until_closed(community, user):
    first, second, third, _fourth = list(monthly(community, user).occurrences.order_by("start"))
    services.minutes_save(event=first, actor=user, notes="", decisions=["Adopt the annual plan"])
    action = services.action_item_add(event=first, actor=user, title="Draft the roadmap", owner=user)
    done = services.action_item_add(event=first, actor=user, title="Share the ToR", owner_name="WFP")
    services.action_item_close(item=done, actor=user, status=ActionItem.Status.DONE, in_event=first)

    assert list(selectors.carried_forward_actions(second)) == [action]
    assert list(selectors.carried_forward_actions(first)) == []  # not onto its own meeting
    services.action_item_close(item=action, actor=user, status=ActionItem.Status.DONE, in_event=second)
    assert list(selectors.carried_forward_actions(third)) == []


def test_action_owner_must_be_a_member(community, user):
    from tests.factories import UserFactory

    event = monthly(community, user, count=1).occurrences.get()
    with pytest.raises(ValidationError):
        services.action_item_add(event=event, actor=user, title="x", owner=UserFactory())
    assert not ActionItem.objects.exists()


def test_agenda_warns_when_discussion_groups_are_short(make_space, make_event, user):
    space = make_space(members=[(user, Role.CONVENOR)])
    dialogue = make_event(space, kind="dialogue")
    services.agenda_item_save(
        event=dialogue, actor=user, kind="opening", title={"en": "Opening"}, duration_minutes=20
    )
    services.agenda_item_save(
        event=dialogue, actor=user, kind="discussion_groups", title={"en": "Tables"}, duration_minutes=60
    )
    with translation.override("en"):
        assert any("60 minutes" in w and "75" in w for w in selectors.agenda_warnings(dialogue))
    services.agenda_item_save(
        event=dialogue,
        actor=user,
        kind="discussion_groups",
        title={"en": "Tables, round 2"},
        duration_minutes=30,
    )
    assert selectors.agenda_warnings(dialogue) == []


def test_consultation_warns_when_materials_come_late(make_space, make_event, user):
    space = make_space(members=[(user, Role.CONVENOR)])
    consultation = make_event(space, kind="consultation")
    services.document_add(
        event=consultation,
        actor=user,
        title={"en": "Background paper"},
        url="https://example.org/paper.pdf",
        published_on=consultation.earliest - timedelta(days=5),
    )
    with translation.override("en"):
        assert any("14 days" in w for w in selectors.agenda_warnings(consultation))


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30;COUNT=5", "This repetition gives no meeting at all."),
        ("FREQ=HOURLY;BYYEARDAY=366;BYMONTH=1;COUNT=5", "This repetition gives no meeting at all."),
        ("FREQ=MONTHLY;COUNT=" + "7" * 400, "This repetition rule is not valid."),
        ("FREQ=MONTHLY;COUNT=" + "7" * 3000, "Ensure this value has at most 500 characters"),
        ("FREQ=YEARLY;INTERVAL=50;COUNT=5", "This repetition reaches more than 100 years ahead"),
    ],
)
def test_a_rule_that_cannot_be_scheduled_is_a_clear_form_error(community, user, client, rule, message):
    client.force_login(user)
    response = client.post(
        f"/en/spaces/{community.slug}/events/series/new/",
        {
            "kind": "follow_up_meeting",
            "title_en": "Follow-up",
            "repeat": "custom",
            "rrule": rule,
            "timezone": "Asia/Amman",
            "first_start": "2026-01-12T11:00",
            "duration_minutes": 60,
            "format": "online",
            "registration_mode": "none",
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Event.objects.exists()
