"""On a 390-pixel phone, pages fit the screen: wide tables scroll inside their box, not the page."""

import pytest

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="en-US", viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def page_paths(dialogue):
    space, event = dialogue.space, dialogue.event
    return {
        "space": f"/spaces/{space.slug}/",
        "event": f"/spaces/{space.slug}/events/{event.pk}/",
        "tables": f"/spaces/{space.slug}/events/{event.pk}/tables/",
        "audit": f"/spaces/{space.slug}/audit/",
    }


@pytest.mark.parametrize("language", ["ar", "en"])
def test_pages_do_not_overflow_a_phone(live_server, phone, sign_in, dialogue, artifacts, language):
    sign_in(phone, dialogue.convenor)
    for name, path in page_paths(dialogue).items():
        phone.goto(f"{live_server.url}/{language}{path}")
        assert phone.locator("html").get_attribute("lang") == language
        width = phone.evaluate("document.documentElement.scrollWidth")
        phone.screenshot(path=str(artifacts / f"phone-{name}-{language}.png"), full_page=True)
        assert width <= PHONE["width"], f"/{language}{path} is {width}px wide on a 390px phone"


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_phone_header_is_compact_and_languages_fold_away(live_server, phone, sign_in, dialogue, language):
    phone.goto(f"{live_server.url}/{language}/")
    assert phone.locator(".site-header").bounding_box()["height"] <= 100
    sign_in(phone, dialogue.convenor)  # more links: my events, my profile, sign out
    phone.goto(f"{live_server.url}/{language}/")
    assert phone.locator(".site-header").bounding_box()["height"] <= 120
    # The languages are one tap away, folded by default, and work without JavaScript.
    switcher = phone.locator(".language-switcher")
    assert not phone.locator(".language-switcher button[value=fr]").is_visible()
    switcher.locator("summary").click()
    phone.locator(".language-switcher button[value=fr]").click()
    phone.wait_for_url(f"{live_server.url}/fr/")
    assert phone.locator("html").get_attribute("lang") == "fr"
