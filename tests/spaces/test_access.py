"""One access vocabulary: the rule for one space and the queryset for many always agree.

Every role, visibility and membership state; a filter widened or narrowed anywhere fails here.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from hiwar.spaces import services
from hiwar.spaces.access import spaces_known_to, spaces_viewable_by, users_who_may_view
from hiwar.spaces.models import Membership
from tests.conftest import ROLES
from tests.factories import UserFactory

VISIBILITIES = ["public", "members", "closed"]
STATES = [
    "anonymous",
    "outsider",
    "unverified",
    "staff",
    "invited",
    "left",
    "superuser",
    "deactivated",
    *ROLES,
]


@pytest.fixture
def world(db, make_space):
    """Three spaces (one per visibility) and one person in each state towards all of them."""
    people = {state: UserFactory(name=state) for state in STATES if state != "anonymous"}
    people["unverified"].email_verified = False
    people["unverified"].save()
    people["staff"].is_staff = True
    people["staff"].save()
    people["superuser"].is_superuser = True
    people["superuser"].save()
    people["deactivated"].is_active = False  # a member whose account an administrator suspended
    people["deactivated"].save()
    spaces = {}
    for visibility in VISIBILITIES:
        members = [(people[role], role) for role in ROLES] + [(people["deactivated"], "member")]
        space = make_space(visibility=visibility, members=members)
        services.invitation_create(
            space=space, email=people["invited"].email, role="member", invited_by=people["convenor"]
        )
        membership = services.membership_add(space=space, user=people["left"], role="member")
        services.membership_remove(membership=membership, actor=people["left"])
        spaces[visibility] = space
    people["anonymous"] = AnonymousUser()
    return spaces, people


@pytest.mark.parametrize("perm, queryset", [("spaces.see_space", spaces_known_to), ("spaces.view_space", spaces_viewable_by)])  # fmt: skip
def test_the_rule_and_the_queryset_agree_for_everyone(world, perm, queryset):
    spaces, people = world
    for state, person in people.items():
        listed = set(queryset(person).values_list("pk", flat=True))
        for visibility, space in spaces.items():
            allowed = person.has_perm(perm, space)
            assert allowed == (space.pk in listed), (perm, state, visibility)


def test_the_people_who_may_view_agree_with_the_rule(world):
    spaces, people = world
    for space in spaces.values():
        viewers = set(users_who_may_view(space).values_list("pk", flat=True))
        for state, person in people.items():
            if state == "anonymous":
                continue
            assert person.has_perm("spaces.view_space", space) == (person.pk in viewers), (
                state,
                space.visibility,
            )


@pytest.mark.parametrize(
    "state, visibility, knows, sees",
    [
        ("anonymous", "public", True, True),
        ("anonymous", "members", True, False),
        ("anonymous", "closed", False, False),
        ("outsider", "members", True, False),
        ("outsider", "closed", False, False),
        ("invited", "closed", False, False),
        ("left", "closed", False, False),
        ("left", "members", True, False),
        ("staff", "closed", False, False),
        ("observer", "closed", True, True),
        ("superuser", "closed", True, True),
    ],
)
def test_what_each_state_may_know_and_see(world, state, visibility, knows, sees):
    """The expected answers themselves, so that the rule and the queryset cannot drift together."""
    spaces, people = world
    assert people[state].has_perm("spaces.see_space", spaces[visibility]) is knows
    assert people[state].has_perm("spaces.view_space", spaces[visibility]) is sees
    assert Membership.objects.filter(user=people["left"]).count() == 0
