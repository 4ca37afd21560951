"""Event pages per role: who sees what, who may change what; closed spaces leak nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from hiwar.events import services
from hiwar.events.models import Registration


def url(name, event, **kwargs):
    return reverse(f"events:{name}", args=[event.space.slug, event.pk], **kwargs)


@pytest.fixture
def public_event(space_with_roles, make_event):
    space, people = space_with_roles("public")
    event = make_event(
        space, actor=people["convenor"], venue="فندق الرويال", online_url="https://meet.example.org/abc"
    )
    return event, people


@pytest.mark.parametrize(
    ("role", "can_manage"),
    [
        ("convenor", True),
        ("secretariat", True),
        ("co_lead", True),
        ("facilitator", False),
        ("member", False),
        ("observer", False),
        ("outsider", False),
        ("admin", True),
    ],
)
def test_only_leads_manage_events(client, public_event, role, can_manage):
    event, people = public_event
    client.force_login(people[role])
    assert client.get(url("detail", event)).status_code == 200
    assert client.get(url("edit", event)).status_code == (200 if can_manage else 403)
    assert client.get(url("attendance", event)).status_code == (200 if can_manage else 403)
    response = client.post(url("cancel", event))
    assert response.status_code == (302 if can_manage else 403)


def test_venue_and_link_only_for_confirmed_participants(client, public_event):
    event, people = public_event
    client.force_login(people["outsider"])
    page = client.get(url("detail", event)).content.decode()
    assert "فندق الرويال" not in page and "meet.example.org" not in page
    client.post(url("register", event), {})
    assert Registration.objects.get(user=people["outsider"]).status == "confirmed"
    page = client.get(url("detail", event)).content.decode()
    assert "فندق الرويال" in page and "meet.example.org/abc" in page


def test_closed_space_events_are_hidden_everywhere(client, space_with_roles, make_event):
    space, people = space_with_roles("closed")
    event = make_event(space, title={"ar": "اجتماع سري", "en": "Secret meeting"})
    outsider = people["outsider"]
    client.force_login(outsider)
    for name in ("detail", "ics", "register", "attendance"):
        response = client.post(url(name, event)) if name == "register" else client.get(url(name, event))
        assert response.status_code == 404, name
    assert "Secret meeting" not in client.get("/en/events/").content.decode()
    assert "Secret meeting" not in client.get(reverse("api:list_events")).content.decode()
    assert client.get(reverse("api:get_event", args=[event.pk])).status_code == 404
    assert not Registration.objects.exists()
    client.force_login(people["member"])
    assert client.get(url("detail", event)).status_code == 200
    assert "Secret meeting" in client.get("/en/events/").content.decode()


def test_my_events_and_the_private_feed(client, public_event):
    event, people = public_event
    person = people["member"]
    services.register(event=event, user=person)
    client.force_login(person)
    page = client.get("/ar/events/mine/").content.decode()
    assert event.title["ar"] in page and event.get_absolute_url() in page
    feed = person.calendar_feed
    response = client.get(f"/calendar/{feed.token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content and "فندق الرويال".encode() in response.content

    client.post(reverse("events:mine"), {"action": "reset"})
    assert client.get(f"/calendar/{feed.token}.ics").status_code == 404  # the old address stops working
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_event_form_refuses_end_before_start_in_arabic(client, public_event):
    event, people = public_event
    client.force_login(people["convenor"])
    response = client.post(
        f"/ar/spaces/{event.space.slug}/events/new/",
        {
            "kind": "dialogue",
            "title_0": "حوار",
            "format": "online",
            "timezone": "Asia/Amman",
            "precision": "exact",
            "start": "2026-12-10T12:00",
            "end": "2026-12-10T10:00",
            "registration_mode": "open",
            "minutes_visibility": "members",
        },
    )
    assert response.status_code == 200
    with translation.override("ar"):
        message = gettext("The event must end after it starts.")
    assert 'dir="rtl"' in response.content.decode() and message in response.content.decode()
    assert event.space.events.count() == 1


def test_public_events_page_filters(client, public_event, make_event):
    event, people = public_event
    make_event(
        event.space, kind="webinar", title={"en": "Kick-off webinar"}, start=event.start + timedelta(days=40)
    )
    page = client.get("/en/events/", {"kind": "webinar"}).content.decode()
    assert "Kick-off webinar" in page and "National dialogue" not in page
    page = client.get(
        "/en/events/", {"date_to": (event.start + timedelta(days=1)).date().isoformat()}
    ).content.decode()
    assert "National dialogue" in page and "Kick-off webinar" not in page


def test_events_page_shows_upcoming_by_default_and_past_on_request(client, public_event, make_event):
    event, _people = public_event
    make_event(event.space, title={"en": "Last year's review"}, start=event.start - timedelta(days=400))
    page = client.get("/en/events/").content.decode()
    assert "National dialogue" in page and "Last year" not in page
    page = client.get("/en/events/", {"period": "past"}).content.decode()
    assert "Last year" in page and "National dialogue" not in page
    assert "Last year" in client.get("/en/events/", {"period": "all"}).content.decode()


def test_timeline_shows_phases_events_and_rules(client, public_event, make_event):
    event, people = public_event
    review = make_event(
        event.space, kind="review", title={"en": "Regional review"}, start=event.start + timedelta(weeks=4)
    )
    services.rule_add(
        event=event, other=review, kind="at_least_weeks_before", amount=12, actor=people["convenor"]
    )
    page = client.get(
        reverse("events:timeline", args=[event.space.slug]).replace("/ar/", "/en/")
    ).content.decode()
    assert "Regional review" in page and "rule broken" in page


def test_events_list_query_count_is_flat(client, public_event, make_event, django_assert_max_num_queries):
    event, _people = public_event
    for i in range(30):
        make_event(event.space, title={"en": f"Meeting {i}"}, start=event.start + timedelta(days=i))
    with django_assert_max_num_queries(12):
        client.get("/en/events/")


def test_leaving_a_closed_space_removes_its_events_from_my_feed(client, space_with_roles, make_event):
    from hiwar.spaces import services as space_services

    space, people = space_with_roles("closed")
    event = make_event(space, title={"ar": "اجتماع مغلق", "en": "Closed meeting"})
    member = people["member"]
    services.register(event=event, user=member)
    feed = services.calendar_feed_for(member)
    assert "اجتماع مغلق".encode() in client.get(f"/calendar/{feed.token}.ics").content
    space_services.space_leave(space=space, user=member)
    content = client.get(f"/calendar/{feed.token}.ics").content
    assert b"BEGIN:VEVENT" not in content
    client.force_login(member)
    assert "اجتماع مغلق" not in client.get("/ar/events/mine/").content.decode()


def test_event_pages_keep_a_flat_query_count_as_they_grow(client, space_with_roles, make_event):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory

    space, people = space_with_roles("public")
    event = make_event(space, actor=people["convenor"], interpretation_languages=["en", "fr"])
    urls = [
        event.get_absolute_url(),
        reverse("events:attendance", args=[space.slug, event.pk]),
        reverse("events:minutes", args=[space.slug, event.pk]),
        reverse("events:timeline", args=[space.slug]),
    ]
    client.force_login(people["convenor"])

    def grow_and_count(k):
        for i in range(k):
            services.register(event=event, user=UserFactory(), answers={"interpretation_language": "fr"})
            services.agenda_item_save(
                event=event, actor=None, kind="other", title={"en": f"Item {i}"}, duration_minutes=10
            )
            services.action_item_add(event=event, actor=None, title=f"Action {i}", owner=people["member"])
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        return counts

    assert grow_and_count(2) == grow_and_count(40)


def test_a_members_only_space_page_shows_no_events_to_outsiders(client, space_with_roles, make_event):
    space, people = space_with_roles("members")
    make_event(space, title={"ar": "اجتماع داخلي", "en": "Internal meeting"})
    client.force_login(people["outsider"])
    page = client.get(f"/en/spaces/{space.slug}/").content.decode()
    assert page.count("Internal meeting") == 0
    client.force_login(people["observer"])
    assert "Internal meeting" in client.get(f"/en/spaces/{space.slug}/").content.decode()


def test_registration_is_throttled_per_account(client, public_event, settings):
    settings.HIWAR_THROTTLE_RATES = {**settings.HIWAR_THROTTLE_RATES, "registration": "1/h"}
    event, people = public_event
    client.force_login(people["outsider"])
    client.post(url("register", event), {})
    client.post(reverse("events:unregister", args=[event.space.slug, event.pk]))
    response = client.post(url("register", event), {})
    assert response.status_code == 429
    assert int(response["Retry-After"]) <= 3600
    assert "محاولات كثيرة جدًا. أعد المحاولة بعد" in response.content.decode()  # the page's language
    assert Registration.objects.get(user=people["outsider"]).status == "cancelled"
    # Someone else registers as usual.
    client.force_login(people["member"])
    assert client.post(url("register", event), {}).status_code == 302
