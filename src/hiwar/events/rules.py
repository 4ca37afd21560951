"""Named permissions of events. The object is the event; space roles decide, as for spaces.

Seeing an event and its logistics are defined in events/access.py beside their querysets."""

import rules

from hiwar.events.access import can_see_logistics, can_view_event, is_organiser
from hiwar.events.models import MinutesAccessRequest, MinutesVisibility, RegistrationMode
from hiwar.spaces.predicates import is_lead, is_site_admin, is_verified, membership_of


@rules.predicate
def is_space_member(user, event):
    return membership_of(user, event.space) is not None


@rules.predicate
def takes_self_registration(user, event):
    return (
        event.registration_mode in (RegistrationMode.OPEN, RegistrationMode.APPROVAL)
        and not event.is_cancelled
    )


@rules.predicate
def minutes_are_public(user, event):
    return event.minutes_visibility == MinutesVisibility.PUBLIC


@rules.predicate
def was_granted_minutes(user, event):
    return (
        user.is_authenticated
        and MinutesAccessRequest.objects.filter(
            event=event, user=user, status=MinutesAccessRequest.Status.GRANTED
        ).exists()
    )


rules.add_perm("events.view_event", can_view_event | is_site_admin)
rules.add_perm("events.manage_event", is_organiser | is_site_admin)
rules.add_perm("events.register", is_verified & can_view_event & takes_self_registration)
# Venue and online link: only for confirmed participants and organisers.
rules.add_perm("events.see_logistics", can_see_logistics)
rules.add_perm(
    "events.view_minutes",
    (can_view_event & (minutes_are_public | is_space_member | was_granted_minutes)) | is_site_admin,
)
rules.add_perm("events.request_minutes", can_view_event & ~is_space_member & ~minutes_are_public)
# The object of this one is the space.
rules.add_perm("events.add_event", is_lead | is_site_admin)
