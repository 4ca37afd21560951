from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiwar.accounts.choices import Region
from hiwar.core import throttling
from hiwar.core.forms import add_validation_error
from hiwar.core.models import AuditEntry
from hiwar.spaces import selectors, services
from hiwar.spaces.blueprints import all_blueprints
from hiwar.spaces.forms import (
    ChecklistItemForm,
    InvitationForm,
    JoinRequestForm,
    OutputForm,
    PhaseForm,
    RoleForm,
    SeatForm,
    SpaceCreateForm,
    SpaceForm,
)
from hiwar.spaces.models import (
    ChecklistItem,
    ExpectedOutput,
    Invitation,
    JoinRequest,
    Membership,
    Phase,
    Seat,
    SpaceKind,
)
from hiwar.spaces.predicates import membership_of

PAGE_SIZE = 24


def _space_or_404(request, slug, perm="spaces.see_space"):
    return selectors.space_for_user(request.user, slug, perm)


def _managed_space(request, slug):
    """A space the user manages; others get the 404 a missing space gets (no leak of its existence)."""
    space = _space_or_404(request, slug)
    if not request.user.has_perm("spaces.manage_space", space):
        if request.user.has_perm("spaces.view_space", space):
            raise PermissionDenied
        raise Http404
    return space


def home_view(request):
    """The site's home page: what Hiwar is, and the spaces the reader may see."""
    spaces = selectors.space_list(request.user)[:6]
    return render(request, "spaces/home.html", {"spaces": spaces})


def space_list_view(request):
    kind, region, query = (
        request.GET.get("kind", ""),
        request.GET.get("region", ""),
        request.GET.get("q", "").strip(),
    )
    spaces = selectors.space_list(request.user, kind=kind, region=region, query=query)
    page = Paginator(spaces, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "spaces/list.html",
        {
            "page": page,
            "kinds": SpaceKind.choices,
            "regions": Region.choices,
            "filters": {"kind": kind, "region": region, "q": query},
        },
    )


@login_required
def space_create_view(request):
    if not request.user.has_perm("spaces.create_space"):
        messages.error(request, _("Verify your e-mail address first: open the link we sent you."))
        return redirect("spaces:list")
    form = SpaceCreateForm(request.POST or None, initial={"template_key": request.GET.get("template", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            space = services.space_create(created_by=request.user, **data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The space is ready. You are its convenor."))
            return redirect(space)
    return render(request, "spaces/create.html", {"form": form, "blueprints": all_blueprints()})


def space_detail_view(request, slug):
    space = _space_or_404(request, slug)
    can_view = request.user.has_perm("spaces.view_space", space)
    context = {
        "space": space,
        "membership": membership_of(request.user, space),
        "can_view": can_view,
        "can_manage": request.user.has_perm("spaces.manage_space", space),
        "can_update": request.user.has_perm("spaces.update_progress", space),
        "can_request_join": request.user.has_perm("spaces.request_join", space),
        "can_join": request.user.has_perm("spaces.join_public", space),
        "leads": selectors.leads_of_space(space),
    }
    if can_view:
        context["overview"] = selectors.space_overview(space)
        context["seats"] = space.seats.select_related("membership__user")
    if request.user.is_authenticated and not context["membership"]:
        context["pending_request"] = space.join_requests.filter(
            user=request.user, status=JoinRequest.Status.PENDING
        ).exists()
    return render(request, "spaces/detail.html", context)


@login_required
def space_edit_view(request, slug):
    space = _managed_space(request, slug)
    initial = {
        "title": space.title,
        "description": space.description,
        "kind": space.kind,
        "visibility": space.visibility,
        "country": space.country.code or "",
        "region": space.region,
        "start_date": space.start_date,
    }
    form = SpaceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.space_update(space=space, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The space is saved."))
            return redirect(space)
    return render(request, "spaces/edit.html", {"space": space, "form": form})


@login_required
def members_view(request, slug):
    space = _space_or_404(request, slug, "spaces.view_members")
    can_manage = request.user.has_perm("spaces.manage_space", space)
    context = {
        "space": space,
        "memberships": selectors.memberships_of_space(space),
        "can_manage": can_manage,
        "membership": membership_of(request.user, space),
    }
    if can_manage:
        context.update(
            invite_form=InvitationForm(),
            invitations=[
                i for i in space.invitations.filter(accepted_at=None, revoked_at=None) if i.is_pending
            ],
            join_requests=space.join_requests.filter(status=JoinRequest.Status.PENDING).select_related(
                "user"
            ),
            role_form=RoleForm(),
        )
    return render(request, "spaces/members.html", context)


@login_required
@require_POST
def invite_view(request, slug):
    space = _managed_space(request, slug)
    throttling.hit(request, "invitation", request.user.pk)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(space=space, invited_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request,
                _("The invitation to %(email)s is queued; its delivery shows under E-mails.")
                % {"email": invitation.email},
            )
            return redirect("spaces:members", slug=space.slug)
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect("spaces:members", slug=space.slug)


@login_required
@require_POST
def membership_edit_view(request, slug, membership_id):
    space = _managed_space(request, slug)
    membership = get_object_or_404(Membership, pk=membership_id, space=space)
    try:
        if request.POST.get("action") == "remove":
            services.membership_remove(membership=membership, actor=request.user)
            messages.success(request, _("%(name)s is no longer a member.") % {"name": membership.user})
        else:
            form = RoleForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose a valid role."))
            services.membership_change_role(
                membership=membership, role=form.cleaned_data["role"], actor=request.user
            )
            messages.success(request, _("The role of %(name)s is changed.") % {"name": membership.user})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("spaces:members", slug=space.slug)


@login_required
@require_POST
def invitation_revoke_view(request, slug, invitation_id):
    space = _managed_space(request, slug)
    invitation = get_object_or_404(Invitation, pk=invitation_id, space=space)
    try:
        services.invitation_revoke(invitation=invitation, actor=request.user)
        messages.success(
            request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("spaces:members", slug=space.slug)


@login_required
@require_POST
def join_request_decide_view(request, slug, request_id):
    space = _managed_space(request, slug)
    join_request = get_object_or_404(JoinRequest, pk=request_id, space=space)
    approve = request.POST.get("decision") == "approve"
    try:
        services.join_request_decide(join_request=join_request, approve=approve, actor=request.user)
        messages.success(request, _("Request approved.") if approve else _("Request declined."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("spaces:members", slug=space.slug)


def _unusable_invitation(request, errors=None, status=404):
    # Neutral on purpose: a wrong, used, withdrawn or expired link never names the (closed) space.
    errors = errors or [
        _("This invitation is not valid or no longer open. Ask the space's secretariat for a new one.")
    ]
    return render(request, "spaces/invitation.html", {"invitation": None, "errors": errors}, status=status)


def invitation_view(request, token):
    invitation = services.invitation_for_token(token)
    if request.method == "POST" and request.user.is_authenticated:
        try:
            membership = services.invitation_accept(token=token, user=request.user)
        except ValidationError as error:
            return _unusable_invitation(request, error.messages, status=400)
        messages.success(request, _("Welcome to the space."))
        return redirect(membership.space)
    if invitation is None or not invitation.is_pending:
        return _unusable_invitation(request)
    return render(request, "spaces/invitation.html", {"invitation": invitation, "token": token})


@require_POST
def join_view(request, slug):
    if not request.user.is_authenticated:
        return redirect_to_login(request.META.get("HTTP_REFERER") or "/")
    space = _space_or_404(request, slug)
    throttling.hit(request, "join_request", request.user.pk)
    form = JoinRequestForm(request.POST)
    try:
        if space.visibility == "public":
            services.space_join_public(space=space, user=request.user)
            messages.success(request, _("You joined this space."))
        elif form.is_valid():
            services.join_request_create(space=space, user=request.user, message=form.cleaned_data["message"])
            messages.success(request, _("Your request is sent; the secretariat will answer it."))
        else:
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(space)


@login_required
@require_POST
def leave_view(request, slug):
    space = _space_or_404(request, slug)
    try:
        services.space_leave(space=space, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(space)
    messages.success(request, _("You left the space."))
    if request.user.has_perm("spaces.see_space", space):
        return redirect(space)
    return redirect("spaces:list")


def phase_view(request, slug, phase_id):
    space = _space_or_404(request, slug, "spaces.view_space")
    phase = get_object_or_404(
        Phase.objects.prefetch_related("checklist__owner", "outputs", "topics__questions"),
        pk=phase_id,
        space=space,
    )
    return render(
        request,
        "spaces/phase.html",
        {
            "space": space,
            "phase": phase,
            "can_update": request.user.has_perm("spaces.update_progress", space),
        },
    )


def _progress_space(request, slug):
    space = _space_or_404(request, slug)
    if not request.user.has_perm("spaces.update_progress", space):
        if request.user.has_perm("spaces.view_space", space):
            raise PermissionDenied
        raise Http404
    return space


@login_required
def phase_edit_view(request, slug, phase_id):
    space = _progress_space(request, slug)
    phase = get_object_or_404(Phase, pk=phase_id, space=space)
    initial = {name: getattr(phase, name) for name in PhaseForm.base_fields}
    form = PhaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.phase_update(phase=phase, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The phase is saved."))
            return redirect("spaces:phase", slug=space.slug, phase_id=phase.pk)
    return render(request, "spaces/phase_edit.html", {"space": space, "phase": phase, "form": form})


@login_required
def checklist_item_view(request, slug, item_id):
    space = _progress_space(request, slug)
    item = get_object_or_404(ChecklistItem.objects.select_related("phase"), pk=item_id, phase__space=space)
    members = space.members.order_by("name")
    initial = {
        "status": item.status,
        "owner": item.owner,
        "due_date": item.due_date,
        "evidence_url": item.evidence_url,
    }
    form = ChecklistItemForm(request.POST or None, initial=initial, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            services.checklist_item_update(item=item, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The action item is saved."))
            return redirect("spaces:phase", slug=space.slug, phase_id=item.phase_id)
    return render(request, "spaces/item_edit.html", {"space": space, "item": item, "form": form})


@login_required
def output_view(request, slug, output_id):
    space = _progress_space(request, slug)
    output = get_object_or_404(
        ExpectedOutput.objects.select_related("phase"), pk=output_id, phase__space=space
    )
    form = OutputForm(
        request.POST or None, initial={"progress": output.progress, "evidence_url": output.evidence_url}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.output_update(output=output, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The expected output is saved."))
            return redirect("spaces:phase", slug=space.slug, phase_id=output.phase_id)
    return render(request, "spaces/output_edit.html", {"space": space, "output": output, "form": form})


@login_required
def seat_view(request, slug, seat_id):
    space = _managed_space(request, slug)
    seat = get_object_or_404(Seat, pk=seat_id, space=space)
    memberships = space.memberships.select_related("user").order_by("user__name")
    form = SeatForm(request.POST or None, initial={"membership": seat.membership}, memberships=memberships)
    if request.method == "POST" and form.is_valid():
        services.seat_assign(seat=seat, membership=form.cleaned_data["membership"], actor=request.user)
        messages.success(request, _("The seat is saved."))
        return redirect(space)
    return render(request, "spaces/seat_edit.html", {"space": space, "seat": seat, "form": form})


@login_required
def audit_view(request, slug):
    space = _space_or_404(request, slug)
    if not request.user.has_perm("spaces.view_audit_log", space):
        raise Http404
    entries = AuditEntry.objects.filter(space=space).select_related("actor")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "spaces/audit.html", {"space": space, "page": page})
