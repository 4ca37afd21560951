"""GET /api/v1/events and /api/v1/events/{id}: the pages' visibility, the pages' filters."""

from datetime import timedelta

import pytest

from hiwar.events import services
from hiwar.events.precision import Precision, PrecisionDate


@pytest.fixture
def events(space_with_roles, make_event):
    space, people = space_with_roles("public")
    dialogue = make_event(space, venue="Amman", interpretation_languages=["en"])
    webinar = make_event(
        space, kind="webinar", title={"en": "Kick-off webinar"}, start=dialogue.start + timedelta(days=20)
    )
    review = make_event(
        space, kind="review", when=PrecisionDate(Precision.MONTH, 2027, 2), title={"en": "Review"}
    )
    return space, people, dialogue, webinar, review


def test_list_filters_like_the_page(client, events):
    space, _people, dialogue, webinar, review = events
    data = client.get("/api/v1/events", {"space": space.slug}).json()
    assert [e["id"] for e in data["results"]] == [dialogue.pk, webinar.pk, review.pk]
    assert [e["id"] for e in client.get("/api/v1/events", {"kind": "webinar"}).json()["results"]] == [
        webinar.pk
    ]
    assert [e["id"] for e in client.get("/api/v1/events", {"language": "en"}).json()["results"]] == [
        dialogue.pk
    ]
    by_date = client.get("/api/v1/events", {"date_from": "2027-02-10"}).json()["results"]
    assert [e["id"] for e in by_date] == [review.pk]
    assert by_date[0]["precision"] == "month" and by_date[0]["start"] is None


def test_detail_hides_the_venue_from_non_participants(client, events):
    _space, people, dialogue, _webinar, _review = events
    assert client.get(f"/api/v1/events/{dialogue.pk}").json()["venue"] is None
    services.register(event=dialogue, user=people["member"])
    client.force_login(people["member"])
    data = client.get(f"/api/v1/events/{dialogue.pk}").json()
    assert data["venue"] == "Amman" and data["ics_url"].endswith("event.ics")


def test_bad_filters_get_a_json_message(client, events):
    response = client.get("/api/v1/events", {"date_from": "not-a-date"})
    assert response.status_code == 422 and "detail" in response.json()
    missing = client.get("/api/v1/events/999999")
    assert missing.status_code == 404 and missing.json()["detail"]
