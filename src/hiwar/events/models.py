import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hiwar.core.models import TimeStampedModel
from hiwar.core.translation import pick
from hiwar.events.precision import Part, Precision, PrecisionDate


class EventKind(models.TextChoices):
    KICKOFF = "kickoff", _("Kick-off meeting")
    DIALOGUE = "dialogue", _("Dialogue")
    FOLLOW_UP_DIALOGUE = "follow_up_dialogue", _("Follow-up dialogue")
    PRE_CONSULTATION = "pre_consultation", _("Pre-consultation")
    CONSULTATION = "consultation", _("Multi-stakeholder consultation")
    REVIEW = "review", _("Review meeting")
    WEBINAR = "webinar", _("Webinar")
    GENERAL_MEETING = "general_meeting", _("General meeting")
    FOLLOW_UP_MEETING = "follow_up_meeting", _("Follow-up meeting")
    WORKING_GROUP = "working_group", _("Working-group meeting")


DIALOGUE_KINDS = (EventKind.DIALOGUE, EventKind.FOLLOW_UP_DIALOGUE)
CONSULTATION_KINDS = (EventKind.PRE_CONSULTATION, EventKind.CONSULTATION, EventKind.REVIEW)


class EventFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class RegistrationMode(models.TextChoices):
    NONE = "none", _("No registration")
    OPEN = "open", _("Open")
    APPROVAL = "approval", _("Approval needed")
    INVITATION = "invitation", _("Invitation only")


class MinutesVisibility(models.TextChoices):
    MEMBERS = "members", _("Members only")
    PUBLIC = "public", _("Public")


class Series(TimeStampedModel):
    """A recurring meeting (A8, C12): an RRULE; each occurrence is an Event that can be moved or cancelled."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="event_series")
    title = models.JSONField(_("title"))
    rrule = models.CharField(_("recurrence rule"), max_length=300)
    first_start = models.DateTimeField(_("first meeting"))
    duration = models.DurationField(_("duration"), default=timedelta(hours=1, minutes=30))
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self):
        return pick(self.title)


class Event(TimeStampedModel):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="events")
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.CASCADE, related_name="occurrences"
    )
    # For an occurrence: the start the rule gave it, so a moved meeting keeps its RECURRENCE-ID in calendars.
    original_start = models.DateTimeField(null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    title = models.JSONField(_("title"))
    description = models.JSONField(_("description"), default=dict, blank=True)
    format = models.CharField(
        _("format"), max_length=20, choices=EventFormat.choices, default=EventFormat.ONLINE
    )
    venue = models.TextField(_("venue"), blank=True, help_text=_("Shown to registered participants only."))
    online_url = models.URLField(
        _("online link"), blank=True, help_text=_("Shown to registered participants only.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EventStatus.choices, default=EventStatus.SCHEDULED
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")

    # When: an exact start and end, or a date of limited precision (R8) refined later.
    precision = models.CharField(
        _("date precision"), max_length=10, choices=[(p.value, p.value) for p in Precision]
    )
    start = models.DateTimeField(_("start"), null=True, blank=True)
    end = models.DateTimeField(_("end"), null=True, blank=True)
    date_year = models.PositiveSmallIntegerField(null=True, blank=True)
    date_month = models.PositiveSmallIntegerField(null=True, blank=True)
    date_week = models.PositiveSmallIntegerField(null=True, blank=True)
    date_day = models.PositiveSmallIntegerField(null=True, blank=True)
    date_part = models.CharField(max_length=12, blank=True, choices=[(p.value, p.value) for p in Part])
    # Seed 003 writes "8 or 11 March (to be decided)": other days the event may fall on (ISO dates, with a
    # day's precision), and whether the date is still to be confirmed.
    date_alternatives = models.JSONField(_("or on"), default=list, blank=True)
    date_tentative = models.BooleanField(_("still to be confirmed"), default=False)
    # The days the date can mean, kept for sorting, filtering and rule checks; empty when to be decided.
    earliest = models.DateField(null=True, blank=True, db_index=True, editable=False)
    latest = models.DateField(null=True, blank=True, editable=False)

    registration_mode = models.CharField(
        _("registration"), max_length=12, choices=RegistrationMode.choices, default=RegistrationMode.OPEN
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    registration_closes = models.DateTimeField(_("registration closes"), null=True, blank=True)
    interpretation_languages = models.JSONField(_("interpretation offered into"), default=list, blank=True)
    minutes_visibility = models.CharField(
        _("minutes visible to"),
        max_length=10,
        choices=MinutesVisibility.choices,
        default=MinutesVisibility.MEMBERS,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["earliest", "start", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["space", "earliest"])]

    def __str__(self):
        return pick(self.title)

    def get_absolute_url(self):
        return reverse("events:detail", args=[self.space.slug, self.pk])

    @property
    def when(self) -> PrecisionDate:
        return PrecisionDate(
            precision=Precision(self.precision),
            year=self.date_year,
            month=self.date_month,
            week=self.date_week,
            day=self.date_day,
            part=Part(self.date_part) if self.date_part else None,
        )

    @property
    def is_exact(self) -> bool:
        return self.precision == Precision.EXACT

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def is_past(self) -> bool:
        if self.end:
            return self.end < timezone.now()
        return self.latest is not None and self.latest < timezone.localdate()

    @property
    def takes_registrations(self) -> bool:
        return self.registration_mode != RegistrationMode.NONE

    def clean(self):
        errors = {}
        if self.precision == Precision.EXACT:
            if not self.start or not self.end:
                errors["start"] = _("Give the start and the end.")
            elif self.end <= self.start:
                errors["end"] = _("The event must end after it starts.")
        if errors:
            raise ValidationError(errors)


class Registration(TimeStampedModel):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        PENDING = "pending", _("Waiting for approval")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        DECLINED = "declined", _("Declined")

    ACTIVE = (Status.CONFIRMED, Status.PENDING, Status.WAITLISTED)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    # Registration questions, prefilled from the profile (they may differ per event).
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=30, blank=True)
    stakeholder_group = models.CharField(_("stakeholder group"), max_length=30, blank=True)
    working_language = models.CharField(_("working language"), max_length=10, blank=True)
    interpretation_language = models.CharField(_("interpretation wanted into"), max_length=10, blank=True)
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(_("attended"), null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [models.UniqueConstraint("event", "user", name="events_registration_unique")]

    def __str__(self):
        return f"{self.user} → {self.event}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class AgendaItem(TimeStampedModel):
    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening")
        PRESENTATION = "presentation", _("Presentation")
        DISCUSSION_GROUPS = "discussion_groups", _("Discussion groups")
        REPORTING_BACK = "reporting_back", _("Reporting back")
        CONSOLIDATION = "consolidation", _("Consolidation")
        FOLLOW_UP = "follow_up", _("Follow-up on agreed actions")
        BREAK = "break", _("Break")
        CLOSING = "closing", _("Closing")
        OTHER = "other", _("Other")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.JSONField(_("title"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    speakers = models.CharField(_("speakers"), max_length=300, blank=True)

    class Meta:
        ordering = ["event", "order", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self):
        return pick(self.title)


def document_path(instance, filename):
    return f"events/{instance.event_id}/{secrets.token_hex(8)}/{filename}"


class Document(TimeStampedModel):
    """Meeting material; served through a permission check, never from a public media URL."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="documents")
    title = models.JSONField(_("title"))
    file = models.FileField(_("file"), upload_to=document_path, blank=True)
    url = models.URLField(_("link"), blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    published_on = models.DateField(_("published on"))

    class Meta:
        ordering = ["event", "published_on", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return pick(self.title)

    def clean(self):
        if not self.file and not self.url:
            raise ValidationError(_("Attach a file or give a link."))


class Minutes(TimeStampedModel):
    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="minutes")
    notes = models.TextField(_("notes"), blank=True)
    decisions = models.JSONField(_("decisions"), default=list, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self):
        return str(self.event)


class ActionItem(TimeStampedModel):
    """An action agreed in a meeting; open ones come back on the next meeting of the series (A8)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="action_items")
    title = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
    )
    owner_name = models.CharField(_("owner (if not a member)"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_in = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="closed_action_items"
    )

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self):
        return self.title


class MinutesAccessRequest(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="minutes_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("why you ask"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("request to read minutes")
        verbose_name_plural = _("requests to read minutes")
        constraints = [models.UniqueConstraint("event", "user", name="events_minutes_request_unique")]


class SchedulingRule(TimeStampedModel):
    """`event` must be `amount` weeks/days before `other` (R2: at least 12 weeks; R3: the day before)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(
        _("rule"),
        max_length=30,
        choices=[
            ("at_least_weeks_before", _("at least N weeks before")),
            ("at_least_days_before", _("at least N days before")),
            ("days_before", _("exactly N days before")),
        ],
    )
    amount = models.PositiveIntegerField(_("N"))
    other = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rules_as_other")
    # R3 says "possibly the day before": a preference, reported but never a reason to warn.
    strength = models.CharField(
        _("strength"),
        max_length=10,
        choices=[("required", _("required")), ("preferred", _("preferred"))],
        default="required",
    )

    class Meta:
        verbose_name = _("scheduling rule")
        verbose_name_plural = _("scheduling rules")

    def clean(self):
        if self.other_id and self.other_id == self.event_id:
            raise ValidationError(_("A rule relates two different events."))
        if self.other_id and self.event_id and self.other.space_id != self.event.space_id:
            raise ValidationError(_("Both events must belong to the same space."))


class CalendarFeed(TimeStampedModel):
    """A private "my events" calendar URL; the token is the only key, so it can be revoked (replaced)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")


class Announcement(TimeStampedModel):
    class Audience(models.TextChoices):
        MEMBERS = "members", _("Members of the space")
        REGISTRANTS = "registrants", _("Registered participants of the event")

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="announcements")
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="announcements"
    )
    audience = models.CharField(_("to"), max_length=12, choices=Audience.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self):
        return self.subject
