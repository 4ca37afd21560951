"""Bad input never gives a server error: control characters are refused before the database sees them."""

import pytest

from tests.factories import UserFactory

NUL_URLS = [
    "/en/spaces/?q=%00",
    "/en/spaces/?kind=%00",
    "/en/spaces/?region=%00",
    "/en/spaces/?page=%00",
    "/en/spaces/?%00=1",
    "/en/events/?space=%00",
    "/en/events/?kind=%00",
    "/en/events/?region=%00",
    "/en/events/?language=%00",
    "/en/events/?date_from=%00",
    "/en/events/?page=%00",
    "/en/spaces/a%00b/",
    "/calendar/%00.ics",
    "/calendar/abc%01def.ics",
    "/api/v1/spaces?q=%00",
    "/api/v1/spaces?kind=%00",
    "/api/v1/spaces?region=%00",
    "/api/v1/spaces?page=%00",
    "/api/v1/spaces/a%00b",
    "/api/v1/events?space=%00",
    "/api/v1/events?kind=%00",
    "/api/v1/events?region=%00",
    "/api/v1/events?language=%00",
    "/api/v1/events?date_from=%00",
    "/api/v1/events?date_to=%00",
    "/api/v1/events?page=%00",
    "/en/spaces/?q=a%1bb",
    "/en/spaces/?q=a%7fb",
    "/en/spaces/?q=a%C2%85b",
]


@pytest.mark.parametrize("url", NUL_URLS)
def test_control_characters_in_a_url_are_a_400(client, db, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")  # API clients choose their language
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json() == {"detail": "The request contains characters that are not allowed."}
    elif url.startswith("/en/"):
        assert "The request contains characters that are not allowed." in response.content.decode()


def test_the_refusal_is_in_the_default_language_without_a_prefix(client, db):
    response = client.get("/calendar/%00.ics")
    assert response.status_code == 400
    assert 'lang="ar"' in response.content.decode()


def test_a_nul_in_a_form_field_is_a_400_and_changes_nothing(client, db):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/en/accounts/profile/", {"name": "A\x00B"})
    assert response.status_code == 400
    user.refresh_from_db()
    assert "\x00" not in user.name


def test_tabs_and_line_breaks_in_a_form_field_are_ordinary_text(client, db):
    client.force_login(UserFactory())
    response = client.post("/en/spaces/new/", {"title_en": "A\tB", "description_en": "one\r\ntwo"})
    assert response.status_code != 400


def test_a_control_character_in_the_session_cookie_is_a_400(client, db):
    client.cookies["sessionid"] = "abcdefgh\x00ijk"
    assert client.get("/en/spaces/").status_code == 400
