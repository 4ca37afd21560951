"""The demo's events, from `demo_events.yaml`, created through the events services like a convenor would."""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from django.utils import timezone

from hiwar.accounts.models import User
from hiwar.events import services
from hiwar.events.models import ActionItem
from hiwar.events.precision import Part, Precision, PrecisionDate
from hiwar.spaces import services as space_services
from hiwar.spaces.models import LEAD_ROLES, Space

EVENTS_FILE = Path(__file__).resolve().parent / "demo_events.yaml"


def _lead(space: Space) -> User:
    return space.memberships.filter(role__in=LEAD_ROLES).select_related("user").order_by("id").first().user


def _when(spec: dict) -> PrecisionDate:
    when = spec["when"]
    return PrecisionDate(
        Precision(when["precision"]),
        year=when.get("year"),
        month=when.get("month"),
        week=when.get("week"),
        day=when.get("day"),
        part=Part(when["part"]) if when.get("part") else None,
    )


def _aware(value, zone: str) -> datetime:
    return value.replace(tzinfo=ZoneInfo(zone))


def _event(spec: dict, space: Space):
    fields = {
        "title": spec["title"],
        "description": spec.get("description") or {},
        "kind": spec["kind"],
        "format": spec.get("format", "online"),
        "venue": spec.get("venue", ""),
        "online_url": spec.get("online_url", ""),
        "timezone": spec.get("timezone", "UTC"),
        "registration_mode": spec.get("registration", "none"),
        "capacity": spec.get("capacity"),
        "interpretation_languages": spec.get("interpretation", []),
        "date_tentative": spec.get("tentative", False),
        "date_alternatives": [str(day) for day in spec.get("alternatives", [])],
    }
    actor = _lead(space)
    if "start" in spec:
        zone = fields["timezone"]
        return services.event_create(
            space=space,
            actor=actor,
            when=PrecisionDate(Precision.EXACT),
            start=_aware(spec["start"], zone),
            end=_aware(spec["end"], zone),
            **fields,
        )
    return services.event_create(space=space, actor=actor, when=_when(spec), **fields)


def load_demo_events() -> None:
    data = yaml.safe_load(EVENTS_FILE.read_text(encoding="utf-8"))
    spaces = {space.slug: space for space in Space.objects.all()}
    created = {}
    for spec in data.get("events", []):
        space = spaces[spec["space"]]
        event = _event(spec, space)
        created[spec["key"]] = (event, spec)
        for order, item in enumerate(spec.get("agenda", [])):
            services.agenda_item_save(
                event=event,
                actor=None,
                kind=item["kind"],
                title=item["title"],
                duration_minutes=item["minutes"],
                order=order,
            )
        registrants = (
            User.objects.filter(email_verified=True, is_superuser=False)
            .exclude(pk=_lead(space).pk)
            .order_by("id")[: spec.get("registrants", 0)]
        )
        languages = event.interpretation_languages
        for i, person in enumerate(registrants):
            answer = {"interpretation_language": languages[i % len(languages)] if languages else ""}
            services.register(event=event, user=person, answers=answer)
    for event, spec in created.values():
        for kind, amount, other, *strength in spec.get("before", []):
            services.rule_add(
                event=event,
                other=created[other][0],
                kind=kind,
                amount=amount,
                actor=None,
                strength=strength[0] if strength else "required",
            )
    for spec in data.get("series", []):
        _series(spec, spaces[spec["space"]])
    for space in spaces.values():
        if space.template_key == "regional-review":
            _align_phases_with_events(space)


# The regional-review phases that an event of the space dates (seed 003's timeline table).
PHASE_OF_EVENT_KIND = {
    "pre_consultation": "pre-consultation",
    "consultation": "multistakeholder-consultation",
    "review": "regional-review",
}


def _align_phases_with_events(space: Space) -> None:
    """The template plans phases from the space's start; the seed's timeline says when each happens.
    The demo's phases take their planned dates from the events (Latin America's review in week 3 of
    November 2024, Asia-Pacific's in 2025), as a convenor would after scheduling them."""
    actor = _lead(space)
    phases = {phase.key: phase for phase in space.phases.all()}
    for kind, key in PHASE_OF_EVENT_KIND.items():
        dated = [e for e in space.events.filter(kind=kind) if e.earliest]
        if key in phases and dated:
            space_services.phase_update(
                phase=phases[key],
                actor=actor,
                planned_start=min(e.earliest for e in dated),
                planned_end=max(e.latest for e in dated),
            )


def _series(spec: dict, space: Space) -> None:
    actor = _lead(space)
    series = services.series_create(
        space=space,
        actor=actor,
        title=spec["title"],
        kind=spec["kind"],
        rule=spec["rule"],
        count=spec["count"],
        first_start=_aware(spec["first_start"], spec["timezone"]),
        duration=timedelta(minutes=spec["minutes"]),
        tz=spec["timezone"],
        format=spec.get("format", "online"),
        online_url=spec.get("online_url", ""),
        registration_mode="none",
    )
    past = list(series.occurrences.filter(start__lt=timezone.now()).order_by("start"))
    for meeting, minutes in zip(past, spec.get("minutes_of_past", []), strict=False):
        services.minutes_save(
            event=meeting, actor=actor, notes=minutes["notes"], decisions=minutes["decisions"]
        )
        for action in minutes.get("actions", []):
            item = services.action_item_add(event=meeting, actor=actor, title=action["title"], owner=actor)
            if action.get("done"):
                services.action_item_close(
                    item=item, actor=actor, status=ActionItem.Status.DONE, in_event=meeting
                )
