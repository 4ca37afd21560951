"""The database cache that holds throttle counters when no Redis is configured."""

import threading
from datetime import timedelta

import pytest
from django.core.cache import cache, caches
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone

DATABASE_CACHE = {
    "default": {
        "BACKEND": "hiwar.core.cache.AtomicDatabaseCache",
        "LOCATION": "hiwar_cache",
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    }
}


@pytest.fixture
def db_cache(db):
    with override_settings(CACHES=DATABASE_CACHE):
        yield caches["default"]


def expiry(key):
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM hiwar_cache WHERE cache_key = %s", [cache.make_key(key)])
        return cursor.fetchone()[0]


def test_incr_counts_and_keeps_the_expiry(db_cache):
    db_cache.add("counter", 1, 900)
    before = expiry("counter")
    assert db_cache.incr("counter") == 2
    assert db_cache.incr("counter", 3) == 5
    assert db_cache.decr("counter") == 4
    assert db_cache.get("counter") == 4
    assert expiry("counter") == before  # Django's own incr would reset it to the default 300 s


def test_incr_of_a_missing_or_expired_key_fails(db_cache, monkeypatch):
    with pytest.raises(ValueError, match="not found"):
        db_cache.incr("missing")
    db_cache.add("old", 1, 60)
    later = timezone.now() + timedelta(minutes=2)
    monkeypatch.setattr("hiwar.core.cache.tz_now", lambda: later)
    with pytest.raises(ValueError, match="not found"):
        db_cache.incr("old")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises all writers")
@pytest.mark.django_db(transaction=True)
def test_concurrent_increments_are_all_counted():
    with override_settings(CACHES=DATABASE_CACHE):
        shared = caches["default"]
        shared.add("hits", 0, 900)
        barrier = threading.Barrier(6)
        errors = []

        def hammer():
            try:
                barrier.wait()
                for _ in range(20):
                    shared.incr("hits")
            except Exception as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=hammer) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert shared.get("hits") == 120
