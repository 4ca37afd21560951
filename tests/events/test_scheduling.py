"""Rules between events (R2 at least 12 weeks before the review, R3 the day before), with uncertain dates."""

from datetime import date

from hiwar.events.precision import Part, Precision, PrecisionDate
from hiwar.events.scheduling import RuleKind, RuleStatus, evaluate, latest_allowed_start

TWELVE_WEEKS = (RuleKind.AT_LEAST_WEEKS_BEFORE, 12)


def span(d: PrecisionDate):
    return d.bounds()


def day(y, m, d):
    return (date(y, m, d), date(y, m, d))


def test_exact_dates_meet_or_break_the_twelve_week_rule():
    review = day(2025, 3, 3)
    assert evaluate(*TWELVE_WEEKS, day(2024, 12, 9), review) == RuleStatus.MET  # exactly 12 weeks
    assert evaluate(*TWELVE_WEEKS, day(2024, 12, 10), review) == RuleStatus.BROKEN


def test_uncertain_dates_put_a_rule_at_risk():
    pre_consultation = span(PrecisionDate(Precision.WEEK, 2024, 11, week=3))
    review_in_february = span(PrecisionDate(Precision.MONTH, 2025, 2))
    # 15–21 November to 1–28 February: 72 to 105 days; 84 needed.
    assert evaluate(*TWELVE_WEEKS, pre_consultation, review_in_february) == RuleStatus.AT_RISK
    late_2024 = span(PrecisionDate(Precision.PART, 2024, part=Part.LATE))
    assert evaluate(*TWELVE_WEEKS, late_2024, day(2025, 6, 1)) == RuleStatus.MET
    assert evaluate(*TWELVE_WEEKS, None, day(2025, 6, 1)) == RuleStatus.UNKNOWN


def test_the_day_before_is_exact():
    kind = RuleKind.DAYS_BEFORE
    assert evaluate(kind, 1, day(2025, 3, 2), day(2025, 3, 3)) == RuleStatus.MET
    assert evaluate(kind, 1, day(2025, 3, 1), day(2025, 3, 3)) == RuleStatus.BROKEN
    assert (
        evaluate(kind, 1, span(PrecisionDate(Precision.MONTH, 2025, 3)), day(2025, 3, 3))
        == RuleStatus.AT_RISK
    )


def test_the_deadline_that_makes_a_rule_safe():
    review = span(PrecisionDate(Precision.MONTH, 2025, 2))
    assert latest_allowed_start(*TWELVE_WEEKS, review) == date(2024, 11, 9)
    assert latest_allowed_start(*TWELVE_WEEKS, None) is None
