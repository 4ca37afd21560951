import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core import mail
from icalendar import Calendar

from hiwar.events import services
from hiwar.events.precision import Precision, PrecisionDate
from hiwar.spaces.models import Role
from tests.factories import MembershipFactory, SpaceFactory, UserFactory


def test_register_receive_the_ics_and_see_it_under_my_events(live_server, page, artifacts):
    convenor = UserFactory()
    space = SpaceFactory(title={"ar": "سلسلة السلامة الأحيائية", "en": "Biosafety series"})
    MembershipFactory(space=space, user=convenor, role=Role.CONVENOR)
    start = (datetime.now(ZoneInfo("UTC")) + timedelta(days=20)).replace(
        hour=13, minute=0, second=0, microsecond=0
    )
    event = services.event_create(
        space=space,
        actor=convenor,
        title={"ar": "ندوة الانطلاق عبر الإنترنت", "en": "Kick-off webinar"},
        kind="webinar",
        when=PrecisionDate(Precision.EXACT),
        start=start,
        end=start + timedelta(hours=2),
        timezone="America/Montreal",
        registration_mode="open",
        capacity=100,
        online_url="https://meet.example.org/biosafety",
        interpretation_languages=["en", "fr", "es"],
    )
    person = UserFactory(email="nadia@example.org", preferred_language="en")
    person.set_password("biosafety-2026")
    person.save()

    page.goto(live_server.url + "/en/accounts/login/")
    page.fill("#id_username", "nadia@example.org")
    page.fill("#id_password", "biosafety-2026")
    page.locator("main form button[type=submit]").click()

    page.goto(live_server.url + event.get_absolute_url().replace("/ar/", "/en/"))
    assert "meet.example.org" not in page.content()  # the link is for registered participants
    page.select_option("#id_interpretation_language", "fr")
    page.locator("section.registration button[type=submit]").click()
    assert "You are registered" in page.locator(".messages").inner_text()
    assert "meet.example.org/biosafety" in page.content()

    # The confirmation arrived with the calendar file.
    (confirmation,) = [m for m in mail.outbox if m.to == ["nadia@example.org"]]
    assert confirmation.subject == "You are registered: Kick-off webinar"
    name, content, _mimetype = confirmation.attachments[0]
    vevent = Calendar.from_ical(content).walk("VEVENT")[0]
    assert name == "invite.ics" and vevent.decoded("dtstart") == start
    assert str(vevent["location"]) == "https://meet.example.org/biosafety"

    page.locator("header a[href$='/events/mine/']").first.click()
    page.wait_for_url(re.compile(r"/en/events/mine/$"))
    assert "Kick-off webinar" in page.locator("main").inner_text()
    feed = page.locator("#feed-url").input_value()
    assert re.search(r"/calendar/[\w-]+\.ics$", feed)
    page.screenshot(path=str(artifacts / "events-my-events-en.png"), full_page=True)


def test_the_event_form_shows_only_the_date_fields_of_the_chosen_precision(live_server, page):
    convenor = UserFactory(email="convenor@example.org")
    convenor.set_password("convene-2026")
    convenor.save()
    space = SpaceFactory(country="JO")
    MembershipFactory(space=space, user=convenor, role=Role.CONVENOR)
    page.goto(live_server.url + "/en/accounts/login/")
    page.fill("#id_username", "convenor@example.org")
    page.fill("#id_password", "convene-2026")
    page.locator("main form button[type=submit]").click()

    page.goto(live_server.url + f"/en/spaces/{space.slug}/events/new/")
    assert page.locator("#id_timezone").input_value() == "Asia/Amman"
    assert page.locator("#id_start").is_visible() and not page.locator("#id_year").is_visible()
    page.select_option("#id_precision", "month")
    assert page.locator("#id_year").is_visible() and page.locator("#id_month").is_visible()
    assert not page.locator("#id_start").is_visible() and not page.locator("#id_week").is_visible()
    assert not page.locator("#id_part").is_visible() and not page.locator("#id_day").is_visible()

    # An error: the summary at the top takes the focus and its link leads to the field.
    page.select_option("#id_precision", "day")
    page.fill("#id_title_1", "Consultation")
    page.locator("form[data-precision-form] button[type=submit]").click()
    summary = page.locator(".error-summary")
    assert summary.is_visible() and page.title().startswith("Error: ")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    summary.locator("a[href='#id_day']").click()
    assert page.evaluate("document.activeElement.id") == "id_day"
