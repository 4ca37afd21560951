"""Browser tests: Debian's Chromium driven by Playwright, against Django's live server."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself are
# ordinary synchronous code, so Django's async-safety guard does not apply here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.e2e


def pytest_collection_modifyitems(items):
    if not Path(CHROMIUM).exists():
        skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium)")
        for item in items:
            if "e2e" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def sign_in(live_server):
    """Put a signed-in session for `user` into the page's browser (no sign-in form to fill)."""

    def sign_in(page, user):
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )

    return sign_in


@pytest.fixture
def dialogue(db, make_event):
    """A space in full swing: a convenor, members, an event with an agenda, composed tables, e-mails,
    an audit log. Long names on purpose: the pages must hold them on a phone."""
    from types import SimpleNamespace

    from hiwar.events import services as event_services
    from hiwar.grouping import services as grouping_services
    from hiwar.spaces import services as space_services
    from hiwar.spaces.models import Role
    from tests.factories import SpaceFactory, UserFactory

    convenor = UserFactory(name="Samar Al-Khatib", preferred_language="en")
    space = SpaceFactory(
        title={
            "ar": "الحوار الوطني للتقارب بشأن خطة العمل الوطنية للتنوع البيولوجي",
            "en": "National convergence dialogue on the biodiversity strategy and action plan",
        }
    )
    space_services.membership_add(space=space, user=convenor, role=Role.CONVENOR)
    event = make_event(
        space,
        actor=convenor,
        title={
            "ar": "الحوار الأول: المياه والزراعة والصحة",
            "en": "First dialogue: water, agriculture and health",
        },
    )
    for order, (title, speakers) in enumerate(
        [
            (
                {"ar": "الافتتاح والترحيب", "en": "Opening and welcome"},
                "Minister of Environment, UNDP Resident Representative",
            ),
            (
                {
                    "ar": "حوارات الطاولات المستديرة",
                    "en": "Round-table conversations on the national targets",
                },
                "Facilitators of every table",
            ),
            ({"ar": "الخلاصات والخطوات التالية", "en": "Conclusions and next steps"}, "The secretariat"),
        ]
    ):
        event_services.agenda_item_save(
            event=event, actor=convenor, title=title, duration_minutes=30, speakers=speakers, order=order
        )
    participant = None
    for i in range(10):
        person = UserFactory(name=f"Participant {i:02d} of the Jordan Youth Network", preferred_language="en")
        membership = space_services.membership_add(space=space, user=person, actor=convenor)
        person.profile.sector = ["health", "water", "agriculture"][i % 3]
        person.profile.save()
        event_services.register(event=event, user=person)
        participant = participant or person
        if i == 1:
            space_services.membership_change_role(
                membership=membership, role=Role.FACILITATOR, actor=convenor
            )
    grouping_services.compose(event=event, actor=convenor, table_count=2)
    event_services.announcement_send(
        space=space, actor=convenor, subject="Welcome to the dialogue", body="The agenda is online."
    )
    return SimpleNamespace(space=space, event=event, convenor=convenor, participant=participant)
