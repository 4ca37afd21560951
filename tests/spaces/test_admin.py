import pytest

from hiwar.core.models import AuditEntry
from hiwar.spaces.models import Membership, Role, Seat
from tests.factories import PhaseFactory, UserFactory


def test_admin_pages_are_rtl_in_arabic(admin_client, make_space):
    space = make_space()
    PhaseFactory(space=space)  # shown read-only, linked to its own page
    response = admin_client.get(f"/ar/admin/spaces/space/{space.pk}/change/")
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()


def test_role_and_phase_changes_in_the_admin_are_audited(admin_client, admin_user, make_space):
    member = UserFactory()
    space = make_space(members=[(member, "member")])
    membership = Membership.objects.get(space=space)
    data = {
        "slug": space.slug,
        "title": '{"en": "Space"}',
        "description": "{}",
        "kind": "process",
        "visibility": "closed",
        "country": "",
        "region": "",
        "template_key": "",
        "start_date": "",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-0-id": str(membership.pk),
        "memberships-0-space": str(space.pk),
        "memberships-0-user": str(member.pk),
        "memberships-0-role": "facilitator",
        "memberships-0-wants_announcements": "on",
        "phases-TOTAL_FORMS": "0",
        "phases-INITIAL_FORMS": "0",
    }
    response = admin_client.post(f"/en/admin/spaces/space/{space.pk}/change/", data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    # The admin goes through the services, so the entries are the pages' own.
    actions = set(AuditEntry.objects.filter(actor=admin_user).values_list("action", flat=True))
    assert {"space.visibility", "membership.role"} <= actions

    phase = PhaseFactory(space=space)
    admin_client.post(
        f"/en/admin/spaces/phase/{phase.pk}/change/",
        {
            "space": space.pk,
            "order": 0,
            "key": "",
            "title": '{"en": "Phase"}',
            "description": "{}",
            "status": "done",
            "rules": "[]",
            "checklist-TOTAL_FORMS": "0",
            "checklist-INITIAL_FORMS": "0",
            "outputs-TOTAL_FORMS": "0",
            "outputs-INITIAL_FORMS": "0",
        },
    )
    entry = AuditEntry.objects.get(action="phase.admin_change")
    assert (entry.actor, entry.data["changes"]) == (admin_user, {"status": "done"})


def space_form(space, rows, **changes):
    """The admin change form of `space`: `rows` are (membership or None, user, role, delete)."""
    data = {
        "title": '{"en": "Space"}',
        "description": "{}",
        "kind": space.kind,
        "visibility": space.visibility,
        "country": "",
        "region": "",
        "start_date": "",
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": str(sum(1 for m, *_ in rows if m)),
        "phases-TOTAL_FORMS": "0",
        "phases-INITIAL_FORMS": "0",
        **changes,
    }
    for i, (membership, user, role, delete) in enumerate(rows):
        prefix = f"memberships-{i}-"
        data |= {prefix + "space": str(space.pk), prefix + "user": str(user.pk), prefix + "role": role}
        if membership:
            data[prefix + "id"] = str(membership.pk)
        if delete:
            data[prefix + "DELETE"] = "on"
    return data


@pytest.fixture
def managed_space(make_space):
    convenor, member = UserFactory(name="convenor"), UserFactory(name="member")
    space = make_space(members=[(convenor, Role.CONVENOR), (member, Role.MEMBER)])
    return space, Membership.objects.get(user=convenor), Membership.objects.get(user=member)


def change(admin_client, space, data):
    return admin_client.post(f"/en/admin/spaces/space/{space.pk}/change/", data)


@pytest.mark.parametrize("how", ["demote", "remove"])
def test_the_admin_cannot_take_away_the_last_manager(admin_client, managed_space, how):
    space, convenor, member = managed_space
    rows = [
        (convenor, convenor.user, "member" if how == "demote" else "convenor", how == "remove"),
        (member, member.user, "member", False),
    ]
    response = change(admin_client, space, space_form(space, rows))
    assert response.status_code == 200
    assert "A space needs at least one convenor or secretariat member." in response.content.decode()
    assert Membership.objects.get(pk=convenor.pk).role == Role.CONVENOR
    assert not AuditEntry.objects.filter(action__startswith="membership.").exists()


def test_the_admin_hands_over_the_space_in_one_save(admin_client, admin_user, managed_space):
    space, convenor, member = managed_space
    rows = [(convenor, convenor.user, "convenor", True), (member, member.user, "secretariat", False)]
    assert change(admin_client, space, space_form(space, rows)).status_code == 302
    assert list(space.memberships.values_list("user__name", "role")) == [("member", "secretariat")]
    entries = AuditEntry.objects.filter(actor=admin_user).values_list("action", "target")
    assert set(entries) == {("membership.role", "member"), ("membership.remove", "convenor")}


def test_a_member_added_in_the_admin_is_audited(admin_client, admin_user, managed_space):
    space, convenor, member = managed_space
    newcomer = UserFactory(name="newcomer")
    rows = [
        (convenor, convenor.user, "convenor", False),
        (member, member.user, "member", False),
        (None, newcomer, "observer", False),
    ]
    assert change(admin_client, space, space_form(space, rows)).status_code == 302
    assert Membership.objects.get(space=space, user=newcomer).role == Role.OBSERVER
    entry = AuditEntry.objects.get(action="membership.add")
    assert (entry.actor, entry.target) == (admin_user, "newcomer")


def test_the_admin_cannot_move_a_membership_to_another_person(admin_client, managed_space):
    space, convenor, member = managed_space
    rows = [(convenor, convenor.user, "convenor", False), (member, UserFactory(), "member", False)]
    assert change(admin_client, space, space_form(space, rows)).status_code == 302
    assert Membership.objects.get(pk=member.pk).user == member.user


def test_seats_are_assigned_through_the_service(admin_client, admin_user, managed_space, make_space):
    space, convenor, member = managed_space
    seat = Seat.objects.create(space=space, category="government", title={"en": "Ministry"})
    url = f"/en/admin/spaces/seat/{seat.pk}/change/"
    data = {"order": 0, "key": "", "group": "{}", "category": "government", "title": '{"en": "Ministry"}'}
    data |= {"suggested_role": ""}
    stranger = Membership.objects.get(space=make_space(members=[(UserFactory(), Role.MEMBER)]))

    response = admin_client.post(url, {**data, "membership": stranger.pk})
    assert response.status_code == 200
    seat.refresh_from_db()
    assert seat.membership is None

    assert admin_client.post(url, {**data, "membership": member.pk}).status_code == 302
    seat.refresh_from_db()
    assert seat.membership == member
    entry = AuditEntry.objects.get(action="seat.assign")
    assert (entry.actor, entry.data["holder"]) == (admin_user, "member")


def test_invitations_and_join_requests_are_read_only_in_the_admin(admin_client, managed_space):
    assert admin_client.get("/en/admin/spaces/invitation/add/").status_code == 403
    assert admin_client.get("/en/admin/spaces/joinrequest/add/").status_code == 403
    assert admin_client.get("/en/admin/spaces/space/add/").status_code == 403
