from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from hiwar.events import recurrence, scheduling, seats
from hiwar.events.access import (
    events_visible_to,
    events_with_logistics_for,
    registrations_seen_by_their_people,
)
from hiwar.events.models import (
    CONSULTATION_KINDS,
    DIALOGUE_KINDS,
    ActionItem,
    AgendaItem,
    Event,
    EventStatus,
    Registration,
    SchedulingRule,
)
from hiwar.spaces.models import Space, SpaceVisibility

MIN_DISCUSSION_MINUTES = 75  # C7: discussion groups of at least 75 minutes
MIN_MATERIALS_DAYS = 14  # R4: materials published well in advance


def event_list(
    user,
    *,
    space: str = "",
    kind: str = "",
    region: str = "",
    language: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    include_cancelled: bool = True,
) -> QuerySet[Event]:
    events = events_visible_to(user)
    if space:
        events = events.filter(space__slug=space)
    if kind:
        events = events.filter(kind=kind)
    if region:
        events = events.filter(space__region=region)
    if language:
        # Offered through interpretation; JSON containment differs by database, so match the quoted code.
        events = events.filter(interpretation_languages__icontains=f'"{language}"')
    if date_from:
        events = events.filter(Q(latest__gte=date_from) | Q(latest=None))
    if date_to:
        events = events.filter(earliest__lte=date_to)
    if not include_cancelled:
        events = events.exclude(status=EventStatus.CANCELLED)
    # Dates "to be decided" come last on every database (PostgreSQL sorts NULL first in DESC only).
    return events.order_by(F("earliest").asc(nulls_last=True), F("start").asc(nulls_last=True), "id")


def with_confirmed_counts(events) -> list[Event]:
    """The events of one page, each with `confirmed_count`: one query over these rows, not the table."""
    events = list(events)
    counts = dict(
        Registration.objects.filter(
            event_id__in=[event.pk for event in events], status=Registration.Status.CONFIRMED
        )
        .values_list("event_id")
        .annotate(n=Count("id"))
    )
    for event in events:
        event.confirmed_count = counts.get(event.pk, 0)
    return events


def seats_left(event: Event) -> int | None:
    """Free seats by the seat rule itself (facilitators and people who lost access take none)."""
    if event.capacity is None:
        return None
    from hiwar.events.services import _seat_states  # the states the seat rule itself reconciles

    return event.capacity - seats.seats_taken(_seat_states(event))


def told_of_cancellation(event: Event) -> int:
    """How many people the cancellation e-mail goes to (the same set `event_cancel` writes to)."""
    return registrations_seen_by_their_people(event).filter(status__in=Registration.ACTIVE).count()


def attendance(event: Event, *, name: str = "", status: str = "") -> QuerySet[Registration]:
    """The registrations of an event for its organisers, by status then name; searchable by name."""
    registrations = event.registrations.select_related("user").order_by("status", "user__name", "id")
    if name:
        registrations = registrations.filter(user__name__icontains=name)
    if status:
        registrations = registrations.filter(status=status)
    return registrations


def event_for_user(user, slug: str | None, event_id: int) -> Event:
    """The event if the user may see it; the same 404, after the same work, for missing and hidden."""
    events = Event.objects.select_related("space", "series").filter(pk=event_id)
    found = (events.filter(space__slug=slug) if slug is not None else events).first()
    stand_in = Event(pk=0, space=Space(pk=0, slug="", visibility=SpaceVisibility.CLOSED, title={}), title={})
    allowed = user.has_perm("events.view_event", found or stand_in)
    if found is None or not allowed:
        raise Http404
    return found


def my_events(user) -> QuerySet[Event]:
    """Events the person is registered for and may still see (leaving a closed space hides its events)."""
    return (
        events_visible_to(user)
        .filter(registrations__user=user, registrations__status__in=Registration.ACTIVE)
        .order_by("earliest", "start")
    )


def my_registrations(user) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(
            user=user, status__in=Registration.ACTIVE, event__in=events_visible_to(user)
        )
        .select_related("event__space")
        .order_by("event__earliest", "event__start")
    )


def logistics_visible_among(user, events: list[Event]) -> set[int]:
    """Which of these events the user may see the venue and link of, in one query (calendars)."""
    if not events:
        return set()
    ids = [event.pk for event in events]
    return set(events_with_logistics_for(user).filter(id__in=ids).values_list("id", flat=True))


def registration_of(user, event: Event) -> Registration | None:
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(event=event, user=user).first()


# Rules between events -------------------------------------------------------------------------------------


@dataclass
class RuleState:
    rule: SchedulingRule
    status: str  # met / at_risk / broken / unknown
    deadline: date | None  # the latest day the earlier event can be on, for the rule to hold for sure
    settled: bool = False  # both events are over: nothing can be moved any more

    @property
    def is_preferred(self) -> bool:
        return self.rule.strength == "preferred"

    @property
    def is_problem(self) -> bool:
        """A required rule that is broken: what the convenor is warned of."""
        return self.status == "broken" and not self.is_preferred


def _bounds(event: Event):
    return (event.earliest, event.latest) if event.earliest else None


def _is_over(event: Event, today: date) -> bool:
    return event.latest is not None and event.latest < today


def rule_state(rule: SchedulingRule, today: date | None = None) -> RuleState:
    kind = scheduling.RuleKind(rule.kind)
    today = today or timezone.localdate()
    event, other = _bounds(rule.event), _bounds(rule.other)
    settled = _is_over(rule.event, today) and _is_over(rule.other, today)
    if settled:
        # Both have happened: no date is left to fix, so the rule was met or broken. Each is judged by
        # the day it began (an imprecise past date by its first possible day).
        event, other = (event[0], event[0]), (other[0], other[0])
    status = scheduling.evaluate(kind, rule.amount, event, other)
    return RuleState(
        rule=rule,
        status=str(status),
        deadline=scheduling.latest_allowed_start(kind, rule.amount, _bounds(rule.other)),
        settled=settled,
    )


def rule_candidates(event: Event, *, query: str = "", limit: int = 20) -> QuerySet[Event]:
    """Events of the space a rule can point to: matching `query`, else those nearest in time.

    Titles are translations in JSON (stored escaped on SQLite), so they are matched here over one
    narrow query of ids, titles and dates rather than by the database.
    """
    rows = list(event.space.events.exclude(pk=event.pk).values_list("pk", "title", "earliest"))
    needle = query.strip().casefold()
    if needle:
        rows = [
            row for row in rows if any(needle in str(text).casefold() for text in (row[1] or {}).values())
        ]
    anchor = event.earliest or timezone.localdate()
    rows.sort(key=lambda row: (row[2] is None, abs((row[2] - anchor).days) if row[2] else 0, row[0]))
    ids = [row[0] for row in rows[:limit]]
    return Event.objects.filter(pk__in=ids).order_by(
        F("earliest").asc(nulls_last=True), F("start").asc(nulls_last=True), "id"
    )


def rules_touching(event: Event) -> list[RuleState]:
    rules = SchedulingRule.objects.filter(Q(event=event) | Q(other=event)).select_related("event", "other")
    return [rule_state(rule) for rule in rules]


def space_rules(space: Space) -> list[RuleState]:
    rules = SchedulingRule.objects.filter(event__space=space).select_related("event", "other")
    return [rule_state(rule) for rule in rules]


# Agenda ---------------------------------------------------------------------------------------------------


def agenda_warnings(event: Event, agenda: list[AgendaItem] | None = None) -> list[str]:
    agenda = agenda if agenda is not None else list(event.agenda.all())
    warnings = []
    if event.kind in DIALOGUE_KINDS and agenda:
        minutes = sum(i.duration_minutes for i in agenda if i.kind == AgendaItem.Kind.DISCUSSION_GROUPS)
        if minutes < MIN_DISCUSSION_MINUTES:
            warnings.append(
                _("Discussion groups get %(minutes)s minutes; the dialogue method asks for at least %(min)s.")
                % {"minutes": minutes, "min": MIN_DISCUSSION_MINUTES}
            )
    if event.kind in CONSULTATION_KINDS and event.earliest:
        deadline = event.earliest - timedelta(days=MIN_MATERIALS_DAYS)
        late = [d for d in event.documents.all() if d.published_on > deadline]
        if late:
            warnings.append(
                _(
                    "%(count)s document(s) published less than %(days)s days before the consultation; materials should reach participants well in advance."
                )
                % {"count": len(late), "days": MIN_MATERIALS_DAYS}
            )
    return warnings


def carried_forward_actions(event: Event) -> QuerySet[ActionItem]:
    """Open actions agreed at earlier meetings of the same series: the monthly follow-up (A8)."""
    if event.series_id is None:
        return ActionItem.objects.none()
    earlier = Q(event__series_id=event.series_id) & (
        Q(event__start__lt=event.start) if event.start else Q(event__earliest__lt=event.earliest)
    )
    return ActionItem.objects.filter(earlier, status=ActionItem.Status.OPEN).select_related("owner", "event")


def interpretation_demand(event: Event) -> list[tuple[str, int]]:
    """Languages offered, and how many active registrants asked for each (R4)."""
    counts = dict(
        event.registrations.filter(status__in=Registration.ACTIVE)
        .exclude(interpretation_language="")
        .values_list("interpretation_language")
        .annotate(n=Count("id"))
    )
    languages = list(dict.fromkeys([*event.interpretation_languages, *counts]))
    return [(code, counts.get(code, 0)) for code in languages]


# Space timeline ------------------------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    kind: str  # phase / event / milestone
    earliest: date | None
    latest: date | None
    obj: object
    rules: list[RuleState]


@dataclass
class PhaseRule:
    """A template's rule between two phases ("the pre-consultation at least 12 weeks before the
    review"), read from `Phase.rules`, shaped like a SchedulingRule for the same display."""

    kind: str
    amount: int
    other: object  # the later phase
    strength: str = "required"


def _phase_span(phase) -> tuple[date, date] | None:
    start = phase.actual_start or phase.planned_start
    end = phase.actual_end or phase.planned_end or start
    return (start, end) if start else None


def phase_rule_states(phases: list, today: date | None = None) -> dict[int, list[RuleState]]:
    """The rules of a space's phases, evaluated like the rules between events."""
    today = today or timezone.localdate()
    by_key = {phase.key: phase for phase in phases if phase.key}
    states: dict[int, list[RuleState]] = {}
    for phase in phases:
        for spec in phase.rules or []:
            other = by_key.get(spec.get("other"))
            if other is None or spec.get("kind") not in scheduling.RuleKind.__members__.values():
                continue
            kind = scheduling.RuleKind(spec["kind"])
            rule = PhaseRule(kind, int(spec.get("amount") or 0), other, spec.get("strength", "required"))
            span, other_span = _phase_span(phase), _phase_span(other)
            settled = bool(span and other_span and span[1] < today and other_span[1] < today)
            if settled:  # both are over: judged by the days they began, as rules between events
                span, other_span = (span[0], span[0]), (other_span[0], other_span[0])
            status = scheduling.evaluate(kind, rule.amount, span, other_span)
            states.setdefault(phase.pk, []).append(
                RuleState(
                    rule=rule,
                    status=str(status),
                    deadline=scheduling.latest_allowed_start(kind, rule.amount, other_span),
                    settled=settled,
                )
            )
    return states


def space_timeline(space: Space) -> list[TimelineEntry]:
    """Phases, events (with their rules) and checklist deadlines together, in date order; undated last."""
    entries = []
    states_by_event: dict[int, list[RuleState]] = {}
    for state in space_rules(space):
        states_by_event.setdefault(state.rule.event_id, []).append(state)
    phases = list(space.phases.all())
    states_by_phase = phase_rule_states(phases)
    for phase in phases:
        entries.append(
            TimelineEntry(
                "phase",
                phase.actual_start or phase.planned_start,
                phase.actual_end or phase.planned_end,
                phase,
                states_by_phase.get(phase.pk, []),
            )
        )
    for event in space.events.select_related("series"):
        entries.append(
            TimelineEntry("event", event.earliest, event.latest, event, states_by_event.get(event.pk, []))
        )
    for phase in space.phases.prefetch_related("checklist"):
        for item in phase.checklist.all():
            if item.due_date and item.is_open:
                entries.append(TimelineEntry("milestone", item.due_date, item.due_date, item, []))
    entries.sort(key=lambda e: (e.earliest is None, e.earliest or date.max, e.latest or date.max, e.kind))
    return entries


def today_position(entries: list[TimelineEntry], today: date) -> int:
    """Where "today" goes among the entries: before the first one that begins after today (undated last)."""
    for index, entry in enumerate(entries):
        if entry.earliest is None or entry.earliest > today:
            return index
    return len(entries)


def template_meetings_of(space: Space) -> list[dict]:
    """The space's recurring meetings as a template's `meetings` (docs/templates.md), for saving the
    space as a template: offsets from the space's start date, the local time, the rule and its count."""
    from zoneinfo import ZoneInfo

    from hiwar.events.models import Series

    specs = []
    if space.start_date is None:
        return specs
    for series in Series.objects.filter(space=space).order_by("first_start", "id"):
        rule, count = recurrence.without_count(series.rrule)
        if count is None:  # a rule that ends on a date does not carry over to another space's dates
            continue
        local = series.first_start.astimezone(ZoneInfo(series.timezone))
        days = (local.date() - space.start_date).days
        first = series.occurrences.order_by("original_start").first()
        specs.append(
            {
                "title": dict(series.title),
                "kind": first.kind if first else "follow_up_meeting",
                "rule": rule,
                "count": count,
                "start_offset_weeks": days // 7 if days % 7 == 0 else round(days / 7, 4),
                "time": local.strftime("%H:%M"),
                "minutes": int(series.duration.total_seconds() // 60),
            }
        )
    return specs
