from datetime import date

from django.core.paginator import Paginator
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema

from hiwar.core.api import ERRORS, ERRORS_AND_404, PLAIN_TEXT, SLUG
from hiwar.core.translation import pick
from hiwar.spaces import selectors
from hiwar.spaces.predicates import membership_of

router = Router(tags=["spaces"])


class PhaseOut(Schema):
    key: str
    title: str
    titles: dict[str, str]
    status: str
    planned_start: date | None
    planned_end: date | None
    actual_start: date | None
    actual_end: date | None
    checklist_total: int
    checklist_done: int


class SpaceOut(Schema):
    slug: str
    title: str = Field(description="In the requested language, falling back to Arabic, then English.")
    titles: dict[str, str]
    kind: str
    visibility: str
    country: str
    region: str
    template: str
    start_date: date | None
    url: str


class SpaceDetailOut(SpaceOut):
    description: str | None = Field(description="Only for those who may see the space's content.")
    member_count: int | None = Field(description="Only for those who may see the space's content.")
    phases: list[PhaseOut] | None = Field(description="Only for those who may see the space's content.")
    join_url: str | None = Field(
        description="Where a non-member joins or asks to join (POST, signed in); null for members."
    )


class SpacePage(Schema):
    count: int
    page: int
    pages: int
    results: list[SpaceOut]


def _space_out(space) -> dict:
    return {
        "slug": space.slug,
        "title": pick(space.title),
        "titles": space.title,
        "kind": space.kind,
        "visibility": space.visibility,
        "country": space.country.code or "",
        "region": space.region,
        "template": space.template_key,
        "start_date": space.start_date,
        "url": reverse("spaces:detail", args=[space.slug]),
    }


@router.get("", response={200: SpacePage, **ERRORS}, summary="Spaces the caller may see")
def list_spaces(
    request,
    kind: str = Query("", max_length=50, pattern=PLAIN_TEXT),
    region: str = Query("", max_length=50, pattern=PLAIN_TEXT),
    q: str = Query("", max_length=200, pattern=PLAIN_TEXT),
    page: int = Query(1, ge=1, le=1_000_000),
):
    spaces = selectors.space_list(request.user, kind=kind, region=region, query=q)
    paginator = Paginator(spaces, 50)
    current = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "results": [_space_out(space) for space in current],
    }


@router.get(
    "/{slug}",
    response={200: SpaceDetailOut, **ERRORS_AND_404},
    summary="One space (404 when it does not exist or is hidden)",
)
def get_space(request, slug: str = Path(..., max_length=100, pattern=SLUG)):
    space = selectors.space_for_user(request.user, slug)
    data = _space_out(space) | {"description": None, "member_count": None, "phases": None}
    # A non-member sees what the page shows: title, kind, where it is, and a way to ask to join.
    data["join_url"] = (
        None if membership_of(request.user, space) else reverse("spaces:join", args=[space.slug])
    )
    if request.user.has_perm("spaces.view_space", space):
        data["description"] = pick(space.description)
        data["member_count"] = space.memberships.count()
        overview = selectors.space_overview(space)
        data["phases"] = [
            {
                "key": s.phase.key,
                "title": pick(s.phase.title),
                "titles": s.phase.title,
                "status": s.phase.status,
                "planned_start": s.phase.planned_start,
                "planned_end": s.phase.planned_end,
                "actual_start": s.phase.actual_start,
                "actual_end": s.phase.actual_end,
                "checklist_total": s.items_total,
                "checklist_done": s.items_done,
            }
            for s in overview.phases
        ]
    return data
