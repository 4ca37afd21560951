"""Who may know of a space and who may see its content: each rule once, as a predicate for one object
(`has_perm`) and as a queryset for lists, the API, feeds, search, exports and e-mail recipients.

The two faces of a rule sit side by side and are tested for parity over every role, visibility and
membership state (tests/spaces/test_access.py). A new channel uses these; it never writes a filter.
"""

import rules
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from hiwar.spaces.models import Membership, Space, SpaceVisibility
from hiwar.spaces.predicates import is_member, is_site_admin

OPEN_TO_KNOW = (SpaceVisibility.PUBLIC, SpaceVisibility.MEMBERS)


def _authenticated(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def _superuser(user) -> bool:
    return _authenticated(user) and user.is_superuser


def _member_space_ids(user):
    return Membership.objects.filter(user=user).values("space_id")


# Knowing a space exists: public and members-only spaces, closed ones one belongs to.
@rules.predicate
def can_know_space(user, space) -> bool:
    return space is not None and (
        space.visibility in OPEN_TO_KNOW or bool(is_member(user, space)) or bool(is_site_admin(user))
    )


def spaces_known_to(user) -> QuerySet[Space]:
    spaces = Space.objects.all()
    if _superuser(user):
        return spaces
    if _authenticated(user):
        return spaces.filter(Q(visibility__in=OPEN_TO_KNOW) | Q(id__in=_member_space_ids(user)))
    return spaces.filter(visibility__in=OPEN_TO_KNOW)


# Seeing a space's content (description, phases, events, members' work): public spaces and one's own.
@rules.predicate
def can_view_space(user, space) -> bool:
    return space is not None and (
        space.visibility == SpaceVisibility.PUBLIC
        or bool(is_member(user, space))
        or bool(is_site_admin(user))
    )


def spaces_viewable_by(user) -> QuerySet[Space]:
    spaces = Space.objects.all()
    if _superuser(user):
        return spaces
    if _authenticated(user):
        return spaces.filter(Q(visibility=SpaceVisibility.PUBLIC) | Q(id__in=_member_space_ids(user)))
    return spaces.filter(visibility=SpaceVisibility.PUBLIC)


def users_who_may_view(space: Space) -> QuerySet:
    """The people who may see the space's content: for choosing e-mail recipients among a list."""
    # Deactivated accounts stay in (as in the rule): deactivating must not silently give up their
    # places; mail to them is held back where it is sent (core/tasks.py).
    users = get_user_model().objects.all()
    if space.visibility == SpaceVisibility.PUBLIC:
        return users
    return users.filter(Q(memberships__space=space) | Q(is_superuser=True)).distinct()
