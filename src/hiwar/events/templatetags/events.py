"""The space page's "coming up" panel, kept in the events app so spaces need not know about events."""

from django import template
from django.utils import timezone

from hiwar.events.display import event_when
from hiwar.events.models import EventStatus
from hiwar.events.selectors import with_confirmed_counts

register = template.Library()


@register.inclusion_tag("events/_upcoming.html", takes_context=True)
def upcoming_events(context, space, limit: int = 5):
    user = context["request"].user
    events = (
        space.events.exclude(status=EventStatus.CANCELLED)
        .filter(latest__gte=timezone.localdate())
        .order_by("earliest", "start")[:limit]
    )
    zone = getattr(user, "timezone", "") or ""
    return {
        "space": space,
        "rows": [(event, event_when(event, zone, html=True)) for event in with_confirmed_counts(events)],
        "can_add": user.has_perm("events.add_event", space),
        "is_member": context.get("membership") is not None,
        "can_manage": context.get("can_manage", False),
    }
