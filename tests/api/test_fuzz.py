"""Schemathesis drives every API operation in-process: no 5xx, and every answer matches the spec.

Runs as an anonymous caller and as a signed-in member, over spaces and events of each visibility.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode

from hiwar.spaces.models import Role
from hiwar.wsgi import application
from tests.factories import UserFactory

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# Invalid requests too: they must be refused with a documented 4xx, never a 5xx.
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def world(db, settings, make_space, make_event):
    """A member of one space of each visibility, each with an event; an unrelated closed space."""
    settings.ALLOWED_HOSTS = ["*"]
    member = UserFactory()
    for visibility in ("public", "members", "closed"):
        space = make_space(visibility=visibility, members=[(member, Role.MEMBER)])
        make_event(space)
    make_event(make_space(visibility="closed"))
    # As Django's test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield member
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["anonymous", "member"])
def cookies(request, world, client):
    if request.param == "anonymous":
        return {}
    client.force_login(world)
    return {"sessionid": client.cookies["sessionid"].value}


@schema.parametrize()
@FUZZ
def test_api_conforms_and_never_fails(case, cookies):
    case.call_and_validate(cookies=cookies)
