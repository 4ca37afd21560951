"""Every change to spaces goes through here, so the pages, the admin, the API and the CLI behave alike."""

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hiwar.core.audit import audit
from hiwar.core.emails import queue_email
from hiwar.core.translation import clean_translations, pick
from hiwar.spaces.models import (
    MANAGER_ROLES,
    ChecklistItem,
    ExpectedOutput,
    Invitation,
    ItemStatus,
    JoinRequest,
    Membership,
    Phase,
    PhaseStatus,
    Role,
    Seat,
    Space,
    SpaceVisibility,
    hash_token,
)
from hiwar.spaces.signals import membership_ended, membership_role_changed, visibility_changed


def _unique_slug(title: dict, wanted: str = "") -> str:
    base = slugify(wanted or title.get("en") or "") or slugify(pick(title)) or "space"
    base = base[:70].strip("-") or "space"
    slug, n = base, 2
    while Space.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def space_create(
    *,
    title: dict,
    created_by,
    kind: str = "process",
    description: dict | None = None,
    visibility: str = SpaceVisibility.PUBLIC,
    country: str = "",
    region: str = "",
    start_date: date | None = None,
    template_key: str = "",
    slug: str = "",
) -> Space:
    """Create a space; its creator becomes its convenor; a template lays out phases, checklist and seats."""
    from hiwar.spaces.blueprints import apply_blueprint, get_blueprint

    blueprint = get_blueprint(template_key) if template_key else None
    title = clean_translations(title)
    description = clean_translations(description)
    if blueprint and not description:
        description = dict(blueprint.description)
    space = Space(
        slug=_unique_slug(title, slug),
        title=title,
        description=description,
        kind=kind or (blueprint.kind if blueprint else "process"),
        visibility=visibility,
        country=country,
        region=region,
        start_date=start_date or timezone.localdate(),
        template_key=template_key,
        created_by=created_by,
    )
    space.full_clean()
    space.save()
    if created_by is not None:
        Membership.objects.create(space=space, user=created_by, role=Role.CONVENOR)
    if blueprint:
        apply_blueprint(space, blueprint)
    audit(actor=created_by, action="space.create", space=space, target=str(space), template=template_key)
    return space


@transaction.atomic
def space_update(
    *,
    space: Space,
    actor,
    title: dict,
    description: dict,
    kind: str,
    visibility: str,
    country: str = "",
    region: str = "",
    start_date: date | None = None,
) -> Space:
    old_visibility = space.visibility
    space.title = clean_translations(title)
    space.description = clean_translations(description)
    space.kind, space.visibility, space.country, space.region = kind, visibility, country, region
    space.start_date = start_date
    space.full_clean()
    space.save()
    if old_visibility != visibility:
        audit(
            actor=actor,
            action="space.visibility",
            space=space,
            target=str(space),
            old=old_visibility,
            new=visibility,
        )
        visibility_changed.send(sender=Space, space=space, actor=actor, old=old_visibility, new=visibility)
    return space


@transaction.atomic
def membership_set_announcements(*, space: Space, user, receive: bool) -> Membership:
    membership = Membership.objects.filter(space=space, user=user).first()
    if membership is None:
        raise ValidationError(_("You are not a member of this space."))
    membership.wants_announcements = receive
    membership.save(update_fields=["wants_announcements", "updated_at"])
    return membership


def _require_verified(user) -> None:
    if not user.email_verified:
        raise ValidationError(_("Verify your e-mail address first: open the link we sent you."))


def _manager_count(space: Space) -> int:
    return space.memberships.filter(role__in=MANAGER_ROLES).count()


@transaction.atomic
def membership_add(*, space: Space, user, role: str = Role.MEMBER, actor=None) -> Membership:
    if Membership.objects.filter(space=space, user=user).exists():
        raise ValidationError(_("%(name)s is already a member of this space.") % {"name": user})
    membership = Membership(space=space, user=user, role=role)
    membership.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as error:  # two requests at once
        raise ValidationError(_("%(name)s is already a member of this space.") % {"name": user}) from error
    audit(actor=actor, action="membership.add", space=space, target=str(user), role=role)
    return membership


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, actor) -> Membership:
    if role not in Role.values:
        raise ValidationError(_("Choose a valid role."))
    old = membership.role
    if old == role:
        return membership
    if old in MANAGER_ROLES and role not in MANAGER_ROLES and _manager_count(membership.space) <= 1:
        raise ValidationError(_("A space needs at least one convenor or secretariat member."))
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    audit(
        actor=actor,
        action="membership.role",
        space=membership.space,
        target=str(membership.user),
        old=old,
        new=role,
    )
    membership_role_changed.send(
        sender=Membership, space=membership.space, user=membership.user, actor=actor, old=old, new=role
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor) -> None:
    space = membership.space
    if membership.role in MANAGER_ROLES and _manager_count(space) <= 1:
        raise ValidationError(_("A space needs at least one convenor or secretariat member."))
    user = membership.user
    action = "membership.leave" if actor == user else "membership.remove"
    membership.delete()
    audit(actor=actor, action=action, space=space, target=str(user), role=membership.role)
    membership_ended.send(sender=Membership, space=space, user=user, actor=actor)


def space_leave(*, space: Space, user) -> None:
    membership = Membership.objects.filter(space=space, user=user).first()
    if membership is None:
        raise ValidationError(_("You are not a member of this space."))
    membership_remove(membership=membership, actor=user)


@transaction.atomic
def space_join_public(*, space: Space, user) -> Membership:
    _require_verified(user)
    if space.visibility != SpaceVisibility.PUBLIC:
        raise PermissionDenied
    return membership_add(space=space, user=user, role=Role.MEMBER, actor=user)


# Invitations ---------------------------------------------------------------------------------------------


@transaction.atomic
def invitation_create(*, space: Space, email: str, role: str, invited_by, message: str = "") -> Invitation:
    email = email.strip().lower()
    if Membership.objects.filter(space=space, user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member of this space.")})
    # A new invitation replaces a pending one to the same address, so only the newest link works.
    space.invitations.filter(email__iexact=email, accepted_at=None, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        space=space,
        email=email,
        role=role,
        message=message,
        token_hash=hash_token(token),
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.HIWAR_INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    link = settings.HIWAR_BASE_URL + reverse("spaces:invitation", args=[token])
    queue_email(
        to=email,
        template="spaces/email/invitation",
        context={
            "space_title": pick(space.title, invited_by.preferred_language if invited_by else "ar"),
            "inviter": invited_by,
            "role": invitation.get_role_display(),
            "message": message,
            "link": link,
            "expires_at": invitation.expires_at,
        },
        language=invited_by.preferred_language if invited_by else "ar",
        space=space,
        topic="invitation",
    )
    audit(actor=invited_by, action="invitation.create", space=space, target=email, role=role)
    invitation.token = token  # only the sender's copy knows it; tests and the CLI read it
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    return Invitation.objects.select_related("space").filter(token_hash=hash_token(token)).first()


@transaction.atomic
def invitation_accept(*, token: str, user) -> Membership:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("space")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None or invitation.revoked_at:
        raise ValidationError(_("This invitation is not valid. Ask the space's secretariat for a new one."))
    if invitation.accepted_at:
        raise ValidationError(_("This invitation has already been used."))
    if invitation.is_expired:
        raise ValidationError(_("This invitation has expired. Ask the space's secretariat for a new one."))
    _require_verified(user)
    if invitation.email.lower() != user.email.lower():
        raise ValidationError(
            _("This invitation was sent to another e-mail address. Sign in with the address it was sent to.")
        )
    membership = membership_add(space=invitation.space, user=user, role=invitation.role, actor=user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    return membership


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor) -> None:
    if invitation.accepted_at:
        raise ValidationError(_("This invitation has already been used."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    audit(actor=actor, action="invitation.revoke", space=invitation.space, target=invitation.email)


# Join requests -------------------------------------------------------------------------------------------


@transaction.atomic
def join_request_create(*, space: Space, user, message: str = "") -> JoinRequest:
    _require_verified(user)
    if space.visibility != SpaceVisibility.MEMBERS:
        raise PermissionDenied
    if Membership.objects.filter(space=space, user=user).exists():
        raise ValidationError(_("You are already a member of this space."))
    if space.join_requests.filter(user=user, status=JoinRequest.Status.PENDING).exists():
        raise ValidationError(_("You have already asked to join; the secretariat will answer soon."))
    request = JoinRequest.objects.create(space=space, user=user, message=message.strip())
    for manager in space.memberships.filter(role__in=MANAGER_ROLES).select_related("user"):
        queue_email(
            to=manager.user.email,
            template="spaces/email/join_request",
            context={
                "space_title": pick(space.title, manager.user.preferred_language),
                "requester": user,
                "message": request.message,
                "link": settings.HIWAR_BASE_URL + reverse("spaces:members", args=[space.slug]),
            },
            language=manager.user.preferred_language,
            space=space,
            topic="join_request",
        )
    return request


@transaction.atomic
def join_request_decide(*, join_request: JoinRequest, approve: bool, actor) -> JoinRequest:
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        raise ValidationError(_("This request has already been answered."))
    join_request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
    join_request.decided_by, join_request.decided_at = actor, timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    if approve:
        membership_add(space=join_request.space, user=join_request.user, role=Role.MEMBER, actor=actor)
    audit(
        actor=actor,
        action="join_request.approve" if approve else "join_request.decline",
        space=join_request.space,
        target=str(join_request.user),
    )
    queue_email(
        to=join_request.user.email,
        template="spaces/email/join_decision",
        context={
            "space_title": pick(join_request.space.title, join_request.user.preferred_language),
            "approved": approve,
            "link": settings.HIWAR_BASE_URL + join_request.space.get_absolute_url(),
        },
        language=join_request.user.preferred_language,
        space=join_request.space,
        topic="join_request",
    )
    return join_request


# Phases, checklist, outputs, seats ------------------------------------------------------------------------
#
# Managers (spaces.manage_space) shape the process: add, edit, reorder and remove phases, action items,
# expected outputs and seats. Co-leads (spaces.update_progress) only move the work on: status, dates,
# owners and progress. Both go through these functions; each change is audited.

PHASE_AUDITED_FIELDS = ("status", "planned_start", "planned_end", "actual_start", "actual_end")
PHASE_TEXT_FIELDS = ("title", "description")


def _require_text(value: dict | None, field: str, message: str) -> dict:
    value = clean_translations(value)
    if not value:
        raise ValidationError({field: message})
    return value


def _text_or_date(value) -> str:
    return pick(value) if isinstance(value, dict) else str(value or "")


def _diff(before: dict, obj, names) -> dict:
    return {
        name: [_text_or_date(before[name]), _text_or_date(getattr(obj, name))]
        for name in names
        if before[name] != getattr(obj, name)
    }


def _next_order(queryset) -> int:
    last = queryset.order_by("-order").values_list("order", flat=True).first()
    return 0 if last is None else last + 1


def _order_in_section(phase: Phase, section: dict) -> int:
    """A new action item goes after the last one of its section (its heading is shown once), the
    items after it moving down one place; without a section, or a new section, at the end."""
    items = list(phase.checklist.select_for_update().order_by("order", "id"))
    same = [i for i, item in enumerate(items) if section and (item.section or {}) == section]
    if not same:
        return _next_order(phase.checklist.all())
    position = same[-1] + 1
    for order, item in enumerate(items):
        item.order = order if order < position else order + 1
    ChecklistItem.objects.bulk_update(items, ["order"])
    return position


def _move(obj, siblings, direction: str, *, group=None) -> bool:
    """Swap `obj` with its neighbour among `siblings` (ordered); False when it is already at that end.

    With `group` (a function of a row), a row only moves within its group: an action item stays
    under its section's heading."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Choose whether to move it up or down."))
    rows = list(siblings.select_for_update().order_by("order", "id"))
    index = next(i for i, row in enumerate(rows) if row.pk == obj.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(rows):
        return False
    if group is not None and group(rows[other]) != group(rows[index]):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    # Renumber the whole list: rows made at different times may share an order number.
    for order, row in enumerate(rows):
        row.order = order
    type(obj).objects.bulk_update(rows, ["order"])
    obj.order = next(row.order for row in rows if row.pk == obj.pk)
    return True


def _unique_phase_key(space: Space, title: dict, exclude_pk=None) -> str:
    base = (slugify(title.get("en") or "") or slugify(pick(title)) or "phase")[:50].strip("-") or "phase"
    taken = set(space.phases.exclude(pk=exclude_pk).values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


@transaction.atomic
def phase_add(
    *,
    space: Space,
    actor,
    title: dict,
    description: dict | None = None,
    status: str = PhaseStatus.PLANNED,
    planned_start: date | None = None,
    planned_end: date | None = None,
    actual_start: date | None = None,
    actual_end: date | None = None,
) -> Phase:
    title = _require_text(title, "title", _("Give the phase a title in at least one language."))
    phase = Phase(
        space=space,
        order=_next_order(space.phases.all()),
        key=_unique_phase_key(space, title),
        title=title,
        description=clean_translations(description),
        status=status,
        planned_start=planned_start,
        planned_end=planned_end,
        actual_start=actual_start,
        actual_end=actual_end,
    )
    phase.full_clean()
    phase.save()
    audit(actor=actor, action="phase.add", space=space, target=str(phase))
    return phase


@transaction.atomic
def phase_update(*, phase: Phase, actor, **changes) -> Phase:
    names = (*PHASE_AUDITED_FIELDS, *PHASE_TEXT_FIELDS)
    before = {name: getattr(phase, name) for name in names}
    for name, value in changes.items():
        if name not in names:
            raise TypeError(f"phase_update() got an unexpected field {name!r}")
        if name == "title":
            value = _require_text(value, "title", _("Give the phase a title in at least one language."))
        elif name == "description":
            value = clean_translations(value)
        setattr(phase, name, value)
    phase.full_clean()
    phase.save()
    changed = _diff(before, phase, names)
    if changed:
        audit(actor=actor, action="phase.update", space=phase.space, target=str(phase), changes=changed)
    return phase


@transaction.atomic
def phase_move(*, phase: Phase, actor, direction: str) -> Phase:
    if _move(phase, phase.space.phases.all(), direction):
        audit(actor=actor, action="phase.move", space=phase.space, target=str(phase), direction=direction)
    return phase


@transaction.atomic
def phase_remove(*, phase: Phase, actor) -> None:
    """Remove a phase with its action items and expected outputs; its discussion topics stay in the space."""
    space = phase.space
    items, outputs = phase.checklist.count(), phase.outputs.count()
    # Scheduling rules of other phases that name this one would refer to nothing.
    for other in space.phases.exclude(pk=phase.pk).exclude(rules=[]):
        kept = [rule for rule in other.rules if rule.get("other") != phase.key]
        if kept != other.rules:
            other.rules = kept
            other.save(update_fields=["rules", "updated_at"])
    target = str(phase)
    phase.delete()
    audit(actor=actor, action="phase.remove", space=space, target=target, items=items, outputs=outputs)


def _check_owner(space: Space, owner) -> None:
    if owner is not None and not Membership.objects.filter(space=space, user=owner).exists():
        raise ValidationError({"owner": _("The owner must be a member of this space.")})


ITEM_FIELDS = ("title", "section", "owner_role", "owner", "due_date", "status", "evidence_url")


@transaction.atomic
def checklist_item_add(
    *,
    phase: Phase,
    actor,
    title: dict,
    owner_role: str = "",
    owner=None,
    due_date: date | None = None,
    status: str = ItemStatus.TODO,
    evidence_url: str = "",
    section: dict | None = None,
) -> ChecklistItem:
    title = _require_text(title, "title", _("Write the action item in at least one language."))
    _check_owner(phase.space, owner)
    section = clean_translations(section)
    item = ChecklistItem(
        phase=phase,
        order=_order_in_section(phase, section),
        title=title,
        section=section,
        owner_role=owner_role,
        owner=owner,
        due_date=due_date,
        status=status,
        evidence_url=evidence_url,
    )
    item.full_clean()
    item.save()
    audit(actor=actor, action="checklist.add", space=phase.space, target=str(item), phase=str(phase))
    return item


@transaction.atomic
def checklist_item_update(*, item: ChecklistItem, actor, **changes) -> ChecklistItem:
    """Change an action item; co-leads pass status, owner, due date and evidence, managers also its text."""
    before = {name: getattr(item, name) for name in ITEM_FIELDS}
    for name, value in changes.items():
        if name not in ITEM_FIELDS:
            raise TypeError(f"checklist_item_update() got an unexpected field {name!r}")
        if name == "title":
            value = _require_text(value, "title", _("Write the action item in at least one language."))
        elif name == "section":
            value = clean_translations(value)
        setattr(item, name, value)
    _check_owner(item.phase.space, item.owner)
    item.full_clean()
    item.save()
    changed = _diff(before, item, ITEM_FIELDS)
    if changed:
        audit(
            actor=actor, action="checklist.update", space=item.phase.space, target=str(item), changes=changed
        )
    return item


@transaction.atomic
def checklist_item_move(*, item: ChecklistItem, actor, direction: str) -> ChecklistItem:
    if _move(item, item.phase.checklist.all(), direction, group=lambda row: row.section or {}):
        audit(
            actor=actor,
            action="checklist.move",
            space=item.phase.space,
            target=str(item),
            direction=direction,
        )
    return item


@transaction.atomic
def checklist_item_remove(*, item: ChecklistItem, actor) -> None:
    space, target = item.phase.space, str(item)
    item.delete()
    audit(actor=actor, action="checklist.remove", space=space, target=target)


@transaction.atomic
def output_add(
    *, phase: Phase, actor, title: dict, progress: int = 0, evidence_url: str = ""
) -> ExpectedOutput:
    title = _require_text(title, "title", _("Name the expected output in at least one language."))
    output = ExpectedOutput(
        phase=phase,
        order=_next_order(phase.outputs.all()),
        title=title,
        progress=progress,
        evidence_url=evidence_url,
    )
    output.full_clean()
    output.save()
    audit(actor=actor, action="output.add", space=phase.space, target=str(output), phase=str(phase))
    return output


OUTPUT_FIELDS = ("title", "progress", "evidence_url")


@transaction.atomic
def output_update(*, output: ExpectedOutput, actor, **changes) -> ExpectedOutput:
    before = {name: getattr(output, name) for name in OUTPUT_FIELDS}
    for name, value in changes.items():
        if name not in OUTPUT_FIELDS:
            raise TypeError(f"output_update() got an unexpected field {name!r}")
        if name == "title":
            value = _require_text(value, "title", _("Name the expected output in at least one language."))
        setattr(output, name, value)
    output.full_clean()
    output.save()
    changed = _diff(before, output, OUTPUT_FIELDS)
    if changed:
        audit(
            actor=actor, action="output.update", space=output.phase.space, target=str(output), changes=changed
        )
    return output


@transaction.atomic
def output_move(*, output: ExpectedOutput, actor, direction: str) -> ExpectedOutput:
    if _move(output, output.phase.outputs.all(), direction):
        audit(
            actor=actor,
            action="output.move",
            space=output.phase.space,
            target=str(output),
            direction=direction,
        )
    return output


@transaction.atomic
def output_remove(*, output: ExpectedOutput, actor) -> None:
    space, target = output.phase.space, str(output)
    output.delete()
    audit(actor=actor, action="output.remove", space=space, target=target)


SEAT_FIELDS = ("title", "group", "category", "suggested_role", "optional")


@transaction.atomic
def seat_add(
    *,
    space: Space,
    actor,
    title: dict,
    category: str,
    group: dict | None = None,
    suggested_role: str = "",
    optional: bool = False,
) -> Seat:
    title = _require_text(title, "title", _("Name the seat in at least one language."))
    seat = Seat(
        space=space,
        order=_next_order(space.seats.all()),
        title=title,
        group=clean_translations(group),
        category=category,
        suggested_role=suggested_role,
        optional=optional,
    )
    seat.full_clean()
    seat.save()
    audit(actor=actor, action="seat.add", space=space, target=str(seat))
    return seat


_KEEP = object()


@transaction.atomic
def seat_update(*, seat: Seat, actor, membership=_KEEP, **changes) -> Seat:
    """Change a seat's description; `membership` (when given) also changes who holds it."""
    before = {name: getattr(seat, name) for name in SEAT_FIELDS}
    for name, value in changes.items():
        if name not in SEAT_FIELDS:
            raise TypeError(f"seat_update() got an unexpected field {name!r}")
        if name == "title":
            value = _require_text(value, "title", _("Name the seat in at least one language."))
        elif name == "group":
            value = clean_translations(value)
        setattr(seat, name, value)
    seat.full_clean()
    seat.save()
    changed = _diff(before, seat, SEAT_FIELDS)
    if changed:
        audit(actor=actor, action="seat.update", space=seat.space, target=str(seat), changes=changed)
    if membership is not _KEEP:
        seat_assign(seat=seat, membership=membership, actor=actor)
    return seat


@transaction.atomic
def seat_move(*, seat: Seat, actor, direction: str) -> Seat:
    if _move(seat, seat.space.seats.all(), direction):
        audit(actor=actor, action="seat.move", space=seat.space, target=str(seat), direction=direction)
    return seat


@transaction.atomic
def seat_remove(*, seat: Seat, actor) -> None:
    space, target = seat.space, str(seat)
    holder = str(seat.membership.user) if seat.membership_id else ""
    seat.delete()
    audit(actor=actor, action="seat.remove", space=space, target=target, holder=holder)


@transaction.atomic
def seat_assign(*, seat: Seat, membership: Membership | None, actor) -> Seat:
    if membership is not None and membership.space_id != seat.space_id:
        raise ValidationError(_("The seat must be held by a member of this space."))
    if membership == seat.membership:
        return seat
    seat.membership = membership
    seat.save(update_fields=["membership", "updated_at"])
    audit(
        actor=actor,
        action="seat.assign",
        space=seat.space,
        target=str(seat),
        holder=str(membership.user) if membership else "",
    )
    return seat
