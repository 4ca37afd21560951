import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from hiwar.accounts.choices import Region
from hiwar.core.arabic import normalise
from hiwar.core.models import TimeStampedModel
from hiwar.core.translation import pick


class SpaceKind(models.TextChoices):
    PROCESS = "process", _("Process")
    COMMUNITY = "community", _("Community of practice")
    CONSULTATION_SERIES = "consultation_series", _("Consultation series")


class SpaceVisibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members only")
    CLOSED = "closed", _("Closed (invitation only)")


class Role(models.TextChoices):
    CONVENOR = "convenor", _("Convenor")
    SECRETARIAT = "secretariat", _("Secretariat")
    CO_LEAD = "co_lead", _("Co-lead")
    FACILITATOR = "facilitator", _("Facilitator")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")


MANAGER_ROLES = (Role.CONVENOR, Role.SECRETARIAT)
LEAD_ROLES = (*MANAGER_ROLES, Role.CO_LEAD)


class Space(TimeStampedModel):
    slug = models.SlugField(_("short name"), max_length=80, unique=True, allow_unicode=False)
    title = models.JSONField(_("title"), help_text=_("In one or more of the UN languages."))
    description = models.JSONField(_("description"), default=dict, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=SpaceKind.choices, default=SpaceKind.PROCESS)
    country = CountryField(_("country"), blank=True)
    region = models.CharField(_("region"), max_length=30, choices=Region.choices, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=SpaceVisibility.choices, default=SpaceVisibility.PUBLIC
    )
    template_key = models.CharField(_("template"), max_length=60, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="spaces", verbose_name=_("members")
    )
    # Titles in every language, normalised (see core.arabic), so one search finds any language.
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("space")
        verbose_name_plural = _("spaces")

    def __str__(self):
        return pick(self.title) or self.slug

    def get_absolute_url(self):
        return reverse("spaces:detail", args=[self.slug])

    def clean(self):
        if not any(str(v).strip() for v in (self.title or {}).values()):
            raise ValidationError({"title": _("Give the space a title in at least one language.")})

    def save(self, *args, **kwargs):
        self.search_text = normalise(" ".join([self.slug, *map(str, (self.title or {}).values())]))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


class Membership(TimeStampedModel):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    wants_announcements = models.BooleanField(_("receive announcements by e-mail"), default=True)

    class Meta:
        ordering = ["space", "role", "user__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint("space", "user", name="spaces_membership_unique")]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}"

    @property
    def can_manage(self) -> bool:
        return self.role in MANAGER_ROLES


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(TimeStampedModel):
    """Single-use, expiring; only the hash of the token is stored, the link carries the token."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    message = models.TextField(_("personal message"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.space}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_pending(self) -> bool:
        return not self.accepted_at and not self.revoked_at and not self.is_expired


class JoinRequest(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests")
    message = models.TextField(_("why you want to join"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        constraints = [
            models.UniqueConstraint(
                "space", "user", condition=models.Q(status="pending"), name="spaces_joinrequest_one_pending"
            )
        ]


class PhaseStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped")


class Phase(TimeStampedModel):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveIntegerField(_("order"), default=0)
    key = models.SlugField(max_length=60, blank=True)
    title = models.JSONField(_("title"))
    description = models.JSONField(_("description"), default=dict, blank=True)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PhaseStatus.choices, default=PhaseStatus.PLANNED
    )
    # Scheduling rules from a template, e.g. [{"kind": "at_least_weeks_before", "amount": 12, "other": "review"}].
    rules = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["space", "order", "id"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self):
        return pick(self.title)

    @property
    def is_late(self) -> bool:
        """Its planned end has passed and it is neither done nor skipped."""
        return (
            self.planned_end is not None
            and self.status in (PhaseStatus.PLANNED, PhaseStatus.IN_PROGRESS)
            and self.planned_end < timezone.localdate()
        )

    def clean(self):
        errors = {}
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = _("A phase cannot end before it starts.")
        if self.actual_start and self.actual_end and self.actual_end < self.actual_start:
            errors["actual_end"] = _("A phase cannot end before it starts.")
        if self.status == PhaseStatus.DONE and self.actual_start and not self.actual_end:
            errors["actual_end"] = _("Give the date the phase actually ended.")
        if errors:
            raise ValidationError(errors)


class ItemStatus(models.TextChoices):
    TODO = "todo", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class ChecklistItem(TimeStampedModel):
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="checklist")
    order = models.PositiveIntegerField(_("order"), default=0)
    title = models.JSONField(_("action item"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checklist_items",
    )
    owner_role = models.CharField(_("usual owner"), max_length=20, choices=Role.choices, blank=True)
    # The sub-heading the item stands under in its phase (the annex's "Baseline assessment"…).
    section = models.JSONField(_("section"), default=dict, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.TODO)
    evidence_url = models.URLField(_("link to evidence"), blank=True)

    class Meta:
        ordering = ["phase", "order", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self):
        return pick(self.title)

    @property
    def is_open(self) -> bool:
        return self.status in (ItemStatus.TODO, ItemStatus.IN_PROGRESS)

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < timezone.localdate()


class ExpectedOutput(TimeStampedModel):
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="outputs")
    order = models.PositiveIntegerField(_("order"), default=0)
    title = models.JSONField(_("expected output"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    evidence_url = models.URLField(_("link to the output"), blank=True)

    class Meta:
        ordering = ["phase", "order", "id"]
        verbose_name = _("expected output")
        verbose_name_plural = _("expected outputs")

    def __str__(self):
        return pick(self.title)

    def clean(self):
        if self.progress > 100:
            raise ValidationError({"progress": _("Progress is a percentage between 0 and 100.")})


class SeatCategory(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    STAKEHOLDER_GROUP = "stakeholder_group", _("Stakeholder group")
    SUPPORT_SYSTEM = "support_system", _("Support system")
    SECRETARIAT = "secretariat", _("Secretariat")
    OTHER = "other", _("Other")


class Seat(TimeStampedModel):
    """A place in a lead group (e.g. the Convergence Action Group, C3) that a member fills."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="seats")
    order = models.PositiveIntegerField(default=0)
    key = models.SlugField(max_length=60, blank=True)
    group = models.JSONField(_("group"), default=dict, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=SeatCategory.choices)
    title = models.JSONField(_("seat"))
    suggested_role = models.CharField(_("suggested role"), max_length=20, choices=Role.choices, blank=True)
    # "Where appropriate", "may also be invited" (C3): a seat the group may leave empty.
    optional = models.BooleanField(_("optional"), default=False)
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("held by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="seats",
    )

    class Meta:
        ordering = ["space", "order", "id"]
        verbose_name = _("seat")
        verbose_name_plural = _("seats")

    def __str__(self):
        return pick(self.title)
