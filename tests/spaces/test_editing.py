"""Shaping a process in the browser: phases, action items, expected outputs and seats.

Managers (convenor, secretariat) add, edit, reorder and remove every part; co-leads move the work on
(status, dates, progress) but cannot restructure; nobody else changes anything.
"""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hiwar.core.models import AuditEntry
from hiwar.spaces import services
from hiwar.spaces.blueprints import all_blueprints, apply_blueprint, export_blueprint, load_blueprint
from hiwar.spaces.models import ChecklistItem, ExpectedOutput, Phase, Seat
from tests.factories import MembershipFactory, OrganisationFactory, PhaseFactory, SpaceFactory, UserFactory

TITLE = {"title_ar": "المرحلة الأولى", "title_en": "Phase one"}


def url(space, tail=""):
    return f"/en/spaces/{space.slug}/{tail}"


@pytest.fixture
def shaped(space_with_roles):
    """A public space with one phase holding one action item and one expected output, and one seat."""
    space, people = space_with_roles("public")
    phase = PhaseFactory(space=space, order=0, key="one", title={"ar": "أولى", "en": "First phase"})
    item = ChecklistItem.objects.create(phase=phase, title={"en": "Send the invitations"})
    output = ExpectedOutput.objects.create(phase=phase, title={"en": "Baseline report"})
    seat = Seat.objects.create(space=space, title={"en": "Ministry of health"}, category="government")
    return space, people, phase, item, output, seat


def structural_requests(space, phase, item, output, seat):
    """One request per restructuring action (method, path, data)."""
    return [
        ("post", url(space, "phases/new/"), {**TITLE, "status": "planned"}),
        ("post", url(space, f"phases/{phase.pk}/move/"), {"direction": "down"}),
        ("post", url(space, f"phases/{phase.pk}/remove/"), {"confirm": "yes"}),
        ("post", url(space, f"phases/{phase.pk}/items/new/"), {"title_en": "New item", "status": "todo"}),
        ("post", url(space, f"items/{item.pk}/move/"), {"direction": "up"}),
        ("post", url(space, f"items/{item.pk}/remove/"), {}),
        ("post", url(space, f"phases/{phase.pk}/outputs/new/"), {"title_en": "New output", "progress": 0}),
        ("post", url(space, f"outputs/{output.pk}/remove/"), {}),
        ("post", url(space, "seats/new/"), {"title_en": "Youth", "category": "stakeholder_group"}),
        ("post", url(space, f"seats/{seat.pk}/remove/"), {}),
        ("get", url(space, "template.yaml"), {}),
    ]


def structure(space):
    phases = list(space.phases.order_by("order", "id"))
    return (
        [(p.pk, p.order, p.title) for p in phases],
        list(ChecklistItem.objects.filter(phase__space=space).values_list("pk", "order", "title")),
        list(ExpectedOutput.objects.filter(phase__space=space).values_list("pk", "order", "title")),
        list(space.seats.values_list("pk", "order", "title")),
    )


@pytest.mark.parametrize("role", ["co_lead", "facilitator", "member", "observer", "outsider"])
def test_only_managers_restructure_a_public_space(client, shaped, role):
    space, people, phase, item, output, seat = shaped
    before = structure(space)
    client.force_login(people[role])
    for method, path, data in structural_requests(space, phase, item, output, seat):
        assert getattr(client, method)(path, data).status_code == 403, path
    assert structure(space) == before
    assert not AuditEntry.objects.filter(space=space).exists()


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_a_closed_space_cannot_be_restructured_or_discovered(client, space_with_roles, who):
    space, people = space_with_roles("closed")
    phase = PhaseFactory(space=space)
    item = ChecklistItem.objects.create(phase=phase, title={"en": "x"})
    output = ExpectedOutput.objects.create(phase=phase, title={"en": "y"})
    seat = Seat.objects.create(space=space, title={"en": "z"}, category="other")
    before = structure(space)
    if who == "outsider":
        client.force_login(people["outsider"])
    for method, path, data in structural_requests(space, phase, item, output, seat):
        response = getattr(client, method)(path, data)
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], path
        else:
            assert response.status_code == 404, path
    assert structure(space) == before


def test_pages_offer_restructuring_to_managers_only(client, shaped):
    space, people, phase, *_rest = shaped
    for role, sees in [("convenor", True), ("secretariat", True), ("co_lead", False), ("member", False)]:
        client.force_login(people[role])
        page = client.get(url(space, f"phases/{phase.pk}/")).content.decode()
        assert ("Add an action item" in page) is sees, role
        assert ("Remove the phase" in page) is sees, role
        space_page = client.get(url(space)).content.decode()
        assert ("Add a seat" in space_page) is sees, role
        assert ("Save the structure as a template" in space_page) is sees, role


@pytest.mark.parametrize("role", ["convenor", "secretariat"])
def test_a_manager_builds_a_process_from_a_blank_space(client, space_with_roles, role):
    space, people = space_with_roles("public")
    client.force_login(people[role])
    page = client.get(url(space)).content.decode()
    assert "No phases yet." in page
    assert f'href="/en/spaces/{space.slug}/phases/new/"' in page
    assert f'href="/en/spaces/{space.slug}/seats/new/"' in page

    response = client.post(
        url(space, "phases/new/"),
        {**TITLE, "description_en": "Who *sits* where", "status": "planned", "planned_start": "2026-01-05"},
    )
    phase = space.phases.get()
    assert response["Location"] == url(space, f"phases/{phase.pk}/")
    assert phase.title == {"ar": "المرحلة الأولى", "en": "Phase one"}
    assert phase.planned_start == date(2026, 1, 5)

    client.post(
        url(space, f"phases/{phase.pk}/items/new/"),
        {
            "title_en": "Map the stakeholders",
            "owner_role": "secretariat",
            "owner": people["co_lead"].pk,
            "due_date": "2026-01-20",
            "status": "todo",
            "evidence_url": "https://example.org/map",
        },
    )
    item = phase.checklist.get()
    assert (item.title, item.owner_role, item.owner, item.due_date) == (
        {"en": "Map the stakeholders"},
        "secretariat",
        people["co_lead"],
        date(2026, 1, 20),
    )
    client.post(
        url(space, f"phases/{phase.pk}/outputs/new/"), {"title_en": "Stakeholder map", "progress": 10}
    )
    assert phase.outputs.get().progress == 10
    client.post(
        url(space, "seats/new/"),
        {
            "title_en": "Youth",
            "group_en": "Major groups",
            "category": "stakeholder_group",
            "suggested_role": "member",
        },
    )
    seat = space.seats.get()
    assert (seat.title, seat.group, seat.category, seat.suggested_role) == (
        {"en": "Youth"},
        {"en": "Major groups"},
        "stakeholder_group",
        "member",
    )
    page = client.get(url(space, f"phases/{phase.pk}/")).content.decode()
    assert "Map the stakeholders" in page and "Stakeholder map" in page


def test_a_blank_space_tells_its_members_nothing_they_cannot_do(client, space_with_roles):
    space, people = space_with_roles("public")
    client.force_login(people["member"])
    page = client.get(url(space)).content.decode()
    assert "No phases yet." in page
    assert "phases/new/" not in page and "seats/new/" not in page


def test_every_restructuring_is_audited(client, shaped):
    space, people, phase, item, output, seat = shaped
    other = PhaseFactory(space=space, order=1, key="two", title={"en": "Second phase"})
    client.force_login(people["secretariat"])
    client.post(url(space, "phases/new/"), {**TITLE, "status": "planned"})
    client.post(url(space, f"phases/{phase.pk}/edit/"), {"title_en": "Preparation", "status": "in_progress"})
    client.post(url(space, f"phases/{phase.pk}/move/"), {"direction": "down"})
    client.post(url(space, f"phases/{phase.pk}/items/new/"), {"title_en": "Second item", "status": "todo"})
    client.post(url(space, f"items/{item.pk}/"), {"title_en": "Send the invitations now", "status": "done"})
    client.post(url(space, f"items/{item.pk}/move/"), {"direction": "down"})
    client.post(url(space, f"items/{item.pk}/remove/"), {"confirm": "yes"})  # done: asked first
    client.post(url(space, f"phases/{phase.pk}/outputs/new/"), {"title_en": "Plan", "progress": 0})
    client.post(url(space, f"outputs/{output.pk}/"), {"title_en": "Baseline report", "progress": 50})
    client.post(url(space, f"outputs/{output.pk}/move/"), {"direction": "down"})
    client.post(url(space, f"outputs/{output.pk}/remove/"), {"confirm": "yes"})  # progress: asked first
    client.post(url(space, "seats/new/"), {"title_en": "Women", "category": "stakeholder_group"})
    client.post(
        url(space, f"seats/{seat.pk}/"), {"title_en": "Ministry of agriculture", "category": "government"}
    )
    client.post(url(space, f"seats/{seat.pk}/move/"), {"direction": "down"})
    client.post(url(space, f"seats/{seat.pk}/remove/"))
    client.post(url(space, f"phases/{other.pk}/remove/"))
    entries = AuditEntry.objects.filter(space=space, actor=people["secretariat"])
    assert set(entries.values_list("action", flat=True)) == {
        "phase.add",
        "phase.update",
        "phase.move",
        "phase.remove",
        "checklist.add",
        "checklist.update",
        "checklist.move",
        "checklist.remove",
        "output.add",
        "output.update",
        "output.move",
        "output.remove",
        "seat.add",
        "seat.update",
        "seat.move",
        "seat.remove",
    }
    title_change = entries.get(action="phase.update").data["changes"]["title"]
    assert title_change == ["First phase", "Preparation"]
    audit_page = client.get(url(space, "audit/")).content.decode()
    for label in ("Phase added", "Action item moved", "Expected output removed", "Seat changed"):
        assert label in audit_page


def test_a_co_lead_moves_the_work_on_but_cannot_rename_it(client, shaped):
    space, people, phase, item, output, _seat = shaped
    client.force_login(people["co_lead"])
    client.post(
        url(space, f"phases/{phase.pk}/edit/"),
        {"title_en": "Renamed", "status": "in_progress", "actual_start": "2026-02-01"},
    )
    client.post(
        url(space, f"items/{item.pk}/"), {"title_en": "Renamed", "owner_role": "member", "status": "done"}
    )
    client.post(url(space, f"outputs/{output.pk}/"), {"title_en": "Renamed", "progress": 40})
    phase.refresh_from_db(), item.refresh_from_db(), output.refresh_from_db()
    assert (phase.title["en"], phase.status, phase.actual_start) == (
        "First phase",
        "in_progress",
        date(2026, 2, 1),
    )
    assert (item.title, item.owner_role, item.status) == ({"en": "Send the invitations"}, "", "done")
    assert (output.title, output.progress) == ({"en": "Baseline report"}, 40)
    form = client.get(url(space, f"phases/{phase.pk}/edit/")).content.decode()
    assert 'name="title_en"' not in form


@pytest.mark.parametrize(
    ("tail", "data", "message"),
    [
        ("phases/new/", {"status": "planned"}, "Write this in at least one language."),
        (
            "phases/new/",
            {**TITLE, "status": "planned", "planned_start": "2026-05-10", "planned_end": "2026-05-01"},
            "A phase cannot end before it starts.",
        ),
        ("phases/new/", {**TITLE, "status": "finished"}, "Select a valid choice."),
        (
            "phases/{phase}/edit/",
            {"title_ar": " ", "status": "planned"},
            "Write this in at least one language.",
        ),
        (
            "phases/{phase}/items/new/",
            {"title_en": "  ", "status": "todo"},
            "Write this in at least one language.",
        ),
        (
            "phases/{phase}/items/new/",
            {"title_en": "x", "status": "todo", "evidence_url": "not a link"},
            "Enter a valid URL.",
        ),
        (
            "items/{item}/",
            {"title_en": "x", "status": "todo", "owner": "{outsider}"},
            "Select a valid choice.",
        ),
        ("outputs/{output}/", {"title_en": "x", "progress": 120}, "less than or equal to 100"),
        ("phases/{phase}/outputs/new/", {"progress": 0}, "Write this in at least one language."),
        ("seats/new/", {"title_en": "Youth", "category": "everyone"}, "Select a valid choice."),
        ("seats/{seat}/", {"title_en": "", "category": "other"}, "Write this in at least one language."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(client, shaped, tail, data, message):
    space, people, phase, item, output, seat = shaped
    ids = {"phase": phase.pk, "item": item.pk, "output": output.pk, "seat": seat.pk}
    data = {k: (people["outsider"].pk if v == "{outsider}" else v) for k, v in data.items()}
    before = structure(space), list(Phase.objects.values()), list(ChecklistItem.objects.values())
    client.force_login(people["convenor"])
    response = client.post(url(space, tail.format(**ids)), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (structure(space), list(Phase.objects.values()), list(ChecklistItem.objects.values())) == before
    assert not AuditEntry.objects.filter(space=space).exists()


def test_an_item_owner_must_be_a_member_even_when_the_service_is_called_directly(shaped):
    space, people, phase, item, *_rest = shaped
    with pytest.raises(services.ValidationError):
        services.checklist_item_add(
            phase=phase, actor=people["convenor"], title={"en": "x"}, owner=people["outsider"]
        )
    assert phase.checklist.count() == 1


def test_reordering_phases_items_outputs_and_seats(client, space_with_roles):
    space, people = space_with_roles("public")
    phases = [
        PhaseFactory(space=space, order=0, title={"en": f"P{n}"}) for n in range(3)
    ]  # same order number
    items = [ChecklistItem.objects.create(phase=phases[0], order=n, title={"en": f"I{n}"}) for n in range(3)]
    seats = [
        Seat.objects.create(space=space, order=n, title={"en": f"S{n}"}, category="other") for n in range(2)
    ]
    client.force_login(people["convenor"])

    def titles(queryset):
        return [row.title["en"] for row in queryset.order_by("order", "id")]

    assert client.post(url(space, f"phases/{phases[2].pk}/move/"), {"direction": "up"}).status_code == 302
    assert titles(space.phases) == ["P0", "P2", "P1"]
    client.post(url(space, f"items/{items[0].pk}/move/"), {"direction": "down"})
    assert titles(phases[0].checklist) == ["I1", "I0", "I2"]
    client.post(url(space, f"seats/{seats[1].pk}/move/"), {"direction": "up"})
    assert titles(space.seats) == ["S1", "S0"]
    # At an end, or with a nonsense direction, nothing moves and nothing is recorded.
    moves = AuditEntry.objects.filter(action__endswith=".move").count()
    client.post(url(space, f"phases/{phases[0].pk}/move/"), {"direction": "up"})
    client.post(url(space, f"items/{items[2].pk}/move/"), {"direction": "down"})
    client.post(url(space, f"seats/{seats[0].pk}/move/"), {"direction": "sideways"})
    assert titles(space.phases) == ["P0", "P2", "P1"]
    assert titles(phases[0].checklist) == ["I1", "I0", "I2"]
    assert titles(space.seats) == ["S1", "S0"]
    assert AuditEntry.objects.filter(action__endswith=".move").count() == moves
    assert client.get(url(space, f"phases/{phases[0].pk}/move/")).status_code == 405


def test_removing_a_phase_with_items_asks_for_confirmation_first(client, shaped):
    space, people, phase, item, output, _seat = shaped
    later = PhaseFactory(
        space=space, order=1, key="two", rules=[{"kind": "after", "amount": 1, "other": "one"}]
    )
    client.force_login(people["convenor"])
    confirm_page = client.get(url(space, f"phases/{phase.pk}/remove/"))
    assert "This phase has 1 action item." in confirm_page.content.decode()
    # Posting without the confirmation (a crafted form) shows the same page and removes nothing.
    response = client.post(url(space, f"phases/{phase.pk}/remove/"))
    assert response.status_code == 200 and "They are removed with it" in response.content.decode()
    assert Phase.objects.filter(pk=phase.pk).exists()

    response = client.post(url(space, f"phases/{phase.pk}/remove/"), {"confirm": "yes"})
    assert response["Location"] == url(space)
    assert not Phase.objects.filter(pk=phase.pk).exists()
    assert not ChecklistItem.objects.filter(pk=item.pk).exists()
    assert not ExpectedOutput.objects.filter(pk=output.pk).exists()
    later.refresh_from_db()
    assert later.rules == []  # a rule naming the removed phase would name nothing
    entry = AuditEntry.objects.get(action="phase.remove")
    assert (entry.target, entry.data["items"], entry.data["outputs"]) == ("First phase", 1, 1)


def test_an_empty_phase_is_removed_at_once(client, space_with_roles):
    space, people = space_with_roles("public")
    phase = PhaseFactory(space=space)
    client.force_login(people["secretariat"])
    assert client.post(url(space, f"phases/{phase.pk}/remove/")).status_code == 302
    assert not space.phases.exists()


def test_a_phase_of_another_space_cannot_be_touched(client, shaped):
    space, people, *_rest = shaped
    foreign = PhaseFactory(space=SpaceFactory())
    foreign_item = ChecklistItem.objects.create(phase=foreign, title={"en": "x"})
    client.force_login(people["convenor"])
    assert client.post(url(space, f"phases/{foreign.pk}/remove/"), {"confirm": "yes"}).status_code == 404
    assert client.post(url(space, f"items/{foreign_item.pk}/remove/")).status_code == 404
    assert client.post(url(space, f"phases/{foreign.pk}/items/new/"), {"title_en": "x"}).status_code == 404
    assert Phase.objects.filter(pk=foreign.pk).exists() and foreign.checklist.count() == 1


# Late phases ---------------------------------------------------------------------------------------------


def test_a_phase_past_its_planned_end_and_not_done_is_flagged_late(client, space_with_roles):
    space, people = space_with_roles("public")
    today = timezone.localdate()
    late = PhaseFactory(
        space=space,
        order=0,
        title={"en": "Phase 1"},
        status="in_progress",
        planned_start=today - timedelta(days=60),
        planned_end=today - timedelta(days=10),
    )
    done = PhaseFactory(
        space=space, order=1, title={"en": "Phase 0"}, status="done", planned_end=today - timedelta(days=90)
    )
    on_time = PhaseFactory(space=space, order=2, title={"en": "Phase 2"}, planned_end=today)
    client.force_login(people["observer"])
    page = client.get(url(space)).content.decode()
    assert page.count('class="badge late"') == 1
    late_block = page[page.index("Phase 1") : page.index("Phase 0")]
    assert "Late" in late_block
    phase_page = client.get(url(space, f"phases/{late.pk}/")).content.decode()
    assert "Late" in phase_page and "was planned to end on" in phase_page
    for phase in (done, on_time):
        assert 'class="badge late"' not in client.get(url(space, f"phases/{phase.pk}/")).content.decode()
    arabic = client.get(f"/ar/spaces/{space.slug}/phases/{late.pk}/")
    assert arabic.status_code == 200 and 'class="badge late"' in arabic.content.decode()


# Members at scale ----------------------------------------------------------------------------------------


def test_the_members_page_is_paginated_and_searchable(client, space_with_roles):
    space, people = space_with_roles("public")
    unicef = OrganisationFactory(name="UNICEF Jordan")
    for n in range(55):
        member = UserFactory(name=f"Person {n:02d}")
        MembershipFactory(space=space, user=member)
    shown = UserFactory(name="Layla Haddad")
    shown.profile.organisation = unicef
    shown.profile.save()
    hidden = UserFactory(name="Omar Nasser")
    hidden.profile.organisation = unicef
    hidden.profile.visibility = {"organisation": "private"}
    hidden.profile.save()
    for person in (shown, hidden):
        MembershipFactory(space=space, user=person)
    phase = PhaseFactory(space=space)
    ChecklistItem.objects.create(phase=phase, title={"en": "a"}, owner=shown)
    ChecklistItem.objects.create(phase=phase, title={"en": "b"}, owner=shown, status="done")

    client.force_login(people["member"])
    first = client.get(url(space, "members/")).content.decode()
    assert first.count("<tr>") - 1 == 50  # the header row, then 50 members
    assert "63 members" in first and "Page 1 of 2" in first
    assert client.get(url(space, "members/?page=2")).content.decode().count("<tr>") - 1 == 13

    by_name = client.get(url(space, "members/?q=layla")).content.decode()
    assert "Layla Haddad" in by_name and "Person 01" not in by_name
    assert "1 member matches" in by_name
    # One open item (the done one does not count).
    assert "<td>Layla Haddad</td>" in by_name and "<td>1</td>" in by_name
    by_organisation = client.get(url(space, "members/?q=unicef")).content.decode()
    assert "Layla Haddad" in by_organisation
    assert "Omar Nasser" not in by_organisation  # his organisation is hidden from members
    nothing = client.get(url(space, "members/?q=nobody-like-this")).content.decode()
    assert "No member matches this search." in nothing

    client.force_login(people["convenor"])  # managers see every organisation, so they find him by it
    assert "Omar Nasser" in client.get(url(space, "members/?q=unicef")).content.decode()


def test_members_page_keeps_a_flat_query_count_as_it_grows(client, space_with_roles):
    space, people = space_with_roles("public")
    phase = PhaseFactory(space=space)
    client.force_login(people["convenor"])

    def grow_and_count(k):
        for _n in range(k):
            member = UserFactory()
            member.profile.organisation = OrganisationFactory()
            member.profile.save()
            MembershipFactory(space=space, user=member)
            ChecklistItem.objects.create(phase=phase, title={"en": "x"}, owner=member)
        counts = []
        for path in (url(space, "members/"), url(space, "members/?q=منظمة")):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            counts.append(len(queries))
        return counts

    assert grow_and_count(2) == grow_and_count(40)


# Saving a space as a template -----------------------------------------------------------------------------


def _normal_phase(spec):
    return {
        "key": spec["key"],
        "title": spec["title"],
        "description": spec.get("description") or {},
        "start_offset_weeks": spec.get("start_offset_weeks"),  # none: an ongoing, undated phase
        "duration_weeks": spec.get("duration_weeks"),
        "checklist": [
            {
                "title": i["title"],
                "owner_role": i.get("owner_role", ""),
                "due_offset_weeks": i.get("due_offset_weeks"),
            }
            for i in spec.get("checklist", [])
        ],
        "outputs": [o["title"] for o in spec.get("outputs", [])],
        "topics": [(t["number"], t["title"], t.get("questions", [])) for t in spec.get("topics", [])],
        "rules": spec.get("rules", []),
    }


def _normal_seat(spec):
    return (
        spec.get("key", ""),
        spec.get("group") or {},
        spec.get("category", "other"),
        spec["title"],
        spec.get("suggested_role", ""),
    )


@pytest.mark.parametrize("key", sorted(all_blueprints()))
def test_a_space_saved_as_a_template_loads_back_as_the_template_it_came_from(client, user, tmp_path, key):
    seed = all_blueprints()[key]
    space = services.space_create(
        title={"ar": "مساحة", "en": "A space"}, created_by=user, template_key=key, start_date=date(2026, 1, 5)
    )
    client.force_login(user)
    response = client.get(url(space, "template.yaml"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{space.slug}.yaml"'
    path = tmp_path / f"{space.slug}.yaml"
    path.write_bytes(response.content)

    loaded = load_blueprint(path)
    assert (loaded.key, loaded.kind, loaded.title) == (space.slug, space.kind, space.title)
    assert loaded.description == seed.description
    assert [_normal_phase(p) for p in loaded.phases] == [_normal_phase(p) for p in seed.phases]
    assert [_normal_seat(s) for s in loaded.seats] == [_normal_seat(s) for s in seed.seats]


def test_an_edited_space_round_trips_to_the_same_dates(user, tmp_path):
    space = services.space_create(title={"ar": "مساحة"}, created_by=user, start_date=date(2026, 1, 5))
    first = services.phase_add(
        space=space,
        actor=user,
        title={"ar": "التحضير"},  # Arabic only: the template borrows it for the English it needs
        planned_start=date(2026, 1, 14),
        planned_end=date(2026, 1, 23),
    )
    services.checklist_item_add(phase=first, actor=user, title={"ar": "بند"}, due_date=date(2026, 1, 16))
    services.phase_add(space=space, actor=user, title={"en": "Undated"})
    services.seat_add(space=space, actor=user, title={"en": "Youth"}, category="stakeholder_group")
    path = tmp_path / "edited.yaml"
    path.write_text(export_blueprint(space), encoding="utf-8")
    blueprint = load_blueprint(path)
    assert blueprint.phases[0]["title"] == {"ar": "التحضير", "en": "التحضير"}

    copy = SpaceFactory(start_date=date(2026, 1, 5))
    apply_blueprint(copy, blueprint)
    phases = list(copy.phases.order_by("order"))
    assert (phases[0].planned_start, phases[0].planned_end) == (date(2026, 1, 14), date(2026, 1, 23))
    assert phases[0].checklist.get().due_date == date(2026, 1, 16)
    assert (phases[1].planned_start, phases[1].planned_end) == (None, None)
    assert copy.seats.get().category == "stakeholder_group"


def test_a_manager_gives_an_item_a_section_and_marks_a_seat_optional(client, user):
    space = services.space_create(title={"en": "Process"}, created_by=user)
    phase = services.phase_add(space=space, actor=user, title={"en": "Preparation"})
    item = services.checklist_item_add(phase=phase, actor=user, title={"en": "Collect data"})
    seat = services.seat_add(space=space, actor=user, title={"en": "Youth"}, category="stakeholder_group")
    client.force_login(user)
    data = {"title_en": "Collect data", "section_en": "Baseline assessment", "status": "todo"}
    assert client.post(f"/en/spaces/{space.slug}/items/{item.pk}/", data).status_code == 302
    item.refresh_from_db()
    assert item.section == {"en": "Baseline assessment"}
    seat_data = {"title_en": "Youth", "category": "stakeholder_group", "optional": "on"}
    assert client.post(f"/en/spaces/{space.slug}/seats/{seat.pk}/", seat_data).status_code == 302
    seat.refresh_from_db()
    assert seat.optional
    assert space.audit_entries.filter(action="seat.update").exists()


def test_action_items_stay_under_their_section_heading(user):
    """A new item joins the end of its section; moving an item never carries it into another section."""
    space = services.space_create(title={"en": "Process"}, created_by=user)
    phase = services.phase_add(space=space, actor=user, title={"en": "Phase 1"})
    baseline, plan = {"en": "Baseline assessment"}, {"en": "Plan"}
    first = services.checklist_item_add(
        phase=phase, actor=user, title={"en": "Collect data"}, section=baseline
    )
    services.checklist_item_add(phase=phase, actor=user, title={"en": "Design"}, section=plan)
    services.checklist_item_add(phase=phase, actor=user, title={"en": "Summarise"}, section=baseline)
    titles = [item.title["en"] for item in phase.checklist.order_by("order", "id")]
    assert titles == ["Collect data", "Summarise", "Design"]
    design = phase.checklist.get(title__en="Design")
    services.checklist_item_move(item=design, actor=user, direction="up")  # would cross into "Baseline"
    assert [i.title["en"] for i in phase.checklist.order_by("order", "id")] == titles
    services.checklist_item_move(item=first, actor=user, direction="down")
    assert [i.title["en"] for i in phase.checklist.order_by("order", "id")] == [
        "Summarise",
        "Collect data",
        "Design",
    ]


def test_a_space_saved_as_a_template_keeps_its_recurring_meetings(user, tmp_path):
    from hiwar.events.models import Series

    space = services.space_create(
        title={"en": "Jordan"}, created_by=user, template_key="convergence-dialogue", country="JO",
        start_date=date(2026, 9, 7),
    )  # fmt: skip
    path = tmp_path / "saved.yaml"
    path.write_text(export_blueprint(space), encoding="utf-8")
    blueprint = load_blueprint(path)
    (meeting,) = blueprint.meetings
    assert (meeting["rule"], meeting["count"], meeting["time"]) == ("FREQ=MONTHLY;INTERVAL=2", 6, "11:00")
    copy = services.space_create(
        title={"en": "Copy"}, created_by=user, country="JO", start_date=date(2027, 1, 4)
    )
    apply_blueprint(copy, blueprint)
    original, copied = Series.objects.get(space=space), Series.objects.get(space=copy)
    assert copied.occurrences.count() == original.occurrences.count() == 6
    assert (copied.first_start.date() - date(2027, 1, 4)) == (original.first_start.date() - date(2026, 9, 7))


def test_removing_a_held_seat_or_a_done_item_asks_first(client, user):
    member = UserFactory(name="Rana")
    space = services.space_create(title={"en": "Process"}, created_by=user)
    membership = services.membership_add(space=space, user=member)
    seat = services.seat_add(space=space, actor=user, title={"en": "Youth"}, category="stakeholder_group")
    services.seat_assign(seat=seat, membership=membership, actor=user)
    phase = services.phase_add(space=space, actor=user, title={"en": "Phase"})
    done = services.checklist_item_add(phase=phase, actor=user, title={"en": "Baseline"}, status="done")
    fresh = services.checklist_item_add(phase=phase, actor=user, title={"en": "Draft"})
    client.force_login(user)
    for path in (f"seats/{seat.pk}/remove/", f"items/{done.pk}/remove/"):
        page = client.post(url(space, path))  # a plain click: the confirmation page, nothing removed
        assert page.status_code == 200 and 'name="confirm" value="yes"' in page.content.decode()
    assert (
        "Rana holds this seat."
        in client.get("/en" + url(space, f"seats/{seat.pk}/remove/")[3:]).content.decode()
    )
    assert space.seats.filter(pk=seat.pk).exists() and phase.checklist.filter(pk=done.pk).exists()
    client.post(url(space, f"seats/{seat.pk}/remove/"), {"confirm": "yes"})
    client.post(url(space, f"items/{done.pk}/remove/"), {"confirm": "yes"})
    assert not space.seats.filter(pk=seat.pk).exists() and not phase.checklist.filter(pk=done.pk).exists()
    # An empty, fresh item goes at once.
    assert client.post(url(space, f"items/{fresh.pk}/remove/")).status_code == 302
    assert not phase.checklist.filter(pk=fresh.pk).exists()
