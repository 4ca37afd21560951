from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiwar.accounts.choices import Region
from hiwar.core import throttling
from hiwar.core.forms import add_validation_error
from hiwar.core.models import AuditEntry
from hiwar.spaces import selectors, services
from hiwar.spaces.blueprints import all_blueprints, export_blueprint
from hiwar.spaces.forms import (
    ChecklistItemForm,
    ChecklistItemStructureForm,
    InvitationForm,
    JoinRequestForm,
    MoveForm,
    OutputForm,
    OutputStructureForm,
    PhaseForm,
    PhaseStructureForm,
    RoleForm,
    SeatDetailsForm,
    SeatStructureForm,
    SpaceCreateForm,
    SpaceForm,
)
from hiwar.spaces.models import (
    ChecklistItem,
    ExpectedOutput,
    Invitation,
    ItemStatus,
    JoinRequest,
    Membership,
    Phase,
    Seat,
    SpaceKind,
)
from hiwar.spaces.predicates import membership_of

PAGE_SIZE = 24
MEMBERS_PAGE_SIZE = 50


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
    query = request.GET.get("q", "").strip()[:100]
    rows = selectors.members_for_page(space, query=query, all_organisations=can_manage)
    page = Paginator(rows, MEMBERS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "space": space,
        "page": page,
        "memberships": page.object_list,
        "filters": {"q": query},
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
            "can_manage": request.user.has_perm("spaces.manage_space", space),
        },
    )


def _progress_space(request, slug):
    space = _space_or_404(request, slug)
    if not request.user.has_perm("spaces.update_progress", space):
        if request.user.has_perm("spaces.view_space", space):
            raise PermissionDenied
        raise Http404
    return space


def _phase_page(space, phase_id):
    return redirect("spaces:phase", slug=space.slug, phase_id=phase_id)


def _save(request, form, save, success):
    """Call the service with the form's data; True when it saved (its refusal is shown on the form)."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save(**form.cleaned_data)
    except ValidationError as error:
        add_validation_error(form, error)
        return False
    messages.success(request, success)
    return True


@login_required
def phase_add_view(request, slug):
    space = _managed_space(request, slug)
    form = PhaseStructureForm(request.POST or None, initial={"status": "planned"})
    created = []

    def save(**data):
        created.append(services.phase_add(space=space, actor=request.user, **data))

    if _save(request, form, save, _("The phase is added.")):
        return _phase_page(space, created[0].pk)
    return render(request, "spaces/phase_edit.html", {"space": space, "phase": None, "form": form})


@login_required
def phase_edit_view(request, slug, phase_id):
    space = _progress_space(request, slug)
    phase = get_object_or_404(Phase, pk=phase_id, space=space)
    # Co-leads move the phase on (status, dates); only managers change what it is.
    form_class = PhaseStructureForm if request.user.has_perm("spaces.manage_space", space) else PhaseForm
    initial = {name: getattr(phase, name) for name in form_class.base_fields}
    form = form_class(request.POST or None, initial=initial)

    def save(**data):
        services.phase_update(phase=phase, actor=request.user, **data)

    if _save(request, form, save, _("The phase is saved.")):
        return _phase_page(space, phase.pk)
    return render(request, "spaces/phase_edit.html", {"space": space, "phase": phase, "form": form})


@login_required
def phase_remove_view(request, slug, phase_id):
    space = _managed_space(request, slug)
    phase = get_object_or_404(Phase, pk=phase_id, space=space)
    counts = {"items": phase.checklist.count(), "outputs": phase.outputs.count()}
    confirmed = request.POST.get("confirm") == "yes" or not (counts["items"] or counts["outputs"])
    if request.method == "POST" and confirmed:
        services.phase_remove(phase=phase, actor=request.user)
        messages.success(request, _("The phase is removed."))
        return redirect(space)
    return render(request, "spaces/phase_remove.html", {"space": space, "phase": phase, "counts": counts})


@login_required
def checklist_item_add_view(request, slug, phase_id):
    space = _managed_space(request, slug)
    phase = get_object_or_404(Phase, pk=phase_id, space=space)
    form = ChecklistItemStructureForm(
        request.POST or None, initial={"status": "todo"}, members=space.members.order_by("name")
    )

    def save(**data):
        services.checklist_item_add(phase=phase, actor=request.user, **data)

    if _save(request, form, save, _("The action item is added.")):
        return _phase_page(space, phase.pk)
    return render(
        request, "spaces/item_edit.html", {"space": space, "phase": phase, "item": None, "form": form}
    )


@login_required
def checklist_item_view(request, slug, item_id):
    space = _progress_space(request, slug)
    item = get_object_or_404(ChecklistItem.objects.select_related("phase"), pk=item_id, phase__space=space)
    form_class = (
        ChecklistItemStructureForm
        if request.user.has_perm("spaces.manage_space", space)
        else ChecklistItemForm
    )
    initial = {name: getattr(item, name) for name in form_class.base_fields}
    form = form_class(request.POST or None, initial=initial, members=space.members.order_by("name"))

    def save(**data):
        services.checklist_item_update(item=item, actor=request.user, **data)

    if _save(request, form, save, _("The action item is saved.")):
        return _phase_page(space, item.phase_id)
    return render(
        request, "spaces/item_edit.html", {"space": space, "phase": item.phase, "item": item, "form": form}
    )


@login_required
def output_add_view(request, slug, phase_id):
    space = _managed_space(request, slug)
    phase = get_object_or_404(Phase, pk=phase_id, space=space)
    form = OutputStructureForm(request.POST or None, initial={"progress": 0})

    def save(**data):
        services.output_add(phase=phase, actor=request.user, **data)

    if _save(request, form, save, _("The expected output is added.")):
        return _phase_page(space, phase.pk)
    return render(
        request, "spaces/output_edit.html", {"space": space, "phase": phase, "output": None, "form": form}
    )


@login_required
def output_view(request, slug, output_id):
    space = _progress_space(request, slug)
    output = get_object_or_404(
        ExpectedOutput.objects.select_related("phase"), pk=output_id, phase__space=space
    )
    form_class = OutputStructureForm if request.user.has_perm("spaces.manage_space", space) else OutputForm
    initial = {name: getattr(output, name) for name in form_class.base_fields}
    form = form_class(request.POST or None, initial=initial)

    def save(**data):
        services.output_update(output=output, actor=request.user, **data)

    if _save(request, form, save, _("The expected output is saved.")):
        return _phase_page(space, output.phase_id)
    return render(
        request,
        "spaces/output_edit.html",
        {"space": space, "phase": output.phase, "output": output, "form": form},
    )


@login_required
def seat_add_view(request, slug):
    space = _managed_space(request, slug)
    form = SeatDetailsForm(request.POST or None, initial={"category": "other"})

    def save(**data):
        services.seat_add(space=space, actor=request.user, **data)

    if _save(request, form, save, _("The seat is added.")):
        return redirect(space)
    return render(request, "spaces/seat_edit.html", {"space": space, "seat": None, "form": form})


@login_required
def seat_view(request, slug, seat_id):
    space = _managed_space(request, slug)
    seat = get_object_or_404(Seat, pk=seat_id, space=space)
    memberships = space.memberships.select_related("user").order_by("user__name")
    initial = {name: getattr(seat, name) for name in SeatStructureForm.base_fields}
    form = SeatStructureForm(request.POST or None, initial=initial, memberships=memberships)

    def save(**data):
        services.seat_update(seat=seat, actor=request.user, **data)

    if _save(request, form, save, _("The seat is saved.")):
        return redirect(space)
    return render(request, "spaces/seat_edit.html", {"space": space, "seat": seat, "form": form})


# Reordering and removing: small POST forms on the space and phase pages, one view per kind of part.
PARTS = {
    "phase": (
        lambda space, pk: get_object_or_404(Phase, pk=pk, space=space),
        services.phase_move,
        None,
    ),
    "item": (
        lambda space, pk: get_object_or_404(
            ChecklistItem.objects.select_related("phase"), pk=pk, phase__space=space
        ),
        services.checklist_item_move,
        services.checklist_item_remove,
    ),
    "output": (
        lambda space, pk: get_object_or_404(
            ExpectedOutput.objects.select_related("phase"), pk=pk, phase__space=space
        ),
        services.output_move,
        services.output_remove,
    ),
    "seat": (
        lambda space, pk: get_object_or_404(Seat, pk=pk, space=space),
        services.seat_move,
        services.seat_remove,
    ),
}


def _part_done(space, part, obj):
    if part in ("item", "output"):
        return _phase_page(space, obj.phase_id)
    return redirect(space)


@login_required
@require_POST
def part_move_view(request, slug, part, pk):
    space = _managed_space(request, slug)
    get, move, _remove = PARTS[part]
    obj = get(space, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        move(**{part: obj, "actor": request.user, **form.cleaned_data})
    else:
        messages.error(request, _("Choose whether to move it up or down."))
    return _part_done(space, part, obj)


def _worth_keeping(part: str, obj) -> str:
    """Why removing this part deserves a second look (empty when it holds nothing of value)."""
    if part == "seat" and obj.membership_id:
        return _("%(name)s holds this seat.") % {"name": obj.membership.user.name}
    if part == "item" and (obj.status == ItemStatus.DONE or obj.evidence_url):
        return _("This action item is done or has a link to its evidence.")
    if part == "output" and (obj.progress or obj.evidence_url):
        return _("This output has progress or a link to it.")
    return ""


@login_required
def part_remove_view(request, slug, part, pk):
    """Remove an action item, output or seat; one holding something of value (a holder, a done item,
    evidence, progress) is removed only after a confirmation page, which works without JavaScript."""
    space = _managed_space(request, slug)
    get, _move, remove = PARTS[part]
    obj = get(space, pk)
    reason = _worth_keeping(part, obj)
    if request.method != "POST" or (reason and request.POST.get("confirm") != "yes"):
        return render(
            request,
            "spaces/part_remove.html",
            {
                "space": space,
                "obj": obj,
                "part": part,
                "reason": reason,
                "back": _part_done(space, part, obj).url,
            },
        )
    remove(**{part: obj, "actor": request.user})
    messages.success(request, _("Removed: %(title)s") % {"title": obj})
    return _part_done(space, part, obj)


@login_required
def template_export_view(request, slug):
    """The space's structure as a process template (YAML), to start other spaces from."""
    space = _managed_space(request, slug)
    response = HttpResponse(export_blueprint(space), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{space.slug}.yaml"'
    return response


@login_required
def audit_view(request, slug):
    space = _space_or_404(request, slug)
    if not request.user.has_perm("spaces.view_audit_log", space):
        raise Http404
    entries = AuditEntry.objects.filter(space=space).select_related("actor")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "spaces/audit.html", {"space": space, "page": page})
