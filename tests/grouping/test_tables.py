"""Tables of a dialogue in the product: compose, rules, move, lock, publish, and who sees what."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hiwar.accounts.models import Organisation
from hiwar.events import services as event_services
from hiwar.grouping import services
from hiwar.grouping.models import Composition, TableSeat
from hiwar.spaces.models import Role
from tests.factories import MembershipFactory, UserFactory

SECTORS = ["health", "water", "agriculture", "environment"]
GROUPS = ["women", "youth", "government", "family_farmers"]


@pytest.fixture
def dialogue(make_space, make_event):
    convenor = UserFactory(name="Convenor")
    space = make_space(members=[(convenor, Role.CONVENOR)])
    event = make_event(space, actor=convenor, kind="dialogue")
    people = []
    organisations = [Organisation.objects.create(name=f"Org {i}", type="ngo") for i in range(6)]
    for i in range(18):
        person = UserFactory(name=f"Person {i:02d}")
        profile = person.profile
        profile.sector = SECTORS[i % 4]
        profile.stakeholder_group = GROUPS[(i // 4) % 4]
        profile.gender = "female" if i % 2 else "male"
        profile.organisation = organisations[i % 6]
        profile.save()
        event_services.register(event=event, user=person)
        people.append(person)
    facilitators = []
    for t in range(3):
        facilitator = UserFactory(name=f"Facilitator {t}")
        MembershipFactory(space=space, user=facilitator, role=Role.FACILITATOR)
        event_services.register(event=event, user=facilitator)
        facilitators.append(facilitator)
    return event, convenor, people, facilitators


def table_of(composition):
    return dict(TableSeat.objects.filter(composition=composition).values_list("user_id", "table__number"))


def test_compose_gives_each_table_a_facilitator_and_keeps_organisations_apart(dialogue):
    event, convenor, people, facilitators = dialogue
    composition = services.compose(event=event, actor=convenor, table_count=3)
    seats = table_of(composition)
    assert len(seats) == 21
    assert sorted(seats[f.pk] for f in facilitators) == [1, 2, 3]
    for number in (1, 2, 3):
        members = [p for p in people if seats[p.pk] == number]
        assert len(members) == 6
        organisations = [p.profile.organisation_id for p in members]
        assert len(organisations) == len(set(organisations))
    assert composition.score > composition.random_score


def test_weights_change_the_result(dialogue):
    event, convenor, people, _facilitators = dialogue
    only_gender = {name: 0.0 for name in services.WEIGHT_NAMES} | {"gender": 10.0}
    composition = services.compose(
        event=event, actor=convenor, table_count=3, weights=only_gender, organisations_apart=False
    )
    seats = table_of(composition)
    for number in (1, 2, 3):
        genders = [p.profile.gender for p in people if seats[p.pk] == number]
        assert (
            abs(genders.count("female") - genders.count("male")) <= 1
        )  # balanced when gender is all that counts


def test_move_lock_recompose_and_publish(dialogue):
    event, convenor, people, _facilitators = dialogue
    composition = services.compose(event=event, actor=convenor, table_count=3)
    mover = people[0]
    target = 3 if table_of(composition)[mover.pk] != 3 else 1
    before = composition.score
    services.move(composition=composition, user_id=mover.pk, table_number=target, actor=convenor)
    composition.refresh_from_db()
    assert table_of(composition)[mover.pk] == target
    assert composition.score != before
    locked_table = composition.tables.get(number=target)
    services.set_locked(table=locked_table, locked=True, actor=convenor)
    kept = {uid for uid, number in table_of(composition).items() if number == target}
    with pytest.raises(ValidationError):
        services.move(
            composition=composition, user_id=mover.pk, table_number=1 if target != 1 else 2, actor=convenor
        )

    late = UserFactory(name="Late registrant")
    event_services.register(event=event, user=late)
    composition = services.compose(event=event, actor=convenor, table_count=3, seed=5)
    seats = table_of(composition)
    assert {uid for uid, number in seats.items() if number == target} == kept  # the locked table is untouched
    assert late.pk in seats
    assert composition.status == Composition.Status.DRAFT
    services.publish(composition=composition, actor=convenor)
    assert Composition.objects.get().is_published


def test_too_many_tables_and_too_few_people_are_refused(dialogue, make_space, make_event):
    event, convenor, _people, _facilitators = dialogue
    with pytest.raises(ValidationError):
        services.compose(event=event, actor=convenor, table_count=50)
    empty = make_event(event.space, actor=convenor)
    with pytest.raises(ValidationError):
        services.compose(event=empty, actor=convenor, table_count=2)
    assert not Composition.objects.exists()


def test_people_who_met_before_are_kept_apart(dialogue, make_event):
    event, convenor, people, _facilitators = dialogue
    first = services.compose(event=event, actor=convenor, table_count=3)
    services.publish(composition=first, actor=convenor)
    earlier = table_of(first)
    follow_up = make_event(event.space, actor=convenor, kind="follow_up_dialogue")
    for person in people:
        event_services.register(event=follow_up, user=person)
    only_met = {name: 0.0 for name in services.WEIGHT_NAMES} | {"met_before": 10.0}
    second = services.compose(
        event=follow_up, actor=convenor, table_count=3, weights=only_met, organisations_apart=False
    )
    now = table_of(second)
    again = sum(
        1
        for i, a in enumerate(people)
        for b in people[i + 1 :]
        if earlier[a.pk] == earlier[b.pk] and now[a.pk] == now[b.pk]
    )
    # Three earlier tables of six spread over three new tables of six: at best two from each earlier
    # table sit together again at each new table, so 3 pairs a table, 9 in all — the minimum.
    assert again == 9


def test_only_organisers_compose_and_participants_see_only_their_own_table(client, dialogue):
    event, convenor, people, facilitators = dialogue
    url = reverse("grouping:tables", args=[event.space.slug, event.pk])
    client.force_login(people[0])
    assert client.get(url).status_code == 403
    assert client.post(url, {"table_count": 3}).status_code == 403
    client.force_login(facilitators[0])
    assert client.get(url).status_code == 403

    client.force_login(convenor)
    response = client.post(url, {"table_count": 3, "organisations_apart": "on", "seed": 0})
    assert response.status_code == 302
    composition = Composition.objects.get()
    client.force_login(people[0])
    detail = client.get(event.get_absolute_url()).content.decode()
    assert "Your table" not in detail and "طاولتك" not in detail  # not before publishing

    services.publish(composition=composition, actor=convenor)
    seats = table_of(composition)
    mine = seats[people[0].pk]
    detail = client.get(event.get_absolute_url().replace("/ar/", "/en/")).content.decode()
    assert f"Your table: {mine}" in detail
    others = [p for p in people if seats[p.pk] != mine]
    assert all(p.name not in detail for p in others)

    facilitator = next(f for f in facilitators if seats[f.pk] == mine)
    client.force_login(facilitator)
    detail = client.get(event.get_absolute_url().replace("/ar/", "/en/")).content.decode()
    assert people[0].name in detail and all(p.name not in detail for p in others)


def test_csv_export_lists_every_seat(client, dialogue):
    event, convenor, _people, _facilitators = dialogue
    services.compose(event=event, actor=convenor, table_count=3)
    client.force_login(convenor)
    response = client.get(reverse("grouping:csv", args=[event.space.slug, event.pk]))
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + 21


def test_printable_lists_are_a_pdf_page_per_table_with_arabic_names(client, dialogue):
    from io import BytesIO

    from pypdf import PdfReader

    event, convenor, people, _facilitators = dialogue
    people[0].name = "ليلى حدّاد"
    people[0].save()
    composition = services.compose(event=event, actor=convenor, table_count=3)
    client.force_login(convenor)
    response = client.get(f"/ar/spaces/{event.space.slug}/events/{event.pk}/tables/tables.pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    assert len(reader.pages) == composition.tables.count()
    text = "".join(page.extract_text() for page in reader.pages)
    assert "الطاولة" in text  # "Table" in Arabic, shaped and mapped back to its letters
    assert "ليلى" in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Arabic" in name for name in fonts), fonts  # an Arabic font is embedded, not a fallback box


def test_a_person_and_their_interpreter_sit_together_after_recomposing(client, dialogue):
    event, convenor, people, _facilitators = dialogue
    composition = services.compose(event=event, actor=convenor, table_count=3)
    seats = table_of(composition)
    a, b = next((p, q) for p in people for q in people if seats[p.pk] != seats[q.pk])
    client.force_login(convenor)
    url = reverse("grouping:together", args=[event.space.slug, event.pk])
    client.post(url, {"first": a.pk, "second": b.pk})
    assert Composition.objects.get().keep_together == [sorted([a.pk, b.pk])]
    composition = services.compose(event=event, actor=convenor, table_count=3, organisations_apart=False)
    seats = table_of(composition)
    assert seats[a.pk] == seats[b.pk]
    client.post(url, {"release": f"{min(a.pk, b.pk)}-{max(a.pk, b.pk)}"})
    assert Composition.objects.get().keep_together == []
    with pytest.raises(ValidationError):
        services.keep_together(composition=composition, first_id=a.pk, second_id=a.pk, actor=convenor)


def test_shared_language_rule_gives_every_table_a_common_language(dialogue):
    from hiwar.grouping.selectors import tables_overview

    event, convenor, people, facilitators = dialogue
    for i, person in enumerate([*people, *facilitators]):
        person.profile.working_languages = [["ar"], ["ar", "en"], ["en", "fr"]][i % 3]
        person.profile.save()
    composition = services.compose(
        event=event, actor=convenor, table_count=3, shared_language=True, organisations_apart=False
    )
    tables = tables_overview(composition).tables
    assert all(view.languages for view in tables)
    without = services.compose(event=event, actor=convenor, table_count=3, organisations_apart=False, seed=3)
    tables = tables_overview(without).tables
    assert not all(view.languages for view in tables)  # the diverse seating mixes ar-only and en/fr speakers


def test_large_lists_are_composed_in_the_background_with_progress(
    client, dialogue, settings, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    event, convenor, _people, _facilitators = dialogue
    settings.HIWAR_GROUPING_INLINE_MAX = 5  # this dialogue's 21 people count as "large"
    client.force_login(convenor)
    url = reverse("grouping:tables", args=[event.space.slug, event.pk])
    Composition.objects.create(
        event=event,
        table_count=3,
        job_state="running",
        job_started_at=timezone.now(),
        job_params={"time_limit": 10},
    )
    page = client.get(url).content.decode()
    assert "<progress" in page and 'http-equiv="refresh"' in page
    response = client.post(url, {"table_count": 3, "seed": 0})
    assert response.status_code == 200  # one job at a time: the form says so, nothing is queued
    assert Composition.objects.get().job_state == "running"

    Composition.objects.update(job_state="")
    with django_capture_on_commit_callbacks(execute=True):  # the immediate task backend runs it at commit
        client.post(url, {"table_count": 3, "seed": 0})
    composition = Composition.objects.get()
    assert composition.job_state == "" and composition.seats.count() == 21
    assert "<progress" not in client.get(url).content.decode()


def test_a_composition_whose_task_was_lost_does_not_block_composing_again(
    client, dialogue, settings, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    event, convenor, _people, _facilitators = dialogue
    settings.HIWAR_GROUPING_INLINE_MAX = 5
    client.force_login(convenor)
    url = reverse("grouping:tables", args=[event.space.slug, event.pk])
    Composition.objects.create(  # a worker stopped in the middle of it an hour ago
        event=event,
        table_count=3,
        job_state="running",
        job_started_at=timezone.now() - timedelta(hours=1),
        job_params={"time_limit": 20},
    )
    assert "<progress" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"table_count": 3, "seed": 0})
    composition = Composition.objects.get()
    assert composition.job_state == "" and composition.seats.count() == 21
