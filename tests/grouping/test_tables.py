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


# Tables that lie: problems, cancellations, late registrations, honest figures, compiled kernels ----


def tables_url(event, language="en"):
    return f"/{language}/spaces/{event.space.slug}/events/{event.pk}/tables/"


def seats_at(composition):
    """Table number -> user ids, as stored."""
    tables: dict[int, set[int]] = {}
    for uid, number in table_of(composition).items():
        tables.setdefault(number, set()).add(uid)
    return tables


def move_someone(composition, convenor, source, target):
    seat = TableSeat.objects.filter(
        composition=composition, table__number=source, is_facilitator=False
    ).first()
    services.move(composition=composition, user_id=seat.user_id, table_number=target, actor=convenor)
    return seat.user_id


def test_a_table_without_a_facilitator_is_flagged_per_table_and_at_the_top(client, dialogue):
    event, convenor, _people, facilitators = dialogue
    facilitators[2].memberships.update(role=Role.MEMBER)  # two facilitators for three tables
    services.compose(event=event, actor=convenor, table_count=3)
    client.force_login(convenor)
    page = client.get(tables_url(event)).content.decode()
    bare = TableSeat.objects.filter(is_facilitator=True).values_list("table__number", flat=True)
    (number,) = {1, 2, 3} - set(bare)
    assert f"Table {number} has no facilitator." in page
    assert "1 table has a problem:" in page


def test_balanced_tables_with_a_facilitator_each_show_no_problem(client, dialogue):
    event, convenor, _people, _facilitators = dialogue
    services.compose(event=event, actor=convenor, table_count=3)
    client.force_login(convenor)
    page = client.get(tables_url(event)).content.decode()
    assert "has a problem" not in page and "have problems" not in page
    assert "Every table has 7 people." in page


def test_tables_whose_sizes_differ_by_more_than_one_are_flagged(client, dialogue):
    event, convenor, _people, _facilitators = dialogue
    composition = services.compose(event=event, actor=convenor, table_count=3)  # 7, 7, 7
    move_someone(composition, convenor, 1, 2)  # 6, 8, 7: a difference of two
    client.force_login(convenor)
    page = client.get(tables_url(event)).content.decode()
    assert "Table 1 has 6 people, more than one fewer than the largest (8)." in page
    assert "Table 2 has 8 people, more than one more than the smallest (6)." in page
    assert "2 tables have problems:" in page
    assert "Tables of 6 to 8 people." in page


def test_a_table_below_three_people_is_flagged_when_others_are_larger(client, dialogue):
    event, convenor, _people, _facilitators = dialogue
    composition = services.compose(event=event, actor=convenor, table_count=3)
    for _ in range(5):
        move_someone(composition, convenor, 1, 2 + _ % 2)  # table 1 keeps its facilitator and one more
    client.force_login(convenor)
    page = client.get(tables_url(event)).content.decode()
    assert "Table 1 has only 2 people while the largest has 10." in page


def test_publishing_tables_with_problems_asks_for_confirmation_first(client, dialogue):
    event, convenor, _people, _facilitators = dialogue
    composition = services.compose(event=event, actor=convenor, table_count=3)
    move_someone(composition, convenor, 1, 2)
    client.force_login(convenor)
    publish = tables_url(event) + "publish/"
    response = client.post(publish)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Publish the tables?" in page and "Table 1 has 6 people" in page
    assert 'name="confirm" value="1"' in page
    assert not Composition.objects.get().is_published  # nothing changed yet

    with pytest.raises(ValidationError):
        services.publish(composition=composition, actor=convenor)  # the service says the same
    assert not Composition.objects.get().is_published

    response = client.post(publish, {"confirm": "1"})
    assert response.status_code == 302
    assert Composition.objects.get().is_published


def test_publishing_sound_tables_needs_no_confirmation_and_others_cannot_publish(client, dialogue):
    event, convenor, people, facilitators = dialogue
    services.compose(event=event, actor=convenor, table_count=3)
    publish = tables_url(event) + "publish/"
    for outsider in (people[0], facilitators[0]):
        client.force_login(outsider)
        assert client.post(publish, {"confirm": "1"}).status_code == 403
    assert not Composition.objects.get().is_published
    client.force_login(convenor)
    assert client.post(publish).status_code == 302
    assert Composition.objects.get().is_published


def test_a_participant_who_cancels_after_publishing_leaves_the_tables_and_everyone_sees_it(client, dialogue):
    from hiwar.grouping.selectors import tables_overview

    event, convenor, people, facilitators = dialogue
    composition = services.compose(event=event, actor=convenor, table_count=3)
    services.set_locked(table=composition.tables.get(number=1), locked=True, actor=convenor)
    services.publish(composition=composition, actor=convenor)
    leaver = next(p for p in people if table_of(composition)[p.pk] == 1)  # at a locked table, even
    registration = event.registrations.get(user=leaver)
    event_services.registration_cancel(registration=registration, actor=leaver)

    client.force_login(convenor)
    page = client.get(tables_url(event)).content.decode()
    assert leaver.name not in page
    (first, *_rest) = tables_overview(composition).tables
    assert first.size == 6  # no ghost: the make-up counts six people, not the leaver's blank seventh
    assert all(sum(counts.values()) == 6 for counts in first.make_up.values())
    assert 'id="table-1">Table 1\n      <span class="meta">6 people' in page
    assert "1 person cancelled since the tables were composed." in page
    assert 'action="/en/spaces/' in page and "/reseat/" in page
    assert TableSeat.objects.filter(user=leaver).exists()  # a GET writes nothing

    csv_lines = client.get(tables_url(event) + "tables.csv").content.decode("utf-8-sig").splitlines()
    assert len(csv_lines) == 1 + 20 and not any(leaver.name in line for line in csv_lines)

    client.force_login(leaver)
    detail = client.get(event.get_absolute_url().replace("/ar/", "/en/")).content.decode()
    assert "Your table" not in detail
    facilitator = next(f for f in facilitators if table_of(composition)[f.pk] == 1)
    client.force_login(facilitator)
    detail = client.get(event.get_absolute_url().replace("/ar/", "/en/")).content.decode()
    assert "Your table: 1" in detail and leaver.name not in detail


def test_re_seating_places_newcomers_at_the_least_full_unlocked_tables_and_moves_no_one(client, dialogue):
    event, convenor, people, _facilitators = dialogue
    composition = services.compose(event=event, actor=convenor, table_count=3)
    services.set_locked(table=composition.tables.get(number=3), locked=True, actor=convenor)
    services.publish(composition=composition, actor=convenor)
    leaver = next(p for p in people if table_of(composition)[p.pk] == 1)
    event_services.registration_cancel(registration=event.registrations.get(user=leaver), actor=leaver)
    late = [UserFactory(name=f"Late {i}") for i in range(2)]
    for person in late:
        event_services.register(event=event, user=person)
    before = table_of(composition)

    client.force_login(late[0])
    detail = client.get(event.get_absolute_url().replace("/ar/", "/en/")).content.decode()
    assert "You are not seated at a table yet" in detail

    client.force_login(convenor)
    page = client.get(tables_url(event)).content.decode()
    assert "2 people registered since the tables were composed and have no table yet." in page
    response = client.post(tables_url(event) + "reseat/")
    assert response.status_code == 302
    after = table_of(composition)
    assert leaver.pk not in after
    assert all(after[uid] == number for uid, number in before.items() if uid != leaver.pk)  # no one moved
    # Table 1 had 6 after the cancellation: the first newcomer goes there; then 1 and 2 have 7 each
    # and the locked table 3 takes no one.
    assert after[late[0].pk] == 1 or after[late[1].pk] == 1
    assert {after[late[0].pk], after[late[1].pk]} <= {1, 2}
    assert len([uid for uid, n in after.items() if n == 3]) == 7
    page = client.get(tables_url(event)).content.decode()
    assert "registered since" not in page and "cancelled since" not in page

    client.force_login(late[0])
    detail = client.get(event.get_absolute_url().replace("/ar/", "/en/")).content.decode()
    assert f"Your table: {after[late[0].pk]}" in detail


def test_re_seating_with_every_table_locked_is_refused_and_changes_nothing(client, dialogue):
    event, convenor, people, _facilitators = dialogue
    composition = services.compose(event=event, actor=convenor, table_count=3)
    for table in composition.tables.all():
        services.set_locked(table=table, locked=True, actor=convenor)
    event_services.registration_cancel(registration=event.registrations.get(user=people[0]), actor=people[0])
    event_services.register(event=event, user=UserFactory(name="Late"))
    client.force_login(convenor)
    response = client.post(tables_url(event) + "reseat/", follow=True)
    assert "Every table is locked" in response.content.decode()
    assert TableSeat.objects.filter(user=people[0]).exists()  # the whole re-seat rolled back
    client.force_login(people[1])
    assert client.post(tables_url(event) + "reseat/").status_code == 403


def test_a_late_facilitator_is_seated_as_a_facilitator_at_a_table_without_one(dialogue):
    event, convenor, _people, facilitators = dialogue
    facilitators[2].memberships.update(role=Role.MEMBER)
    composition = services.compose(event=event, actor=convenor, table_count=3)
    bare = (
        {1, 2, 3} - set(TableSeat.objects.filter(is_facilitator=True).values_list("table__number", flat=True))
    ).pop()
    late = UserFactory(name="Late facilitator")
    MembershipFactory(space=event.space, user=late, role=Role.FACILITATOR)
    event_services.register(event=event, user=late)
    services.reseat(composition=composition, actor=convenor)
    seat = TableSeat.objects.get(user=late)
    assert seat.is_facilitator and seat.table.number == bare
    assert services.current_problems(composition) == []


def test_recomposing_after_a_lock_keeps_every_facilitator_a_facilitator(dialogue):
    event, convenor, _people, facilitators = dialogue
    composition = services.compose(event=event, actor=convenor, table_count=3)
    locked_number = TableSeat.objects.get(user=facilitators[2]).table.number
    services.set_locked(table=composition.tables.get(number=locked_number), locked=True, actor=convenor)
    extra = UserFactory(name="Fourth facilitator")
    MembershipFactory(space=event.space, user=extra, role=Role.FACILITATOR)
    event_services.register(event=event, user=extra)
    for table_count in (3, 4, 2):
        composition = services.compose(
            event=event, actor=convenor, table_count=table_count, seed=table_count, organisations_apart=False
        )
        for facilitator in [*facilitators, extra]:
            seat = TableSeat.objects.get(composition=composition, user=facilitator)
            assert seat.is_facilitator, (table_count, facilitator.name)
        facilitated = set(
            TableSeat.objects.filter(is_facilitator=True).values_list("table__number", flat=True)
        )
        assert facilitated == set(range(1, table_count + 1))  # no table without one while one is spare


def test_a_locked_table_that_lost_its_facilitator_gets_a_spare_one_when_recomposing(dialogue):
    event, convenor, _people, facilitators = dialogue
    composition = services.compose(event=event, actor=convenor, table_count=3)
    number = TableSeat.objects.get(user=facilitators[0]).table.number
    services.set_locked(table=composition.tables.get(number=number), locked=True, actor=convenor)
    kept = seats_at(composition)[number] - {facilitators[0].pk}
    event_services.registration_cancel(
        registration=event.registrations.get(user=facilitators[0]), actor=facilitators[0]
    )
    spare = UserFactory(name="Spare facilitator")
    MembershipFactory(space=event.space, user=spare, role=Role.FACILITATOR)
    event_services.register(event=event, user=spare)
    composition = services.compose(event=event, actor=convenor, table_count=3)
    assert seats_at(composition)[number] == kept | {spare.pk}
    assert TableSeat.objects.get(user=spare).is_facilitator


def test_moving_one_person_from_six_six_to_five_seven_does_not_raise_the_headline_figure(
    client, make_space, make_event
):
    from hiwar.grouping.selectors import tables_overview

    convenor = UserFactory(name="Convenor")
    space = make_space(members=[(convenor, Role.CONVENOR)])
    event = make_event(space, actor=convenor, kind="dialogue")
    for i in range(12):  # alike in everything weighed but their organisation: every pair equally far
        person = UserFactory(name=f"Person {i:02d}")
        person.profile.organisation = Organisation.objects.create(name=f"Org {i}", type="ngo")
        person.profile.save()
        event_services.register(event=event, user=person)
    composition = services.compose(event=event, actor=convenor, table_count=2)
    six_six, sum_before = tables_overview(composition), composition.score
    assert (six_six.smallest, six_six.largest) == (6, 6)
    move_someone(composition, convenor, 1, 2)
    composition.refresh_from_db()
    five_seven = tables_overview(composition)
    assert (five_seven.smallest, five_seven.largest) == (5, 7)
    assert composition.score > sum_before  # the solver's sum rewards the 21 pairs of the larger table…
    assert five_seven.mean == pytest.approx(six_six.mean)  # …the mean per pair does not
    assert five_seven.gain <= six_six.gain + 1e-9
    client.force_login(convenor)
    page = client.get(tables_url(event)).content.decode()
    assert "Tables of 5 to 7 people." in page
    assert f"Mean diversity at a table {five_seven.mean:.2f}" in page


def test_mean_diversity_is_a_mean_per_pair_over_tables():
    import numpy as np

    from hiwar.grouping.solver import mean_distance, mean_diversity

    # Two tables of three and four: within-table sums 3.0 (3 pairs) and 12.0 (6 pairs).
    assert mean_diversity(np.array([3.0, 12.0]), np.array([3, 4])) == pytest.approx((1.0 + 2.0) / 2)
    assert mean_diversity(np.array([0.0, 5.0]), np.array([1, 2])) == pytest.approx(5.0)  # no pair: left out
    assert mean_distance(np.array([[0.0, 2.0], [2.0, 0.0]])) == 2.0


def test_warm_up_compiles_every_kernel():
    from hiwar.grouping import solver

    assert solver.warm_up() >= 0
    assert all(kernel.signatures for kernel in solver.KERNELS)
    assert solver.kernels_ready()


def test_with_cold_kernels_the_page_composes_in_the_background_with_progress(
    client, dialogue, monkeypatch, django_capture_on_commit_callbacks
):
    from hiwar.grouping import solver

    event, convenor, _people, _facilitators = dialogue
    started = []
    monkeypatch.setattr(services, "kernels_ready", lambda: False)
    monkeypatch.setattr(services, "start_warm_up", lambda: started.append(True))
    client.force_login(convenor)
    client.post(tables_url(event), {"table_count": 3, "seed": 0})  # 21 people, far below the usual 300
    composition = Composition.objects.get()
    assert composition.job_state == "queued" and composition.seats.count() == 0
    assert started  # this process compiles its kernels meanwhile
    page = client.get(tables_url(event)).content.decode()
    assert "<progress" in page and 'http-equiv="refresh"' in page
    assert solver.kernels_ready()


def test_the_tables_form_shows_and_reads_numbers_in_the_page_language(client, dialogue):
    event, convenor, _people, _facilitators = dialogue
    client.force_login(convenor)
    page = client.get(tables_url(event, "ar")).content.decode()
    assert 'name="w_sector" value="3"' in page and 'inputmode="decimal"' in page
    client.post(tables_url(event, "ar"), {"table_count": "3", "w_sector": "١٫٥", "w_gender": "2,5"})
    weights = Composition.objects.get().weights
    assert weights["sector"] == 1.5 and weights["gender"] == 2.5
    page = client.get(tables_url(event, "ar")).content.decode()
    assert 'name="w_sector" value="1,5"' in page  # Arabic's decimal comma, as the page's other figures
    response = client.post(tables_url(event, "en"), {"table_count": "3", "w_sector": "eleven"})
    assert response.status_code == 200 and Composition.objects.get().weights["sector"] == 1.5


def test_tables_cannot_be_published_while_composing_or_before_any(dialogue):
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from hiwar.grouping import services as grouping_services

    event, convenor, _people, _facilitators = dialogue
    composition = Composition.objects.create(
        event=event,
        table_count=3,
        job_state="queued",
        job_started_at=timezone.now(),
        job_params={"time_limit": 20},
    )
    with pytest.raises(ValidationError):
        grouping_services.publish(composition=composition, actor=convenor)
    Composition.objects.filter(pk=composition.pk).update(job_state="")
    composition.refresh_from_db()
    with pytest.raises(ValidationError):  # no tables yet
        grouping_services.publish(composition=composition, actor=convenor)
    composition.refresh_from_db()
    assert not composition.is_published
