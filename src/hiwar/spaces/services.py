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
    JoinRequest,
    Membership,
    Phase,
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

PHASE_AUDITED_FIELDS = ("status", "planned_start", "planned_end", "actual_start", "actual_end")


@transaction.atomic
def phase_update(*, phase: Phase, actor, **changes) -> Phase:
    before = {name: getattr(phase, name) for name in PHASE_AUDITED_FIELDS}
    for name, value in changes.items():
        if name not in (*PHASE_AUDITED_FIELDS, "title", "description"):
            raise TypeError(f"phase_update() got an unexpected field {name!r}")
        setattr(phase, name, value)
    phase.full_clean()
    phase.save()
    changed = {
        name: [str(before[name] or ""), str(getattr(phase, name) or "")]
        for name in PHASE_AUDITED_FIELDS
        if before[name] != getattr(phase, name)
    }
    if changed:
        audit(actor=actor, action="phase.update", space=phase.space, target=str(phase), changes=changed)
    return phase


@transaction.atomic
def checklist_item_update(
    *, item: ChecklistItem, actor, status: str, owner=None, due_date=None, evidence_url: str = ""
) -> ChecklistItem:
    if owner is not None and not Membership.objects.filter(space=item.phase.space, user=owner).exists():
        raise ValidationError({"owner": _("The owner must be a member of this space.")})
    item.status, item.owner, item.due_date, item.evidence_url = status, owner, due_date, evidence_url
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def output_update(*, output: ExpectedOutput, actor, progress: int, evidence_url: str = "") -> ExpectedOutput:
    output.progress, output.evidence_url = progress, evidence_url
    output.full_clean()
    output.save()
    return output


@transaction.atomic
def seat_assign(*, seat: Seat, membership: Membership | None, actor) -> Seat:
    if membership is not None and membership.space_id != seat.space_id:
        raise ValidationError(_("The seat must be held by a member of this space."))
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
