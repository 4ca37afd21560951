import re

from hiwar.events import services as event_services
from hiwar.grouping.models import TableSeat
from hiwar.spaces.models import Role
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

PASSWORD = "tables-for-dialogue-2026"


def login(page, live_server, email):
    page.goto(live_server.url + "/en/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/en/"))


def test_compose_move_publish_and_see_my_table(live_server, page, artifacts, make_event):
    convenor = UserFactory(email="convenor@example.org", name="Samar", preferred_language="en")
    convenor.set_password(PASSWORD)
    convenor.save()
    space = SpaceFactory(title={"ar": "حوار التقارب", "en": "Convergence dialogue"})
    MembershipFactory(space=space, user=convenor, role=Role.CONVENOR)
    event = make_event(
        space, actor=convenor, kind="dialogue", title={"ar": "الحوار الأول", "en": "First dialogue"}
    )
    people = []
    for i in range(12):
        person = UserFactory(email=f"p{i}@example.org", name=f"Participant {i:02d}", preferred_language="en")
        person.set_password(PASSWORD)
        person.save()
        person.profile.sector = ["health", "water", "agriculture"][i % 3]
        person.profile.save()
        event_services.register(event=event, user=person)
        people.append(person)
    for t in range(2):
        facilitator = UserFactory(name=f"Facilitator {t}")
        MembershipFactory(space=space, user=facilitator, role=Role.FACILITATOR)
        event_services.register(event=event, user=facilitator)

    login(page, live_server, "convenor@example.org")
    tables_url = live_server.url + f"/en/spaces/{space.slug}/events/{event.pk}/tables/"
    page.goto(tables_url)
    page.fill("#id_table_count", "2")
    page.locator("details.compose form button[type=submit]").click()
    page.wait_for_url(tables_url)
    assert page.locator(".table-card").count() == 2
    assert "more diverse" in page.locator(".score").inner_text()

    # Move Participant 00 to the other table.
    seat = TableSeat.objects.get(user=people[0])
    other = 2 if seat.table.number == 1 else 1
    page.select_option(f"#move-{people[0].pk}", str(other))
    page.locator(f"#move-{people[0].pk} ~ button").click()
    page.wait_for_url(tables_url)
    assert "Participant 00" in page.locator(f"#table-{other}").locator("xpath=..").inner_text()
    page.screenshot(path=str(artifacts / "tables-composed-en.png"), full_page=True)
    page.locator("form[action$='/publish/'] button").click()
    # The move left tables of 6 and 8: publishing asks first, on a page of its own.
    assert "Publish the tables?" in page.locator("h1").inner_text()
    page.locator("form[action$='/publish/'] button").click()
    page.wait_for_url(tables_url)

    # The participant sees their own table and its facilitator.
    page.context.clear_cookies()
    login(page, live_server, "p0@example.org")
    page.goto(live_server.url + event.get_absolute_url().replace("/ar/", "/en/"))
    panel = page.locator(".my-table").inner_text()
    assert f"Your table: {other}" in panel and "Your facilitator: Facilitator" in panel
    page.screenshot(path=str(artifacts / "tables-my-table-en.png"), full_page=True)


def test_unequal_tables_ask_for_confirmation_and_the_form_reads_in_arabic(
    live_server, page, artifacts, make_event
):
    from hiwar.grouping import services
    from hiwar.grouping.solver import warm_up

    warm_up()  # as `hiwar serve` does at start: the page composes inline
    convenor = UserFactory(email="convenor2@example.org", name="Samar", preferred_language="ar")
    convenor.set_password(PASSWORD)
    convenor.save()
    space = SpaceFactory(title={"ar": "حوار التقارب", "en": "Convergence dialogue"})
    MembershipFactory(space=space, user=convenor, role=Role.CONVENOR)
    event = make_event(space, actor=convenor, kind="dialogue", title={"ar": "الحوار الثاني", "en": "Second"})
    for i in range(12):
        event_services.register(event=event, user=UserFactory(name=f"مشارك {i:02d}"))
    composition = services.compose(event=event, actor=convenor, table_count=2)
    seat = TableSeat.objects.filter(composition=composition, table__number=1).first()
    services.move(composition=composition, user_id=seat.user_id, table_number=2, actor=convenor)  # 5 and 7

    login(page, live_server, "convenor2@example.org")
    tables_url = live_server.url + f"/ar/spaces/{space.slug}/events/{event.pk}/tables/"
    page.goto(tables_url)
    assert page.locator(".tables-problems").count() == 1
    assert page.locator(".table-card.has-problem").count() == 2
    page.locator("details.compose summary").click()
    box = page.locator("#id_organisations_apart").bounding_box()
    label = page.locator("label[for=id_organisations_apart]").bounding_box()
    # Beside its label (same line; in Arabic the box is on the right, where the line starts).
    assert abs((box["y"] + box["height"] / 2) - (label["y"] + label["height"] / 2)) < label["height"]
    assert box["x"] > label["x"]
    page.screenshot(path=str(artifacts / "tables-problems-ar.png"), full_page=True)
    page.locator("form[action$='/publish/'] button").click()
    assert page.locator("input[name=confirm]").count() == 1  # the confirmation page, no script needed
    page.locator("form[action$='/publish/'] button").click()
    page.wait_for_url(tables_url)
    composition.refresh_from_db()
    assert composition.is_published
