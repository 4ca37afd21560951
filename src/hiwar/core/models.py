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
