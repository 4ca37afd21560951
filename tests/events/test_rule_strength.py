"""Seed 003: "possibly the day before" is a preference, not a requirement; the phases of a template carry
rules too, checked on the timeline like rules between events."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from hiwar.events import services
from hiwar.events.precision import Precision, PrecisionDate
from hiwar.events.selectors import space_timeline
from hiwar.spaces import services as space_services
from hiwar.spaces.models import Role


def _day(year, month, day):
    return PrecisionDate(Precision.DAY, year, month, day=day)


def test_a_broken_preference_is_shown_but_not_warned_of(client, make_space, make_event, user):
    space = make_space(members=[(user, Role.CONVENOR)])
    review = make_event(space, kind="review", when=_day(2030, 3, 11))
    consultation = make_event(space, kind="consultation", when=_day(2030, 3, 8))
    services.rule_add(
        event=consultation, other=review, kind="days_before", amount=1, actor=user, strength="preferred"
    )
    change = services.event_update(event=consultation, actor=user, title={"en": "Consultation"})
    assert change.broken_rules == []  # three days before, not one: only a preference is missed
    page = client.get(f"/en/spaces/{space.slug}/timeline/").content.decode()
    assert "preference not met" in page and "rule broken" not in page

    services.rule_add(event=consultation, other=review, kind="at_least_days_before", amount=5, actor=user)
    change = services.event_update(event=consultation, actor=user, title={"en": "Consultation"})
    assert [state.rule.kind for state in change.broken_rules] == ["at_least_days_before"]


def test_the_rule_form_offers_a_preferred_rule(client, make_space, make_event, user):
    space = make_space(members=[(user, Role.CONVENOR)])
    review = make_event(space, kind="review", when=_day(2030, 3, 11))
    consultation = make_event(space, kind="consultation", when=_day(2030, 3, 10))
    client.force_login(user)
    response = client.post(
        f"/en/spaces/{space.slug}/events/{consultation.pk}/rules/",
        {"kind": "days_before", "amount": 1, "strength": "preferred", "other": review.pk},
    )
    assert response.status_code == 302
    assert consultation.rules.get().strength == "preferred"


def test_template_phase_rules_are_checked_on_the_timeline(user):
    space = space_services.space_create(
        title={"en": "Review"}, created_by=user, template_key="regional-review", start_date=date(2030, 1, 7)
    )
    phases = {phase.key: phase for phase in space.phases.all()}
    review = phases["regional-review"]
    # The pre-consultation only 4 weeks before the review: the 12-week rule is broken.
    pre = phases["pre-consultation"]
    space_services.phase_update(
        phase=pre, actor=user, planned_start=review.planned_start - timedelta(weeks=4),
        planned_end=review.planned_start - timedelta(weeks=4),
    )  # fmt: skip
    entries = {entry.obj.pk: entry for entry in space_timeline(space) if entry.kind == "phase"}
    (state,) = entries[pre.pk].rules
    assert (state.rule.kind, state.rule.amount, state.status) == ("at_least_weeks_before", 12, "broken")
    consultation_rules = entries[phases["multistakeholder-consultation"].pk].rules
    assert [state.is_preferred for state in consultation_rules] == [True]


def test_a_date_with_an_alternative_still_to_be_decided(client, make_space, make_event, user):
    """Seed 003: the Europe consultation is on "8 or 11 March (to be decided)"."""
    space = make_space(members=[(user, Role.CONVENOR)])
    consultation = make_event(
        space,
        kind="consultation",
        when=_day(2030, 3, 8),
        date_alternatives=["2030-03-11"],
        date_tentative=True,
    )
    assert (consultation.earliest, consultation.latest) == (date(2030, 3, 8), date(2030, 3, 11))
    page = client.get(f"/en/spaces/{space.slug}/events/{consultation.pk}/").content.decode()
    assert "8 March 2030 or 11 March 2030 (to be decided)" in page
    # A rule "the day before the review on 11 March" is at risk until the day is chosen.
    review = make_event(space, kind="review", when=_day(2030, 3, 11))
    services.rule_add(event=consultation, other=review, kind="at_least_days_before", amount=1, actor=user)
    page = client.get(f"/en/spaces/{space.slug}/timeline/").content.decode()
    assert "rule at risk" in page
    # Other days go with a date given to the day only.
    with pytest.raises(ValidationError):
        make_event(space, when=PrecisionDate(Precision.MONTH, 2030, 3), date_alternatives=["2030-03-11"])


def test_the_event_form_takes_another_possible_day(client, make_space, user):
    space = make_space(members=[(user, Role.CONVENOR)])
    client.force_login(user)
    data = {"kind": "consultation", "title_en": "Consultation", "format": "online", "timezone": "UTC",
            "precision": "day", "day": "2030-03-08", "alternative_day": "2030-03-11", "date_tentative": "on",
            "registration_mode": "none", "minutes_visibility": "members"}  # fmt: skip
    response = client.post(f"/en/spaces/{space.slug}/events/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = space.events.get()
    assert event.date_alternatives == ["2030-03-11"] and event.date_tentative


def test_a_date_made_exact_drops_its_other_possible_day(client, make_space, make_event, user):
    space = make_space(members=[(user, Role.CONVENOR)])
    event = make_event(space, kind="consultation", when=_day(2031, 3, 8), date_alternatives=["2031-03-11"])
    client.force_login(user)
    data = {"kind": "consultation", "title_en": "Consultation", "format": "online", "timezone": "UTC",
            "precision": "exact", "start": "2031-03-11T09:00", "end": "2031-03-11T17:00",
            "alternative_day": "2031-03-11",  # still in the form, hidden by the page's script
            "registration_mode": "none", "minutes_visibility": "members"}  # fmt: skip
    response = client.post(f"/en/spaces/{space.slug}/events/{event.pk}/edit/", data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.precision == "exact" and event.date_alternatives == []


def test_other_possible_days_and_far_off_dates_are_refused_with_a_message(
    client, make_space, make_event, user
):
    space = make_space(members=[(user, Role.CONVENOR)])
    with pytest.raises(ValidationError):
        make_event(space, when=_day(2031, 3, 8), date_alternatives=["2052-03-11"])  # a typo's two decades
    client.force_login(user)
    data = {"kind": "dialogue", "title_en": "Dialogue", "format": "online", "timezone": "Asia/Amman",
            "precision": "exact", "start": "0001-01-01T00:30", "end": "0001-01-01T02:00",
            "registration_mode": "none", "minutes_visibility": "members"}  # fmt: skip
    response = client.post(f"/en/spaces/{space.slug}/events/new/", data)
    assert response.status_code == 200 and "Give a date between 1900 and 2100." in response.content.decode()
    assert not space.events.exists()
