from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


ACTION_LABELS = {
    "space.create": _("Space created"),
    "space.visibility": _("Visibility changed"),
    "membership.add": _("Member added"),
    "membership.role": _("Role changed"),
    "membership.remove": _("Member removed"),
    "membership.leave": _("Member left"),
    "invitation.create": _("Invitation sent"),
    "invitation.revoke": _("Invitation withdrawn"),
    "join_request.approve": _("Request to join approved"),
    "join_request.decline": _("Request to join declined"),
    "phase.update": _("Phase changed"),
    "seat.assign": _("Seat assigned"),
    "phase.add": _("Phase added"),
    "phase.move": _("Phase moved"),
    "phase.remove": _("Phase removed"),
    "checklist.add": _("Action item added"),
    "checklist.update": _("Action item changed"),
    "checklist.move": _("Action item moved"),
    "checklist.remove": _("Action item removed"),
    "output.add": _("Expected output added"),
    "output.update": _("Expected output changed"),
    "output.move": _("Expected output moved"),
    "output.remove": _("Expected output removed"),
    "seat.add": _("Seat added"),
    "seat.update": _("Seat changed"),
    "seat.move": _("Seat moved"),
    "seat.remove": _("Seat removed"),
    "space.admin_change": _("Space changed in the administration"),
    "phase.admin_change": _("Phase changed in the administration"),
    "membership.admin_change": _("Membership changed in the administration"),
    "event.create": _("Event created"),
    "event.reschedule": _("Event rescheduled"),
    "event.cancel": _("Event cancelled"),
    "series.create": _("Recurring meetings scheduled"),
    "minutes.grant": _("Access to minutes granted"),
    "minutes.refuse": _("Access to minutes refused"),
    "announcement.send": _("Announcement sent"),
    "tables.compose": _("Tables composed"),
    "tables.move": _("Person moved to another table"),
    "tables.publish": _("Tables published"),
    "tables.lock": _("Table locked"),
    "tables.unlock": _("Table unlocked"),
    "tables.keep_together": _("Two people kept at one table"),
    "tables.release": _("Two people no longer kept together"),
    "tables.reseat": _("Tables brought up to date (cancellations removed, newcomers seated)"),
    "registration.approve": _("Registration approved"),
    "registration.decline": _("Registration declined"),
    "registration.by_organiser": _("Person registered by an organiser"),
    "registration.cancel_for": _("Registration cancelled by an organiser"),
    "registration.check_in": _("Attendance recorded"),
    "registration.reconcile": _("Seats reconciled"),
    "agenda.delete": _("Agenda item removed"),
    "event.admin_change": _("Event changed in the administration"),
    "email.retry": _("Failed e-mails queued again"),
}


class AuditEntry(models.Model):
    """Who changed what, and when: roles, visibility, phases (written by services only)."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    space = models.ForeignKey(
        "spaces.Space",
        verbose_name=_("space"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="audit_entries",
    )
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target = models.CharField(_("target"), max_length=255, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target}"

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def details(self):
        from hiwar.core.audit import audit_details  # audit.py writes entries: it imports this module

        return audit_details(self)


class EmailDelivery(models.Model):
    """One e-mail to one address, recorded before it is sent.

    The row is written in the same transaction as the change that causes the mail, so a rolled-back
    change sends nothing; the task that sends it marks the row first, so a retry after a crash knows
    whether it may have gone already. Sending is at-least-once: a worker killed between the SMTP
    answer and the mark sends that one message a second time, with the same Message-ID.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        WITHDRAWN = "withdrawn", _("Withdrawn: the person may no longer see it")

    FINAL = (Status.SENT, Status.FAILED, Status.WITHDRAWN)
    # Queued or being sent for this long without an answer: its task was lost (see docs/tasks.md).
    STUCK_AFTER = timedelta(minutes=30)

    message_id = models.CharField(max_length=200, unique=True)
    # A stable name for mails that must go once only (a reminder for one start time); empty otherwise.
    key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField()
    attachments = models.JSONField(default=list, blank=True)
    space = models.ForeignKey(
        "spaces.Space",
        verbose_name=_("space"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="email_deliveries",
    )
    # A mail about a space's content goes out only while its recipient may still see the space
    # (checked again at each attempt: a retry must not reach someone removed meanwhile).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requires_perm = models.CharField(max_length=60, blank=True)
    # What the mail is about, for the pages that report on it ("announcement:12").
    topic = models.CharField(max_length=60, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sending_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")

    def __str__(self):
        return f"{self.to}: {self.subject}"


class WorkerBeat(models.Model):
    """A task worker says it is alive; tasks of a worker that stopped beating are run again."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    pid = models.PositiveIntegerField()
    host = models.CharField(max_length=255, blank=True)
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")

    def __str__(self):
        return f"{self.host}:{self.pid}"
