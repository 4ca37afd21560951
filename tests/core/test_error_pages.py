"""Error pages: translated, in the site's layout and direction, never Django's technical pages."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import SpaceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.error_urls")]

SRC = Path(__file__).resolve().parents[2] / "src"


def html_tag(response):
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def assert_site_page(response, language, direction):
    page = response.content.decode()
    assert html_tag(response) == f'<html lang="{language}" dir="{direction}">'
    assert "/static/hiwar/hiwar.css" in page
    assert 'class="site-header"' in page
    # Nothing of Django's debug pages: no URL patterns, no traceback, no settings.
    for leak in ("URLconf", "Traceback", "technical", "SECRET_KEY", "hiwar.urls"):
        assert leak not in page


@pytest.fixture
def production(settings):
    settings.DEBUG = False


def test_a_missing_page_is_a_translated_404_without_url_patterns(client, production):
    response = client.get("/ar/spaces/no-such-space/")
    assert response.status_code == 404
    assert_site_page(response, "ar", "rtl")
    assert "الصفحة غير موجودة" in response.content.decode()

    response = client.get("/en/no/such/page/")
    assert response.status_code == 404
    assert_site_page(response, "en", "ltr")
    assert "Page not found" in response.content.decode()


def test_a_closed_space_is_the_same_404_as_a_missing_one(client, production, user):
    space = SpaceFactory(visibility="closed")
    client.force_login(user)
    closed = client.get(f"/en/spaces/{space.slug}/")
    missing = client.get("/en/spaces/no-such-space/")
    assert closed.status_code == missing.status_code == 404
    assert "Page not found" in closed.content.decode()


@pytest.mark.parametrize(
    ("language", "direction", "title"), [("ar", "rtl", "غير مسموح"), ("en", "ltr", "Not allowed")]
)
def test_a_refused_action_is_a_translated_403(client, production, language, direction, title):
    response = client.get(f"/{language}/forbidden/")
    assert response.status_code == 403
    assert_site_page(response, language, direction)
    assert title in response.content.decode()


@pytest.mark.parametrize(
    ("language", "direction", "title"), [("ar", "rtl", "طلب غير صالح"), ("en", "ltr", "Bad request")]
)
def test_a_bad_request_is_a_translated_400(client, production, language, direction, title):
    response = client.get(f"/{language}/suspicious/")
    assert response.status_code == 400
    assert_site_page(response, language, direction)
    assert title in response.content.decode()


def test_a_form_without_its_csrf_token_is_refused_with_a_translated_page(production):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/ar/accounts/login/", {"username": "a@example.org"})
    assert response.status_code == 403
    assert_site_page(response, "ar", "rtl")
    assert "غير مسموح" in response.content.decode()


def test_an_unknown_host_is_a_400_page_not_a_debug_page(client, production):
    response = client.get("/en/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert_site_page(response, "en", "ltr")


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("en", "ltr")])
def test_a_view_that_fails_is_a_500_page_in_the_readers_language(client, production, language, direction):
    client.raise_request_exception = False
    response = client.get(f"/{language}/broken/")
    assert response.status_code == 500
    assert_site_page(response, language, direction)
    assert "a bug" not in response.content.decode()
    if language == "en":
        assert "Server error" in response.content.decode()
        assert 'href="/en/"' in response.content.decode()  # back home, in the same language


def test_the_500_page_renders_with_no_request_and_no_database(production):
    from django.template import loader
    from django.utils import translation

    # Django renders 500.html with no context at all; the database may be what failed.
    with translation.override("en"), pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", _no_database)
        page = loader.render_to_string("500.html")
    assert '<html lang="en" dir="ltr">' in page
    assert "Server error" in page


def _no_database(*args, **kwargs):
    raise AssertionError("the 500 page must not use the database")


def _run_with_environment(environment: dict, code: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIWAR_")}
    env.update(environment, PYTHONPATH=str(SRC), DJANGO_SETTINGS_MODULE="hiwar.settings")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1:8000")
page = client.get("/en/accounts/login/")
css = client.get("/static/hiwar/hiwar.css")
missing = client.get("/en/no/such/page/")
print(json.dumps({
    "debug": settings.DEBUG,
    "login": page.status_code,
    "secure_cookie": bool(page.cookies["csrftoken"]["secure"]),
    "hsts": page.has_header("Strict-Transport-Security"),
    "css": css.status_code,
    "css_has_rules": b".site-header" in b"".join(css.streaming_content),
    "missing": missing.status_code,
    "missing_lists_urls": "URLconf" in missing.content.decode(),
    "foreign_host": Client(HTTP_HOST="example.org").get("/en/accounts/login/").status_code,
}))
"""


def test_insecure_http_serves_the_demo_on_loopback_without_debug_pages(tmp_path):
    result = _run_with_environment({"HIWAR_HOME": str(tmp_path), "HIWAR_INSECURE_HTTP": "1"}, PROBE)
    assert result == {
        "debug": False,
        "login": 200,  # no redirect to https
        "secure_cookie": False,
        "hsts": False,
        "css": 200,  # the stylesheet without collectstatic
        "css_has_rules": True,
        "missing": 404,
        "missing_lists_urls": False,
        "foreign_host": 400,  # only this machine's names
    }


def test_without_insecure_http_production_insists_on_https(tmp_path):
    code = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
print(json.dumps({
    "debug": settings.DEBUG,
    "secure_cookies": settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE,
    "hsts": settings.SECURE_HSTS_SECONDS > 0,
    "plain_http": Client(HTTP_HOST="example.org").get("/en/accounts/login/").status_code,
}))
"""
    environment = {"HIWAR_HOME": str(tmp_path), "HIWAR_ALLOWED_HOSTS": "example.org"}
    result = _run_with_environment(environment, code)
    assert result == {"debug": False, "secure_cookies": True, "hsts": True, "plain_http": 301}


def test_insecure_http_refuses_a_public_host(tmp_path):
    """Copied from the demo into a production environment, the flag must not silently drop HTTPS."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIWAR_")}
    env.update(
        HIWAR_HOME=str(tmp_path),
        HIWAR_INSECURE_HTTP="1",
        HIWAR_ALLOWED_HOSTS="dialogues.example.org",
        PYTHONPATH=str(SRC),
        DJANGO_SETTINGS_MODULE="hiwar.settings",
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "HIWAR_INSECURE_HTTP" in result.stderr
