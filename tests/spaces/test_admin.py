from hiwar.core.models import AuditEntry
from hiwar.spaces.models import Membership
from tests.factories import PhaseFactory, UserFactory


def test_admin_pages_are_rtl_in_arabic(admin_client, make_space):
    space = make_space()
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
    actions = set(AuditEntry.objects.filter(actor=admin_user).values_list("action", flat=True))
    assert {"space.admin_change", "membership.admin_change"} <= actions

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
