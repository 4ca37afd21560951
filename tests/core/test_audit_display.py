"""The audit log reads as sentences of fields and values, in the reader's language — no raw data."""

import pytest

from hiwar.core.audit import audit
from hiwar.spaces import services as space_services
from hiwar.spaces.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def convened(make_space):
    convenor = UserFactory(name="Samar")
    space = make_space(visibility="members", members=[(convenor, Role.CONVENOR)])
    return space, convenor


def audit_page(client, space, convenor, language="en"):
    client.force_login(convenor)
    response = client.get(f"/{language}/spaces/{space.slug}/audit/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_role_change_names_its_fields_and_roles(client, convened):
    space, convenor = convened
    membership = space_services.membership_add(space=space, user=UserFactory(name="Omar"), actor=convenor)
    space_services.membership_change_role(membership=membership, role=Role.FACILITATOR, actor=convenor)

    page = audit_page(client, space, convenor)
    assert "{" not in page and "&#x27;" not in page  # no Python dictionaries
    assert "<dt>Before</dt>" in page and "<dt>After</dt>" in page
    assert ">Member</span>" in page and ">Facilitator</span>" in page  # the roles' names, not their codes


def test_changed_fields_are_listed_with_old_and_new_values(client, convened):
    space, convenor = convened
    audit(
        actor=convenor,
        action="phase.update",
        space=space,
        target="Phase 1",
        changes={"status": ["planned", "in_progress"]},
    )
    page = audit_page(client, space, convenor)
    assert "<dt>Changes</dt>" in page
    assert "Planned, now In progress" in page


def test_values_of_any_shape_are_readable(client, convened):
    space, convenor = convened
    audit(actor=convenor, action="future.thing", space=space, attended=True, pair=[3, 4], unknown_key="")
    page = audit_page(client, space, convenor)
    assert "<dt>Attended</dt>" in page and ">Yes</span>" in page
    assert ">3, 4</span>" in page
    assert "<dt>unknown_key</dt>" in page  # a detail without a name yet is still shown, as recorded


def test_the_audit_log_in_arabic_translates_django_known_values(client, convened):
    space, convenor = convened
    audit(actor=convenor, action="registration.check_in", space=space, attended=False)
    page = audit_page(client, space, convenor, language="ar")
    assert '<html lang="ar" dir="rtl">' in page
    assert ">لا</span>" in page  # "No", from Django's own catalogue
