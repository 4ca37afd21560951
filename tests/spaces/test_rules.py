"""One check per role × visibility for each named permission (more negative than positive cases)."""

import pytest
from django.contrib.auth.models import AnonymousUser

MANAGERS = {"convenor", "secretariat", "admin"}
LEADS = MANAGERS | {"co_lead"}
MEMBERS = {"convenor", "secretariat", "co_lead", "facilitator", "member", "observer"}
EVERYONE = MEMBERS | {"outsider", "admin", "anonymous"}

EXPECTED = {
    # permission: visibility -> who holds it
    "spaces.see_space": {
        "public": EVERYONE,
        "members": EVERYONE,
        "closed": MEMBERS | {"admin"},
    },
    "spaces.view_space": {
        "public": EVERYONE,
        "members": MEMBERS | {"admin"},
        "closed": MEMBERS | {"admin"},
    },
    "spaces.view_members": {v: MEMBERS | {"admin"} for v in ("public", "members", "closed")},
    "spaces.manage_space": {v: MANAGERS for v in ("public", "members", "closed")},
    "spaces.update_progress": {v: LEADS for v in ("public", "members", "closed")},
    "spaces.view_audit_log": {v: MANAGERS for v in ("public", "members", "closed")},
    "spaces.request_join": {"public": set(), "members": {"outsider", "admin"}, "closed": set()},
    "spaces.join_public": {"public": {"outsider", "admin"}, "members": set(), "closed": set()},
}


@pytest.mark.parametrize("visibility", ["public", "members", "closed"])
@pytest.mark.parametrize("permission", sorted(EXPECTED))
def test_permission_by_role_and_visibility(space_with_roles, visibility, permission):
    space, people = space_with_roles(visibility)
    people["anonymous"] = AnonymousUser()
    holders = {name for name, person in people.items() if person.has_perm(permission, space)}
    # Django gives an active superuser every permission; the site admin is the platform's operator.
    assert holders == EXPECTED[permission][visibility] | {"admin"}


def test_unverified_outsider_cannot_request_to_join(space_with_roles, unverified_user):
    space, _people = space_with_roles("members")
    assert not unverified_user.has_perm("spaces.request_join", space)
    assert not unverified_user.has_perm("spaces.create_space")


def test_only_verified_people_create_spaces(user, unverified_user):
    assert user.has_perm("spaces.create_space")
    assert not unverified_user.has_perm("spaces.create_space")
    assert not AnonymousUser().has_perm("spaces.create_space")
