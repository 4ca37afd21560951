from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import translation

from hiwar.events import services as event_services
from hiwar.events.precision import Precision, PrecisionDate
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

ROLES = ["convenor", "secretariat", "co_lead", "facilitator", "member", "observer"]


@pytest.fixture(autouse=True)
def _media_and_language(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Each test starts in the default language (Arabic): a request to /en/ in an earlier test
    # leaves English active in the thread, which would change how later lazy messages read.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


_DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}


@pytest.fixture(autouse=True)
def _empty_cache(request):
    """Each test starts with no throttle counters in the (shared, real) cache.

    The database cache's rows outlive a transactional test's flush; tests without the database
    have no cache to clear.
    """
    if request.node.get_closest_marker("django_db") or _DATABASE_FIXTURES & set(request.fixturenames):
        request.getfixturevalue("_django_db_helper")
        cache.clear()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def unverified_user(db):
    return UserFactory(email_verified=False)


@pytest.fixture
def make_space(db):
    def make(*, visibility="public", members=(), **kwargs):
        space = SpaceFactory(visibility=visibility, **kwargs)
        for member, role in members:
            MembershipFactory(space=space, user=member, role=role)
        return space

    return make


@pytest.fixture
def space_with_roles(db, make_space):
    """A space of the given visibility with one user per role, plus an outsider and a site admin."""

    def make(visibility="public"):
        people = {role: UserFactory(name=role) for role in ROLES}
        space = make_space(visibility=visibility, members=[(u, r) for r, u in people.items()])
        people["outsider"] = UserFactory(name="outsider")
        people["admin"] = UserFactory(name="admin", is_superuser=True, is_staff=True)
        return space, people

    return make


AMMAN = ZoneInfo("Asia/Amman")


def in_days(days: int, hour: int = 10) -> datetime:
    base = datetime.now(AMMAN).replace(hour=hour, minute=0, second=0, microsecond=0)
    return base + timedelta(days=days)


@pytest.fixture
def make_event(db):
    def make(space, *, actor=None, start=None, minutes=90, when=None, **fields):
        fields.setdefault("title", {"ar": "حوار وطني", "en": "National dialogue"})
        fields.setdefault("kind", "dialogue")
        fields.setdefault("timezone", "Asia/Amman")
        fields.setdefault("registration_mode", "open")
        if when is None:
            start = start or in_days(30)
            return event_services.event_create(
                space=space,
                actor=actor,
                when=PrecisionDate(Precision.EXACT),
                start=start,
                end=start + timedelta(minutes=minutes),
                **fields,
            )
        return event_services.event_create(space=space, actor=actor, when=when, **fields)

    return make
