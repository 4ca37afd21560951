"""The administration of events shows what services own (capacity, status, registrations) read-only and
changes them through the services, so the seat rule, the e-mails and the audit log hold here too."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hiwar.events import services
from hiwar.events.models import ActionItem, AgendaItem, Announcement, Event, Registration, Series


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


class RegistrationInline(admin.TabularInline):
    """Read-only: registering, cancelling and approving go through the event's pages (the services)."""

    model = Registration
    extra = 0
    fields = ["user", "status", "interpretation_language", "checked_in_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class EventAdminForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = "__all__"  # noqa: DJ007 - the admin shows every field; service-owned ones read-only

    def clean_timezone(self):
        zone = self.cleaned_data["timezone"]
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValidationError(_("Unknown time zone: %(zone)s.") % {"zone": zone}) from error
        return zone


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    form = EventAdminForm
    list_display = ["__str__", "space", "kind", "precision", "earliest", "status"]
    list_filter = ["kind", "status", "format", "precision"]
    list_select_related = ["space"]
    search_fields = ["title"]
    # Dates, capacity and status change through the event's pages: they move reminders, promote the
    # waiting list and tell participants.
    readonly_fields = [
        "earliest",
        "latest",
        "original_start",
        "status",
        "capacity",
        "precision",
        "start",
        "end",
        "date_year",
        "date_month",
        "date_week",
        "date_day",
        "date_part",
    ]
    inlines = [AgendaInline, RegistrationInline]
    actions = ["cancel_events"]

    def has_add_permission(self, request):
        return False  # events are created on the site, where their dates are checked

    @admin.action(description=_("Cancel the selected events (participants are told)"))
    def cancel_events(self, request, queryset):
        cancelled = 0
        for event in queryset.select_related("space"):
            try:
                services.event_cancel(event=event, actor=request.user)
                cancelled += 1
            except ValidationError:
                continue  # already cancelled
        self.message_user(
            request, _("%(count)s event(s) cancelled.") % {"count": cancelled}, messages.SUCCESS
        )

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name] for name in form.changed_data if name in services.EVENT_FIELDS
        }
        if change and fields:
            services.event_update(event=obj, actor=request.user, **fields)
        elif not change:
            super().save_model(request, obj, form, change)


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "space", "rrule", "first_start"]
    list_select_related = ["space"]
    readonly_fields = ["rrule", "first_start", "duration", "timezone", "space"]

    def has_add_permission(self, request):
        return False  # a series is expanded into meetings by the service


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "owner", "due_date", "status"]
    list_filter = ["status"]
    list_select_related = ["event", "owner"]


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    """A record of what was sent: sending happens on the space's announcement page."""

    list_display = ["subject", "space", "audience", "recipient_count", "created_at"]
    list_select_related = ["space"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
