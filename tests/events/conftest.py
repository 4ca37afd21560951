from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hiwar.events import services
from hiwar.events.precision import Precision, PrecisionDate

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
            return services.event_create(
                space=space,
                actor=actor,
                when=PrecisionDate(Precision.EXACT),
                start=start,
                end=start + timedelta(minutes=minutes),
                **fields,
            )
        return services.event_create(space=space, actor=actor, when=when, **fields)

    return make
