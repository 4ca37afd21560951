import re

from django.core import mail


def test_sign_up_verify_create_a_convergence_space_and_switch_language(live_server, page, artifacts):
    # Sign up, in Arabic: the site opens in Arabic even though this browser asks for English.
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    page.goto(live_server.url + "/ar/accounts/signup/")
    page.fill("#id_name", "ليلى حداد")
    page.fill("#id_email", "layla@example.org")
    page.fill("#id_password", "convergence-dialogue-2026")
    page.fill("#id_password_again", "convergence-dialogue-2026")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/ar/spaces/$"))

    # Verify the address with the link from the outbox.
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/verify/\S+", mail.outbox[0].body).group(0)
    path = link[link.index("/ar/") :]
    page.goto(live_server.url + path)
    assert page.locator(".notice").count() == 0  # the "not verified" banner is gone

    # Create a space from the convergence dialogue template.
    page.goto(live_server.url + "/ar/spaces/new/")
    page.check("input[name=template_key][value=convergence-dialogue]")
    page.fill("#id_title_0", "حوار التقارب الوطني")
    page.fill("#id_title_1", "National convergence dialogue")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/ar/spaces/national-convergence-dialogue/$"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "حوار التقارب الوطني" in page.locator("h1").inner_text()

    # The Phase 1 checklist is there.
    phase_links = page.locator(".phases h3 a")
    assert phase_links.count() >= 4
    phase_links.nth(1).click()
    assert page.locator("table.checklist tbody tr").count() >= 3
    page.screenshot(path=str(artifacts / "foundation-phase1-ar.png"), full_page=True)

    # Switch to English: same page, left to right.
    page.locator(".language-switcher summary").click()  # the languages fold behind it
    page.locator(".language-switcher button[value=en]").click()
    page.wait_for_url(re.compile(r"/en/spaces/national-convergence-dialogue/phases/\d+/$"))
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Checklist" in page.locator("main").inner_text()
    page.screenshot(path=str(artifacts / "foundation-phase1-en.png"), full_page=True)
