"""Dates of limited precision (R8): "week 3 of November 2024", "late 2024", "to be decided".

A pure core, no Django. A date is stored as what is known (its precision and its parts); `bounds()`
gives the first and last day it can mean, which is what sorting, filtering and scheduling rules use.
Weeks of a month are counted from the 1st: week 1 is days 1–7, week 5 is day 29 to the month's end.
"""

import calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Precision(StrEnum):
    EXACT = "exact"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    PART = "part"
    YEAR = "year"
    TBD = "tbd"


class Part(StrEnum):
    EARLY = "early"  # January–April
    MID = "mid"  # May–August
    LATE = "late"  # September–December
    FIRST_HALF = "first_half"
    SECOND_HALF = "second_half"
    Q1 = "q1"
    Q2 = "q2"
    Q3 = "q3"
    Q4 = "q4"


PART_MONTHS = {
    Part.EARLY: (1, 4),
    Part.MID: (5, 8),
    Part.LATE: (9, 12),
    Part.FIRST_HALF: (1, 6),
    Part.SECOND_HALF: (7, 12),
    Part.Q1: (1, 3),
    Part.Q2: (4, 6),
    Part.Q3: (7, 9),
    Part.Q4: (10, 12),
}

# Finer first: among dates that begin on the same day, the more precise one sorts first.
_RANK = {p: i for i, p in enumerate(Precision)}


class PrecisionDateError(ValueError):
    """A date that cannot be: `code` names what is wrong, for a message in the reader's language."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


@dataclass(frozen=True)
class PrecisionDate:
    precision: Precision
    year: int | None = None
    month: int | None = None
    week: int | None = None
    day: int | None = None
    part: Part | None = None

    @classmethod
    def of_day(cls, value: date, precision: Precision = Precision.DAY) -> "PrecisionDate":
        return cls(precision, year=value.year, month=value.month, day=value.day)

    @classmethod
    def from_dict(cls, data: dict) -> "PrecisionDate":
        return cls(
            Precision(data["precision"]),
            year=data.get("year"),
            month=data.get("month"),
            week=data.get("week"),
            day=data.get("day"),
            part=Part(data["part"]) if data.get("part") else None,
        )

    def to_dict(self) -> dict:
        fields = {"year": self.year, "month": self.month, "week": self.week, "day": self.day}
        data = {"precision": self.precision.value, **{k: v for k, v in fields.items() if v is not None}}
        if self.part:
            data["part"] = self.part.value
        return data

    def validate(self) -> None:
        """Raise PrecisionDateError when the parts this precision needs are missing or impossible."""
        p = self.precision
        if p == Precision.TBD:
            return
        if self.year is None:
            raise PrecisionDateError("missing_year")
        if p == Precision.PART:
            if self.part is None:
                raise PrecisionDateError("missing_part")
            return
        if p == Precision.YEAR:
            return
        if self.month is None:
            raise PrecisionDateError("missing_month")
        if not 1 <= self.month <= 12:
            raise PrecisionDateError("bad_month")
        if p == Precision.WEEK:
            if self.week is None:
                raise PrecisionDateError("missing_week")
            if not 1 <= self.week <= 5 or (self.week - 1) * 7 + 1 > _last_day(self.year, self.month):
                raise PrecisionDateError("bad_week")
        if p in (Precision.DAY, Precision.EXACT):
            if self.day is None:
                raise PrecisionDateError("missing_day")
            if not 1 <= self.day <= _last_day(self.year, self.month):
                raise PrecisionDateError("bad_day")

    def bounds(self) -> tuple[date, date] | None:
        """The first and the last day this date can mean; None when it is to be decided."""
        self.validate()
        p, y = self.precision, self.year
        if p == Precision.TBD:
            return None
        if p == Precision.YEAR:
            return date(y, 1, 1), date(y, 12, 31)
        if p == Precision.PART:
            first, last = PART_MONTHS[self.part]
            return date(y, first, 1), date(y, last, _last_day(y, last))
        if p == Precision.MONTH:
            return date(y, self.month, 1), date(y, self.month, _last_day(y, self.month))
        if p == Precision.WEEK:
            first = (self.week - 1) * 7 + 1
            last = min(first + 6, _last_day(y, self.month))
            return date(y, self.month, first), date(y, self.month, last)
        day = date(y, self.month, self.day)
        return day, day

    def sort_key(self) -> tuple:
        """Undecided dates last; otherwise by first possible day, then last, finer precision first."""
        span = self.bounds()
        if span is None:
            return (1, date.max, date.max, _RANK[self.precision])
        return (0, span[0], span[1], _RANK[self.precision])

    def contains(self, other: "PrecisionDate") -> bool:
        """Whether every day `other` can mean is a day this date can mean (a to-be-decided date holds all)."""
        mine = self.bounds()
        if mine is None:
            return True
        theirs = other.bounds()
        return theirs is not None and mine[0] <= theirs[0] and theirs[1] <= mine[1]

    def refine(self, finer: "PrecisionDate") -> "PrecisionDate":
        """The date made more precise: it must fall inside what was said before."""
        finer.validate()
        if not self.contains(finer):
            raise PrecisionDateError("outside")
        return finer
