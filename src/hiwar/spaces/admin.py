from django.contrib import admin

from hiwar.core.audit import audit
from hiwar.spaces.models import (
    ChecklistItem,
    ExpectedOutput,
    Invitation,
    JoinRequest,
    Membership,
    Phase,
    Seat,
    Space,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class AuditedAdmin(admin.ModelAdmin):
    """Changes made in the admin land in the audit log like changes made on the pages."""

    audited_fields: tuple[str, ...] = ()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = [name for name in self.audited_fields if name in form.changed_data]
        if change and changed:
            audit(
                actor=request.user,
                action=f"{obj._meta.model_name}.admin_change",
                space=obj if isinstance(obj, Space) else getattr(obj, "space", None),
                target=str(obj),
                changes={name: str(getattr(obj, name) or "") for name in changed},
            )

    def save_formset(self, request, form, formset, change):
        for membership_form in formset.forms:
            if isinstance(membership_form.instance, Membership) and membership_form.has_changed():
                audit(
                    actor=request.user,
                    action="membership.admin_change",
                    space=form.instance,
                    target=str(membership_form.instance.user) if membership_form.instance.user_id else "",
                    role=membership_form.cleaned_data.get("role", ""),
                    deleted=bool(membership_form.cleaned_data.get("DELETE")),
                )
        super().save_formset(request, form, formset, change)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0
    fields = ["order", "title", "status", "planned_start", "planned_end", "actual_start", "actual_end"]


@admin.register(Space)
class SpaceAdmin(AuditedAdmin):
    audited_fields = ("visibility", "kind")
    list_display = ["__str__", "slug", "kind", "visibility", "country", "region", "created_at"]
    list_filter = ["kind", "visibility", "region"]
    search_fields = ["slug", "title"]
    inlines = [MembershipInline, PhaseInline]


class ChecklistInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ["order", "title", "owner_role", "owner", "due_date", "status", "evidence_url"]
    autocomplete_fields = ["owner"]


class OutputInline(admin.TabularInline):
    model = ExpectedOutput
    extra = 0


@admin.register(Phase)
class PhaseAdmin(AuditedAdmin):
    audited_fields = ("status", "planned_start", "planned_end", "actual_start", "actual_end")
    list_display = ["__str__", "space", "status", "planned_start", "planned_end"]
    list_filter = ["status"]
    list_select_related = ["space"]
    inlines = [ChecklistInline, OutputInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "space", "role", "expires_at", "accepted_at", "revoked_at"]
    exclude = ["token_hash"]
    list_select_related = ["space"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "space", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["user", "space"]


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ["__str__", "space", "category", "membership"]
    list_select_related = ["space", "membership__user"]
