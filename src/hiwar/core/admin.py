from django.contrib import admin

from hiwar.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "space", "action", "target"]
    list_filter = ["action"]
    search_fields = ["target", "actor__email"]
    list_select_related = ["actor", "space"]

    # The log is evidence: nobody edits or deletes it from the admin.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
