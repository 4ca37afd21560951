"""What the tables page and the event page show: each table's make-up, and a person's own table.

Everything here reads: a person who cancelled after the tables were composed is simply not shown
(their seat row goes at the next re-seat or composition, a write the convenor asks for).
"""

from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hiwar.accounts.choices import Gender, Region, Sector, StakeholderGroup
from hiwar.events.models import Registration
from hiwar.grouping import checks
from hiwar.grouping.distances import common_languages
from hiwar.grouping.models import Composition, Table, TableSeat
from hiwar.grouping.services import attributes, current_distances, current_seats, participants
from hiwar.grouping.solver import mean_distance, mean_diversity

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
    score: float = 0.0  # sum of the distances between the people at it, as they are now
    problems: list[str] = field(default_factory=list)  # what is wrong with it, in words

    @property
    def size(self) -> int:
        return len(self.seats)

    @property
    def mean(self) -> float | None:
        """The mean distance between two people at this table (None below two people)."""
        pairs = self.size * (self.size - 1) / 2
        return self.score / pairs if pairs else None


@dataclass
class Overview:
    tables: list[TableView]
    unseated: list[Registration]  # confirmed, without a seat: registered (or confirmed) since
    cancelled: int  # seats of people no longer confirmed
    problems: list[str]  # every table's problems, for the summary at the top
    problem_tables: int
    mean: float  # mean within-table diversity (mean over tables of the mean distance per pair)
    random_mean: float  # what a random seating of the same people gives, on average
    smallest: int
    largest: int

    @property
    def gain(self) -> float | None:
        return 100 * (self.mean / self.random_mean - 1) if self.random_mean else None

    @property
    def spread(self) -> int:
        return self.largest - self.smallest


def problem_message(problem: checks.TableProblem) -> str:
    if problem.code == checks.NO_FACILITATOR:
        return _("Table %(number)s has no facilitator.") % {"number": problem.number}
    if problem.code == checks.TOO_SMALL:
        return ngettext(
            "Table %(number)s has only %(size)s person while the largest has %(other)s.",
            "Table %(number)s has only %(size)s people while the largest has %(other)s.",
            problem.size,
        ) % {"number": problem.number, "size": problem.size, "other": problem.other}
    if problem.code == checks.SMALLER:
        return ngettext(
            "Table %(number)s has %(size)s person, more than one fewer than the largest (%(other)s).",
            "Table %(number)s has %(size)s people, more than one fewer than the largest (%(other)s).",
            problem.size,
        ) % {"number": problem.number, "size": problem.size, "other": problem.other}
    return ngettext(
        "Table %(number)s has %(size)s person, more than one more than the smallest (%(other)s).",
        "Table %(number)s has %(size)s people, more than one more than the smallest (%(other)s).",
        problem.size,
    ) % {"number": problem.number, "size": problem.size, "other": problem.other}


def tables_overview(composition: Composition) -> Overview:
    """Every table with its people (those still confirmed), make-up and problems; who registered and
    how many cancelled since the tables were composed; and the headline figures."""
    confirmed = participants(composition.event)
    registrations = {r.user_id: r for r in confirmed}
    index = {r.user_id: i for i, r in enumerate(confirmed)}
    # Computed afresh (no database write): the figures follow cancellations and moves at once.
    distances = current_distances(composition, confirmed) if confirmed else np.zeros((0, 0))
    seats = list(composition.seats.select_related("user", "table"))
    cancelled = sum(1 for seat in seats if seat.user_id not in registrations)
    seats = [seat for seat in seats if seat.user_id in registrations]
    by_table: dict[int, list[TableSeat]] = {}
    for seat in seats:
        by_table.setdefault(seat.table_id, []).append(seat)
    views = []
    for table in composition.tables.all():
        members = by_table.get(table.pk, [])
        make_up: dict[str, dict[str, int]] = {name: {} for name in MAKE_UP}
        spoken = []
        for seat in members:
            person = attributes(registrations[seat.user_id])
            spoken.append(person)
            for name in MAKE_UP:
                value = person.get(name) or ""
                label = str(LABELS[name].get(value, value))
                make_up[name][label] = make_up[name].get(label, 0) + 1
        facilitator = next((s for s in members if s.is_facilitator), None)
        common = sorted(common_languages(spoken, range(len(spoken))))
        at = [index[seat.user_id] for seat in members]
        score = float(distances[np.ix_(at, at)].sum() / 2) if at else 0.0
        views.append(TableView(table, members, facilitator, make_up, common, score))
    problems = checks.table_problems([(v.table.number, v.size, v.facilitator is not None) for v in views])
    by_number = {v.table.number: v for v in views}
    for problem in problems:
        by_number[problem.number].problems.append(problem_message(problem))
    seated = {seat.user_id for seat in seats}
    everyone = sorted(index[uid] for uid in seated)
    sizes = [v.size for v in views] or [0]
    return Overview(
        tables=views,
        unseated=[r for uid, r in registrations.items() if uid not in seated],
        cancelled=cancelled,
        problems=[problem_message(p) for p in problems],
        problem_tables=len({p.number for p in problems}),
        mean=mean_diversity([v.score for v in views], [v.size for v in views]) if views else 0.0,
        random_mean=mean_distance(distances[np.ix_(everyone, everyone)]),
        smallest=min(sizes),
        largest=max(sizes),
    )


@dataclass
class MyTable:
    seat: TableSeat | None = None
    facilitator: TableSeat | None = None
    table_list: list[TableSeat] = field(default_factory=list)  # for a facilitator: their table
    not_seated: bool = False  # confirmed, the tables published, but no table yet


def my_table(composition: Composition | None, user) -> MyTable:
    """A person's seat once the tables are published; a facilitator also gets their table's list.
    Only confirmed people sit at a table: someone who cancelled sees none, and is on no one's list."""
    if composition is None or not composition.is_published or not user.is_authenticated:
        return MyTable()
    seats = current_seats(composition)
    seat = seats.select_related("table").filter(user=user).first()
    if seat is None:
        confirmed = composition.event.registrations.filter(
            user=user, status=Registration.Status.CONFIRMED
        ).exists()
        return MyTable(not_seated=confirmed)
    table_seats = list(seats.filter(table=seat.table).select_related("user"))
    facilitator = next((s for s in table_seats if s.is_facilitator), None)
    return MyTable(seat, facilitator, table_seats if seat.is_facilitator else [])
