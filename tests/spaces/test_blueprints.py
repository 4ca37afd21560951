"""The process templates shipped with Hiwar, taken from the seed documents."""

from datetime import date, timedelta

import pytest

from hiwar.discussions.models import Topic
from hiwar.spaces import services
from hiwar.spaces.blueprints import BlueprintError, all_blueprints, load_blueprint

SEED_TEMPLATES = {
    "convergence-dialogue",
    "regional-review",
    "online-discussion-series",
    "community-of-practice",
}


def test_the_four_seed_templates_load_in_arabic_and_english():
    blueprints = all_blueprints()
    assert set(blueprints) == SEED_TEMPLATES
    for blueprint in blueprints.values():
        assert blueprint.phases, blueprint.key
        assert blueprint.title["ar"] and blueprint.title["en"]


def test_convergence_template_follows_the_annex(user):
    space = services.space_create(
        title={"ar": "حوار", "en": "Dialogue"},
        created_by=user,
        template_key="convergence-dialogue",
        start_date=date(2026, 1, 5),
    )
    phases = list(space.phases.order_by("order"))
    assert len(phases) >= 4  # kick-off, then phases 1, 2 and 3
    assert all(p.checklist.exists() for p in phases)
    assert all(p.outputs.exists() for p in phases[1:])
    assert phases[0].planned_start == date(2026, 1, 5)
    starts = [p.planned_start for p in phases]
    assert starts == sorted(starts)
    # The Convergence Action Group of C3: ministries, stakeholder groups and the support system.
    categories = set(space.seats.values_list("category", flat=True))
    assert {"government", "stakeholder_group", "support_system"} <= categories
    assert space.seats.count() >= 15
    assert space.description["ar"]


def test_regional_review_pre_consultation_rule_is_twelve_weeks(user):
    blueprint = all_blueprints()["regional-review"]
    rules = [(rule["kind"], rule["amount"]) for phase in blueprint.phases for rule in phase.get("rules", [])]
    assert ("at_least_weeks_before", 12) in rules
    space = services.space_create(title={"en": "Review"}, created_by=user, template_key="regional-review")
    by_key = {p.key: p for p in space.phases.all()}
    for phase in space.phases.all():
        for rule in phase.rules:
            other = by_key[rule["other"]]
            if rule["kind"] == "at_least_weeks_before":
                assert other.planned_start - phase.planned_start >= timedelta(weeks=rule["amount"])


def test_online_discussion_series_has_numbered_groups_and_questions(user):
    space = services.space_create(
        title={"en": "Biosafety"}, created_by=user, template_key="online-discussion-series"
    )
    topics = list(Topic.objects.filter(space=space).prefetch_related("questions"))
    assert len(topics) >= 2
    assert [t.number for t in topics] == sorted(t.number for t in topics)
    assert all(t.questions.exists() for t in topics)
    assert all(t.phase_id for t in topics)


def test_a_broken_template_is_reported_with_its_place(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(
        "key: broken\ntitle: {ar: عنوان, en: Title}\nsummary: {ar: م, en: s}\ndescription: {ar: و, en: d}\n"
        "phases:\n  - key: one\n    title: {en: Only English}\n",
        encoding="utf-8",
    )
    with pytest.raises(BlueprintError, match="phase one"):
        load_blueprint(path)


def test_community_of_practice_keeps_the_seeds_if_needed_and_regularly(user):
    """Seed 002: the ToR are revised "if needed" and the meeting frequency reviewed "regularly" —
    ongoing tasks, not dated phases; the co-facilitators are agreed by the members; at least one
    face-to-face meeting a year."""
    space = services.space_create(
        title={"en": "CoP"},
        created_by=user,
        template_key="community-of-practice",
        start_date=date(2026, 1, 5),
    )
    revision = space.phases.get(key="tor-revision")
    assert revision.planned_start is None and revision.planned_end is None
    assert all(item.due_date is None for item in revision.checklist.all())
    items = {item.title["en"]: item for phase in space.phases.all() for item in phase.checklist.all()}
    assert items["Review the meeting frequency regularly"].due_date is None
    agreed = items["The members agree the co-facilitators at the first meeting"]
    assert "اتفاق أعضاء" in agreed.title["ar"]
    assert "Hold at least one face-to-face meeting a year" in items


def test_convergence_checklist_keeps_the_annexs_ten_sub_headings_and_optional_seats(client, user):
    space = services.space_create(
        title={"en": "Jordan"}, created_by=user, template_key="convergence-dialogue"
    )
    sections = []
    for phase in space.phases.order_by("order"):
        for item in phase.checklist.all():
            if item.section and item.section not in sections:
                sections.append(item.section)
    assert [s["en"] for s in sections] == [
        "Preparatory call and stakeholder identification",
        "Baseline assessment",
        "Developing a plan for the Convergence Dialogues",
        "First Convergence Dialogue",
        "Follow-up dialogues",
        "Synthesis and validation",
        "Draft the Convergence Implementation Plan",
        "Stakeholder review and revision",
        "Finalise and launch the implementation plan",
        "Continuous monitoring and adaptive implementation",
    ]
    assert sections[1]["ar"] == "تقييم خط الأساس"
    optional = set(space.seats.filter(optional=True).values_list("key", flat=True))
    assert optional == {"family-farmers", "women", "youth", "indigenous-peoples", "rc-office", "un-agencies",
                        "development-banks", "technical-partners"}  # fmt: skip
    assert not space.seats.filter(key="ministry-agriculture", optional=True).exists()
    phase = space.phases.get(key="phase-1")
    page = client.get(f"/en/spaces/{space.slug}/phases/{phase.pk}/").content.decode()
    assert '<th scope="rowgroup"' in page and "Baseline assessment" in page


def test_the_convergence_template_schedules_the_cag_every_two_months(user):
    """C12: the Convergence Action Group meets every two months — a recurring meeting, not a to-do."""
    from zoneinfo import ZoneInfo

    from hiwar.events.models import Series

    space = services.space_create(
        title={"en": "Jordan"}, created_by=user, template_key="convergence-dialogue",
        country="JO", start_date=date(2026, 9, 7),
    )  # fmt: skip
    series = Series.objects.get(space=space)
    assert "FREQ=MONTHLY" in series.rrule and "INTERVAL=2" in series.rrule
    meetings = list(series.occurrences.order_by("start"))
    assert len(meetings) == 6
    first = meetings[0].start.astimezone(ZoneInfo("Asia/Amman"))
    assert (first.date(), first.hour) == (date(2026, 9, 7) + timedelta(weeks=22), 11)
    assert (meetings[1].start - meetings[0].start).days in range(59, 63)
