import pytest

from tests.factories import PhaseFactory


def test_list_shows_only_what_the_caller_may_see(client, space_with_roles, make_space):
    closed, people = space_with_roles("closed")
    public = make_space(visibility="public")
    members_only = make_space(visibility="members")
    anonymous = {s["slug"] for s in client.get("/api/v1/spaces").json()["results"]}
    assert anonymous == {public.slug, members_only.slug}
    client.force_login(people["member"])
    member = {s["slug"] for s in client.get("/api/v1/spaces").json()["results"]}
    assert member == {public.slug, members_only.slug, closed.slug}


def test_detail_gives_phases_to_those_who_may_see_them(client, make_space):
    space = make_space(visibility="public")
    PhaseFactory(space=space, title={"ar": "المرحلة الأولى", "en": "Phase 1"}, key="phase-1")
    data = client.get(f"/api/v1/spaces/{space.slug}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["slug"] == space.slug
    assert data["title"] == space.title["en"]
    assert [p["title"] for p in data["phases"]] == ["Phase 1"]
    arabic = client.get(f"/api/v1/spaces/{space.slug}", HTTP_ACCEPT_LANGUAGE="ar").json()
    assert arabic["phases"][0]["title"] == "المرحلة الأولى"


@pytest.mark.parametrize("slug", ["missing", "closed"])
def test_missing_and_hidden_spaces_give_the_same_json_404(client, make_space, slug):
    make_space(visibility="closed", slug="closed")
    response = client.get(f"/api/v1/spaces/{slug}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_bad_query_parameter_is_a_json_error(client, db):
    response = client.get("/api/v1/spaces?page=abc", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response.json()["detail"] == "The request is not valid."


def test_openapi_spec_lists_the_endpoints(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/spaces", "/api/v1/spaces/{slug}"} <= set(spec["paths"])
