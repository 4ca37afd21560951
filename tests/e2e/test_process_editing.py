"""The convenor's first hour: a blank space shaped in the browser, in Arabic, with no JavaScript needed."""

import re

from django.conf import settings
from django.test import Client

from hiwar.spaces.models import Phase
from tests.factories import MembershipFactory, SpaceFactory, UserFactory


def _sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_a_convenor_shapes_a_blank_space_without_javascript(live_server, browser, artifacts):
    convenor = UserFactory(name="ليلى حداد")
    space = SpaceFactory(slug="blank", title={"ar": "مساحة فارغة", "en": "Blank space"})
    MembershipFactory(space=space, user=convenor, role="convenor")
    context = browser.new_context(
        locale="ar", java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    _sign_in(page, live_server, convenor)

    page.goto(f"{live_server.url}/ar/spaces/blank/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.locator(".next-steps a[href$='/phases/new/']").click()
    page.fill("#id_title_0", "المرحلة الأولى: الإعداد")
    page.fill("#id_planned_start", "2026-01-05")
    page.fill("#id_planned_end", "2026-02-15")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/ar/spaces/blank/phases/\d+/$"))

    for title in ("تحديد أصحاب المصلحة", "تقييم خط الأساس"):
        page.locator("a[href$='/items/new/']").click()
        page.fill("#id_title_0", title)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/phases/\d+/$"))
    assert page.locator("table.checklist tbody tr").count() == 2
    # The second item moves up, with a plain form.
    page.locator("table.checklist tbody tr").nth(1).locator("button[value=up]").click()
    assert "تقييم خط الأساس" in page.locator("table.checklist tbody tr").first.inner_text()
    page.screenshot(path=str(artifacts / "editing-phase-ar.png"), full_page=True)

    # The phase ended in the past and is not done: it is flagged late on the space page.
    page.goto(f"{live_server.url}/ar/spaces/blank/")
    assert page.locator(".phases .badge.late").count() == 1
    page.screenshot(path=str(artifacts / "editing-space-ar.png"), full_page=True)

    # Removing it asks first, saying what goes with it.
    page.locator(".phases a[href$='/remove/']").click()
    assert "بندَي عمل" in page.locator(".notice").inner_text()  # "two action items", in the dual
    page.locator("main form button.danger").click()
    page.wait_for_url(re.compile(r"/ar/spaces/blank/$"))
    assert not Phase.objects.filter(space=space).exists()
    context.close()
