"""Every integer that comes from a URL, a query or a form is bounded: huge or garbled numbers never 500."""

import pytest
from django.urls import reverse
from django.utils import translation

from hiwar.grouping import services as grouping_services
from hiwar.grouping.models import Composition
from hiwar.spaces.models import Role
from tests.factories import UserFactory

HUGE = "99999999999999999999"
BAD_NUMBERS = [HUGE, str(2**31), str(2**63), "-1", "abc", "1e5", "٣"]


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


@pytest.fixture
def organised(make_space, make_event):
    convenor = UserFactory()
    space = make_space(members=[(convenor, Role.CONVENOR)])
    event = make_event(space, actor=convenor)
    return space, event, convenor


def _list_urls(space, event):
    slug = space.slug
    urls = []
    for value in BAD_NUMBERS:
        urls += [
            f"/en/spaces/?page={value}",
            f"/en/events/?page={value}",
            f"/en/events/?date_from={value}",
            f"/en/events/?space={value}",
            f"/api/v1/spaces?page={value}",
            f"/api/v1/events?page={value}",
            f"/api/v1/events?date_from={value}",
            f"/api/v1/events?date_to={value}",
            f"/api/v1/events/{value}",
            f"/en/spaces/{slug}/events/{value}/",
            f"/en/spaces/{slug}/phases/{value}/",
            f"/en/spaces/{slug}/announce/?event={value}",
            f"/en/spaces/{slug}/events/{event.pk}/tables/{value}/lock/",
            f"/calendar/{value}.ics",
        ]
    return urls


def test_huge_and_garbled_numbers_in_urls_never_500(client, organised):
    space, event, convenor = organised
    client.force_login(convenor)
    failures = {}
    for url in _list_urls(space, event):
        status = client.get(url).status_code
        if status >= 500:
            failures[url] = status
    assert failures == {}


@pytest.mark.parametrize("value", ["abc", HUGE, "0"])
def test_a_garbled_event_on_the_announce_page_is_a_404(client, organised, value):
    space, _event, convenor = organised
    client.force_login(convenor)
    assert client.get(f"/en/spaces/{space.slug}/announce/?event={value}").status_code == 404


def test_a_seed_beyond_32_bits_is_a_form_error(client, organised):
    space, event, convenor = organised
    client.force_login(convenor)
    url = en("grouping:tables", space.slug, event.pk)
    response = client.post(url, {"table_count": 3, "seed": 2**31})
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 2147483647." in response.content.decode()
    assert not Composition.objects.filter(event=event).exists()


@pytest.mark.parametrize("field", ["table_count", "table_size", "seed", "w_sector"])
def test_huge_numbers_in_the_tables_form_are_form_errors(client, organised, field):
    space, event, convenor = organised
    client.force_login(convenor)
    url = en("grouping:tables", space.slug, event.pk)
    data = {"table_count": 3, "seed": 0, field: HUGE}
    assert client.post(url, data).status_code == 200
    assert not Composition.objects.filter(event=event).exists()


@pytest.fixture
def composed(organised, make_event):
    from hiwar.events import services as event_services

    space, event, convenor = organised
    for _i in range(4):
        event_services.register(event=event, user=UserFactory())
    composition = grouping_services.compose(event=event, actor=convenor, table_count=2)
    return space, event, convenor, composition


@pytest.mark.parametrize("release", ["abc", "1-abc", f"{HUGE}-{HUGE}", "-", "5"])
def test_a_garbled_release_is_an_error_message_not_a_500(client, composed, release):
    space, event, convenor, composition = composed
    client.force_login(convenor)
    url = en("grouping:together", space.slug, event.pk)
    response = client.post(url, {"release": release}, follow=True)
    assert response.status_code == 200
    assert "Choose two different people of this composition." in response.content.decode()


@pytest.mark.parametrize("number", [HUGE, str(2**31), str(2**63)])
def test_lock_and_move_with_huge_numbers_never_500(client, composed, number):
    space, event, convenor, composition = composed
    client.force_login(convenor)
    lock = f"/en/spaces/{space.slug}/events/{event.pk}/tables/{number}/lock/"
    assert client.post(lock, {"locked": "1"}).status_code == 404
    move = en("grouping:move", space.slug, event.pk)
    assert client.post(move, {"user_id": number, "table": number}).status_code == 302
    assert client.post(move, {"user_id": "x", "table": "1"}).status_code == 302


@pytest.mark.parametrize("value", ["%00", "1%00", HUGE + "%00"])
def test_nul_on_the_announce_page_and_the_tables_form_is_a_400(client, organised, value):
    space, event, convenor = organised
    client.force_login(convenor)
    assert client.get(f"/en/spaces/{space.slug}/announce/?event={value}").status_code == 400
    url = en("grouping:tables", space.slug, event.pk)
    assert client.get(f"{url}?seed={value}").status_code == 400
    posted = value.replace("%00", "\x00")
    assert client.post(url, {"table_count": 3, "seed": posted}).status_code == 400
    assert client.post(url, {"table_count": posted, "seed": 0}).status_code == 400
    assert not Composition.objects.filter(event=event).exists()
