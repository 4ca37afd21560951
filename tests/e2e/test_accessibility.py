"""Every kind of page passes axe-core with no serious or critical violation, in Arabic and English.

axe-core comes from the npm registry (package.json, `npm ci`); the test is skipped without it.
"""

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}

pytestmark = pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (npm ci)")


def pages(dialogue, newcomer):
    """(who, path without language, what it is) for every kind of page."""
    space, event = dialogue.space, dialogue.event
    s = f"/spaces/{space.slug}"
    e = f"{s}/events/{event.pk}"
    return [
        (None, "/", "home"),
        (dialogue.participant, "/", "home, signed in, languages unfolded"),
        (None, "/spaces/", "spaces list"),
        (None, "/events/", "events list"),
        (None, "/accounts/login/", "sign-in"),
        (None, "/accounts/signup/", "sign-up"),
        (None, "/spaces/no-such-space/", "404"),
        (None, "/spaces/%01/", "400"),
        (None, f"{s}/", "space page, anonymous"),
        (dialogue.convenor, f"{s}/", "space page, convenor"),
        (dialogue.convenor, f"{s}/members/", "members"),
        (dialogue.convenor, f"{s}/timeline/", "timeline"),
        (dialogue.convenor, f"{e}/", "event page, organiser"),
        (dialogue.participant, f"{e}/", "event page, participant"),
        (newcomer, f"{e}/", "event page with the registration form"),
        (dialogue.participant, "/accounts/profile/", "profile"),
        (dialogue.convenor, f"{s}/announce/", "announcements"),
        (dialogue.convenor, f"{e}/tables/", "tables"),
        (dialogue.convenor, f"{s}/audit/", "audit log"),
        (dialogue.convenor, f"{s}/emails/", "e-mails"),
        (dialogue.participant, "/events/mine/", "my events"),
    ]


def violations(browser, sign_in, who, url, what):
    # Axe is injected as an inline script, which the site's Content-Security-Policy rightly forbids.
    context = browser.new_context(bypass_csp=True, locale="en-US", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        if who is not None:
            sign_in(page, who)
        page.goto(url)
        if "languages unfolded" in what:
            page.locator(".language-switcher summary").click()
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        return [v for v in result["violations"] if v["impact"] in SERIOUS]
    finally:
        context.close()


@pytest.mark.parametrize("language", ["ar", "en"])
def test_pages_have_no_serious_accessibility_violations(browser, live_server, sign_in, dialogue, language):
    from hiwar.spaces import services as space_services
    from tests.factories import UserFactory

    newcomer = UserFactory(name="Newcomer", preferred_language=language)
    space_services.membership_add(space=dialogue.space, user=newcomer, actor=dialogue.convenor)

    report = []
    checked = 0
    for who, path, what in pages(dialogue, newcomer):
        url = f"{live_server.url}/{language}{path}"
        for violation in violations(browser, sign_in, who, url, what):
            targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
            report.append(f"{what} /{language}{path}: {violation['id']} ({violation['impact']}) {targets}")
        checked += 1
    assert checked >= 15
    assert report == [], "\n".join(report)
