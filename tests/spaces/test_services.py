from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from hiwar.core.models import AuditEntry
from hiwar.spaces import services
from hiwar.spaces.models import Invitation, JoinRequest, Membership, Phase, Role
from tests.factories import MembershipFactory, PhaseFactory, UserFactory


def test_creator_becomes_convenor_and_creation_is_audited(user):
    space = services.space_create(title={"ar": "حوار وطني", "en": "National dialogue"}, created_by=user)
    assert space.slug == "national-dialogue"
    assert Membership.objects.get(space=space, user=user).role == Role.CONVENOR
    assert AuditEntry.objects.filter(space=space, action="space.create", actor=user).exists()


def test_slugs_stay_unique_and_arabic_only_titles_get_one(user):
    first = services.space_create(title={"ar": "حوار", "en": "Dialogue"}, created_by=user)
    second = services.space_create(title={"ar": "حوار", "en": "Dialogue"}, created_by=user)
    arabic_only = services.space_create(title={"ar": "حوار التقارب"}, created_by=user)
    assert (first.slug, second.slug) == ("dialogue", "dialogue-2")
    assert arabic_only.slug.startswith("space")


def test_a_space_needs_a_title(user):
    with pytest.raises(ValidationError):
        services.space_create(title={"ar": "  "}, created_by=user)
    assert not Membership.objects.exists()


def test_visibility_change_is_audited(make_space, user):
    space = make_space(members=[(user, Role.CONVENOR)])
    services.space_update(
        space=space,
        actor=user,
        title=space.title,
        description={},
        kind="process",
        visibility="closed",
    )
    entry = AuditEntry.objects.get(space=space, action="space.visibility")
    assert (entry.actor, entry.data) == (user, {"old": "public", "new": "closed"})


def test_duplicate_membership_is_refused_with_a_message(make_space, user):
    space = make_space(members=[(user, Role.MEMBER)])
    with translation.override("ar"), pytest.raises(ValidationError) as error:
        services.membership_add(space=space, user=user)
    assert "عضو" in error.value.messages[0]
    assert Membership.objects.filter(space=space, user=user).count() == 1


def test_role_change_is_audited_and_the_last_manager_is_kept(make_space, user):
    other = UserFactory()
    space = make_space(members=[(user, Role.CONVENOR), (other, Role.MEMBER)])
    membership = Membership.objects.get(space=space, user=other)
    services.membership_change_role(membership=membership, role=Role.FACILITATOR, actor=user)
    entry = AuditEntry.objects.get(action="membership.role")
    assert entry.data == {"old": "member", "new": "facilitator"}

    convenor = Membership.objects.get(space=space, user=user)
    with pytest.raises(ValidationError):
        services.membership_change_role(membership=convenor, role=Role.MEMBER, actor=user)
    with pytest.raises(ValidationError):
        services.space_leave(space=space, user=user)
    convenor.refresh_from_db()
    assert convenor.role == Role.CONVENOR


def test_member_leaves_and_is_removed(make_space, user):
    leaver, removed = UserFactory(), UserFactory()
    space = make_space(members=[(user, Role.CONVENOR), (leaver, Role.MEMBER), (removed, Role.OBSERVER)])
    services.space_leave(space=space, user=leaver)
    services.membership_remove(membership=Membership.objects.get(space=space, user=removed), actor=user)
    assert list(space.memberships.values_list("user", flat=True)) == [user.pk]
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {
        "membership.leave",
        "membership.remove",
    }


class TestInvitations:
    def invite(self, space, inviter, email="guest@example.org", role=Role.FACILITATOR):
        return services.invitation_create(space=space, email=email, role=role, invited_by=inviter)

    def test_invitation_mail_carries_a_single_use_link(
        self, make_space, user, mailoutbox, django_capture_on_commit_callbacks
    ):
        space = make_space(visibility="closed", members=[(user, Role.CONVENOR)])
        with django_capture_on_commit_callbacks(execute=True):
            invitation = self.invite(space, user)
        assert len(mailoutbox) == 1
        assert mailoutbox[0].to == ["guest@example.org"]
        assert invitation.token in mailoutbox[0].body
        assert invitation.token not in Invitation.objects.get().token_hash  # only the hash is stored

        guest = UserFactory(email="guest@example.org")
        membership = services.invitation_accept(token=invitation.token, user=guest)
        assert membership.role == Role.FACILITATOR
        with pytest.raises(ValidationError, match="already been used"), translation.override("en"):
            services.invitation_accept(token=invitation.token, user=guest)

    def test_invitation_mail_is_plain_text_not_html_escaped(
        self, make_space, user, mailoutbox, django_capture_on_commit_callbacks
    ):
        space = make_space(
            title={"en": "Women & Youth", "ar": "النساء والشباب"}, members=[(user, Role.CONVENOR)]
        )
        user.name = "Aisha O'Brien"
        user.save()
        with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
            self.invite(space, user)
        body = mailoutbox[0].body
        assert "Aisha O'Brien" in body
        assert "&#x27;" not in body and "&amp;" not in body

    def test_expired_invitation_changes_nothing(self, make_space, user):
        space = make_space(visibility="closed", members=[(user, Role.CONVENOR)])
        invitation = self.invite(space, user)
        Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        guest = UserFactory(email="guest@example.org")
        with translation.override("en"), pytest.raises(ValidationError, match="expired"):
            services.invitation_accept(token=invitation.token, user=guest)
        assert not Membership.objects.filter(user=guest).exists()

    def test_unverified_address_cannot_accept(self, make_space, user):
        space = make_space(visibility="closed", members=[(user, Role.CONVENOR)])
        invitation = self.invite(space, user)
        guest = UserFactory(email="guest@example.org", email_verified=False)
        with translation.override("en"), pytest.raises(ValidationError, match="Verify your e-mail"):
            services.invitation_accept(token=invitation.token, user=guest)
        assert Invitation.objects.get().accepted_at is None

    def test_invitation_for_another_address_is_refused(self, make_space, user):
        space = make_space(visibility="closed", members=[(user, Role.CONVENOR)])
        invitation = self.invite(space, user)
        stranger = UserFactory(email="forwarded@example.org")
        with pytest.raises(ValidationError):
            services.invitation_accept(token=invitation.token, user=stranger)
        assert not Membership.objects.filter(user=stranger).exists()

    def test_unknown_token_and_revoked_invitation(self, make_space, user):
        space = make_space(members=[(user, Role.CONVENOR)])
        invitation = self.invite(space, user)
        services.invitation_revoke(invitation=Invitation.objects.get(), actor=user)
        guest = UserFactory(email="guest@example.org")
        for token in (invitation.token, "not-a-token"):
            with pytest.raises(ValidationError):
                services.invitation_accept(token=token, user=guest)

    def test_a_new_invitation_replaces_the_pending_one(self, make_space, user):
        space = make_space(members=[(user, Role.CONVENOR)])
        old = self.invite(space, user)
        new = self.invite(space, user)
        guest = UserFactory(email="guest@example.org")
        with pytest.raises(ValidationError):
            services.invitation_accept(token=old.token, user=guest)
        assert services.invitation_accept(token=new.token, user=guest).space == space

    def test_inviting_a_member_is_refused(self, make_space, user):
        member = UserFactory(email="already@example.org")
        space = make_space(members=[(user, Role.CONVENOR), (member, Role.MEMBER)])
        with pytest.raises(ValidationError):
            self.invite(space, user, email="Already@Example.org")
        assert not Invitation.objects.exists()


class TestJoinRequests:
    def test_request_is_approved_and_the_person_told(
        self, make_space, user, mailoutbox, django_capture_on_commit_callbacks
    ):
        space = make_space(visibility="members", members=[(user, Role.SECRETARIAT)])
        applicant = UserFactory()
        with django_capture_on_commit_callbacks(execute=True):
            request = services.join_request_create(space=space, user=applicant, message="أعمل على التغذية")
        assert [m.to for m in mailoutbox] == [[user.email]]
        with django_capture_on_commit_callbacks(execute=True):
            services.join_request_decide(join_request=request, approve=True, actor=user)
        assert Membership.objects.get(space=space, user=applicant).role == Role.MEMBER
        assert mailoutbox[-1].to == [applicant.email]

    def test_declined_request_adds_no_member(self, make_space, user):
        space = make_space(visibility="members", members=[(user, Role.CONVENOR)])
        applicant = UserFactory()
        request = services.join_request_create(space=space, user=applicant)
        services.join_request_decide(join_request=request, approve=False, actor=user)
        assert not Membership.objects.filter(user=applicant).exists()
        with pytest.raises(ValidationError):
            services.join_request_decide(join_request=request, approve=True, actor=user)

    def test_bad_requests_change_nothing(self, make_space, user, unverified_user):
        members_only = make_space(visibility="members", members=[(user, Role.CONVENOR)])
        closed = make_space(visibility="closed", members=[(user, Role.CONVENOR)])
        applicant = UserFactory()
        services.join_request_create(space=members_only, user=applicant)
        with pytest.raises(ValidationError):
            services.join_request_create(space=members_only, user=applicant)  # twice
        with pytest.raises(ValidationError):
            services.join_request_create(space=members_only, user=user)  # already a member
        with translation.override("en"), pytest.raises(ValidationError, match="Verify your e-mail"):
            services.join_request_create(space=members_only, user=unverified_user)
        with pytest.raises(PermissionDenied):  # a closed space takes no requests
            services.join_request_create(space=closed, user=applicant)
        assert JoinRequest.objects.count() == 1


def test_public_space_is_joined_directly_by_verified_people(make_space, unverified_user):
    space = make_space(visibility="public")
    joiner = UserFactory()
    assert services.space_join_public(space=space, user=joiner).role == Role.MEMBER
    with pytest.raises(ValidationError):
        services.space_join_public(space=space, user=unverified_user)


class TestPhases:
    def test_a_phase_cannot_end_before_it_starts(self, user):
        phase = PhaseFactory(planned_start=date(2026, 3, 1))
        with translation.override("ar"), pytest.raises(ValidationError) as error:
            services.phase_update(phase=phase, actor=user, planned_end=date(2026, 2, 1))
        assert "تنتهي" in str(error.value)
        phase.refresh_from_db()
        assert phase.planned_end is None
        assert not AuditEntry.objects.exists()

    def test_status_and_dates_are_audited(self, user):
        phase = PhaseFactory(planned_start=date(2026, 3, 1))
        services.phase_update(phase=phase, actor=user, status="in_progress", actual_start=date(2026, 3, 3))
        entry = AuditEntry.objects.get(action="phase.update")
        assert entry.data["changes"] == {
            "status": ["planned", "in_progress"],
            "actual_start": ["", "2026-03-03"],
        }
        assert Phase.objects.get().status == "in_progress"

    def test_checklist_owner_must_be_a_member(self, make_space, user):
        space = make_space(members=[(user, Role.CONVENOR)])
        phase = PhaseFactory(space=space)
        item = phase.checklist.create(title={"en": "Baseline report"})
        outsider = UserFactory()
        with pytest.raises(ValidationError):
            services.checklist_item_update(item=item, actor=user, status="done", owner=outsider)
        services.checklist_item_update(item=item, actor=user, status="done", owner=user)
        item.refresh_from_db()
        assert (item.status, item.owner) == ("done", user)

    def test_output_progress_is_a_percentage(self, make_space, user):
        phase = PhaseFactory()
        output = phase.outputs.create(title={"en": "Baseline report"})
        with pytest.raises(ValidationError):
            services.output_update(output=output, actor=user, progress=120)
        services.output_update(output=output, actor=user, progress=60)
        output.refresh_from_db()
        assert output.progress == 60


def test_seat_is_held_by_a_member_of_the_same_space(make_space, user):
    space = make_space(members=[(user, Role.CONVENOR)])
    other_space = make_space()
    seat = space.seats.create(category="government", title={"en": "Ministry of Health"})
    foreign = MembershipFactory(space=other_space)
    with pytest.raises(ValidationError):
        services.seat_assign(seat=seat, membership=foreign, actor=user)
    services.seat_assign(seat=seat, membership=space.memberships.get(), actor=user)
    assert AuditEntry.objects.filter(action="seat.assign").count() == 1
