"""The admin of spaces writes through hiwar.spaces.services, like the pages.

So its rules hold here too (a space always keeps a convenor or secretariat member; a seat is held by
a member of its space) and every change lands in the audit log under the same actions. What no
service owns here (phases inside a space, invitations, join requests) is shown read-only.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from hiwar.core.audit import audit
from hiwar.spaces import services
from hiwar.spaces.models import (
    MANAGER_ROLES,
    ChecklistItem,
    ExpectedOutput,
    Invitation,
    JoinRequest,
    Membership,
    Phase,
    Seat,
    Space,
)

NEEDS_A_MANAGER = _("A space needs at least one convenor or secretariat member.")


class MembershipFormSet(BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if form.instance.pk:
            # A membership is one person's: remove it and add another instead.
            form.fields["user"].disabled = True
        return form

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        before = [form.initial.get("role") for form in self.initial_forms]
        after = [
            form.cleaned_data.get("role")
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        # The services' rule, checked on the whole form first, so the admin shows it instead of
        # failing mid-save: an edit may not take away a space's last manager.
        managed = any(role in MANAGER_ROLES for role in before)
        if managed and not any(role in MANAGER_ROLES for role in after):
            raise ValidationError(NEEDS_A_MANAGER)


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    fields = ["user", "role"]  # announcements are the member's own choice
    extra = 0
    autocomplete_fields = ["user"]


class PhaseInline(admin.TabularInline):
    """Phases are edited on their own admin page, which audits their dates and status."""

    model = Phase
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    fields = ["order", "title", "status", "planned_start", "planned_end", "actual_start", "actual_end"]
    readonly_fields = fields


SPACE_SERVICE_FIELDS = ("title", "description", "kind", "visibility", "country", "region", "start_date")


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "slug", "kind", "visibility", "country", "region", "created_at"]
    list_filter = ["kind", "visibility", "region"]
    search_fields = ["slug", "title"]
    fields = ["slug", *SPACE_SERVICE_FIELDS, "template_key", "created_by"]
    readonly_fields = ["slug", "template_key", "created_by"]
    inlines = [MembershipInline, PhaseInline]

    def has_add_permission(self, request):
        # A new space is made on the site, where space_create applies its template and its convenor.
        return False

    def save_model(self, request, obj, form, change):
        """Nothing here: the space is saved by its service after the memberships (save_related)."""

    def save_related(self, request, form, formsets, change):
        # Memberships first, then visibility: a member added in the same save as closing the space
        # keeps their places at its events. The service compares with the stored space to audit.
        super().save_related(request, form, formsets, change)
        services.space_update(
            space=Space.objects.get(pk=form.instance.pk),
            actor=request.user,
            **{name: form.cleaned_data[name] for name in SPACE_SERVICE_FIELDS},
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        space, actor = form.instance, request.user
        changed_forms = [f for f in formset.forms if f.has_changed() and f.cleaned_data]
        removed = [f for f in changed_forms if f.instance.pk and f.cleaned_data.get("DELETE")]
        added = [f for f in changed_forms if not f.instance.pk and not f.cleaned_data.get("DELETE")]
        new_roles = [
            f for f in changed_forms if f.instance.pk and f not in removed and "role" in f.changed_data
        ]
        formset.new_objects = [
            services.membership_add(
                space=space, user=f.cleaned_data["user"], role=f.cleaned_data["role"], actor=actor
            )
            for f in added
        ]
        # Promotions before demotions and removals, so the space is never left without a manager.
        formset.changed_objects = []
        for f in sorted(new_roles, key=lambda f: f.cleaned_data["role"] not in MANAGER_ROLES):
            membership = services.membership_change_role(
                membership=Membership.objects.get(pk=f.instance.pk), role=f.cleaned_data["role"], actor=actor
            )
            formset.changed_objects.append((membership, ["role"]))
        formset.deleted_objects = []
        for f in removed:
            membership = Membership.objects.get(pk=f.instance.pk)
            services.membership_remove(membership=membership, actor=actor)
            formset.deleted_objects.append(membership)


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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Sent, accepted and decided on the site (services send the mails and make the memberships)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "space", "role", "expires_at", "accepted_at", "revoked_at"]
    exclude = ["token_hash"]
    list_select_related = ["space"]


@admin.register(JoinRequest)
class JoinRequestAdmin(ReadOnlyAdmin):
    list_display = ["user", "space", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["user", "space"]


class SeatForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        space = data.get("space") or getattr(self.instance, "space", None)
        membership = data.get("membership")
        if membership is not None and space is not None and membership.space_id != space.pk:
            self.add_error("membership", _("The seat must be held by a member of this space."))
        return data


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    form = SeatForm
    list_display = ["__str__", "space", "category", "membership"]
    list_select_related = ["space", "membership__user"]

    def get_readonly_fields(self, request, obj=None):
        return ["space"] if obj else []

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None:  # only this space's members to choose from
            form.base_fields["membership"].queryset = Membership.objects.filter(
                space=obj.space
            ).select_related("user")
        return form

    def save_model(self, request, obj, form, change):
        holder = obj.membership
        if "membership" not in form.changed_data:
            return super().save_model(request, obj, form, change)
        # Seat the holder through the service, which audits the assignment.
        obj.membership = Seat.objects.get(pk=obj.pk).membership if change else None
        super().save_model(request, obj, form, change)
        services.seat_assign(seat=obj, membership=holder, actor=request.user)
