"""Who may do what in a space. Membership is looked up once per (request, space) and cached on the space."""

import rules

from hiwar.spaces.models import LEAD_ROLES, MANAGER_ROLES, Membership, SpaceVisibility


def membership_of(user, space) -> Membership | None:
    if user is None or not user.is_authenticated or space is None:
        return None
    cache = space.__dict__.setdefault("_membership_cache", {})
    if user.pk not in cache:
        cache[user.pk] = Membership.objects.filter(space=space, user=user).first()
    return cache[user.pk]


@rules.predicate
def is_site_admin(user):
    return bool(user and user.is_authenticated and user.is_superuser)


@rules.predicate
def is_verified(user):
    return bool(user and user.is_authenticated and user.email_verified)


@rules.predicate
def is_member(user, space):
    return membership_of(user, space) is not None


@rules.predicate
def is_manager(user, space):
    membership = membership_of(user, space)
    return membership is not None and membership.role in MANAGER_ROLES


@rules.predicate
def is_lead(user, space):
    membership = membership_of(user, space)
    return membership is not None and membership.role in LEAD_ROLES


@rules.predicate
def is_public(user, space):
    return space is not None and space.visibility == SpaceVisibility.PUBLIC


@rules.predicate
def is_members_only(user, space):
    return space is not None and space.visibility == SpaceVisibility.MEMBERS
