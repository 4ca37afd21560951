from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from hiwar.core.arabic import normalise
from hiwar.spaces.access import spaces_known_to
from hiwar.spaces.models import (
    LEAD_ROLES,
    ChecklistItem,
    ItemStatus,
    Membership,
    Phase,
    PhaseStatus,
    Space,
    SpaceVisibility,
)

DUE_SOON_DAYS = 30


def visible_spaces(user) -> QuerySet[Space]:
    """Spaces whose existence the user may know of: public, members-only, and closed ones they belong to."""
    return spaces_known_to(user)


def space_list(user, *, kind: str = "", region: str = "", query: str = "") -> QuerySet[Space]:
    spaces = visible_spaces(user).annotate(member_count=Count("memberships", distinct=True))
    if kind:
        spaces = spaces.filter(kind=kind)
    if region:
        spaces = spaces.filter(region=region)
    if query:
        spaces = spaces.filter(search_text__contains=normalise(query))
    return spaces.order_by("-created_at")


def space_for_user(user, slug: str, perm: str = "spaces.see_space") -> Space:
    """The space if the user holds `perm` on it; the same 404 for missing and forbidden, so nothing leaks."""
    found = Space.objects.filter(slug=slug).first()
    # A missing space is checked as a closed one (id 0 names no row), so "missing" and "hidden" do the
    # same work and answer the same 404: the time of the answer tells nothing either.
    stand_in = Space(pk=0, slug=slug, visibility=SpaceVisibility.CLOSED, title={})
    allowed = user.has_perm(perm, found or stand_in)
    if found is None or not allowed:
        raise Http404
    return found


def memberships_of_space(space: Space) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(space=space)
        .select_related("user", "user__profile", "user__profile__organisation")
        .order_by("role", "user__name")
    )


def members_for_page(
    space: Space, *, query: str = "", all_organisations: bool = False
) -> QuerySet[Membership]:
    """The members list: searchable by name or organisation, each row with its open action items counted.

    Others' organisations are searched only where their owners show them to members (`all_organisations`
    for managers, who see every organisation), so a search never reveals a hidden one.
    """
    open_items = (
        ChecklistItem.objects.filter(
            phase__space=space,
            owner=OuterRef("user"),
            status__in=(ItemStatus.TODO, ItemStatus.IN_PROGRESS),
        )
        .order_by()
        .values("owner")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = memberships_of_space(space).annotate(
        open_items=Coalesce(Subquery(open_items, output_field=IntegerField()), 0)
    )
    query = query.strip()
    if query:
        organisation = Q(user__profile__organisation__name__icontains=query)
        if not all_organisations:
            organisation &= ~Q(user__profile__visibility__has_key="organisation") | Q(
                user__profile__visibility__organisation__in=["members", "public"]
            )
        rows = rows.filter(Q(user__name__icontains=query) | organisation)
    return rows


def leads_of_space(space: Space) -> QuerySet[Membership]:
    return memberships_of_space(space).filter(role__in=LEAD_ROLES)


@dataclass
class PhaseSummary:
    phase: Phase
    items_total: int = 0
    items_done: int = 0
    outputs_progress: int = 0  # mean percentage over expected outputs

    @property
    def items_percent(self) -> int:
        return round(100 * self.items_done / self.items_total) if self.items_total else 0


@dataclass
class SpaceOverview:
    phases: list[PhaseSummary] = field(default_factory=list)
    current: PhaseSummary | None = None
    overdue: list[ChecklistItem] = field(default_factory=list)
    due_soon: list[ChecklistItem] = field(default_factory=list)
    member_count: int = 0


def space_overview(space: Space, today: date | None = None) -> SpaceOverview:
    """Where the process stands and what is due, in a fixed number of queries whatever its size."""
    today = today or timezone.localdate()
    phases = list(
        space.phases.prefetch_related(
            Prefetch("checklist", queryset=ChecklistItem.objects.select_related("owner")),
            "outputs",
            "topics__questions",
        )
    )
    overview = SpaceOverview(member_count=space.memberships.count())
    for phase in phases:
        items = list(phase.checklist.all())
        outputs = list(phase.outputs.all())
        summary = PhaseSummary(
            phase=phase,
            items_total=sum(1 for i in items if i.status != ItemStatus.NOT_APPLICABLE),
            items_done=sum(1 for i in items if i.status == ItemStatus.DONE),
            outputs_progress=round(sum(o.progress for o in outputs) / len(outputs)) if outputs else 0,
        )
        overview.phases.append(summary)
        for item in items:
            if not item.is_open or item.due_date is None:
                continue
            if item.due_date < today:
                overview.overdue.append(item)
            elif item.due_date <= today + timedelta(days=DUE_SOON_DAYS):
                overview.due_soon.append(item)
    overview.current = next(
        (s for s in overview.phases if s.phase.status == PhaseStatus.IN_PROGRESS),
        next((s for s in overview.phases if s.phase.status == PhaseStatus.PLANNED), None),
    )
    overview.overdue.sort(key=lambda i: i.due_date)
    overview.due_soon.sort(key=lambda i: i.due_date)
    return overview
