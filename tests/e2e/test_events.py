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
