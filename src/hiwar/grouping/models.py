"""The tables of one dialogue: a composition (draft, then published), its tables and who sits where."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hiwar.core.models import TimeStampedModel

# Well past a background composition's time budget: its task was lost.
JOB_LOST_AFTER = timedelta(minutes=15)


class Composition(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    event = models.OneToOneField("events.Event", on_delete=models.CASCADE, related_name="composition")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    table_count = models.PositiveIntegerField(_("number of tables"))
    weights = models.JSONField(_("weights"), default=dict)
    organisations_apart = models.BooleanField(_("no two people of one organisation at a table"), default=True)
    shared_language = models.BooleanField(_("every table shares a working language"), default=False)
    # Pairs of user ids who sit at one table: a person and their interpreter or assistant.
    keep_together = models.JSONField(_("kept together"), default=list, blank=True)
    seed = models.PositiveIntegerField(default=0)
    score = models.FloatField(_("diversity score"), default=0.0)
    random_score = models.FloatField(_("score of a random seating"), default=0.0)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # A long composition runs as a background task; the page shows its progress meanwhile.
    job_state = models.CharField(max_length=10, blank=True)  # "", "queued", "running" or "failed"
    job_params = models.JSONField(default=dict, blank=True)
    job_started_at = models.DateTimeField(null=True, blank=True)
    job_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("composition of tables")
        verbose_name_plural = _("compositions of tables")

    def __str__(self):
        return str(self.event)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_busy(self) -> bool:
        """Queued or running, and not for so long that its task was surely lost (a worker stopped
        in the middle of it): then the convenor may compose again."""
        if self.job_state not in ("queued", "running"):
            return False
        budget = float(self.job_params.get("time_limit") or 0)
        stale = timedelta(seconds=budget) + JOB_LOST_AFTER
        return self.job_started_at is None or timezone.now() - self.job_started_at < stale


class Table(models.Model):
    composition = models.ForeignKey(Composition, on_delete=models.CASCADE, related_name="tables")
    number = models.PositiveIntegerField(_("table"))
    locked = models.BooleanField(
        _("locked"), default=False, help_text=_("Kept as it is when the rest is recomposed.")
    )
    score = models.FloatField(_("diversity score"), default=0.0)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint("composition", "number", name="grouping_table_number_unique")]
        verbose_name = _("table")
        verbose_name_plural = _("tables")

    def __str__(self):
        return f"{self.number}"


class TableSeat(models.Model):
    """One person at one table; the composition's people are its event's confirmed registrants."""

    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="seats")
    composition = models.ForeignKey(Composition, on_delete=models.CASCADE, related_name="seats")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="table_seats")
    is_facilitator = models.BooleanField(_("facilitator"), default=False)

    class Meta:
        ordering = ["-is_facilitator", "user__name"]
        constraints = [models.UniqueConstraint("composition", "user", name="grouping_one_seat_per_person")]
        verbose_name = _("seat at a table")
        verbose_name_plural = _("seats at tables")

    def __str__(self):
        return f"{self.user} @ {self.table}"
