"""Arabic first, six languages, RTL and LTR from one page, usable without JavaScript."""

import re

import pytest

from tests.factories import SpaceFactory


def html_tag(response):
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def test_root_redirects_to_arabic_even_for_an_english_browser(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 302
    assert response["Location"] == "/ar/"


@pytest.mark.parametrize(
    ("language", "direction"),
    [("ar", "rtl"), ("en", "ltr"), ("fr", "ltr"), ("es", "ltr"), ("ru", "ltr"), ("zh-hans", "ltr")],
)
def test_every_language_has_its_prefix_and_direction(client, db, language, direction):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert html_tag(response) == f'<html lang="{language}" dir="{direction}">'


def test_language_switch_keeps_the_page_and_is_remembered(client, db):
    space = SpaceFactory()
    response = client.post("/i18n/setlang/", {"language": "en", "next": f"/ar/spaces/{space.slug}/"})
    assert response.status_code == 302
    assert response["Location"] == f"/en/spaces/{space.slug}/"
    assert client.get("/")["Location"] == "/en/"


def test_pages_have_a_skip_link_and_labelled_navigation(client, db):
    page = client.get("/ar/").content.decode()
    assert 'href="#main"' in page and 'id="main"' in page
    assert 'aria-label="' in page
    assert "<script" not in page  # every page works without JavaScript


def test_stylesheet_uses_logical_properties_only():
    from pathlib import Path

    css = (Path(__file__).parents[2] / "src/hiwar/static/hiwar/hiwar.css").read_text()
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    physical = re.findall(
        r"(?:margin|padding|border)-(?:left|right)|(?<![-\w])(?:left|right)\s*:|text-align:\s*(?:left|right)",
        css,
    )
    assert physical == []


def test_health_endpoint(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_security_headers(client, db):
    response = client.get("/ar/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_french_pages_are_in_french(client, db):
    page = client.get("/fr/events/").content.decode()
    assert '<html lang="fr" dir="ltr">' in page
    assert "Événements" in page and "À venir" in page and "Se connecter" in page


def test_spanish_pages_are_in_spanish(client, db):
    page = client.get("/es/events/").content.decode()
    assert '<html lang="es" dir="ltr">' in page
    assert "Eventos" in page and "Próximos" in page and "Iniciar sesión" in page


def test_russian_and_chinese_pages_are_translated(client, db):
    page = client.get("/ru/events/").content.decode()
    assert '<html lang="ru" dir="ltr">' in page and "Мероприятия" in page and "Войти" in page
    page = client.get("/zh-hans/events/").content.decode()
    assert '<html lang="zh-hans" dir="ltr">' in page and "活动" in page and "登录" in page


@pytest.mark.parametrize("start", ["en", "fr", "ar"])
def test_language_switch_from_any_language_keeps_the_page(client, db, start):
    space = SpaceFactory()
    response = client.post("/i18n/setlang/", {"language": "ru", "next": f"/{start}/spaces/{space.slug}/"})
    assert response["Location"] == f"/ru/spaces/{space.slug}/"
