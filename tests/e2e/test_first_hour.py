"""A convenor's first hour, in the browser: a space from the blank template, a phase, a dialogue,
tables composed and published, a facilitator at each table."""

import re
from datetime import timedelta

from django.utils import timezone

from hiwar.events import services as event_services
from hiwar.events.models import Event
from hiwar.grouping.models import Composition
from hiwar.spaces import services as space_services
from hiwar.spaces.models import Role, Space
from tests.factories import UserFactory


def test_from_a_blank_space_to_published_tables(live_server, page, sign_in, artifacts):
    convenor = UserFactory(name="Samar Al-Khatib", preferred_language="en")
    sign_in(page, convenor)

    # A space from the blank template.
    page.goto(f"{live_server.url}/en/spaces/new/")
    page.fill("#id_title_1", "Irbid food and climate dialogue")
    page.locator("input[name=template_key][value='']").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/spaces/[\w-]+/$"))
    space = Space.objects.get(title__en="Irbid food and climate dialogue")
    assert space.memberships.get(user=convenor).role == Role.CONVENOR

    # Its first phase, from the "what next" list of a blank space.
    page.locator(".next-steps a[href$='/phases/new/']").click()
    page.fill("#id_title_1", "Phase 2: holding the dialogues")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/phases/\d+/$"))
    assert space.phases.count() == 1

    # A dialogue two weeks ahead.
    start = timezone.localtime(timezone.now() + timedelta(days=14)).replace(hour=9, minute=0)
    page.goto(f"{live_server.url}/en/spaces/{space.slug}/events/new/")
    page.select_option("#id_kind", "dialogue")
    page.fill("#id_title_1", "First dialogue")
    page.select_option("#id_precision", "exact")
    page.fill("#id_start", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_end", (start + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#id_registration_mode", "open")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/events/\d+/$"))
    event = Event.objects.get(space=space, kind="dialogue")

    # Facilitators and participants register (as they would from their own pages).
    for n in range(3):
        facilitator = UserFactory(name=f"Facilitator {n}")
        space_services.membership_add(space=space, user=facilitator, role=Role.FACILITATOR)
        event_services.register(event=event, user=facilitator)
    for n in range(18):
        person = UserFactory(name=f"Participant {n:02d}")
        person.profile.sector = ["health", "water", "agriculture"][n % 3]
        person.profile.save()
        event_services.register(event=event, user=person)

    tables_url = f"{live_server.url}/en/spaces/{space.slug}/events/{event.pk}/tables/"
    page.goto(tables_url)
    page.fill("#id_table_count", "3")
    page.locator("details.compose form button[type=submit]").click()
    page.wait_for_url(tables_url)
    assert page.locator(".table-card").count() == 3
    for card in page.locator(".table-card").all():
        assert "Facilitator" in card.inner_text()
    page.locator("form[action$='/publish/'] button").click()
    if "/publish/" in page.url:  # problems to confirm first (there should be none here)
        page.locator("form[action$='/publish/'] button").click()
    page.wait_for_url(tables_url)
    page.screenshot(path=str(artifacts / "first-hour-tables-en.png"), full_page=True)

    composition = Composition.objects.get(event=event)
    assert composition.is_published
    for table in composition.tables.prefetch_related("seats"):
        assert sum(seat.is_facilitator for seat in table.seats.all()) == 1
