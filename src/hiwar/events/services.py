"""Writes for events: scheduling, series, registration and its waiting list, agenda, minutes, calendars, announcements."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hiwar.core.audit import audit
from hiwar.core.emails import queue_email
from hiwar.core.translation import clean_translations, pick
from hiwar.events import recurrence, seats
from hiwar.events.access import registrations_seen_by_their_people
from hiwar.events.emails import calendar_attachment, registration_context
from hiwar.events.models import (
    DIALOGUE_KINDS,
    ActionItem,
    AgendaItem,
    Announcement,
    CalendarFeed,
    Event,
    EventStatus,
    Minutes,
    MinutesAccessRequest,
    Registration,
    RegistrationMode,
    SchedulingRule,
    Series,
)
from hiwar.events.precision import Precision, PrecisionDate, PrecisionDateError
from hiwar.events.tasks import send_event_reminder
from hiwar.spaces.models import Membership, Role, Space

REMINDER_BEFORE = timedelta(hours=24)
MAX_ALTERNATIVE_DAYS = 31  # "8 or 11 March": alternatives near one another, not a typo's decade


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError({"timezone": _("Unknown time zone: %(zone)s.") % {"zone": name}}) from error


def _precision_error(error: PrecisionDateError) -> ValidationError:
    messages = {
        "missing_year": _("Give the year."),
        "missing_month": _("Give the month."),
        "bad_month": _("The month must be between 1 and 12."),
        "bad_week": _("That week does not exist in this month."),
        "bad_day": _("That day does not exist in this month."),
        "missing_day": _("Give the day."),
        "missing_week": _("Give the week of the month."),
        "missing_part": _("Say which part of the year."),
        "outside": _("The new date must fall inside the date given before."),
    }
    return ValidationError({"when": messages.get(error.code, _("This date is not valid."))})


def _apply_when(event: Event, when: PrecisionDate, start: datetime | None, end: datetime | None) -> None:
    """Store a date of limited precision, or an exact start and end, with the days it can mean."""
    if when.precision == Precision.EXACT:
        if start is None or end is None:
            raise ValidationError({"start": _("Give the start and the end.")})
        if end <= start:
            raise ValidationError({"end": _("The event must end after it starts.")})
        local = start.astimezone(_zone(event.timezone))
        when = PrecisionDate(Precision.EXACT, year=local.year, month=local.month, day=local.day)
        event.start, event.end = start, end
    else:
        event.start = event.end = None
    try:
        when.validate()
    except PrecisionDateError as error:
        raise _precision_error(error) from error
    event.precision = when.precision.value
    event.date_year, event.date_month, event.date_week, event.date_day = (
        when.year,
        when.month,
        when.week,
        when.day,
    )
    event.date_part = when.part.value if when.part else ""
    bounds = when.bounds()
    if when.precision == Precision.EXACT:
        tz = _zone(event.timezone)
        bounds = (start.astimezone(tz).date(), end.astimezone(tz).date())
    event.earliest, event.latest = bounds if bounds else (None, None)
    _apply_alternatives(event)


def _apply_alternatives(event: Event) -> None:
    """ "8 or 11 March": a day's date with other days it may fall on; the span covers them all."""
    days = sorted({date.fromisoformat(str(day)) for day in event.date_alternatives or ()})
    if not days:
        event.date_alternatives = []
        return
    if event.precision != Precision.DAY:
        raise ValidationError(
            {"date_alternatives": _("Other possible days go with a date given to the day.")}
        )
    main = date(event.date_year, event.date_month, event.date_day)
    days = [day for day in days if day != main]
    if any(abs((day - main).days) > MAX_ALTERNATIVE_DAYS for day in days):
        raise ValidationError(
            {
                "date_alternatives": _("Another possible day must be within %(days)s days of the date.")
                % {"days": MAX_ALTERNATIVE_DAYS}
            }
        )
    event.date_alternatives = [day.isoformat() for day in days]
    event.earliest, event.latest = min([main, *days]), max([main, *days])


def is_in_the_past(event: Event) -> bool:
    """Whether the event has already begun (exact) or every day it can fall on is over (imprecise).

    Saving such an event is allowed — minutes of a past meeting are entered afterwards — but the
    convenor is warned, for a wrong year is the commonest slip in a date field.
    """
    if event.start is not None:
        return event.start < timezone.now()
    if event.latest is None:
        return False
    return event.latest < timezone.now().astimezone(_zone(event.timezone)).date()


def _check_registration_closes(event: Event) -> None:
    """Registration cannot close after the event starts (or, for an imprecise date, after its last day)."""
    closes = event.registration_closes
    if closes is None:
        return
    if event.start is not None:
        too_late = closes > event.start
    elif event.latest is not None:
        too_late = closes.astimezone(_zone(event.timezone)).date() > event.latest
    else:
        too_late = False
    if too_late:
        raise ValidationError({"registration_closes": _("Registration must close before the event starts.")})


@dataclass
class EventChange:
    event: Event
    broken_rules: list  # rules this change broke (or left broken): the convenor is warned
    moved_into_past: bool = False  # the new date is already over: the convenor is warned


EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "format",
    "venue",
    "online_url",
    "timezone",
    "registration_mode",
    "capacity",
    "registration_closes",
    "interpretation_languages",
    "minutes_visibility",
    "date_tentative",
    "date_alternatives",
)


@transaction.atomic
def event_create(
    *,
    space: Space,
    actor,
    title: dict,
    kind: str,
    when: PrecisionDate,
    start: datetime | None = None,
    end: datetime | None = None,
    **fields,
) -> Event:
    event = Event(space=space, created_by=actor, kind=kind, title=clean_translations(title))
    for name, value in fields.items():
        if name not in EVENT_FIELDS:
            raise TypeError(f"event_create() got an unexpected field {name!r}")
        setattr(event, name, clean_translations(value) if name in ("title", "description") else value)
    _zone(event.timezone)
    _apply_when(event, when, start, end)
    _check_registration_closes(event)
    if not event.title:
        raise ValidationError({"title": _("Write this in at least one language.")})
    event.full_clean()
    event.save()
    audit(actor=actor, action="event.create", space=space, target=str(event))
    return event


@transaction.atomic
def event_update(
    *,
    event: Event,
    actor,
    when: PrecisionDate | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    **fields,
) -> EventChange:
    from hiwar.events.selectors import rules_touching

    event = Event.objects.select_for_update().get(pk=event.pk)
    before = (event.start, event.end, event.earliest, event.latest)
    capacity_before = event.capacity
    for name, value in fields.items():
        if name not in EVENT_FIELDS:
            raise TypeError(f"event_update() got an unexpected field {name!r}")
        setattr(event, name, clean_translations(value) if name in ("title", "description") else value)
    _zone(event.timezone)
    if when is not None:
        _apply_when(event, when, start, end)
    elif "date_alternatives" in fields:
        _apply_alternatives(event)
    _check_registration_closes(event)
    confirmed = seats.seats_taken(_seat_states(event))
    # Checked only when the capacity changes: a facilitator who became a participant may have taken
    # one seat too many, which must not block every other edit of the event.
    if event.capacity != capacity_before and event.capacity is not None and event.capacity < confirmed:
        raise ValidationError(
            {
                "capacity": _("%(count)s people are already registered; the capacity cannot be lower.")
                % {"count": confirmed}
            }
        )
    event.full_clean()
    event.save()
    moved = before != (event.start, event.end, event.earliest, event.latest)
    if moved:
        audit(actor=actor, action="event.reschedule", space=event.space, target=str(event))
        _schedule_reminders(event)
    reconcile_seats(event, actor=actor)
    broken = [state for state in rules_touching(event) if state.is_problem]
    return EventChange(event=event, broken_rules=broken, moved_into_past=moved and is_in_the_past(event))


@transaction.atomic
def event_cancel(*, event: Event, actor) -> Event:
    event = Event.objects.select_for_update(of=("self",)).select_related("space").get(pk=event.pk)
    if event.is_cancelled:
        raise ValidationError(_("This event is already cancelled."))
    event.status = EventStatus.CANCELLED
    event.save(update_fields=["status", "updated_at"])
    audit(actor=actor, action="event.cancel", space=event.space, target=str(event))
    for registration in _registrations_to_mail(event):
        _mail_registration(registration, "events/email/cancelled")
    return event


def _registrations_to_mail(event: Event) -> list[Registration]:
    """Active registrants who may still see the event (someone who left a closed space gets no mail of it)."""
    return list(
        registrations_seen_by_their_people(event)
        .filter(status__in=Registration.ACTIVE)
        .select_related("user", "event__space")
    )


# Recurring meetings -------------------------------------------------------------------------------------


def series_create(
    *,
    space: Space,
    actor,
    title: dict,
    kind: str,
    rule: str,
    first_start: datetime,
    duration: timedelta,
    tz: str,
    count: int | None = None,
    until=None,
    **fields,
) -> Series:
    """A recurring meeting: the rule must end (COUNT or UNTIL) so its occurrences can be listed."""
    _zone(tz)
    try:
        canonical = recurrence.normalise_rule(rule, count=count, until=until, tz=tz)
        starts = recurrence.occurrences(canonical, first_start, tz=tz)
    except recurrence.RecurrenceError as error:
        messages = {
            "never_ends": _("This repetition never ends: give a number of meetings or an end date."),
            "too_many": _("This repetition makes more than %(max)s meetings; give an earlier end.")
            % {"max": recurrence.MAX_OCCURRENCES},
            "empty": _("This repetition gives no meeting at all."),
            "too_far": _("This repetition reaches more than %(years)s years ahead; give an earlier end.")
            % {"years": recurrence.MAX_YEARS},
        }
        raise ValidationError(
            {"rule": messages.get(error.code, _("This repetition rule is not valid."))}
        ) from error
    if duration <= timedelta(0):
        raise ValidationError({"duration": _("The event must end after it starts.")})
    # The rule was expanded above, outside any transaction: only the writes hold the lock.
    with transaction.atomic():
        return _series_save(space, actor, title, kind, canonical, starts, first_start, duration, tz, fields)


def _series_save(space, actor, title, kind, canonical, starts, first_start, duration, tz, fields) -> Series:
    series = Series.objects.create(
        space=space,
        title=clean_translations(title),
        rrule=canonical,
        first_start=first_start,
        duration=duration,
        timezone=tz,
    )
    for occurrence_start in starts:
        event = Event(
            space=space,
            series=series,
            original_start=occurrence_start,
            created_by=actor,
            kind=kind,
            title=series.title,
            timezone=tz,
            **{name: value for name, value in fields.items() if name in EVENT_FIELDS},
        )
        _apply_when(event, PrecisionDate(Precision.EXACT), occurrence_start, occurrence_start + duration)
        event.save()
    audit(
        actor=actor,
        action="series.create",
        space=space,
        target=pick(series.title),
        rule=canonical,
        count=len(starts),
    )
    return series


def template_meetings_create(*, space: Space, meetings) -> list[Series]:
    """A template's recurring meetings (e.g. the CAG every two months, C12), from the space's start date,
    at the given local time in the zone of the space's country."""
    from hiwar.events.zones import country_zones

    if space.start_date is None:
        return []
    zone = (country_zones(str(space.country or "")) or ["UTC"])[0]
    made = []
    try:
        for spec in meetings:
            made.append(_template_meeting(space, spec, zone))
    except ValidationError as error:
        raise ValidationError(
            {"start_date": _("The template's recurring meetings cannot be scheduled from this start date.")}
        ) from error
    return made


def _template_meeting(space: Space, spec: dict, zone: str) -> Series:
    hour, minute = (int(part) for part in str(spec.get("time", "11:00")).split(":"))
    day = space.start_date + timedelta(weeks=spec.get("start_offset_weeks", 0))
    first = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone))
    return series_create(
        space=space,
        actor=space.created_by,
        title=spec["title"],
        kind=spec.get("kind", "follow_up_meeting"),
        rule=spec["rule"],
        count=spec["count"],
        first_start=first,
        duration=timedelta(minutes=spec.get("minutes", 90)),
        tz=zone,
        format=spec.get("format", "online"),
        registration_mode="none",
    )


# Registration ---------------------------------------------------------------------------------------------


REGISTRATION_ANSWERS = (
    "organisation",
    "sector",
    "stakeholder_group",
    "working_language",
    "interpretation_language",
    "accessibility_needs",
)


def registration_defaults(user) -> dict:
    """The registration questions, prefilled from the profile."""
    profile = getattr(user, "profile", None)
    if profile is None:
        return {}
    languages = profile.working_languages or []
    return {
        "organisation": profile.organisation.name if profile.organisation_id else "",
        "sector": profile.sector,
        "stakeholder_group": profile.stakeholder_group,
        "working_language": languages[0] if languages else "",
        "interpretation_language": (profile.interpretation_needs or [""])[0],
        "accessibility_needs": profile.accessibility_needs,
    }


def _takes_seat(event: Event, user_ids) -> dict[int, bool]:
    """A dialogue's facilitators run its tables: they register, but take no participant's seat."""
    if event.kind not in DIALOGUE_KINDS:
        return dict.fromkeys(user_ids, True)
    facilitators = set(
        Membership.objects.filter(
            space_id=event.space_id, role=Role.FACILITATOR, user_id__in=list(user_ids)
        ).values_list("user_id", flat=True)
    )
    return {uid: uid not in facilitators for uid in user_ids}


def _seat_states(event: Event) -> list[seats.Seat]:
    registrations = list(
        event.registrations.filter(status__in=Registration.ACTIVE).values_list(
            "pk", "user_id", "status", "waitlisted_at"
        )
    )
    user_ids = {user_id for _pk, user_id, _status, _at in registrations}
    viewers = set(
        registrations_seen_by_their_people(event)
        .filter(user_id__in=user_ids)
        .values_list("user_id", flat=True)
    )
    takes_seat = _takes_seat(event, user_ids)
    return [
        seats.Seat(
            id=pk,
            status=status,
            queued_at=at,
            may_see_event=user_id in viewers,
            takes_seat=takes_seat[user_id],
        )
        for pk, user_id, status, at in registrations
    ]


def reconcile_seats(event: Event, *, actor=None, quiet: frozenset[int] = frozenset()) -> seats.Corrections:
    """Apply the seat rule to one event (called under the event's row lock, at the end of every
    service that changes capacity, status, registrations or who may see the event).

    Promoted people are told and reminded; people who lost sight of the event are told nothing.
    `quiet` names registrations whose own service sends the mail (a new registration confirmed).
    """
    corrections = seats.reconcile(
        capacity=event.capacity, event_cancelled=event.is_cancelled, seats=_seat_states(event)
    )
    if not corrections:
        return corrections
    now = timezone.now()
    Registration.objects.filter(pk__in=corrections.cancel).update(
        status=Registration.Status.CANCELLED, cancelled_at=now, updated_at=now
    )
    Registration.objects.filter(pk__in=corrections.promote).update(
        status=Registration.Status.CONFIRMED, updated_at=now
    )
    promoted = Registration.objects.filter(pk__in=corrections.promote).exclude(pk__in=quiet)
    for registration in promoted.select_related("user", "event__space"):
        _mail_registration(registration, "events/email/promoted")
        _schedule_reminder(registration)
    audit(
        actor=actor,
        action="registration.reconcile",
        space=event.space,
        target=str(event),
        promoted=len(corrections.promote),
        cancelled=len(corrections.cancel),
    )
    return corrections


@transaction.atomic
def register(*, event: Event, user, answers: dict | None = None, by_organiser=None) -> Registration:
    """Register a person: confirmed while seats remain, else on the waiting list; never over capacity.

    The event row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers), so two
    people asking for the last seat at once get one seat and one waiting-list place. The person joins
    the end of the waiting list and the seat rule decides at once whether a seat is theirs.
    """
    event = Event.objects.select_for_update(of=("self",)).select_related("space").get(pk=event.pk)
    if not user.email_verified:
        raise ValidationError(_("Verify your e-mail address first: open the link we sent you."))
    if event.is_cancelled:
        raise ValidationError(_("This event is cancelled."))
    if event.registration_mode == RegistrationMode.NONE:
        raise ValidationError(_("This event takes no registrations."))
    if not user.has_perm("events.view_event", event):
        raise ValidationError(_("Only members of this space can register."))
    if by_organiser is None:
        if event.registration_mode == RegistrationMode.INVITATION:
            raise ValidationError(_("Registration for this event is by invitation only."))
        if event.registration_closes and event.registration_closes < timezone.now():
            raise ValidationError(_("Registration for this event has closed."))
    registration = Registration.objects.filter(event=event, user=user).first()
    if registration is not None and registration.is_active:
        raise ValidationError(_("You are already registered for this event."))
    registration = registration or Registration(event=event, user=user)
    for name, value in (registration_defaults(user) | (answers or {})).items():
        if name in REGISTRATION_ANSWERS:
            setattr(registration, name, value or "")
    if event.interpretation_languages and registration.interpretation_language not in (
        "",
        *event.interpretation_languages,
    ):
        raise ValidationError(
            {"interpretation_language": _("Interpretation is not offered into this language for this event.")}
        )
    registration.cancelled_at = None
    registration.checked_in_at = None
    if event.registration_mode == RegistrationMode.APPROVAL and by_organiser is None:
        registration.status = Registration.Status.PENDING
        registration.save()
    else:
        _join_waiting_list(registration)
    if by_organiser is not None:
        audit(actor=by_organiser, action="registration.by_organiser", space=event.space, target=str(user))
    _after_status_change(registration)
    return registration


def _join_waiting_list(registration: Registration) -> None:
    """Queue the registration, then let the seat rule confirm it if a seat is free."""
    registration.status = Registration.Status.WAITLISTED
    registration.waitlisted_at = timezone.now()
    registration.save()
    corrections = reconcile_seats(registration.event, quiet=frozenset({registration.pk}))
    if registration.pk in corrections.promote:
        registration.status = Registration.Status.CONFIRMED
        registration.waitlisted_at = None
        registration.save(update_fields=["waitlisted_at", "updated_at"])


def _after_status_change(registration: Registration) -> None:
    templates = {
        Registration.Status.CONFIRMED: "events/email/confirmed",
        Registration.Status.WAITLISTED: "events/email/waitlisted",
        Registration.Status.PENDING: "events/email/pending",
        Registration.Status.DECLINED: "events/email/declined",
    }
    if registration.status in templates:
        _mail_registration(registration, templates[registration.status])
    if registration.status == Registration.Status.CONFIRMED:
        _schedule_reminder(registration)


@transaction.atomic
def registration_cancel(*, registration: Registration, actor) -> Registration:
    event = (
        Event.objects.select_for_update(of=("self",)).select_related("space").get(pk=registration.event_id)
    )
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_active:
        raise ValidationError(_("This registration is already cancelled."))
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    if actor is not None and actor.pk != registration.user_id:
        audit(actor=actor, action="registration.cancel_for", space=event.space, target=str(registration.user))
    reconcile_seats(event, actor=actor)
    return registration


@transaction.atomic
def registration_decide(*, registration: Registration, approve: bool, actor) -> Registration:
    event = (
        Event.objects.select_for_update(of=("self",)).select_related("space").get(pk=registration.event_id)
    )
    registration = (
        Registration.objects.select_for_update(of=("self",)).select_related("user").get(pk=registration.pk)
    )
    if registration.status != Registration.Status.PENDING:
        raise ValidationError(_("This registration has already been answered."))
    registration.event = event
    if approve:
        _join_waiting_list(registration)
    else:
        registration.status = Registration.Status.DECLINED
        registration.save(update_fields=["status", "updated_at"])
    audit(
        actor=actor,
        action="registration.approve" if approve else "registration.decline",
        space=event.space,
        target=str(registration.user),
        status=registration.status,
    )
    _after_status_change(registration)
    return registration


def _upcoming_events_locked(space: Space, *, registrant=None) -> list[Event]:
    """The space's coming (or undated) events, locked in one query in id order, so that two services
    locking several events at once never wait on each other crosswise."""
    today = timezone.localdate()
    events = Event.objects.filter(space=space).filter(Q(latest__gte=today) | Q(latest=None))
    if registrant is not None:
        events = events.filter(registrations__user=registrant, registrations__status__in=Registration.ACTIVE)
    ids = list(events.values_list("pk", flat=True))
    return list(
        Event.objects.select_for_update(of=("self",))
        .select_related("space")
        .filter(pk__in=ids)
        .order_by("pk")
    )


def registrations_after_leaving(*, space: Space, user, actor=None) -> int:
    """Someone left or was removed from a space: their places at its coming events go to others."""
    count = 0
    for event in _upcoming_events_locked(space, registrant=user):
        now = timezone.now()
        count += Registration.objects.filter(event=event, user=user, status__in=Registration.ACTIVE).update(
            status=Registration.Status.CANCELLED, cancelled_at=now, updated_at=now
        )
        reconcile_seats(event, actor=actor)
    return count


def reconcile_space(space: Space, *, actor=None, registrant=None) -> None:
    """Who may see the space, or a member's role, changed: recheck the places at its coming events
    (only those where `registrant` holds one, when given)."""
    for event in _upcoming_events_locked(space, registrant=registrant):
        reconcile_seats(event, actor=actor)


@transaction.atomic
def check_in(*, registration: Registration, actor, attended: bool = True) -> Registration:
    if registration.status != Registration.Status.CONFIRMED:
        raise ValidationError(_("Only confirmed participants can be checked in."))
    registration.checked_in_at = timezone.now() if attended else None
    registration.save(update_fields=["checked_in_at", "updated_at"])
    audit(
        actor=actor,
        action="registration.check_in",
        space=registration.event.space,
        target=str(registration.user),
        attended=attended,
    )
    return registration


def _mail_registration(registration: Registration, template: str) -> None:
    user, event = registration.user, registration.event
    attach_ics = template in ("events/email/confirmed", "events/email/promoted", "events/email/cancelled")
    queue_email(
        to=user.email,
        template=template,
        context=registration_context(registration),
        language=user.preferred_language,
        attachments=[calendar_attachment(event, user)] if attach_ics and event.is_exact else (),
        space=event.space,
        topic=f"event:{event.pk}",
        recipient=user,
        requires_perm="spaces.view_space",
    )


def _schedule_reminder(registration: Registration) -> None:
    event = registration.event
    if not event.is_exact or event.start is None:
        return
    run_after = event.start - REMINDER_BEFORE
    # The immediate backend (tests, HIWAR_TASKS=immediate) cannot wait; the worker's database queue can.
    if run_after <= timezone.now() or not send_event_reminder.get_backend().supports_defer:
        return
    start_iso = event.start.isoformat()
    transaction.on_commit(
        lambda: send_event_reminder.using(run_after=run_after).enqueue(registration.pk, start_iso)
    )


def _schedule_reminders(event: Event) -> None:
    for registration in event.registrations.filter(status=Registration.Status.CONFIRMED):
        _schedule_reminder(registration)


# Agenda, documents, minutes, action items ---------------------------------------------------------------


@transaction.atomic
def agenda_item_save(*, event: Event, actor, item: AgendaItem | None = None, **fields) -> AgendaItem:
    item = item or AgendaItem(event=event, order=event.agenda.count())
    for name in ("kind", "title", "duration_minutes", "speakers", "order"):
        if name in fields:
            setattr(item, name, clean_translations(fields[name]) if name == "title" else fields[name])
    if not item.title:
        raise ValidationError({"title": _("Write this in at least one language.")})
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem, actor) -> None:
    event = item.event
    item.delete()
    audit(actor=actor, action="agenda.delete", space=event.space, target=f"{event}: {item}")


@transaction.atomic
def document_add(
    *, event: Event, actor, title: dict, published_on, file=None, url: str = "", language: str = ""
):
    from hiwar.events.models import Document

    document = Document(
        event=event,
        title=clean_translations(title),
        file=file or "",
        url=url,
        language=language,
        published_on=published_on,
    )
    if not document.title:
        raise ValidationError({"title": _("Write this in at least one language.")})
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def minutes_save(*, event: Event, actor, notes: str, decisions: list[str]) -> Minutes:
    minutes, _created = Minutes.objects.get_or_create(event=event)
    minutes.notes = notes.strip()
    minutes.decisions = [d.strip() for d in decisions if d.strip()]
    minutes.written_by = actor
    minutes.save()
    return minutes


@transaction.atomic
def action_item_add(
    *, event: Event, actor, title: str, owner=None, owner_name: str = "", due_date=None
) -> ActionItem:
    if owner is not None and not Membership.objects.filter(space=event.space, user=owner).exists():
        raise ValidationError({"owner": _("The owner must be a member of this space.")})
    item = ActionItem(
        event=event, title=title.strip(), owner=owner, owner_name=owner_name.strip(), due_date=due_date
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def action_item_close(*, item: ActionItem, actor, status: str, in_event: Event | None = None) -> ActionItem:
    if status not in (ActionItem.Status.DONE, ActionItem.Status.DROPPED, ActionItem.Status.OPEN):
        raise ValidationError(_("Choose a valid status."))
    item.status = status
    item.closed_at = None if status == ActionItem.Status.OPEN else timezone.now()
    item.closed_in = None if status == ActionItem.Status.OPEN else in_event
    item.save(update_fields=["status", "closed_at", "closed_in", "updated_at"])
    return item


@transaction.atomic
def minutes_access_request(*, event: Event, user, reason: str = "") -> MinutesAccessRequest:
    if MinutesAccessRequest.objects.filter(event=event, user=user).exists():
        raise ValidationError(_("You have already asked to read these minutes."))
    return MinutesAccessRequest.objects.create(event=event, user=user, reason=reason.strip())


@transaction.atomic
def minutes_access_decide(*, request: MinutesAccessRequest, grant: bool, actor) -> MinutesAccessRequest:
    if request.status != MinutesAccessRequest.Status.PENDING:
        raise ValidationError(_("This request has already been answered."))
    request.status = MinutesAccessRequest.Status.GRANTED if grant else MinutesAccessRequest.Status.REFUSED
    request.decided_by = actor
    request.save(update_fields=["status", "decided_by", "updated_at"])
    audit(
        actor=actor,
        action="minutes.grant" if grant else "minutes.refuse",
        space=request.event.space,
        target=str(request.user),
    )
    return request


# Scheduling rules ---------------------------------------------------------------------------------------


@transaction.atomic
def rule_add(
    *, event: Event, other: Event, kind: str, amount: int, actor, strength: str = "required"
) -> SchedulingRule:
    if amount < 1:
        raise ValidationError({"amount": _("N must be at least 1.")})
    rule = SchedulingRule(event=event, other=other, kind=kind, amount=amount, strength=strength)
    rule.full_clean()
    rule.save()
    return rule


# Calendars and announcements ----------------------------------------------------------------------------


def calendar_feed_for(user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed


@transaction.atomic
def calendar_feed_reset(*, user) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed = calendar_feed_for(user)
    feed.token = secrets.token_urlsafe(32)
    feed.save(update_fields=["token", "updated_at"])
    return feed


@transaction.atomic
def announcement_send(
    *, space: Space, actor, subject: str, body: str, event: Event | None = None
) -> Announcement:
    """E-mail the space's members (who did not opt out) or an event's active registrants (A11)."""
    if not subject.strip() or not body.strip():
        raise ValidationError(_("Write a subject and a message."))
    if event is not None:
        audience = Announcement.Audience.REGISTRANTS
        recipients = [r.user for r in _registrations_to_mail(event)]
    else:
        audience = Announcement.Audience.MEMBERS
        recipients = [
            m.user for m in space.memberships.filter(wants_announcements=True).select_related("user")
        ]
    announcement = Announcement.objects.create(
        space=space,
        event=event,
        audience=audience,
        subject=subject.strip(),
        body=body.strip(),
        sent_by=actor,
        recipient_count=len(recipients),
    )
    preferences = settings.HIWAR_BASE_URL + reverse("events:announcement_preferences", args=[space.slug])
    for person in recipients:
        queue_email(
            to=person.email,
            template="events/email/announcement",
            context={
                "announcement": announcement,
                "space_title": pick(space.title, person.preferred_language),
                "preferences": preferences,
                "is_member_mail": audience == Announcement.Audience.MEMBERS,
            },
            language=person.preferred_language,
            space=space,
            topic=f"announcement:{announcement.pk}",
            recipient=person,
            requires_perm="spaces.view_space",
        )
    audit(
        actor=actor,
        action="announcement.send",
        space=space,
        target=announcement.subject,
        recipients=len(recipients),
    )
    return announcement
