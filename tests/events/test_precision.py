"""Dates of limited precision (R8): stored as said, sorted sensibly, shown in words, refined later."""

from datetime import date

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from hiwar.events.display import describe
from hiwar.events.precision import Part, Precision, PrecisionDate, PrecisionDateError

WEEK_3_NOV = PrecisionDate(Precision.WEEK, 2024, 11, week=3)
LATE_2024 = PrecisionDate(Precision.PART, 2024, part=Part.LATE)
NOV_2024 = PrecisionDate(Precision.MONTH, 2024, 11)
DAY = PrecisionDate(Precision.DAY, 2024, 11, day=19)
TBD = PrecisionDate(Precision.TBD)


def test_bounds_are_the_days_a_date_can_mean():
    assert WEEK_3_NOV.bounds() == (date(2024, 11, 15), date(2024, 11, 21))
    assert PrecisionDate(Precision.WEEK, 2025, 2, week=4).bounds() == (date(2025, 2, 22), date(2025, 2, 28))
    assert PrecisionDate(Precision.WEEK, 2024, 12, week=5).bounds() == (
        date(2024, 12, 29),
        date(2024, 12, 31),
    )
    assert LATE_2024.bounds() == (date(2024, 9, 1), date(2024, 12, 31))
    assert PrecisionDate(Precision.PART, 2025, part=Part.Q2).bounds() == (date(2025, 4, 1), date(2025, 6, 30))
    assert PrecisionDate(Precision.YEAR, 2025).bounds() == (date(2025, 1, 1), date(2025, 12, 31))
    assert TBD.bounds() is None


def test_sorting_puts_earlier_first_finer_first_and_undecided_last():
    dates = [TBD, LATE_2024, NOV_2024, WEEK_3_NOV, DAY, PrecisionDate(Precision.YEAR, 2024)]
    ordered = sorted(dates, key=PrecisionDate.sort_key)
    assert ordered == [PrecisionDate(Precision.YEAR, 2024), LATE_2024, NOV_2024, WEEK_3_NOV, DAY, TBD]


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        (PrecisionDate(Precision.MONTH, 2024), "missing_month"),
        (PrecisionDate(Precision.MONTH, 2024, 13), "bad_month"),
        (PrecisionDate(Precision.WEEK, 2025, 2, week=5), "bad_week"),  # February 2025 has no day 29
        (PrecisionDate(Precision.DAY, 2025, 2, day=29), "bad_day"),
        (PrecisionDate(Precision.PART, 2025), "missing_part"),
        (PrecisionDate(Precision.YEAR), "missing_year"),
    ],
)
def test_impossible_dates_are_refused_with_a_reason(bad, code):
    with pytest.raises(PrecisionDateError) as caught:
        bad.validate()
    assert caught.value.code == code


def test_refining_must_stay_inside_what_was_said():
    assert LATE_2024.refine(WEEK_3_NOV) == WEEK_3_NOV
    assert TBD.refine(NOV_2024) == NOV_2024
    with pytest.raises(PrecisionDateError, match="outside"):
        NOV_2024.refine(PrecisionDate(Precision.DAY, 2024, 12, day=1))


def test_dates_are_written_in_words_in_english_and_arabic():
    with translation.override("en"):
        assert describe(WEEK_3_NOV) == "week 3 of November 2024"
        assert describe(LATE_2024) == "late 2024"
        assert describe(TBD) == "to be decided"
        assert describe(DAY) == "19 November 2024"
    with translation.override("ar"):
        assert describe(WEEK_3_NOV) == "الأسبوع 3 من نوفمبر 2024"
        assert describe(LATE_2024) == "أواخر 2024"
        assert describe(TBD) == "سيُحدَّد لاحقًا"
        assert "نوفمبر" in describe(DAY)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    st.sampled_from([Precision.WEEK, Precision.MONTH, Precision.PART, Precision.YEAR]),
    st.sampled_from(list(Part)),
)
def test_every_day_lies_inside_its_coarser_dates(day, precision, part):
    fields = {"year": day.year, "month": day.month, "week": (day.day - 1) // 7 + 1}
    coarse = PrecisionDate(precision, **fields) if precision != Precision.PART else None
    if precision == Precision.PART:
        first, last = PrecisionDate(Precision.PART, day.year, part=part).bounds()
        assert PrecisionDate(Precision.PART, day.year, part=part).contains(PrecisionDate.of_day(day)) == (
            first <= day <= last
        )
        return
    if precision == Precision.YEAR:
        coarse = PrecisionDate(Precision.YEAR, day.year)
    elif precision == Precision.MONTH:
        coarse = PrecisionDate(Precision.MONTH, day.year, day.month)
    assert coarse.contains(PrecisionDate.of_day(day))
    assert PrecisionDate.from_dict(coarse.to_dict()) == coarse


def test_dates_are_written_in_words_in_the_other_un_languages():
    expected = {
        "fr": ("semaine 3 de novembre 2024", "fin 2024"),
        "es": ("semana 3 de noviembre de 2024", "finales de 2024"),
        "ru": ("3-я неделя: Ноябрь 2024 г.", "конец 2024 г."),
        "zh-hans": ("2024年11月第3周", "2024年底"),
    }
    for language, (week, late) in expected.items():
        with translation.override(language):
            assert (describe(WEEK_3_NOV), describe(LATE_2024)) == (week, late), language
