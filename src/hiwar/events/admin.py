from django.contrib import admin

from hiwar.events.models import ActionItem, AgendaItem, Announcement, Event, Registration, Series


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    fields = ["user", "status", "interpretation_language", "checked_in_at"]
    raw_id_fields = ["user"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["__str__", "space", "kind", "precision", "earliest", "status"]
    list_filter = ["kind", "status", "format", "precision"]
    list_select_related = ["space"]
    search_fields = ["title"]
    readonly_fields = ["earliest", "latest", "original_start"]
    inlines = [AgendaInline, RegistrationInline]


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "space", "rrule", "first_start"]
    list_select_related = ["space"]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "owner", "due_date", "status"]
    list_filter = ["status"]
    list_select_related = ["event", "owner"]


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["subject", "space", "audience", "recipient_count", "created_at"]
    list_select_related = ["space"]
