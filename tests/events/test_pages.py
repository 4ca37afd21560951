"""The convenor's first hour: registration words, confirmation before cancelling, the event form and
its error summary, rules in words, the timeline's today, and pages that stay small at a real scale."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from hiwar.core.models import EmailDelivery
from hiwar.events import selectors, services
from hiwar.events.models import EventStatus, Registration
from hiwar.events.precision import Precision, PrecisionDate
from tests.conftest import in_days
from tests.factories import UserFactory


def en(path: str) -> str:
    return path.replace("/ar/", "/en/", 1)


def url(name, event, *, lang="en"):
    path = reverse(f"events:{name}", args=[event.space.slug, event.pk])
    return en(path) if lang == "en" else path


@pytest.fixture
def space_and_people(space_with_roles):
    return space_with_roles("public")


@pytest.fixture
def event(space_and_people, make_event):
    space, people = space_and_people
    return make_event(space, actor=people["convenor"], title={"ar": "حوار وطني", "en": "National dialogue"})


def form_data(**overrides) -> dict:
    data = {
        "kind": "dialogue",
        "title_ar": "حوار",
        "format": "online",
        "timezone": "Asia/Amman",
        "precision": "exact",
        "start": (in_days(20)).strftime("%Y-%m-%dT10:00"),
        "end": (in_days(20)).strftime("%Y-%m-%dT12:00"),
        "registration_mode": "open",
        "minutes_visibility": "members",
    }
    return data | overrides


def title_of(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()


# Registration words -----------------------------------------------------------------------------------


def test_an_unverified_person_is_asked_to_verify_and_can_get_the_link_again(client, event, unverified_user):
    client.force_login(unverified_user)
    page = client.get(url("detail", event)).content.decode()
    assert "To register, first verify your e-mail address" in page
    assert reverse("accounts:resend_verification").replace("/ar/", "/en/") in page
    assert "by invitation of the organisers" not in page
    assert url("register", event) not in page  # no registration form they could not send


def test_verification_words_are_not_shown_to_a_verified_person_or_on_an_invitation_only_event(
    client, space_and_people, make_event, user, unverified_user
):
    space, _people = space_and_people
    open_event = make_event(space)
    client.force_login(user)
    assert "verify your e-mail" not in client.get(url("detail", open_event)).content.decode()
    invitation = make_event(space, registration_mode="invitation")
    client.force_login(unverified_user)
    assert "verify your e-mail" not in client.get(url("detail", invitation)).content.decode()


def test_a_full_event_offers_the_waiting_list_before_the_click(client, space_and_people, make_event, user):
    space, _people = space_and_people
    event = make_event(space, capacity=1)
    client.force_login(user)
    page = client.get(url("detail", event)).content.decode()
    assert ">Register</button>" in page and "Join the waiting list" not in page

    services.register(event=event, user=UserFactory())
    page = client.get(url("detail", event)).content.decode()
    assert "Join the waiting list" in page and ">Register</button>" not in page
    client.post(url("register", event), {})
    assert Registration.objects.get(event=event, user=user).status == "waitlisted"


def test_a_registration_with_a_bad_answer_shows_the_error_summary_and_registers_nobody(client, event, user):
    client.force_login(user)
    response = client.post(url("register", event), {"sector": "not-a-sector"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in page and 'href="#id_sector"' in page
    assert title_of(page).startswith("Error: ")
    assert not Registration.objects.filter(user=user).exists()


# Cancelling -------------------------------------------------------------------------------------------


def test_cancelling_asks_first_and_the_question_sends_nothing(client, event, space_and_people, mailoutbox):
    _space, people = space_and_people
    for _ in range(3):
        services.register(event=event, user=UserFactory())
    mails_before = EmailDelivery.objects.count()
    client.force_login(people["convenor"])
    response = client.get(url("cancel", event))
    page = response.content.decode()
    assert response.status_code == 200
    assert "goes to 3 registered people" in page and "Yes, cancel the event" in page
    event.refresh_from_db()
    assert event.status != EventStatus.CANCELLED
    assert EmailDelivery.objects.count() == mails_before and mailoutbox == []

    response = client.post(url("cancel", event))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED
    assert EmailDelivery.objects.count() == mails_before + 3


def test_the_event_page_links_to_the_confirmation_instead_of_cancelling(client, event, space_and_people):
    _space, people = space_and_people
    client.force_login(people["convenor"])
    page = client.get(url("detail", event)).content.decode()
    assert f'href="{url("cancel", event)}"' in page
    assert f'action="{url("cancel", event)}"' not in page


@pytest.mark.parametrize("role", ["facilitator", "member", "observer", "outsider"])
def test_only_organisers_see_the_cancel_question_or_can_cancel(client, event, space_and_people, role):
    _space, people = space_and_people
    client.force_login(people[role])
    assert client.get(url("cancel", event)).status_code == 403
    assert client.post(url("cancel", event)).status_code == 403
    event.refresh_from_db()
    assert event.status != EventStatus.CANCELLED


def test_cancelling_twice_says_so_and_sends_nothing_more(client, event, space_and_people):
    _space, people = space_and_people
    services.register(event=event, user=UserFactory())
    client.force_login(people["convenor"])
    client.post(url("cancel", event))
    mails = EmailDelivery.objects.count()
    response = client.post(url("cancel", event), follow=True)
    assert "already cancelled" in response.content.decode()
    assert EmailDelivery.objects.count() == mails


# Dates: registration close and the past -------------------------------------------------------------


def test_registration_closing_after_the_start_is_refused(client, event, space_and_people):
    space, people = space_and_people
    client.force_login(people["convenor"])
    start = in_days(20)
    response = client.post(
        en(reverse("events:create", args=[space.slug])),
        form_data(registration_closes=(start + timedelta(days=1)).strftime("%Y-%m-%dT09:00")),
    )
    assert response.status_code == 200
    assert "Registration must close before the event starts." in response.content.decode()
    assert space.events.count() == 1


def test_moving_an_event_before_its_registration_close_is_refused(event):
    services.event_update(event=event, actor=None, registration_closes=event.start - timedelta(days=2))
    with pytest.raises(ValidationError) as error:
        services.event_update(
            event=event,
            actor=None,
            when=PrecisionDate(Precision.EXACT),
            start=event.start - timedelta(days=5),
            end=event.end - timedelta(days=5),
        )
    assert "registration_closes" in error.value.message_dict
    event.refresh_from_db()
    assert event.start > timezone.now() + timedelta(days=20)


def test_an_event_created_in_the_past_is_saved_with_a_warning(client, space_and_people):
    space, people = space_and_people
    client.force_login(people["convenor"])
    past = in_days(-3)
    response = client.post(
        en(reverse("events:create", args=[space.slug])),
        form_data(start=past.strftime("%Y-%m-%dT10:00"), end=past.strftime("%Y-%m-%dT12:00")),
        follow=True,
    )
    assert space.events.count() == 1
    assert "This date is already past." in response.content.decode()


def test_moving_an_event_into_the_past_warns_but_editing_a_future_one_does_not(
    client, event, space_and_people
):
    _space, people = space_and_people
    client.force_login(people["convenor"])
    start = event.start.astimezone(event.start.tzinfo)
    page = client.post(
        url("edit", event),
        form_data(start=start.strftime("%Y-%m-%dT10:00"), end=start.strftime("%Y-%m-%dT12:00")),
        follow=True,
    ).content.decode()
    assert "already past" not in page
    past = in_days(-30)
    page = client.post(
        url("edit", event),
        form_data(start=past.strftime("%Y-%m-%dT10:00"), end=past.strftime("%Y-%m-%dT12:00")),
        follow=True,
    ).content.decode()
    assert "This date is already past." in page
    event.refresh_from_db()
    assert event.start < timezone.now()


# The event form ---------------------------------------------------------------------------------------


def test_the_form_offers_the_spaces_country_zone_first_and_chosen_with_local_names(
    client, space_and_people, make_space
):
    _space, people = space_and_people
    jordan = make_space(country="JO", members=[(people["convenor"], "convenor")])
    client.force_login(people["convenor"])
    page = client.get(reverse("events:create", args=[jordan.slug])).content.decode()
    options = re.findall(
        r'<option value="([^"]+)"[^>]*>', page.split('name="timezone"')[1].split("</select>")[0]
    )
    assert options[0] == "Asia/Amman"
    assert re.search(r'<option value="Asia/Amman" selected>', page)
    assert "توقيت الأردن" in page
    assert "Africa/Asmera" not in page and "Africa/Asmara" in options
    assert "US/Eastern" not in options  # aliases are not offered


def test_the_date_fields_are_grouped_by_precision_with_a_legend(client, space_and_people):
    space, people = space_and_people
    client.force_login(people["convenor"])
    page = client.get(en(reverse("events:create", args=[space.slug]))).content.decode()
    assert page.count('<fieldset class="date-group"') == 3
    assert "Fill these when the precision is “Exact date and time”." in page
    assert 'data-precisions="exact"' in page and "events-form.js" in page


def test_the_error_summary_links_to_each_field_and_prefixes_the_title(client, space_and_people):
    space, people = space_and_people
    client.force_login(people["convenor"])
    page = client.post(
        en(reverse("events:create", args=[space.slug])),
        form_data(title_ar="", end=in_days(20).strftime("%Y-%m-%dT09:00")),
    ).content.decode()
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_end"' in summary and "The event must end after it starts." in summary
    assert 'href="#id_title_0"' in summary
    assert "autofocus" in page.split('class="error-summary"')[1].split(">")[0]
    assert title_of(page).startswith("Error: ")
    assert 'id="id_end"' in page and 'id="id_title_0"' in page  # the links have somewhere to go


def test_the_error_summary_and_title_prefix_in_arabic(client, space_and_people):
    space, people = space_and_people
    client.force_login(people["convenor"])
    page = client.post(
        reverse("events:create", args=[space.slug]), form_data(end=in_days(20).strftime("%Y-%m-%dT09:00"))
    ).content.decode()
    with translation.override("ar"):
        prefix = pgettext("page title prefix", "Error:")
        heading = gettext("There is a problem")
        message = gettext("The event must end after it starts.")
    assert title_of(page).startswith(prefix + " ")
    assert heading in page and message in page.split('class="error-summary"')[1]
    assert 'dir="rtl"' in page


def test_a_valid_form_has_no_error_summary_or_prefix(client, space_and_people):
    space, people = space_and_people
    client.force_login(people["convenor"])
    page = client.get(en(reverse("events:series_create", args=[space.slug]))).content.decode()
    assert "error-summary" not in page and not title_of(page).startswith("Error")
    page = client.post(
        en(reverse("events:series_create", args=[space.slug])), {"repeat": "custom"}
    ).content.decode()
    assert 'href="#id_rrule"' in page and title_of(page).startswith("Error: ")


# Words: rules, agenda, times, timeline -----------------------------------------------------------------


def test_rules_read_with_plural_forms_in_list_items(client, event, space_and_people, make_event):
    _space, people = space_and_people
    review = make_event(event.space, title={"en": "Regional review"}, start=event.start + timedelta(weeks=20))
    briefing = make_event(event.space, title={"en": "Briefing"}, start=event.start + timedelta(days=1))
    services.rule_add(event=event, other=review, kind="at_least_weeks_before", amount=12, actor=None)
    services.rule_add(event=event, other=briefing, kind="days_before", amount=1, actor=None)
    page = client.get(url("detail", event)).content.decode()
    assert "at least 12 weeks before “Regional review”" in page
    assert "1 day before “Briefing”" in page and "1 days" not in page
    rules = page.split('<ul class="rules">')[1].split("</ul>")[0]
    assert rules.count("<li") == 2


def test_a_rule_between_past_events_is_met_or_broken_never_at_risk(space_and_people, make_event):
    space, _people = space_and_people
    # One day apart, the second over two days: while ahead, whether it is "the day before" is open.
    first = make_event(space, start=in_days(-10), minutes=60)
    second = make_event(space, start=in_days(-9), minutes=60 * 30)
    services.rule_add(event=first, other=second, kind="days_before", amount=1, actor=None)
    state = selectors.rules_touching(first)[0]
    assert state.status == "met"
    far = make_event(space, start=in_days(-30))
    services.rule_add(event=far, other=second, kind="days_before", amount=1, actor=None)
    assert {s.status for s in selectors.rules_touching(far)} == {"broken"}
    assert all(s.settled for s in selectors.rules_touching(far))  # no "to be sure: by …" advice
    ahead_a = make_event(space, start=in_days(10), minutes=60)
    ahead_b = make_event(space, start=in_days(11), minutes=60 * 30)
    services.rule_add(event=ahead_a, other=ahead_b, kind="days_before", amount=1, actor=None)
    assert selectors.rules_touching(ahead_a)[0].status == "at_risk"  # the future keeps its doubt


def test_the_agenda_duration_column_is_not_the_minutes_of_the_meeting(client, event):
    services.agenda_item_save(
        event=event, actor=None, kind="other", title={"en": "Opening"}, duration_minutes=15
    )
    page = client.get(url("detail", event, lang="ar")).content.decode()
    with translation.override("ar"):
        duration = pgettext("duration", "minutes")
    header = page.split('<table class="agenda">')[1].split("</thead>")[0]
    assert f'<th scope="col">{duration}</th>' in header
    en_header = client.get(url("detail", event)).content.decode().split('<table class="agenda">')[1]
    assert '<th scope="col">minutes</th>' in en_header.split("</thead>")[0]


def test_times_are_isolated_in_arabic_pages(client, space_and_people, make_event):
    space, _people = space_and_people
    event = make_event(space, start=in_days(15, hour=10), minutes=120)
    page = client.get(url("detail", event, lang="ar")).content.decode()
    assert '<bdi dir="ltr">10:00–12:00</bdi>' in page


def test_the_timeline_marks_today_between_past_and_coming_entries(client, space_and_people, make_event):
    space, _people = space_and_people
    make_event(space, title={"en": "Last month's meeting"}, start=in_days(-30))
    make_event(space, title={"en": "Next month's meeting"}, start=in_days(30))
    page = client.get(en(reverse("events:timeline", args=[space.slug]))).content.decode()
    assert page.index("Last month") < page.index('class="timeline-today"') < page.index("Next month")
    assert f'datetime="{timezone.localdate().isoformat()}"' in page


def test_today_comes_last_when_everything_is_past():
    from hiwar.events.selectors import TimelineEntry, today_position

    today = date(2026, 6, 1)
    entries = [TimelineEntry("event", date(2026, 1, 1), date(2026, 1, 1), None, [])]
    assert today_position(entries, today) == 1
    assert today_position([], today) == 0
    undated = [*entries, TimelineEntry("event", None, None, None, [])]
    assert today_position(undated, today) == 1  # "to be decided" stays after today


# Pages at the scale of a real process -------------------------------------------------------------------


def test_attendance_is_paginated_and_searchable_by_name(client, event, space_and_people):
    _space, people = space_and_people
    services.register(event=event, user=UserFactory(name="Layla Haddad"))
    for i in range(55):
        services.register(event=event, user=UserFactory(name=f"Person {i:02d}"))
    client.force_login(people["convenor"])
    page = client.get(url("attendance", event)).content.decode()
    assert page.count('class="registration ') == 50
    assert "Page 1 of 2" in page
    found = client.get(url("attendance", event), {"q": "layla"}).content.decode()
    assert "Layla Haddad" in found and "Person 01" not in found
    assert (
        client.get(url("attendance", event), {"q": "nobody-such"})
        .content.decode()
        .count('class="registration ')
        == 0
    )


def test_checking_in_from_a_search_returns_to_the_search(client, event, space_and_people):
    _space, people = space_and_people
    registration = services.register(event=event, user=UserFactory(name="Omar Saleh"))
    client.force_login(people["convenor"])
    page = client.get(url("attendance", event), {"q": "Omar"}).content.decode()
    assert 'name="next" value="/en/' in page and "q=Omar" in page
    response = client.post(
        reverse("events:registration_action", args=[event.space.slug, event.pk, registration.pk]),
        {"action": "check_in", "next": url("attendance", event) + "?q=Omar"},
    )
    assert response["Location"].endswith("?q=Omar")
    registration.refresh_from_db()
    assert registration.checked_in_at is not None


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_attendance_and_space_events_and_event_page_stay_flat(client, event, space_and_people, make_event):
    space, people = space_and_people
    client.force_login(people["convenor"])
    paths = [
        url("attendance", event),
        url("attendance", event) + "?q=Person",
        en(reverse("events:space_events", args=[space.slug])),
        url("detail", event),
    ]

    def grow(k):
        for i in range(k):
            services.register(event=event, user=UserFactory(name=f"Person {i}"))
            make_event(
                space, title={"en": f"Meeting {i}"}, start=event.start + timedelta(days=i + 1), capacity=5
            )
        return [_count(client, path) for path in paths]

    assert grow(2) == grow(38)


def test_space_events_are_paginated(client, space_and_people, make_event):
    space, _people = space_and_people
    for i in range(31):
        make_event(space, title={"en": f"Meeting {i}"}, start=in_days(i + 1))
    page = client.get(en(reverse("events:space_events", args=[space.slug]))).content.decode()
    assert page.count('class="event-row') == 30 and "Page 1 of 2" in page


def test_to_be_decided_events_come_last_in_the_list_and_the_api(client, space_and_people, make_event):
    space, _people = space_and_people
    make_event(space, title={"en": "Undated"}, when=PrecisionDate(Precision.TBD))
    make_event(space, title={"en": "Later"}, start=in_days(40))
    make_event(space, title={"en": "Sooner"}, start=in_days(5))
    titles = [e["title"] for e in client.get("/api/v1/events", {"space": space.slug}).json()["results"]]
    assert titles == ["Sooner", "Later", "Undated"]
    page = client.get("/en/events/", {"period": "all", "space": space.slug}).content.decode()
    assert page.index("Sooner") < page.index("Later") < page.index("Undated")


def test_the_rule_chooser_lists_a_few_near_events_and_finds_others_by_title(
    client, event, space_and_people, make_event
):
    space, people = space_and_people
    for i in range(30):
        make_event(space, title={"en": f"Meeting {i}"}, start=event.start + timedelta(days=i + 1))
    far = make_event(space, title={"en": "Regional review"}, start=event.start + timedelta(days=300))
    client.force_login(people["convenor"])
    page = client.get(url("detail", event)).content.decode()
    chooser = page.split('name="other"')[1].split("</select>")[0]
    assert chooser.count("<option") <= 21 and "Regional review" not in chooser
    found = client.get(url("detail", event), {"rule_q": "regional"}).content.decode()
    assert "Regional review" in found.split('name="other"')[1].split("</select>")[0]
    # Any event of the space can be chosen, listed or not; another space's cannot.
    response = client.post(
        url("rule_add", event), {"kind": "at_least_weeks_before", "amount": 4, "other": far.pk}
    )
    assert response.status_code == 302 and event.rules.filter(other=far).exists()


def test_the_rule_chooser_refuses_an_event_of_another_space(
    client, event, space_and_people, make_event, make_space
):
    _space, people = space_and_people
    elsewhere = make_event(make_space(), title={"en": "Elsewhere"})
    client.force_login(people["convenor"])
    client.post(url("rule_add", event), {"kind": "at_least_weeks_before", "amount": 4, "other": elsewhere.pk})
    assert not event.rules.exists()
