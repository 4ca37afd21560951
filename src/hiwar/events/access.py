"""Who may see an event, and who may see where it happens: each rule as a predicate for one event and
as a queryset for lists, the API, calendars and e-mail recipients, side by side (see spaces/access.py).

Parity over every role, visibility and state is tested in tests/events/test_access.py.
"""

import rules
from django.db.models import Q, QuerySet

from hiwar.events.models import Event, Registration
from hiwar.spaces.access import can_view_space, spaces_viewable_by, users_who_may_view
from hiwar.spaces.models import LEAD_ROLES, Membership
from hiwar.spaces.predicates import is_site_admin, membership_of


# Seeing an event: whoever may see its space's content.
@rules.predicate
def can_view_event(user, event) -> bool:
    return bool(can_view_space(user, event.space))


def events_visible_to(user) -> QuerySet[Event]:
    return Event.objects.select_related("space").filter(space_id__in=spaces_viewable_by(user).values("id"))


def registrations_seen_by_their_people(event: Event) -> QuerySet[Registration]:
    """Registrations of people who may still see the event: whom its e-mails may reach."""
    return event.registrations.filter(user__in=users_who_may_view(event.space).values("id"))


# Venue and online link: confirmed participants and the space's leads, among those who see the event.
@rules.predicate
def is_confirmed_registrant(user, event) -> bool:
    if not user.is_authenticated:
        return False
    cache = event.__dict__.setdefault("_registration_cache", {})
    if user.pk not in cache:
        cache[user.pk] = Registration.objects.filter(event=event, user=user).first()
    registration = cache[user.pk]
    return registration is not None and registration.status == Registration.Status.CONFIRMED


@rules.predicate
def is_organiser(user, event) -> bool:
    membership = membership_of(user, event.space)
    return membership is not None and membership.role in LEAD_ROLES


can_see_logistics = (can_view_event & (is_confirmed_registrant | is_organiser)) | is_site_admin


def events_with_logistics_for(user) -> QuerySet[Event]:
    if not user.is_authenticated:
        return Event.objects.none()
    if user.is_superuser:
        return Event.objects.all()
    confirmed = Registration.objects.filter(user=user, status=Registration.Status.CONFIRMED).values(
        "event_id"
    )
    led = Membership.objects.filter(user=user, role__in=LEAD_ROLES).values("space_id")
    return events_visible_to(user).filter(Q(id__in=confirmed) | Q(space_id__in=led))
