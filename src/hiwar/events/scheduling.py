"""Scheduling rules between two events (R2: "at least 12 weeks before", R3: "the day before").

A pure core, no Django. Each event is known as the span of days it can fall on (its dates may be of
limited precision); a rule is met when it holds for every day in both spans, broken when it holds for
none, and at risk in between — the dates still to be fixed decide.
"""

from datetime import date, timedelta
from enum import StrEnum

Span = tuple[date, date] | None


class RuleKind(StrEnum):
    AT_LEAST_WEEKS_BEFORE = "at_least_weeks_before"
    AT_LEAST_DAYS_BEFORE = "at_least_days_before"
    DAYS_BEFORE = "days_before"  # exactly N days before


class RuleStatus(StrEnum):
    MET = "met"
    AT_RISK = "at_risk"
    BROKEN = "broken"
    UNKNOWN = "unknown"  # one of the events has no date yet


def required_days(kind: RuleKind, amount: int) -> int:
    return amount * 7 if kind == RuleKind.AT_LEAST_WEEKS_BEFORE else amount


def evaluate(kind: RuleKind, amount: int, event: Span, other: Span) -> RuleStatus:
    """Whether `event` lies `amount` weeks/days before `other`, given the days each can fall on."""
    if event is None or other is None:
        return RuleStatus.UNKNOWN
    need = required_days(kind, amount)
    smallest_gap = (other[0] - event[1]).days
    largest_gap = (other[1] - event[0]).days
    if kind == RuleKind.DAYS_BEFORE:
        if smallest_gap == largest_gap == need:
            return RuleStatus.MET
        return RuleStatus.AT_RISK if smallest_gap <= need <= largest_gap else RuleStatus.BROKEN
    if smallest_gap >= need:
        return RuleStatus.MET
    return RuleStatus.AT_RISK if largest_gap >= need else RuleStatus.BROKEN


def latest_allowed_start(kind: RuleKind, amount: int, other: Span) -> date | None:
    """The last day the earlier event can be on for the rule to hold whatever `other`'s final date."""
    if other is None:
        return None
    return other[0] - timedelta(days=required_days(kind, amount))
