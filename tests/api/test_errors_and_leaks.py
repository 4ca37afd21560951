"""The API's error answers are in its spec, bad filters are 422, and it leaks no more than the pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PhaseFactory

HUGE = "99999999999999999999"


def test_every_operation_lists_its_404_and_422(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            codes = set(operation["responses"])
            assert {"200", "400", "422"} <= codes, path
            if "{" in path:
                assert "404" in codes, path


@pytest.mark.parametrize(
    "value", ["0", "1700000000", "abc", "2026-13-01", "2026-1-1", HUGE, "2026-01-01T00:00"]
)
@pytest.mark.parametrize("name", ["date_from", "date_to"])
def test_a_date_filter_that_is_not_a_date_is_a_422(client, db, name, value):
    response = client.get(f"/api/v1/events?{name}={value}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response.json()["detail"] == "The request is not valid."


def test_a_real_date_filter_still_works(client, db):
    assert client.get("/api/v1/events?date_from=2026-01-01&date_to=2026-12-31").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/events/{HUGE}",
        "/api/v1/events/0",
        "/api/v1/events/-1",
        f"/api/v1/events?page={HUGE}",
        "/api/v1/events?page=0",
        f"/api/v1/spaces?page={HUGE}",
        "/api/v1/spaces?q=" + "x" * 201,
        "/api/v1/spaces/" + "x" * 101,
    ],
)
def test_out_of_range_numbers_and_long_strings_are_a_422(client, db, url):
    assert client.get(url).status_code == 422


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_a_members_only_space_gives_the_api_what_the_page_gives(client, space_with_roles, who):
    space, people = space_with_roles("members")
    space.description = {"en": "Internal strategy notes"}
    space.save()
    PhaseFactory(space=space, title={"en": "Baseline assessment"})
    if who == "outsider":
        client.force_login(people["outsider"])
    page = client.get(f"/en/spaces/{space.slug}/").content.decode()
    data = client.get(f"/api/v1/spaces/{space.slug}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["title"] == space.title["en"] and space.title["en"] in page
    assert data["kind"] == space.kind
    assert data["join_url"] == f"/en/spaces/{space.slug}/join/"
    assert data["description"] is None and "Internal strategy notes" not in page
    assert data["member_count"] is None
    assert data["phases"] is None and "Baseline assessment" not in page


def test_a_member_gets_the_description_and_count(client, space_with_roles):
    space, people = space_with_roles("members")
    space.description = {"en": "Internal strategy notes"}
    space.save()
    client.force_login(people["member"])
    data = client.get(f"/api/v1/spaces/{space.slug}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["description"] == "Internal strategy notes"
    assert data["member_count"] == 6
    assert data["join_url"] is None
    assert "Internal strategy notes" in client.get(f"/en/spaces/{space.slug}/").content.decode()


def _answer(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    return response.status_code, response.content, len(queries)


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_missing_and_hidden_answer_alike_and_do_the_same_work(client, space_with_roles, make_event, who):
    space, people = space_with_roles("closed")
    event = make_event(space)
    if who == "outsider":
        client.force_login(people["outsider"])
    _answer(client, "/api/v1/spaces")  # the session and the user are loaded once, before measuring
    assert _answer(client, f"/api/v1/spaces/{space.slug}") == _answer(client, "/api/v1/spaces/no-such-space")
    assert _answer(client, f"/api/v1/events/{event.pk}") == _answer(
        client, f"/api/v1/events/{event.pk + 1000}"
    )
