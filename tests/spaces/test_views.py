import re

import pytest
from django.urls import reverse

from hiwar.spaces.models import Membership, Role
from tests.factories import PhaseFactory, SpaceFactory, UserFactory


def detail(space, lang="en"):
    return f"/{lang}/spaces/{space.slug}/"


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_closed_space_is_a_404_for_non_members_everywhere(client, space_with_roles, who):
    space, people = space_with_roles("closed")
    if who == "outsider":
        client.force_login(people["outsider"])
    urls = [
        detail(space),
        f"/en/spaces/{space.slug}/members/",
        f"/en/spaces/{space.slug}/audit/",
        f"/en/spaces/{space.slug}/edit/",
        f"/en/spaces/{space.slug}/phases/{PhaseFactory(space=space).pk}/",
        f"/api/v1/spaces/{space.slug}",
    ]
    missing = client.get("/en/spaces/does-not-exist/")
    for url in urls:
        response = client.get(url, follow=False)
        # Anonymous visitors of member pages are asked to sign in; nobody learns the space exists.
        if who == "anonymous" and response.status_code == 302:
            assert "/accounts/login/" in response["Location"]
            continue
        assert response.status_code == 404, url
    assert missing.status_code == 404
    assert space.title["en"] not in client.get("/en/spaces/").content.decode()
    assert space.slug not in client.get("/api/v1/spaces").content.decode()


def test_closed_space_is_visible_to_its_members(client, space_with_roles):
    space, people = space_with_roles("closed")
    client.force_login(people["observer"])
    response = client.get(detail(space))
    assert response.status_code == 200
    assert space.title["en"] in response.content.decode()
    assert space.title["en"] in client.get("/en/spaces/").content.decode()


def test_members_only_space_shows_its_title_and_a_join_request_but_not_its_work(client, space_with_roles):
    space, people = space_with_roles("members")
    PhaseFactory(space=space, title={"en": "Baseline assessment"})
    client.force_login(people["outsider"])
    page = client.get(detail(space)).content.decode()
    assert space.title["en"] in page
    assert "Baseline assessment" not in page
    assert "Ask to join" in page
    assert client.get(f"/api/v1/spaces/{space.slug}").json()["phases"] is None

    client.force_login(people["member"])
    assert "Baseline assessment" in client.get(detail(space)).content.decode()


def test_join_request_from_the_page(client, space_with_roles, mailoutbox):
    space, people = space_with_roles("members")
    client.force_login(people["outsider"])
    response = client.post(f"/en/spaces/{space.slug}/join/", {"message": "I work on nutrition"}, follow=True)
    assert "Your request is sent" in response.content.decode()
    assert space.join_requests.get().user == people["outsider"]
    assert "waiting for an answer" in client.get(detail(space)).content.decode()


def test_member_cannot_manage(client, space_with_roles):
    space, people = space_with_roles("public")
    client.force_login(people["member"])
    assert client.get(f"/en/spaces/{space.slug}/edit/").status_code == 403
    target = Membership.objects.get(space=space, user=people["observer"])
    response = client.post(
        f"/en/spaces/{space.slug}/members/{target.pk}/", {"action": "role", "role": "convenor"}
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.role == Role.OBSERVER


def test_convenor_changes_a_role_from_the_members_page(client, space_with_roles):
    space, people = space_with_roles("public")
    client.force_login(people["convenor"])
    target = Membership.objects.get(space=space, user=people["member"])
    response = client.post(
        f"/en/spaces/{space.slug}/members/{target.pk}/",
        {"action": "role", "role": "facilitator"},
        follow=True,
    )
    assert response.status_code == 200
    target.refresh_from_db()
    assert target.role == Role.FACILITATOR
    audit_page = client.get(f"/en/spaces/{space.slug}/audit/").content.decode()
    assert "Role changed" in audit_page


def test_invitation_link_flow(client, space_with_roles, mailoutbox, django_capture_on_commit_callbacks):
    space, people = space_with_roles("closed")
    client.force_login(people["secretariat"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/spaces/{space.slug}/members/invite/", {"email": "new@example.org", "role": "facilitator"}
        )
    assert response.status_code == 302
    link = next(line for line in mailoutbox[0].body.splitlines() if "/spaces/invitation/" in line)
    path = link[link.index("/ar/") :] if "/ar/" in link else link[link.index("/en/") :]
    guest = UserFactory(email="new@example.org")
    client.force_login(guest)
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    assert Membership.objects.get(space=space, user=guest).role == Role.FACILITATOR
    reused = client.post(path)
    assert reused.status_code == 400


def test_phase_edit_rejects_end_before_start_and_changes_nothing(client, space_with_roles):
    space, people = space_with_roles("public")
    phase = PhaseFactory(space=space)
    client.force_login(people["co_lead"])
    response = client.post(
        f"/en/spaces/{space.slug}/phases/{phase.pk}/edit/",
        {"status": "in_progress", "planned_start": "2026-05-10", "planned_end": "2026-05-01"},
    )
    assert response.status_code == 200
    assert "cannot end before it starts" in response.content.decode()
    phase.refresh_from_db()
    assert (phase.status, phase.planned_start) == ("planned", None)


def test_facilitator_cannot_update_progress(client, space_with_roles):
    space, people = space_with_roles("public")
    phase = PhaseFactory(space=space)
    client.force_login(people["facilitator"])
    assert client.get(f"/en/spaces/{space.slug}/phases/{phase.pk}/edit/").status_code == 403


def test_space_list_query_count_stays_flat(client, django_assert_max_num_queries, user):
    for _ in range(30):
        space = SpaceFactory()
        Membership.objects.create(space=space, user=UserFactory(), role=Role.CONVENOR)
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.get("/en/spaces/")
    assert response.status_code == 200
    assert response.content.decode().count('class="card"') == 24  # first page


def test_space_page_query_count_does_not_grow_with_the_checklist(
    client, django_assert_max_num_queries, space_with_roles
):
    space, people = space_with_roles("public")
    for n in range(12):
        phase = PhaseFactory(space=space, order=n)
        for i in range(10):
            phase.checklist.create(title={"en": f"Item {n}.{i}"}, order=i)
            phase.outputs.create(title={"en": f"Output {n}.{i}"}, order=i)
    client.force_login(people["member"])
    with django_assert_max_num_queries(16):
        assert client.get(detail(space)).status_code == 200


def test_create_space_needs_a_verified_address(client, unverified_user):
    client.force_login(unverified_user)
    response = client.post("/en/spaces/new/", {"title_0": "x", "kind": "process", "visibility": "public"})
    assert response.status_code == 302
    assert not unverified_user.spaces.exists()


def test_create_space_form_errors_are_shown_and_nothing_is_created(client, user):
    client.force_login(user)
    response = client.post(reverse("spaces:create"), {"kind": "process", "visibility": "public"})
    assert response.status_code == 200
    assert "at least one language" in response.content.decode() or "لغة واحدة" in response.content.decode()
    assert not user.spaces.exists()


def test_invitations_are_throttled_per_inviter(client, space_with_roles, mailoutbox, settings):
    settings.HIWAR_THROTTLE_RATES = {**settings.HIWAR_THROTTLE_RATES, "invitation": "2/h"}
    space, people = space_with_roles("closed")
    client.force_login(people["secretariat"])
    invite = f"/en/spaces/{space.slug}/members/invite/"
    for n in (1, 2):
        assert client.post(invite, {"email": f"guest{n}@example.org", "role": "member"}).status_code == 302
    response = client.post(invite, {"email": "guest3@example.org", "role": "member"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) <= 3600
    assert "Too many attempts. Try again in" in response.content.decode()
    assert not space.invitations.filter(email="guest3@example.org").exists()
    # Another manager of the space has a count of their own.
    client.force_login(people["convenor"])
    assert client.post(invite, {"email": "guest3@example.org", "role": "member"}).status_code == 302


def test_join_requests_are_throttled_per_account(client, space_with_roles, settings):
    settings.HIWAR_THROTTLE_RATES = {**settings.HIWAR_THROTTLE_RATES, "join_request": "2/h"}
    space, people = space_with_roles("members")
    client.force_login(people["outsider"])
    join = f"/en/spaces/{space.slug}/join/"
    for _attempt in range(2):
        assert client.post(join, {"message": "I work on nutrition"}).status_code == 302
    response = client.post(join, {"message": "I work on nutrition"})
    assert response.status_code == 429
    assert "Too many attempts. Try again in" in response.content.decode()
    assert space.join_requests.filter(user=people["outsider"]).count() == 1


@pytest.mark.parametrize("state", ["missing", "used", "revoked", "expired"])
def test_an_unusable_invitation_never_names_the_space(client, space_with_roles, state):
    from datetime import timedelta

    from django.utils import timezone

    from hiwar.spaces import services

    space, people = space_with_roles("closed")
    invitation = services.invitation_create(
        space=space, invited_by=people["secretariat"], email="new@example.org", role="member"
    )
    token = invitation.token
    guest = UserFactory(email="new@example.org")
    if state == "used":
        services.invitation_accept(token=token, user=guest)
    elif state == "revoked":
        services.invitation_revoke(invitation=invitation, actor=people["secretariat"])
    elif state == "expired":
        type(invitation).objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(days=1)
        )
    elif state == "missing":
        token = "no-such-token-0123456789"
    path = f"/en/spaces/invitation/{token}/"
    for who in (None, guest):
        if who:
            client.force_login(who)
        for response in (client.get(path), client.post(path)):
            page = response.content.decode()
            assert response.status_code in (302, 400, 404), state
            assert space.title["en"] not in page
            assert all(title not in page for title in space.title.values())


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_a_hidden_space_or_event_answers_exactly_like_a_missing_one(
    client, space_with_roles, make_event, who
):
    """Same status, same page, same database work: nothing tells a closed space exists."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    space, people = space_with_roles("closed")
    event = make_event(space)
    if who == "outsider":
        client.force_login(people["outsider"])
    pairs = [
        (f"/en/spaces/{space.slug}/", "/en/spaces/no-such-space/"),
        (f"/en/spaces/{space.slug}/events/{event.pk}/", f"/en/spaces/{space.slug}/events/99999999/"),
        (f"/api/v1/spaces/{space.slug}", "/api/v1/spaces/no-such-space"),
        (f"/api/v1/events/{event.pk}", "/api/v1/events/99999999"),
    ]
    for hidden, missing in pairs:
        answers = []
        for url in (hidden, missing):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            # The page links to itself (the language switcher): compare it without its own address.
            body = response.content.decode().replace(url.removeprefix("/en"), "THIS-PAGE")
            body = re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "CSRF", body)  # masked anew each time
            answers.append((response.status_code, body, len(queries)))
        assert answers[0] == answers[1], hidden
        assert answers[0][0] == 404
