"""Two people asking for the last seat at the same moment: one seat, one waiting-list place (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from hiwar.events import services
from hiwar.events.models import Registration
from hiwar.spaces.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are what is tested; SQLite serialises all writers"
)


@pytest.mark.django_db(transaction=True)
def test_the_last_seat_goes_to_one_person(make_space, make_event):
    convenor = UserFactory()
    space = make_space(members=[(convenor, Role.CONVENOR)])
    event = make_event(space, capacity=1)
    people = [UserFactory(), UserFactory()]
    barrier = threading.Barrier(2)
    errors = []

    def attempt(person):
        try:
            barrier.wait()
            services.register(event=event, user=person)
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    statuses = sorted(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert statuses == ["confirmed", "waitlisted"]
