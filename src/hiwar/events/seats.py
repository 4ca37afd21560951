"""Seats of an event: one pure function decides who is confirmed, who waits and who is out.

Every service that changes what the rule depends on — the capacity, the event's status, a
registration, a membership, the space's visibility — calls `reconcile` at its end and applies the
corrections it returns. No Django here, so the rule reads as a table of cases
(tests/events/test_seats.py).
"""

from dataclasses import dataclass, field
from datetime import datetime

CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
PENDING = "pending"
ACTIVE = (CONFIRMED, PENDING, WAITLISTED)


@dataclass(frozen=True)
class Seat:
    """A registration as the rule sees it."""

    id: int
    status: str
    queued_at: datetime | None = None  # place on the waiting list
    may_see_event: bool = True  # a member who left a closed space may not
    takes_seat: bool = True  # a dialogue's facilitator runs a table; they take no participant's seat


@dataclass
class Corrections:
    promote: list[int] = field(default_factory=list)  # waiting → confirmed, in waiting-list order
    cancel: list[int] = field(default_factory=list)  # active, but may no longer see the event

    def __bool__(self) -> bool:
        return bool(self.promote or self.cancel)


def seats_taken(seats: list[Seat]) -> int:
    return sum(1 for s in seats if s.status == CONFIRMED and s.takes_seat and s.may_see_event)


def reconcile(*, capacity: int | None, event_cancelled: bool, seats: list[Seat]) -> Corrections:
    """The corrections that make the registrations of one event right again.

    - Anyone active who may no longer see the event loses their place (and is told nothing of it).
    - A cancelled event promotes no one: there is no seat to give.
    - Free seats go to the waiting list, first come first served; facilitators wait for no seat.
    - A confirmed participant is never moved back to the waiting list: lowering the capacity below
      the confirmed count is refused by the service before it gets here.
    """
    corrections = Corrections(cancel=[s.id for s in seats if s.status in ACTIVE and not s.may_see_event])
    if event_cancelled:
        return corrections
    staying = [s for s in seats if s.may_see_event]
    waiting = sorted(
        (s for s in staying if s.status == WAITLISTED),
        key=lambda s: (s.queued_at is None, s.queued_at.timestamp() if s.queued_at else 0.0, s.id),
    )
    free = None if capacity is None else capacity - seats_taken(staying)
    for seat in waiting:
        if not seat.takes_seat or free is None:
            corrections.promote.append(seat.id)
        elif free > 0:
            corrections.promote.append(seat.id)
            free -= 1
    return corrections
