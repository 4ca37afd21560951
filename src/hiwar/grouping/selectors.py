"""What the tables page and the event page show: each table's make-up, and a person's own table."""

from dataclasses import dataclass

from hiwar.accounts.choices import Gender, Region, Sector, StakeholderGroup
from hiwar.grouping.distances import common_languages
from hiwar.grouping.models import Composition, Table, TableSeat
from hiwar.grouping.services import attributes, participants

MAKE_UP = ("stakeholder_group", "sector", "gender", "region")
LABELS = {
    "stakeholder_group": dict(StakeholderGroup.choices),
    "sector": dict(Sector.choices),
    "gender": dict(Gender.choices),
    "region": dict(Region.choices),
}


@dataclass
class TableView:
    table: Table
    seats: list[TableSeat]
    facilitator: TableSeat | None
    make_up: dict[str, dict[str, int]]  # attribute -> value -> count
    languages: list[str]  # working languages everyone at the table speaks


def tables_overview(composition: Composition) -> tuple[list[TableView], list]:
    """Every table with its people and make-up; and the confirmed registrants not seated yet."""
    registrations = {r.user_id: r for r in participants(composition.event)}
    seats = list(composition.seats.select_related("user", "table"))
    by_table: dict[int, list[TableSeat]] = {}
    for seat in seats:
        by_table.setdefault(seat.table_id, []).append(seat)
    views = []
    for table in composition.tables.all():
        members = by_table.get(table.pk, [])
        make_up: dict[str, dict[str, int]] = {name: {} for name in MAKE_UP}
        spoken = []
        for seat in members:
            registration = registrations.get(seat.user_id)
            person = attributes(registration) if registration else {}
            spoken.append(person)
            for name in MAKE_UP:
                value = person.get(name) or ""
                label = str(LABELS[name].get(value, value))
                make_up[name][label] = make_up[name].get(label, 0) + 1
        facilitator = next((s for s in members if s.is_facilitator), None)
        common = sorted(common_languages(spoken, range(len(spoken))))
        views.append(TableView(table, members, facilitator, make_up, common))
    seated = {seat.user_id for seat in seats}
    unseated = [r for uid, r in registrations.items() if uid not in seated]
    return views, unseated


def my_table(composition: Composition | None, user) -> tuple[TableSeat | None, list[TableSeat]]:
    """A person's seat once the tables are published; a facilitator also gets their table's list."""
    if composition is None or not composition.is_published or not user.is_authenticated:
        return None, []
    seat = TableSeat.objects.select_related("table").filter(composition=composition, user=user).first()
    if seat is None:
        return None, []
    table_seats = list(seat.table.seats.select_related("user"))
    facilitator = next((s for s in table_seats if s.is_facilitator), None)
    seat.facilitator = facilitator
    return seat, (table_seats if seat.is_facilitator else [])
