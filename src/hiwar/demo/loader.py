"""The Arabic demo: people, organisations and spaces from `demo.yaml`, created through the services.

Idempotent: a second run finds the demo convenor and changes nothing.
"""

from datetime import date
from pathlib import Path

import yaml
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from hiwar.accounts.models import Organisation, Profile, User
from hiwar.core.translation import pick
from hiwar.demo.dialogue import load_dialogue
from hiwar.demo.events import load_demo_events
from hiwar.spaces import services as space_services
from hiwar.spaces.models import ItemStatus, Membership, PhaseStatus, Role, Space

DEMO_FILE = Path(__file__).resolve().parent / "demo.yaml"
DEMO_PASSWORD = "hiwar-demo-2026"  # noqa: S105  (a published demo login, never a real account)
DEMO_CONVENOR = "convenor@demo.hiwar.test"
DEMO_ADMIN = "admin@demo.hiwar.test"
FEATURED = "jordan-food-systems-convergence"  # the space whose first dialogue the demo shows


def load_demo_data() -> dict:
    return yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))


@transaction.atomic
def load_demo(today: date | None = None) -> bool:
    """Create the demo; return False when it is already there."""
    if User.objects.filter(email=DEMO_CONVENOR).exists():
        return False
    data = load_demo_data()
    organisations = {}
    for spec in data["organisations"]:
        organisation, _created = Organisation.objects.get_or_create(
            name=pick(spec["name"], "ar"),
            country=spec.get("country") or "",
            defaults={"type": spec["type"], "acronym": spec.get("acronym", "")},
        )
        organisations[spec["key"]] = organisation

    # Hashing is deliberately slow (Argon2): every demo login shares one hash, made once.
    password_hash = make_password(DEMO_PASSWORD)
    people = {}
    for spec in data["people"]:
        user = User.objects.create(
            email=User.objects.normalize_email(spec["email"]),
            password=password_hash,
            name=pick(spec["name"], "ar"),
            email_verified=True,
        )
        Profile.objects.create(
            user=user,
            organisation=organisations.get(spec.get("organisation")),
            sector=spec.get("sector", ""),
            stakeholder_group=spec.get("stakeholder_group", ""),
            gender=spec.get("gender", ""),
            age_range=spec.get("age_range", ""),
            country=spec.get("country", ""),
            working_languages=spec.get("languages", ["ar"]),
        )
        people[spec["key"]] = user
    User.objects.create(
        email=DEMO_ADMIN,
        password=password_hash,
        name="مدير المنصة",
        is_staff=True,
        is_superuser=True,
        email_verified=True,
    )

    # The featured space is created last, so the home page lists it first among the latest.
    specs = sorted(data["spaces"], key=lambda spec: spec.get("featured", False))
    spaces = {spec["key"]: _create_space(spec, people) for spec in specs}
    load_demo_events()
    load_dialogue(spaces[FEATURED], password_hash, today or timezone.localdate())
    return True


def _create_space(spec: dict, people: dict) -> Space:
    members = spec.get("members", [])
    convenor_spec = next((m for m in members if m["role"] == Role.CONVENOR), members[0])
    space = space_services.space_create(
        title=spec["title"],
        description=spec.get("description"),
        created_by=people[convenor_spec["person"]],
        kind=spec.get("kind", ""),
        visibility=spec.get("visibility", "public"),
        country=spec.get("country", ""),
        region=spec.get("region", ""),
        start_date=spec.get("start_date"),
        template_key=spec.get("template", ""),
        slug=spec.get("key", ""),
    )
    seats = {seat.key: seat for seat in space.seats.all()}
    for key in spec.get("drop_seats", []):
        space_services.seat_remove(seat=seats.pop(key), actor=None)
    for member in members:
        user = people[member["person"]]
        membership = Membership.objects.filter(space=space, user=user).first()
        if membership is None:
            membership = space_services.membership_add(
                space=space, user=user, role=member["role"], actor=None
            )
        if member.get("seat") in seats:
            seat = seats[member["seat"]]
            seat.membership = membership
            seat.save(update_fields=["membership"])
    for phase in space.phases.all():
        status = spec.get("phase_status", {}).get(phase.key)
        if status:
            phase.status = status
            if status in (PhaseStatus.IN_PROGRESS, PhaseStatus.DONE):
                phase.actual_start = phase.planned_start
            if status == PhaseStatus.DONE:
                phase.actual_end = phase.planned_end
            phase.save()
    done = spec.get("checklist_done", 0)
    if done:
        items = [i for p in space.phases.all() for i in p.checklist.all()][:done]
        for item in items:
            item.status = ItemStatus.DONE
            item.save(update_fields=["status"])
    return space
